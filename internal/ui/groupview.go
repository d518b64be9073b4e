package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/groupview"
	"kenshin/internal/jpdate"
)

// groupPage is how far PageUp/PageDown move in the group view.
const groupPage = 15

// groupRowsShown is how many row numbers a group lists before 「ほか n 件」.
const groupRowsShown = 8

// groupView is 列ごとの一括確認: every value of one field of the batch in
// one dense list, sorted by value, with counts, confidence, findings and
// rows; values far from the batch or outside the child's growth band stand
// out. It takes the keyboard like the table: ↑↓ PageUp/PageDown move,
// Enter goes to the group's first row in the table, F2 goes there with
// the edit bar ready, Space or F6 confirms every cell of the group through
// the session's normal confirm (journaled like any confirm), Esc closes.
type groupView struct {
	widget.BaseWidget
	sh        *sheet
	field     int
	view      *groupview.View
	confirmed []int // per group, the cells already confirmed
	cur       int
	title     *widget.Label
	msg       *widget.Label // what the last key did (the status bar is behind the view)
	list      *widget.List
	pop       *widget.PopUp
	content   fyne.CanvasObject
}

// groupView opens the group view on the cursor's column.
func (sh *sheet) groupView() {
	_, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.OpenFile) { // the list shows the children's data
		return
	}
	if sh.editing {
		sh.cancelEdit()
	}
	gv := &groupView{sh: sh, field: field}
	gv.ExtendBaseWidget(gv)
	gv.rebuild()
	gv.cur = gv.startGroup()
	gv.title = widget.NewLabel("")
	gv.title.TextStyle.Bold = true
	gv.title.Truncation = fyne.TextTruncateEllipsis
	gv.list = widget.NewList(func() int { return len(gv.view.Groups) }, newGroupRow, gv.updateRow)
	gv.list.OnSelected = func(id widget.ListItemID) {
		// a click moves the cursor; the keyboard stays with the view
		gv.list.UnselectAll()
		gv.moveTo(id)
		gv.sh.wb.focus(gv)
	}
	help := widget.NewLabel("↑↓・PageUp/PageDown 移動　Enter 表のその行へ　F2 その行を修正　Space・F6 同じ値をまとめて確認（用紙と一致。エラーの欄は除く）　Esc 閉じる")
	help.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(gv.title, help, newGroupHeader())
	gv.msg = widget.NewLabel("")
	gv.msg.Truncation = fyne.TextTruncateEllipsis
	gv.content = container.NewBorder(top, gv.msg, nil, nil, gv.list)
	gv.sh.group = gv
	c := sh.wb.win.Canvas()
	gv.pop = widget.NewModalPopUp(gv, c)
	size := c.Size()
	gv.pop.Resize(fyne.NewSize(max(size.Width*0.9, 600), max(size.Height*0.9, 400)))
	gv.pop.Show()
	gv.refreshTitle()
	gv.list.ScrollTo(gv.cur)
	sh.wb.focus(gv)
}

// showGroupView opens 列ごとの一括確認 on the active file's cursor column
// (the lead wires it to 「列ごとの一括確認（Ctrl+G）」).
func (w *Workbench) showGroupView() { w.withActive((*sheet).groupView)() }

// toggleSuspicionOrder switches F8 on the active file between the table's
// order and 「疑わしい順」 (the lead wires it to a checkable menu item).
func (w *Workbench) toggleSuspicionOrder() { w.withActive((*sheet).toggleSuspicionOrder)() }

// rebuild groups the field's current values anew.
func (gv *groupView) rebuild() {
	s := gv.sh.session
	key := gv.sh.fields()[gv.field].Key
	gv.view = groupview.FromSession(s, key, gv.sh.growthBand(gv.field))
	gv.confirmed = make([]int, len(gv.view.Groups))
	for i, g := range gv.view.Groups {
		for _, r := range g.Rows {
			if _, ok := s.Confirmed(r-1, gv.field); ok {
				gv.confirmed[i]++
			}
		}
	}
}

// startGroup is the group of the table's cursor cell.
func (gv *groupView) startGroup() int {
	row, _, ok := gv.sh.pos()
	if !ok {
		return 0
	}
	v := gv.sh.session.Value(row, gv.field)
	for i, g := range gv.view.Groups {
		if g.Value == v {
			return i
		}
	}
	return 0
}

// growthBand is the p3–p97 band of a body measurement for each row's age
// and sex (the checkup's age window when the dates do not give the age);
// nil when the field has no growth reference.
func (sh *sheet) growthBand(field int) groupview.Band {
	f := sh.fields()[field]
	g := sh.wb.deps.Forms.Growth
	if f.Growth == "" || g == nil {
		return nil
	}
	fm := sh.session.Batch.Form
	birth, exam, sexF := fm.Field(form.KeyBirth), fm.Field(form.KeyExamDate), fm.Field(form.KeySex)
	// a batch holds few distinct dates (one birth year, a few session
	// days): parse each once, not twice a row
	type parsed struct {
		d  jpdate.Date
		ok bool
	}
	dates := map[string]parsed{}
	date := func(v string) (jpdate.Date, bool) {
		p, seen := dates[v]
		if !seen {
			p.d, p.ok = parseDate(v)
			dates[v] = p
		}
		return p.d, p.ok
	}
	type bandKey struct {
		sex      string
		from, to int
	}
	type band struct {
		lo, hi float64
		ok     bool
	}
	bands := map[bandKey]band{}
	return func(row int) (lo, hi float64, ok bool) {
		i := row - 1
		from, to := fm.AgeMonths[0], fm.AgeMonths[1]
		if birth != nil && exam != nil {
			b, okB := date(sh.session.Value(i, birth.Index))
			e, okE := date(sh.session.Value(i, exam.Index))
			if okB && okE {
				if m := jpdate.MonthsBetween(b, e); m >= from && m < to {
					from, to = m, m+1
				}
			}
		}
		sex := ""
		if sexF != nil {
			if v := strings.TrimSpace(form.Fold(sh.session.Value(i, sexF.Index))); v == "1" || v == "2" {
				sex = v
			}
		}
		k := bandKey{sex, from, to}
		bd, seen := bands[k]
		if !seen {
			bd.lo, bd.hi, bd.ok = g.Band(f.Growth, sex, from, to)
			bands[k] = bd
		}
		return bd.lo, bd.hi, bd.ok
	}
}

func (gv *groupView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(gv.content)
}

// FocusGained and FocusLost: the cursor row is drawn by the view itself.
func (gv *groupView) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (gv *groupView) FocusLost() {}

// TypedRune ignores text: the list is driven by keys (Space arrives as a key).
func (gv *groupView) TypedRune(rune) {}

// TypedKey moves and acts.
func (gv *groupView) TypedKey(e *fyne.KeyEvent) {
	gv.sh.wb.touch()
	if e.Name != fyne.KeySpace && e.Name != fyne.KeyF6 {
		gv.msg.SetText("") // a message is about the last action only
	}
	switch e.Name {
	case fyne.KeyUp:
		gv.moveTo(gv.cur - 1)
	case fyne.KeyDown:
		gv.moveTo(gv.cur + 1)
	case fyne.KeyPageUp:
		gv.moveTo(gv.cur - groupPage)
	case fyne.KeyPageDown:
		gv.moveTo(gv.cur + groupPage)
	case fyne.KeyHome:
		gv.moveTo(0)
	case fyne.KeyEnd:
		gv.moveTo(len(gv.view.Groups) - 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		gv.jump(false)
	case fyne.KeyF2:
		gv.jump(true)
	case fyne.KeySpace, fyne.KeyF6:
		gv.confirmGroup()
	case fyne.KeyEscape:
		gv.close()
		gv.sh.toTable()
	}
}

func (gv *groupView) moveTo(i int) {
	if len(gv.view.Groups) == 0 {
		return
	}
	i = max(0, min(len(gv.view.Groups)-1, i))
	old := gv.cur
	gv.cur = i
	gv.list.RefreshItem(old)
	gv.list.RefreshItem(i)
	gv.list.ScrollTo(i)
	gv.refreshTitle()
}

// close hides the view; the caller gives the keyboard back.
func (gv *groupView) close() {
	if gv.pop != nil {
		gv.pop.Hide()
	}
	if gv.sh.group == gv {
		gv.sh.group = nil
	}
}

// jump closes the view and puts the table's cursor on the group's first
// row; edit: with the edit bar ready for a fix (F2).
func (gv *groupView) jump(edit bool) {
	if len(gv.view.Groups) == 0 {
		return
	}
	row := gv.view.Groups[gv.cur].Rows[0] - 1
	gv.close()
	gv.sh.showRow(row, gv.field)
	if edit {
		gv.sh.beginEdit(nil)
	}
}

// showRow puts the cursor on a batch cell, lifting the filters when they
// hide its row.
func (sh *sheet) showRow(row, field int) {
	if len(sh.visible) != len(sh.session.Batch.Rows) && !slices.Contains(sh.visible, row) {
		sh.onlyOpen.Checked, sh.onlyErrors.Checked = false, false
		sh.onlyOpen.Refresh()
		sh.onlyErrors.Refresh()
		sh.kindSel.Selected = allKinds
		sh.kindSel.Refresh()
		sh.columnSel.Selected = allColumns
		sh.columnSel.Refresh()
		sh.search.Text = ""
		sh.search.Refresh()
		sh.applyFilter()
		sh.say("この行を表示するため、絞り込みを解除しました")
	}
	sh.goTo(row, field)
}

// confirmGroup confirms every cell of the cursor group as matching the
// paper, one normal confirm a cell (each journaled and undone like a
// confirm from the table), by the application's one rule (App.ConfirmGroup).
func (gv *groupView) confirmGroup() {
	if len(gv.view.Groups) == 0 || !gv.sh.wb.allow(auth.EditCell) {
		return
	}
	g := gv.view.Groups[gv.cur]
	var res app.GroupResult
	var err error
	if ap := gv.sh.wb.deps.App; ap != nil {
		res, err = ap.ConfirmGroup(context.Background(), gv.sh.wb.session, gv.sh.session, gv.view, gv.cur, reasonMatchesPaper)
	} else {
		// demo and widget tests: no application layer, the same rule
		res, err = app.ConfirmGroupCells(context.Background(), gv.sh.session, gv.view, gv.cur, reasonMatchesPaper)
	}
	switch {
	case errors.Is(err, app.ErrGroupUnreadable):
		gv.say(ErrorText(err))
		return
	case err != nil:
		gv.sh.wb.showError(fmt.Sprintf("確認を保存できませんでした（それまでの %d 件は確認済み）", res.Confirmed), err)
		gv.afterConfirm()
		return
	}
	gv.afterConfirm()
	left := ""
	if res.Refused > 0 {
		left = fmt.Sprintf("。エラーのある %d 件は「用紙と一致」では確認できません（表で修正するか、Shift+F6 で理由を付けて確認してください）", res.Refused)
	}
	if res.Confirmed == 0 {
		if res.Refused > 0 {
			gv.say(fmt.Sprintf("%s の %d 件は確認していません%s", quoteValue(g.Value), g.Count, left))
			return
		}
		gv.say(fmt.Sprintf("%s の %d 件はすでに確認済みです", quoteValue(g.Value), g.Count))
		return
	}
	gv.say(fmt.Sprintf("%s の %d 件を確認しました（%s）%s", quoteValue(g.Value), res.Confirmed, reasonMatchesPaper, left))
}

// say shows a message in the view and in the status bar.
func (gv *groupView) say(msg string) {
	gv.msg.SetText(msg)
	gv.sh.wb.setMessage(msg)
}

// afterConfirm regroups (findings and confirmations changed) and keeps
// the cursor on the same value.
func (gv *groupView) afterConfirm() {
	value := gv.view.Groups[gv.cur].Value
	gv.rebuild()
	for i, g := range gv.view.Groups {
		if g.Value == value {
			gv.cur = i
		}
	}
	gv.sh.changed()
	gv.list.Refresh()
	gv.refreshTitle()
}

func (gv *groupView) refreshTitle() {
	v := gv.view
	n := 0
	for _, g := range v.Groups {
		n += g.Count
	}
	text := fmt.Sprintf("列ごとの一括確認「%s」　%d 種類・%d 件", gv.sh.fields()[gv.field].Label, len(v.Groups), n)
	if len(v.Groups) > 0 && v.Groups[0].Numeric {
		text += "　中央値 " + strconv.FormatFloat(v.Median, 'f', -1, 64)
	}
	o := 0
	for i := range v.Groups {
		if standsOut(&v.Groups[i]) {
			o++
		}
	}
	if o > 0 {
		text += fmt.Sprintf("　目立つ値 %d 種類（▲）", o)
	}
	if len(v.Groups) > 0 {
		text += fmt.Sprintf("　｜ %d / %d", gv.cur+1, len(v.Groups))
	}
	gv.title.SetText(text)
}

// --- one line of the list ---

// Column widths of the list: mark, value, count, confidence, findings,
// confirmed, note (why it stands out, or 参考); the rows take the rest.
var groupColumns = []float32{30, 190, 70, 120, 60, 80, 360}

// standsOut is what the list marks (▲, warning colour): a value far from
// the rest of the batch. Outside p3–p97 alone is not a sign of a misread
// (domain.md §5: 6 % of real children are there), so it is only noted.
func standsOut(g *groupview.Group) bool { return g.Far }

// columnsLayout puts objects side by side at fixed widths, the last one
// taking what is left.
type columnsLayout struct{ widths []float32 }

func (l columnsLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := s.Width - x
		if i < len(l.widths) {
			w = l.widths[i]
		}
		if i == 0 { // the background spans the line
			o.Move(fyne.NewPos(0, 0))
			o.Resize(s)
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x+4, (s.Height-h)/2))
		o.Resize(fyne.NewSize(max(w-8, 0), h))
		x += w
	}
}

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		if i == 0 {
			continue
		}
		if i < len(l.widths) {
			w += l.widths[i]
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w+200, h+8)
}

// groupRow is a line of the list: a background (the cursor, an outlier)
// and the columns.
type groupRow struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	cells []*canvas.Text // mark, value, count, confidence, findings, confirmed, rows
}

func newGroupRow() fyne.CanvasObject {
	r := &groupRow{bg: canvas.NewRectangle(color.Transparent)}
	for range 8 {
		t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		r.cells = append(r.cells, t)
	}
	r.cells[0].TextStyle.Bold = true
	r.cells[1].TextStyle.Bold = true
	r.ExtendBaseWidget(r)
	return r
}

func (r *groupRow) CreateRenderer() fyne.WidgetRenderer {
	objs := []fyne.CanvasObject{r.bg}
	widths := append([]float32{0}, groupColumns...)
	for _, c := range r.cells {
		objs = append(objs, c)
	}
	return widget.NewSimpleRenderer(container.New(columnsLayout{widths: widths}, objs...))
}

// newGroupHeader is the list's column header, aligned with its lines.
func newGroupHeader() fyne.CanvasObject {
	r := newGroupRow().(*groupRow)
	for i, s := range []string{"", "値", "件数", "確信度", "指摘", "確認済み", "備考", "行（件目）"} {
		r.cells[i].Text = s
		r.cells[i].TextStyle.Bold = true
	}
	return r
}

func (gv *groupView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*groupRow)
	if id >= len(gv.view.Groups) {
		return
	}
	g := &gv.view.Groups[id]
	texts := gv.rowTexts(id)
	fg := theme.Color(theme.ColorNameForeground)
	for i, c := range r.cells {
		c.Text = texts[i]
		c.Color = fg
	}
	r.bg.FillColor = color.Transparent
	r.bg.StrokeWidth = 0
	if standsOut(g) {
		r.bg.FillColor = colWarnBg
		r.cells[0].Color = colWarnFg
		r.cells[6].Color = colWarnFg
	}
	if id == gv.cur {
		r.bg.StrokeColor, r.bg.StrokeWidth = colCursor, 2
		if !standsOut(g) {
			r.bg.FillColor = color.NRGBA{0x15, 0x65, 0xC0, 0x1A}
		}
	}
	r.Refresh()
}

// rowTexts are the columns of group id as text: mark, value, count,
// confidence, findings, confirmed, note (why it stands out, 参考), rows.
func (gv *groupView) rowTexts(id int) []string {
	g := &gv.view.Groups[id]
	mark := ""
	if standsOut(g) {
		mark = "▲"
	}
	conf := "—"
	if g.HasConfidence {
		conf = fmt.Sprintf("%.0f%%", g.MinConf)
		if g.MaxConf != g.MinConf {
			conf = fmt.Sprintf("%.0f〜%.0f%%", g.MinConf, g.MaxConf)
		}
	}
	findings := ""
	if g.Findings > 0 {
		findings = strconv.Itoa(g.Findings)
	}
	confirmed := ""
	switch c := gv.confirmed[id]; {
	case c == g.Count:
		confirmed = "✓ すべて"
	case c > 0:
		confirmed = fmt.Sprintf("✓ %d", c)
	}
	var rows []string
	for _, r := range g.Rows[:min(len(g.Rows), groupRowsShown)] {
		rows = append(rows, strconv.Itoa(r))
	}
	rowText := strings.Join(rows, ", ")
	if n := len(g.Rows) - groupRowsShown; n > 0 {
		rowText += fmt.Sprintf(" ほか %d 件", n)
	}
	var why []string
	// short enough for the column: a longer text ran over the rows column
	if g.Far {
		why = append(why, "ほかの値から離れています")
	}
	if n := len(g.OutOfBand); n > 0 {
		// a note, not a sign: real children are there too
		why = append(why, fmt.Sprintf("参考: p3〜p97 外 %d 件", n))
	}
	value := displayValue(g.Value)
	if g.Value == "" {
		value = "（空欄）"
	}
	return []string{mark, value, fmt.Sprintf("%d 件", g.Count), conf, findings, confirmed, strings.Join(why, "・"), rowText}
}
