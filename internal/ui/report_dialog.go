package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
)

// showReportDialog asks where to save the Excel report and for an optional
// password (masked), then writes it.
func (w *Workbench) showReportDialog(sh *sheet) {
	pw := widget.NewPasswordEntry()
	pw2 := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem("パスワード", pw),
		widget.NewFormItem("パスワード（確認）", pw2),
	}
	d := dialog.NewForm("修正レポート出力", "保存先を選ぶ…", "やめる", items, func(ok bool) {
		if !ok {
			return
		}
		if pw.Text != pw2.Text {
			dialog.ShowInformation("修正レポート出力", "パスワードが一致しません。", w.win)
			return
		}
		save := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			if err != nil || wc == nil {
				return
			}
			path := wc.URI().Path()
			_ = wc.Close() // only the path is used: the file is written through safefile
			if !strings.HasSuffix(strings.ToLower(path), ".xlsx") {
				path += ".xlsx"
			}
			res, err := w.deps.App.Report(context.Background(), w.session, app.ReportSource{Review: sh.session}, path, pw.Text)
			if err != nil {
				w.showError("レポートを書き出せませんでした", err)
				return
			}
			w.setMessage("修正レポートを保存しました: " + path + "（操作記録の控え " + res.Head.String() + "）")
		}, w.win)
		save.SetFileName(strings.TrimSuffix(baseName(sh.path), ".csv") + "_修正レポート.xlsx")
		save.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
		save.Show()
	}, w.win)
	d.Resize(fyne.NewSize(460, 220))
	d.Show()
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (w *Workbench) report() {
	sh := w.active()
	if sh == nil || w.deps.App == nil || !w.allow(auth.ExportReport) {
		return
	}
	w.showReportDialog(sh)
}
