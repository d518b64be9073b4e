package ui

import (
	"context"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/store"
)

// ImportExporter writes the health management system's import file from the
// central store (*store.Store).
type ImportExporter interface {
	Export(ctx context.Context, f *form.Form, flt store.Filter, encoding string) ([]byte, store.ExportResult, error)
	MarkExported(ctx context.Context, f *form.Form, file, user string, flt store.Filter, res store.ExportResult) error
}

func (w *Workbench) showExport() {
	if !w.allow(auth.ExportImport) {
		return
	}
	if w.deps.Exporter == nil {
		dialog.ShowInformation("取り込みファイル出力", "中央データが設定されていないため出力できません。", w.win)
		return
	}
	var titles []string
	for _, f := range w.deps.Forms.Forms {
		titles = append(titles, f.ID+" "+f.Title)
	}
	formSel := widget.NewSelect(titles, nil)
	if sh := w.active(); sh != nil {
		formSel.SetSelected(sh.session.Batch.Form.ID + " " + sh.session.Batch.Form.Title)
	}
	from, to := widget.NewEntry(), widget.NewEntry()
	from.SetPlaceHolder("例 R7.4.1（空欄: 指定なし）")
	to.SetPlaceHolder("例 R7.4.30")
	centre := widget.NewSelect(append([]string{"すべて"}, centres...), nil)
	centre.SetSelectedIndex(0)
	enc := widget.NewRadioGroup([]string{"CP932（Shift_JIS）", "UTF-8"}, nil)
	enc.SetSelected("CP932（Shift_JIS）")
	items := []*widget.FormItem{
		widget.NewFormItem("帳票", formSel), widget.NewFormItem("受診日から", from), widget.NewFormItem("受診日まで", to),
		widget.NewFormItem("保健センター", centre), widget.NewFormItem("文字コード", enc),
	}
	d := dialog.NewForm("取り込みファイル出力", "保存先を選ぶ…", "やめる", items, func(ok bool) {
		if !ok || formSel.SelectedIndex() < 0 {
			return
		}
		f := w.deps.Forms.Forms[formSel.SelectedIndex()]
		flt := store.Filter{Centre: max(centre.SelectedIndex(), 0)}
		for _, p := range []struct {
			in  string
			out *string
		}{{from.Text, &flt.From}, {to.Text, &flt.To}} {
			if strings.TrimSpace(p.in) == "" {
				continue
			}
			d := jpdate.Parse(p.in, jpdate.Reiwa)
			if d.Problem != jpdate.OK {
				w.showError("日付を読めません", fmt.Errorf("「%s」", p.in))
				return
			}
			*p.out = d.Date.String()
		}
		encoding := "cp932"
		if enc.Selected == "UTF-8" {
			encoding = "utf8"
		}
		save := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			if err != nil || wc == nil {
				return
			}
			path := wc.URI().Path()
			wc.Close()
			n, err := w.exportTo(f, flt, encoding, path)
			if err != nil {
				w.showError("取り込みファイルを出力できませんでした", err)
				return
			}
			w.setMessage(fmt.Sprintf("取り込みファイルを出力しました: %s（%d 件）", path, n))
		}, w.win)
		save.SetFileName(f.ID + "_import.csv")
		save.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
		save.Show()
	}, w.win)
	d.Resize(fyne.NewSize(560, 380))
	d.Show()
}

// exportTo writes the file (through a temporary name) and then marks the
// batches as exported.
func (w *Workbench) exportTo(f *form.Form, flt store.Filter, encoding, path string) (int, error) {
	ctx := context.Background()
	data, res, err := w.deps.Exporter.Export(ctx, f, flt, encoding)
	if err != nil {
		return 0, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	w.record(audit.ImportWritten, f.ID+" "+baseName(path), fmt.Sprintf("records=%d filter=%s", res.Records, flt))
	if err := w.deps.Exporter.MarkExported(ctx, f, baseName(path), w.deps.User, flt, res); err != nil {
		return res.Records, fmt.Errorf("ファイルは書き出しましたが、出力の記録に失敗しました: %w", err)
	}
	return res.Records, nil
}
