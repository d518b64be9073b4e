package ui

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // scans come as JPEG too
	_ "image/png"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fyne.io/fyne/v2/layout"

	"kenshin/internal/auth"
	"kenshin/internal/batch"
	"kenshin/internal/cropimg"
	"kenshin/internal/form"
	"kenshin/internal/normalize"
	"kenshin/internal/review"
)

// showDetail fills the pane beside the table for one cell: the paper
// first (when the CSV has crops), then the value, the findings, the
// decisions and the cell's history.
func (sh *sheet) showDetail(row, field int) {
	s := sh.session
	f := sh.fields()[field]
	var objs []fyne.CanvasObject
	add := func(o ...fyne.CanvasObject) { objs = append(objs, o...) }
	wrap := func(text string) *jpText { return newJPText(text) }

	if img := s.Batch.Image(row, field); img != "" {
		add(sh.imageView(img))
	}
	if sh.sheetImage(row) != "" {
		add(widget.NewButton("用紙全体を見る (F9)", sh.showSheet))
	}
	title := newJPText(fmt.Sprintf("「%s」 %d 件目（%d 行目）", f.Label, row+1, s.Line(row)))
	title.Bold = true
	add(title)

	info := []string{"OCR の読み取り", quoteValue(s.OCR(row, field)), "現在の値", quoteValue(s.Value(row, field))}
	if r := sh.display(row, field); r != displayValue(s.Value(row, field)) {
		info = append(info, "読み", r)
	}
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
	// what asks for a look first; info (参考) apart under its own heading
	var infos []batch.Finding
	for _, fd := range fs {
		if fd.Severity == batch.Info {
			infos = append(infos, fd)
			continue
		}
		add(sh.findingView(fd))
	}
	if len(infos) > 0 {
		add(boldLabel("参考（確認は不要）"))
		for _, fd := range infos {
			add(sh.findingView(fd))
		}
	}
	// findings on other cells that name this one
	for _, fd := range s.RowFindings(row) {
		if fd.Field != field && fd.Field >= 0 && s.IsOpen(fd) && slices.Contains(fd.Related, field) {
			add(wrap(fmt.Sprintf("関連: 「%s」の指摘 — %s", sh.fields()[fd.Field].Label, fd.Message)))
		}
	}

	// one decision a line: the pane keeps its width whatever is offered.
	// The decisions sit under the scrolling part, so a tall crop and long
	// findings never push them off the screen.
	confirm := widget.NewButton("読み取りどおりと確認 (F6)", func() { sh.confirm(reasonMatchesPaper) })
	if normalize.IsUnreadable(s.Value(row, field)) || s.HasOpenError(row, field) {
		confirm.Disable() // ● is no value to confirm; 用紙と一致 does not close an error
	}
	actions := []fyne.CanvasObject{widget.NewSeparator(), confirm,
		widget.NewButton("判読不能（空欄にする） (F7)", sh.markUnreadable),
		widget.NewButton("理由を付けて確認 (Shift+F6)", sh.confirmWithReason)}
	if _, ok := s.Confirmed(row, field); ok {
		actions = append(actions, widget.NewButton("確認を取り消す", sh.unconfirm))
	}
	sh.actions.Objects = actions
	sh.actions.Refresh()

	if h := s.History(row, field); len(h) > 0 {
		add(widget.NewSeparator(), boldLabel("この欄の履歴"))
		for _, c := range h {
			add(wrap(historyLine(c)))
		}
	}
	// wrap for the pane's width now, so the first layout has the right
	// heights; later resizes rewrap and lay the pane out again
	width := max(sh.detail.Size().Width, detailMinWidth)
	var hint func(o fyne.CanvasObject, w float32)
	hint = func(o fyne.CanvasObject, w float32) {
		switch v := o.(type) {
		case *jpText:
			v.relayout = sh.relayoutDetail
			v.rewrap(w)
		case *fyne.Container:
			inner := w - 44 // a finding: its mark beside the message
			if v == kv {
				inner = w - kvKeyWidth
			}
			for _, c := range v.Objects {
				hint(c, inner)
			}
		}
	}
	for _, o := range objs {
		hint(o, width)
	}
	sh.detail.Objects = objs
	sh.detail.Refresh()
}

// scoreIndent puts the score under the finding's message.
const scoreIndent = 30

// kvKeyWidth is about the width of the detail's key column (「OCR の読み取り」).
const kvKeyWidth = 150

func (sh *sheet) relayoutDetail() {
	if sh.detailScroll != nil {
		sh.detailScroll.Refresh()
	}
}

func (sh *sheet) findingView(fd batch.Finding) fyne.CanvasObject {
	l := looks[findingStatus(fd)]
	state := ""
	if fd.Severity.Asks() && !sh.session.IsOpen(fd) {
		state = "（確認済み）"
	}
	mark := canvas.NewText(l.mark, l.fg)
	mark.TextStyle.Bold = true
	msg := newJPText(fmt.Sprintf("%s%s %s", fd.Severity.Label(), state, fd.Message))
	// the score on a line of its own: short, never wrapped (wrapping is
	// the costly part of the pane)
	var score fyne.CanvasObject
	if fd.Score > 0 {
		text := fmt.Sprintf("疑わしさ %.2f", fd.Score) // info is not graded in the table either
		if fd.Severity.Asks() {
			text = suspicionText(fd.Score)
		}
		t := canvas.NewText(text, l.fg)
		t.TextStyle.Bold = fd.Severity.Asks()
		indent := canvas.NewRectangle(color.Transparent) // under the message, not the mark
		indent.SetMinSize(fyne.NewSize(scoreIndent, 1))
		score = container.NewHBox(indent, t)
	}
	box := container.NewBorder(nil, score, container.NewPadded(mark), nil, msg)
	if !fd.Suggest || !sh.session.IsOpen(fd) {
		return box
	}
	label := fmt.Sprintf("候補「%s」を採用 (F4)", fd.Suggestion)
	if fd.Suggestion == "" {
		label = "候補: 空欄にする (F4)"
	}
	return container.NewVBox(box, widget.NewButton(label, sh.acceptSuggestion))
}

// imageView shows the crop of the field that the OCR service saved, at the
// top of the pane and large enough to read against the value.
func (sh *sheet) imageView(rel string) fyne.CanvasObject {
	p := sh.resolve(rel)
	if _, err := os.Stat(p); err != nil {
		return newJPText("画像が見つかりません: " + rel)
	}
	img := canvas.NewImageFromFile(p)
	img.FillMode = canvas.ImageFillContain
	// the crop is 4:1; at the pane's width its writing is as large as the table's text or larger
	w := max(sh.detail.Size().Width, detailMinWidth) - 16
	img.SetMinSize(fyne.NewSize(detailMinWidth-24, min(w/4, 130)))
	return container.NewVBox(boldLabel("用紙の画像"), img)
}

func (sh *sheet) resolve(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(filepath.Dir(sh.path), rel)
}

// sheetImage is the row's whole-sheet picture (帳票画像), "" without one.
func (sh *sheet) sheetImage(row int) string {
	b := sh.session.Batch
	col, ok := b.Columns.Meta["帳票画像"]
	if !ok || col < 0 {
		return ""
	}
	return b.Rows[row].Cell(col)
}

// showSheet shows the child's whole sheet with the cursor field outlined
// (F9; Enter or Esc closes it). The outline is placed by cropimg's layout,
// the one `kenshinctl gen --images` draws by; for a scan of another
// size the sheet is shown without one.
func (sh *sheet) showSheet() {
	row, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.OpenFile) { // the sheet shows the child's data
		return
	}
	rel := sh.sheetImage(row)
	if rel == "" {
		sh.say("この行には帳票画像がありません")
		return
	}
	p := sh.resolve(rel)
	f, err := os.Open(p) // #nosec G304 -- a path the clerk's own CSV names, opened read-only
	if err != nil {
		sh.say("帳票画像が見つかりません: " + rel)
		return
	}
	cfg, _, err := image.DecodeConfig(f)
	_ = f.Close() // read-only: nothing to lose
	if err != nil {
		sh.say("帳票画像を読めません: " + rel)
		return
	}
	img := canvas.NewImageFromFile(p)
	img.FillMode = canvas.ImageFillContain
	view := fyne.NewSize(860, 860*float32(cfg.Height)/float32(max(cfg.Width, 1)))
	view.Height = min(view.Height, 620)
	view.Width = view.Height * float32(cfg.Width) / float32(max(cfg.Height, 1))
	img.SetMinSize(view)
	layers := []fyne.CanvasObject{img}
	size, boxes := cropimg.SheetLayout(len(sh.fields()))
	if cfg.Width == size.X && cfg.Height == size.Y && field < len(boxes) {
		scale := view.Width / float32(size.X)
		b := boxes[field]
		mark := canvas.NewRectangle(colRelated)
		mark.StrokeColor, mark.StrokeWidth, mark.FillColor = colCursor, 3, color.NRGBA{0x15, 0x65, 0xC0, 0x22}
		mark.Move(fyne.NewPos(float32(b.Min.X)*scale-3, float32(b.Min.Y)*scale-3))
		mark.Resize(fyne.NewSize(float32(b.Dx())*scale+6, float32(b.Dy())*scale+6))
		layers = append(layers, container.NewWithoutLayout(mark))
	}
	title := fmt.Sprintf("用紙全体 %d 件目「%s」", row+1, sh.fields()[field].Label)
	showKeyDialog(sh.wb.win, title, "", "閉じる (Enter・Esc)", container.NewStack(layers...), nil, func(bool) { sh.toTable() })
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
	// an undo's reason is 「元に戻す」 itself: say it once
	if c.Reason != "" && c.Op == review.OpEdit && c.Step == review.StepDo {
		what += "（" + c.Reason + "）"
	}
	return fmt.Sprintf("%s %s %s", when, c.User, what)
}
