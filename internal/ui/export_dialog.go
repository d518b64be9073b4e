package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/submission"
)

// ImportExporter writes the health management system's import file from the
// central store (*store.Store).
func (w *Workbench) showExport() {
	if !w.allow(auth.ExportImport) {
		return
	}
	if w.deps.App == nil {
		w.showInfo("取り込みファイル出力", "中央データが設定されていないため出力できません。")
		return
	}
	var titles []string
	for _, f := range w.deps.Forms.Forms {
		titles = append(titles, f.ID+" "+f.Title)
	}
	formSel := widget.NewSelect(titles, nil)
	formSel.PlaceHolder = selectPlaceHolder
	if sh := w.active(); sh != nil {
		formSel.SetSelected(sh.session.Batch.Form.ID + " " + sh.session.Batch.Form.Title)
	}
	from, to := widget.NewEntry(), widget.NewEntry()
	from.SetPlaceHolder("例 R7.4.1（空欄: 指定なし）")
	to.SetPlaceHolder("例 R7.4.30")
	centres, codes := w.centres()
	centre := widget.NewSelect(append([]string{"すべて"}, centres...), nil)
	centre.PlaceHolder = selectPlaceHolder
	centre.SetSelectedIndex(0)
	enc := widget.NewRadioGroup([]string{"CP932（Shift_JIS）", "UTF-8"}, nil)
	enc.SetSelected("CP932（Shift_JIS）")
	items := []*widget.FormItem{
		widget.NewFormItem("帳票", formSel), widget.NewFormItem("受診日から", from), widget.NewFormItem("受診日まで", to),
		widget.NewFormItem("保健センター", centre), widget.NewFormItem("文字コード", enc),
	}
	k := showKeyDialog(w.win, "取り込みファイル出力", "保存先を選ぶ…", "やめる", widget.NewForm(items...), from, func(ok bool) {
		if !ok || formSel.SelectedIndex() < 0 || !w.allow(auth.ExportImport) {
			return
		}
		f := w.deps.Forms.Forms[formSel.SelectedIndex()]
		flt := submission.Filter{} // すべて: Centre 0
		if i := centre.SelectedIndex(); i > 0 {
			flt.Centre = codes[i-1]
		}
		var err error
		if flt.From, flt.To, err = app.DateRange(strings.TrimSpace(from.Text), strings.TrimSpace(to.Text)); err != nil {
			w.showError("日付を読めません", err)
			return
		}
		encoding := "cp932"
		if enc.Selected == "UTF-8" {
			encoding = "utf8"
		}
		w.exportSave = w.askSavePath("取り込みファイル出力", f.ID+"_import.csv", ".csv", func(path string) {
			if !w.allow(auth.ExportImport) { // the lock may have come meanwhile
				return
			}
			n, err := w.exportTo(f, flt, encoding, path)
			if err != nil {
				w.showError("取り込みファイルを出力できませんでした", err)
				return
			}
			w.setMessage(fmt.Sprintf("取り込みファイルを出力しました: %s（%d 件）", path, n))
		})
	})
	k.d.Resize(fyne.NewSize(560, 380))
	w.exportDlg = k
}

// exportTo writes the file (through a temporary name) and then marks the
// batches as exported.
func (w *Workbench) exportTo(f *form.Form, flt submission.Filter, encoding, path string) (int, error) {
	res, err := w.deps.App.ExportImportFile(context.Background(), w.session, f.ID, flt, encoding, path)
	if err != nil {
		return 0, err
	}
	w.setMessage("操作記録の控え " + res.Head.String())
	return res.Records, nil
}
