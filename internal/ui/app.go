// Package ui is the desktop workbench of Kenshin Review, built with Fyne on
// the domain core: open OCR CSV files, see every suspect cell, fix it from
// the keyboard. The fyne.App is created by the caller (package main), so the
// tests here run headless without the GLFW driver.
package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/ocrcsv"
)

// AppTitle is the window title.
const AppTitle = "健診OCR確認 Kenshin Review"

// Deps are what the workbench needs from outside.
type Deps struct {
	Forms *form.Set
	Today func() jpdate.Date
}

// Workbench is the main window.
type Workbench struct {
	app    fyne.App
	win    fyne.Window
	deps   Deps
	body   *fyne.Container
	status *widget.Label
}

// New builds the main window on app.
func New(app fyne.App, deps Deps) *Workbench {
	app.Settings().SetTheme(newTheme())
	w := &Workbench{app: app, deps: deps, win: app.NewWindow(AppTitle), status: widget.NewLabel("CSV ファイルを開いてください（ファイル → 開く、またはウィンドウにドロップ）")}
	w.body = container.NewStack(widget.NewLabel(""))
	w.win.SetContent(container.NewBorder(nil, w.status, nil, nil, w.body))
	w.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("ファイル",
		fyne.NewMenuItem("開く…", w.showOpen),
	)))
	w.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		for _, u := range uris {
			w.OpenPath(u.Path())
		}
	})
	w.win.Resize(fyne.NewSize(1280, 800))
	return w
}

// Window returns the main window.
func (w *Workbench) Window() fyne.Window { return w.win }

func (w *Workbench) showOpen() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		w.OpenPath(r.URI().Path())
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".CSV"}))
	d.Show()
}

// OpenPath reads a CSV and shows it; a file that cannot be read gets a
// Japanese dialog naming file, line and problem.
func (w *Workbench) OpenPath(path string) error {
	b, err := ocrcsv.ReadFile(path, w.deps.Forms, ocrcsv.Options{})
	if err != nil {
		dialog.ShowError(fmt.Errorf("%s", err.Error()), w.win)
		return err
	}
	fs := check.Batch(b, w.deps.Forms.Growth, w.deps.Today())
	w.body.Objects = []fyne.CanvasObject{simpleTable(b, fs)}
	w.body.Refresh()
	w.win.SetTitle(AppTitle + " — " + filepath.Base(path))
	w.status.SetText(fmt.Sprintf("%s（%s）%d 行、指摘 %d 件", b.Form.Title, b.Encoding, len(b.Rows), len(fs)))
	return nil
}

func simpleTable(b *batch.Batch, fs []batch.Finding) fyne.CanvasObject {
	flag := map[[2]int]string{}
	for _, f := range fs {
		if f.Row > 0 && f.Field >= 0 {
			flag[[2]int{f.Row - 1, f.Field}] = strings.TrimSpace(f.Severity.Label())
		}
	}
	t := widget.NewTable(
		func() (int, int) { return len(b.Rows), len(b.Form.Fields) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			text := b.Value(id.Row, id.Col)
			if m := flag[[2]int{id.Row, id.Col}]; m != "" {
				text = "[" + m + "] " + text
			}
			o.(*widget.Label).SetText(text)
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(b.Form.Fields[id.Col].Label)
		}
	}
	for i := range b.Form.Fields {
		t.SetColumnWidth(i, 120)
	}
	return t
}
