package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
)

// showReportDialog asks where to save the Excel report of src (an open file
// or a submitted batch) and for an optional password (masked), then writes
// it.
func (w *Workbench) showReportDialog(src app.ReportSource, name string) {
	pw := widget.NewPasswordEntry()
	pw2 := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem("パスワード", pw),
		widget.NewFormItem("パスワード（確認）", pw2),
	}
	// the clerk must not take it for the login password (and type that)
	explain := newJPText("このパスワードは、書き出す Excel ファイル（.xlsx）を開くときに使うものです。ログインのパスワードではありません。空欄なら暗号化しません。")
	content := container.NewVBox(explain, widget.NewForm(items...))
	explain.relayout = content.Refresh
	k := showKeyDialog(w.win, "修正レポート出力", "保存先を選ぶ…", "やめる", content, pw, func(ok bool) {
		if !ok || !w.allow(auth.ExportReport) { // the lock may have come meanwhile
			return
		}
		if pw.Text != pw2.Text {
			w.showInfo("修正レポート出力", "パスワードが一致しません。")
			return
		}
		save := func() {
			w.askSavePath("修正レポート出力", name, ".xlsx", func(path string) {
				if err := w.writeReport(src, path, pw.Text); err != nil {
					w.showError("レポートを書き出せませんでした", err)
				}
			})
		}
		if pw.Text != "" {
			save()
			return
		}
		// the file holds names and 宛名番号: unencrypted only on purpose
		warn := wrapText("パスワードなしで保存すると、氏名・宛名番号の入ったファイルが暗号化されずに残ります。"+
			"USB メモリなどで持ち出す場合や、共有のフォルダーに置く場合は、パスワードを付けてください。", 460)
		w.reportNoPw = showKeyDialog(w.win, "パスワードなしで保存しますか", "パスワードなしで保存", "戻る", warn, nil, func(ok bool) {
			w.reportNoPw = nil
			if ok && w.allow(auth.ExportReport) {
				save()
			}
		})
	})
	// Enter: from the first field to the second, then the default action
	pw.OnSubmitted = func(string) {
		if pw.Text != "" && pw2.Text == "" {
			w.focus(pw2)
			return
		}
		k.Confirm()
	}
	k.d.Resize(fyne.NewSize(520, 300))
}

// writeReport writes the report through the application layer (which logs
// it) and says where it went.
func (w *Workbench) writeReport(src app.ReportSource, path, password string) error {
	if !w.allow(auth.ExportReport) {
		return auth.Check(nil, auth.ExportReport)
	}
	res, err := w.deps.App.Report(context.Background(), w.session, src, path, password)
	if err != nil {
		return err
	}
	w.setMessage("修正レポートを保存しました: " + filepath.Clean(path) + "（操作記録の控え " + res.Head.String() + "）")
	return nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// report prints the active file's report; with no file open after a
// submit, the submitted batch's report from the central store.
func (w *Workbench) report() {
	if w.deps.App == nil || !w.allow(auth.ExportReport) {
		return
	}
	if src, name, ok := w.reportSource(); ok {
		w.showReportDialog(src, name)
	}
}

// reportSource is what the report button prints, and its file name.
func (w *Workbench) reportSource() (app.ReportSource, string, bool) {
	if sh := w.active(); sh != nil {
		return app.ReportSource{Review: sh.session}, strings.TrimSuffix(baseName(sh.path), ".csv") + "_修正レポート.xlsx", true
	}
	if w.lastBatch != 0 {
		return app.ReportSource{BatchID: w.lastBatch}, fmt.Sprintf("バッチ%d_修正レポート.xlsx", w.lastBatch), true
	}
	return app.ReportSource{}, "", false
}
