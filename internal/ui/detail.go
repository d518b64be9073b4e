package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fyne.io/fyne/v2/layout"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/review"
)

// showDetail fills the pane beside the table for one cell.
func (sh *sheet) showDetail(row, field int) {
	s := sh.session
	f := sh.fields()[field]
	var objs []fyne.CanvasObject
	add := func(o ...fyne.CanvasObject) { objs = append(objs, o...) }
	wrap := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	title := widget.NewLabel(fmt.Sprintf("「%s」 %d 件目（%d 行目）", f.Label, row+1, s.Line(row)))
	title.TextStyle.Bold = true
	add(title)

	info := []string{"OCR の読み取り", quoteValue(s.OCR(row, field)), "現在の値", quoteValue(s.Value(row, field))}
	if c, ok := s.Batch.Confidence(row, field); ok {
		info = append(info, "確信度", fmt.Sprintf("%.0f%%（基準 %d%%）", c, f.Confidence))
	}
	if f.Unit != "" {
		info = append(info, "単位", f.Unit)
	}
	if len(f.Options) > 0 {
		info = append(info, "コード", optionText(f.Options))
	}
	if c, ok := s.Confirmed(row, field); ok {
		info = append(info, "確認", fmt.Sprintf("%s（%s、%s）", c.Reason, c.User, c.At.Local().Format("01/02 15:04")))
	}
	kv := container.New(layout.NewFormLayout())
	for i := 0; i < len(info); i += 2 {
		k := widget.NewLabel(info[i])
		k.TextStyle.Bold = true
		kv.Add(k)
		kv.Add(wrap(info[i+1]))
	}
	add(kv)

	add(widget.NewSeparator())
	fs := s.CellFindings(row, field)
	fs = append(fs, s.CellFindings(row, -1)...) // problems of the whole row
	if len(fs) == 0 {
		add(widget.NewLabel("指摘はありません"))
	}
	for _, fd := range fs {
		add(sh.findingView(fd))
	}
	// findings on other cells that name this one
	for _, fd := range s.RowFindings(row) {
		if fd.Field != field && fd.Field >= 0 && s.IsOpen(fd) && slices.Contains(fd.Related, field) {
			add(wrap(fmt.Sprintf("関連: 「%s」の指摘 — %s", sh.fields()[fd.Field].Label, fd.Message)))
		}
	}

	buttons := container.NewHBox(
		widget.NewButton("読み取りどおりと確認 (F6)", func() { sh.confirm(reasonMatchesPaper) }),
		widget.NewButton("理由を付けて確認", sh.confirmWithReason),
	)
	if _, ok := s.Confirmed(row, field); ok {
		buttons.Add(widget.NewButton("確認を取り消す", sh.unconfirm))
	}
	add(buttons)

	if img := s.Batch.Image(row, field); img != "" {
		add(widget.NewSeparator(), sh.imageView(img))
	}

	if h := s.History(row, field); len(h) > 0 {
		add(widget.NewSeparator(), boldLabel("この欄の履歴"))
		for _, c := range h {
			add(wrap(historyLine(c)))
		}
	}
	sh.detail.Objects = objs
	sh.detail.Refresh()
}

func (sh *sheet) findingView(fd batch.Finding) fyne.CanvasObject {
	st := review.StatusWarning
	if fd.Severity == batch.Error {
		st = review.StatusError
	}
	if fd.Code == "ocr.low_confidence" {
		st = review.StatusLowConf
	}
	l := looks[st]
	state := ""
	if !sh.session.IsOpen(fd) {
		state = "（確認済み）"
	}
	mark := canvas.NewText(l.mark, l.fg)
	mark.TextStyle.Bold = true
	msg := widget.NewLabel(fmt.Sprintf("%s%s %s", fd.Severity.Label(), state, fd.Message))
	msg.Wrapping = fyne.TextWrapWord
	box := container.NewBorder(nil, nil, container.NewPadded(mark), nil, msg)
	if !fd.Suggest || !sh.session.IsOpen(fd) {
		return box
	}
	label := fmt.Sprintf("候補「%s」を採用 (F4)", fd.Suggestion)
	if fd.Suggestion == "" {
		label = "候補: 空欄にする (F4)"
	}
	return container.NewVBox(box, widget.NewButton(label, sh.acceptSuggestion))
}

// imageView shows the crop of the field that the OCR service saved.
func (sh *sheet) imageView(rel string) fyne.CanvasObject {
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(sh.path), rel)
	}
	if _, err := os.Stat(p); err != nil {
		return widget.NewLabel("画像が見つかりません: " + rel)
	}
	img := canvas.NewImageFromFile(p)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(300, 90))
	return container.NewVBox(boldLabel("用紙の画像"), img)
}

func boldLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	return l
}

func quoteValue(s string) string {
	if s == "" {
		return "（空欄）"
	}
	return "「" + s + "」"
}

func optionText(opts []form.Option) string {
	s := ""
	for i, o := range opts {
		if i > 0 {
			s += "、"
		}
		s += o.Code + " " + o.Label
	}
	return s
}

func historyLine(c review.Change) string {
	when := c.At.Local().Format("01/02 15:04")
	what := ""
	switch c.Op {
	case review.OpEdit:
		what = fmt.Sprintf("修正 %s → %s", quoteValue(c.Old), quoteValue(c.New))
	case review.OpConfirm:
		what = "確認（" + c.New + "）"
	case review.OpUnconfirm:
		what = "確認を取り消し"
	}
	switch c.Step {
	case review.StepUndo:
		what += "［元に戻す］"
	case review.StepRedo:
		what += "［やり直し］"
	}
	if c.Reason != "" && c.Op == review.OpEdit {
		what += "（" + c.Reason + "）"
	}
	return fmt.Sprintf("%s %s %s", when, c.User, what)
}
