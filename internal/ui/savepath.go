package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// lastSaveDirKey remembers the folder of the last export or report.
const lastSaveDirKey = "lastSaveDir"

// savePrompt is the 保存先 dialog on screen, for tests.
type savePrompt struct {
	path      *widget.Entry
	k         *keyDialog
	overwrite *keyDialog // 上書きの確認, when asked
}

// askSavePath asks where to write an export or a report: a folder (Fyne's
// folder dialog, which creates nothing) and a file name. Fyne's save dialog
// is not used: it creates or empties the chosen file before our code runs,
// so a refused export would leave an empty file, or destroy an earlier one.
// An existing file is only overwritten after the clerk says so, and then
// by the safefile rename once the new content is complete: a failure
// leaves the old file as it was and creates nothing.
func (w *Workbench) askSavePath(title, name, ext string, then func(path string)) *savePrompt {
	dir := w.app.Preferences().String(lastSaveDirKey)
	if dir == "" {
		dir, _ = os.UserHomeDir()
	}
	p := &savePrompt{path: widget.NewEntry()}
	p.path.SetText(filepath.Join(dir, name))
	pick := widget.NewButton("フォルダーを選ぶ…", func() {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			p.path.SetText(filepath.Join(u.Path(), filepath.Base(strings.TrimSpace(p.path.Text))))
		}, w.win)
		d.Show()
		japanesePlaces(w.win)
	})
	content := container.NewBorder(nil, nil, nil, pick, p.path)
	p.k = showKeyDialog(w.win, title+" — 保存先", "保存する", "やめる", container.NewVBox(widget.NewLabel("保存するファイル（フォルダーとファイル名）"), content), p.path, func(ok bool) {
		if !ok {
			return
		}
		path, err := savePath(p.path.Text, ext)
		if err != nil {
			w.showError("保存先を使えません", err)
			return
		}
		w.app.Preferences().SetString(lastSaveDirKey, filepath.Dir(path))
		if _, err := os.Stat(path); err == nil {
			l := wrapText(fmt.Sprintf("「%s」はすでにあります。上書きしますか？\n（書き出しに失敗したときは、元のファイルがそのまま残ります）", path), 560)
			p.overwrite = showKeyDialog(w.win, "上書きの確認", "上書きする", "やめる", l, nil, func(yes bool) {
				if yes {
					then(path)
				}
			})
			p.overwrite.d.Resize(fyne.NewSize(600, 220))
			return
		}
		then(path)
	})
	p.k.d.Resize(fyne.NewSize(720, 200))
	return p
}

// savePath checks the typed path: absolute, in an existing folder, with
// the extension ext (added when missing), not a folder itself.
func savePath(typed, ext string) (string, error) {
	path := strings.TrimSpace(typed)
	if path == "" {
		return "", errors.New("保存するファイルの名前を入力してください")
	}
	if !strings.HasSuffix(strings.ToLower(path), ext) {
		path += ext
	}
	path = filepath.Clean(path)
	if !filepath.IsAbs(path) {
		return "", fmt.Errorf("「%s」: フォルダーから指定してください（例 %s）", path, filepath.Join(string(filepath.Separator)+"data", "file"+ext))
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return "", fmt.Errorf("フォルダー「%s」がありません", filepath.Dir(path))
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return "", fmt.Errorf("「%s」はフォルダーです", path)
	}
	return path, nil
}
