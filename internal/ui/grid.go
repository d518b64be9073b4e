package ui

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/form"
	"kenshin/internal/review"
)

// grid is the review table: a widget.Table that takes the keyboard the way
// a spreadsheet does. Table rows are the sheet's visible rows; columns are
// form fields.
type grid struct {
	widget.Table
	s      *sheet
	cur    widget.TableCellID
	shift  bool
	widths []float32 // column widths as set, for scrolling
	spacer float32   // width of the blank last column
	off    fyne.Position
	rowH   float32
	headH  float32
}

func newGrid(s *sheet) *grid {
	g := &grid{s: s}
	// one blank column after the last field: room for Fyne to scroll the
	// last field fully into view (see scrollTo)
	g.Length = func() (int, int) { return len(s.visible), len(s.fields()) + 1 }
	g.CreateCell = func() fyne.CanvasObject { return newCellView() }
	g.UpdateCell = g.updateCell
	g.ShowHeaderRow, g.ShowHeaderColumn = true, true
	g.StickyColumnCount = stickyColumns(s.session.Batch.Form)
	g.CreateHeader = newHeaderLabel
	g.UpdateHeader = g.updateHeader
	// A tap selects through the table; the grid keeps its own cursor and
	// drops the table's selection, whose highlight Fyne draws one column
	// off when columns are sticky.
	g.OnSelected = func(id widget.TableCellID) {
		g.UnselectAll()
		if id.Col < len(g.s.fields()) {
			g.setCursor(id)
		}
	}
	g.ExtendBaseWidget(g)
	g.fitColumns()
	g.SetColumnWidth(-1, rowHeaderWidth)
	g.SetColumnWidth(len(g.widths), 1)
	return g
}

func newHeaderLabel() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateClip
	l.TextStyle.Bold = true
	return l
}

// stickyColumns keeps 宛名番号 and 氏名カナ in view while scrolling sideways.
func stickyColumns(f *form.Form) int {
	n := 0
	for _, fd := range f.Fields {
		if fd.Key != form.KeyAtena && fd.Key != form.KeyKana {
			break
		}
		n++
	}
	return n
}

const rowHeaderWidth = 56

// fitColumns sizes every column to its widest content, header included, so
// no digit is ever clipped (an ellipsis costs ~80 ms per cursor move).
func (g *grid) fitColumns() {
	fields := g.s.fields()
	g.widths = make([]float32, len(fields))
	for i, f := range fields {
		w := max(naturalWidth(f.Label, fyne.TextStyle{Bold: true}), cellWidthFor(g.longest(i)))
		g.widths[i] = float32(math.Ceil(float64(w)))
		g.SetColumnWidth(i, g.widths[i])
	}
}

// longest is the column's display text likely to be widest: ASCII counts
// one, everything else two (full-width), the way the font draws them.
func (g *grid) longest(col int) string {
	best, bw := "", -1
	consider := func(s string) {
		if w := textUnits(s); w > bw {
			best, bw = s, w
		}
	}
	f := g.s.fields()[col]
	for _, o := range f.Options {
		consider(o.Code + " " + o.Label) // a code shows with its label
	}
	if f.Type == form.TypeDate {
		consider("R10.12.31（10歳11か月）") // the widest reading a date shows
	}
	// the raw values: display only ever adds a label or shortens a date,
	// and a raw value is cheap to read (display would parse 100,000 dates)
	for row := range g.s.session.Batch.Rows {
		consider(g.s.session.Value(row, col))
	}
	return displayValue(best)
}

func textUnits(s string) int {
	n := 0
	for _, r := range s {
		if r < 0x80 || (r >= 0xFF61 && r <= 0xFF9F) {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// cellWidthFor is the width a cell needs to show text whole beside the
// widest status mark.
func cellWidthFor(text string) float32 {
	c := newCellView()
	c.mark.Text = "？"
	c.text.Text = text
	c.text.Truncation = fyne.TextTruncateOff // a clipping label's MinSize leaves the text out
	return c.MinSize().Width
}

// naturalWidth is the width a label needs to show text whole.
func naturalWidth(text string, style fyne.TextStyle) float32 {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style)
	return l.MinSize().Width
}

// fitColumn widens a column when an edit made its content wider.
func (g *grid) fitColumn(col int, text string) {
	if col < 0 || col >= len(g.widths) {
		return
	}
	if w := float32(math.Ceil(float64(cellWidthFor(text)))); w > g.widths[col] {
		g.widths[col] = w
		g.SetColumnWidth(col, w)
	}
}

func (g *grid) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	switch {
	case id.Row < 0 && id.Col >= 0 && id.Col < len(g.s.fields()):
		l.SetText(g.s.fields()[id.Col].Label)
	case id.Col < 0 && id.Row >= 0 && id.Row < len(g.s.visible):
		row := g.s.visible[id.Row]
		text := fmt.Sprint(row + 1)
		if st := g.s.session.CellStatus(row, -1); st >= review.StatusWarning {
			text = looks[st].mark + text // the row itself has a problem (column count, quotes …)
		}
		l.SetText(text)
	default:
		l.SetText("")
	}
}

func (g *grid) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cellView)
	if id.Row >= len(g.s.visible) || id.Col >= len(g.s.fields()) {
		c.set("", review.StatusClean, false, false)
		return
	}
	row := g.s.visible[id.Row]
	st := g.s.session.CellStatus(row, id.Col)
	gr := gradeNone
	if st >= review.StatusLowConf { // only what asks for a look is graded
		gr = gradeOf(cellScore(g.s.session, row, id.Col))
	}
	c.setGraded(g.s.display(row, id.Col), st, gr, id == g.cur && g.s.hasCursor(), g.s.isRelated(row, id.Col))
}

// --- keyboard ---

// AcceptsTab makes Tab move between cells instead of leaving the table.
func (g *grid) AcceptsTab() bool { return true }

// KeyDown tracks Shift, which arrives alone (Shift+F8 is not a shortcut).
func (g *grid) KeyDown(e *fyne.KeyEvent) {
	if e.Name == desktop.KeyShiftLeft || e.Name == desktop.KeyShiftRight {
		g.shift = true
	}
}

// KeyUp tracks Shift.
func (g *grid) KeyUp(e *fyne.KeyEvent) {
	if e.Name == desktop.KeyShiftLeft || e.Name == desktop.KeyShiftRight {
		g.shift = false
	}
}

// FocusGained keeps the table from drawing its own focus cell: the grid
// draws the cursor.
func (g *grid) FocusGained() {}

// FocusLost forgets Shift: its KeyUp may go elsewhere.
func (g *grid) FocusLost() {
	g.shift = false
	g.Table.FocusLost()
}

// TypedKey moves, edits and acts like a spreadsheet.
func (g *grid) TypedKey(e *fyne.KeyEvent) {
	g.s.wb.touch()
	if isModifier(e.Name) {
		return
	}
	g.s.wb.setMessage("") // a message is about the last action only
	rows, cols := g.size()
	switch e.Name {
	case fyne.KeyUp:
		g.moveBy(-1, 0)
	case fyne.KeyDown:
		g.moveBy(1, 0)
	case fyne.KeyLeft:
		g.moveBy(0, -1)
	case fyne.KeyRight:
		g.moveBy(0, 1)
	case fyne.KeyTab:
		if g.shift {
			g.moveBy(0, -1)
		} else {
			g.moveBy(0, 1)
		}
	case fyne.KeyPageUp:
		g.moveBy(-20, 0)
	case fyne.KeyPageDown:
		g.moveBy(20, 0)
	case fyne.KeyHome:
		g.moveTo(g.cur.Row, 0)
	case fyne.KeyEnd:
		g.moveTo(g.cur.Row, cols-1)
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyF2:
		if rows > 0 {
			g.s.beginEdit(nil)
		}
	case fyne.KeyDelete, fyne.KeyBackspace:
		if rows > 0 {
			empty := ""
			g.s.beginEdit(&empty)
		}
	case fyne.KeyF8:
		g.s.nextFinding(map[bool]int{false: 1, true: -1}[g.shift])
	case fyne.KeyF4:
		g.s.acceptSuggestion()
	case fyne.KeyF6:
		if g.shift {
			g.s.confirmWithReason()
		} else {
			g.s.confirm(reasonMatchesPaper)
		}
	case fyne.KeyF7:
		g.s.markUnreadable()
	case fyne.KeyF9:
		g.s.showSheet()
	case fyne.KeyEscape:
		g.s.clearSearch()
	}
}

func isModifier(k fyne.KeyName) bool {
	switch k {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight, desktop.KeyControlLeft, desktop.KeyControlRight,
		desktop.KeyAltLeft, desktop.KeyAltRight, desktop.KeySuperLeft, desktop.KeySuperRight:
		return true
	}
	return false
}

// TypedRune starts editing with the typed character, as in a spreadsheet.
func (g *grid) TypedRune(r rune) {
	g.s.wb.touch()
	if rows, _ := g.size(); rows > 0 {
		g.s.editor.noteRune(r) // the IME guard sees the first rune too
		s := string(r)
		g.s.beginEdit(&s)
	}
}

func (g *grid) moveBy(dr, dc int) { g.moveTo(g.cur.Row+dr, g.cur.Col+dc) }

// moveTo puts the cursor on a table cell, clamped to the table.
func (g *grid) moveTo(r, c int) {
	rows, cols := g.size()
	if rows == 0 || cols == 0 {
		return
	}
	r = max(0, min(rows-1, r))
	c = max(0, min(cols-1, c))
	id := widget.TableCellID{Row: r, Col: c}
	g.scrollTo(id)
	g.setCursor(id)
}

// size is the table in rows and fields (without the blank last column).
func (g *grid) size() (rows, cols int) { return len(g.s.visible), len(g.s.fields()) }

// scrollTo brings a cell fully into view, header and data in step.
//
// Fyne 2.7's Table draws the columns right of sticky ones at a place that
// depends on the scroll offset: with offset o it finds the first column m
// whose right edge is past o, draws column m+sticky at m's place, and so
// on; columns of differing widths then sit elsewhere than Table.ScrollTo
// (and the scroller's clamping) assume, and the cursor cell can end up
// partly or wholly out of view. This models what Fyne draws, picks the
// offset nearest the current one that shows the cell whole, and sets it
// through ScrollToOffset, which moves header and data together; offsets on
// a column boundary come first, so no column is drawn half behind the
// sticky ones. The blank last column gives the room the right edge needs.
func (g *grid) scrollTo(id widget.TableCellID) {
	size := g.Size()
	rows, cols := g.size()
	if size.Width <= 0 || size.Height <= 0 || rows == 0 || cols == 0 || len(g.widths) != cols {
		return
	}
	id.Row = max(0, min(rows-1, id.Row))
	id.Col = max(0, min(cols-1, id.Col))
	pad := g.Theme().Size(theme.SizeNamePadding)
	sticky := min(g.StickyColumnCount, cols)
	stuck := float32(0)
	for _, w := range g.widths[:sticky] {
		stuck += w + pad
	}
	viewW := size.Width - rowHeaderWidth - stuck
	widths := append(append([]float32(nil), g.widths...), g.spacer)
	colOff := make([]float32, len(widths)+1) // x of column i counted from column 0, as Fyne does
	for i, w := range widths {
		colOff[i+1] = colOff[i] + w + pad
	}
	// room after the last field for the offset that shows it
	if need := colOff[cols-1-sticky] - (colOff[cols] - colOff[sticky] - viewW); sticky > 0 && need > g.spacer {
		g.spacer = float32(math.Ceil(float64(need))) + 1
		widths[cols] = g.spacer
		colOff[cols+1] = colOff[cols] + g.spacer + pad
		g.SetColumnWidth(cols, g.spacer)
	}
	maxX := max(0, colOff[len(widths)]-colOff[sticky]-pad-viewW)
	off := g.off
	if id.Col >= sticky {
		best, found := float32(0), false
		// First try offsets on a column boundary: any other offset draws
		// the first scrolling column partly hidden behind the sticky ones,
		// which looks like an empty column after 氏名カナ.
		for m := 0; m+sticky <= id.Col && sticky > 0; m++ {
			o := colOff[m]
			x := colOff[id.Col] - colOff[m+sticky] // where the cell is drawn, from the sticky edge
			if (x > 0 && x+widths[id.Col] > viewW) || o > maxX || colOff[id.Col] >= o+size.Width {
				continue // cut at the right (a cell wider than the view shows its start), or out of reach
			}
			if !found || abs32(o-off.X) < abs32(best-off.X) {
				best, found = o, true
			}
		}
		aligned := found
		for m := 0; m+sticky <= id.Col && !aligned; m++ {
			lo, hi := float32(0), colOff[m+1]-0.01 // first column drawn is m for o in [lo, hi]
			if m > 0 {
				lo = colOff[m]
			}
			x := colOff[m] + colOff[id.Col] - colOff[m+sticky] // where the cell is drawn
			lo = max(lo, min(x, x+widths[id.Col]-viewW), 0)    // wider than the view: show its start
			hi = min(hi, x, maxX)
			if lo > hi || colOff[id.Col] >= hi+size.Width { // Fyne stops drawing at the table's width
				continue
			}
			o := max(lo, min(off.X, hi))
			if !found || abs32(o-off.X) < abs32(best-off.X) {
				best, found = o, true
			}
		}
		if found {
			off.X = best
		}
	}
	rowH, headH := g.rowHeight()
	viewH := size.Height - headH
	y := float32(id.Row) * (rowH + pad)
	if y < off.Y {
		off.Y = y
	} else if y+rowH > off.Y+viewH {
		off.Y = y + rowH - viewH
	}
	contentH := float32(rows)*(rowH+pad) - pad
	off.X = max(0, min(off.X, maxX))
	off.Y = max(0, min(off.Y, contentH-viewH))
	g.off = off
	g.ScrollToOffset(off)
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// rowHeight is the data row and header heights as the table computes them.
func (g *grid) rowHeight() (row, header float32) {
	if g.rowH == 0 {
		head := newHeaderLabel().MinSize()
		g.rowH = newCellView().MinSize().Max(head).Height
		g.headH = head.Height
	}
	return g.rowH, g.headH
}

// MinSize keeps room for the row header, the sticky columns and the widest
// column, so no split or window size can hide a whole cell.
func (g *grid) MinSize() fyne.Size {
	m := g.Table.MinSize()
	pad := g.Theme().Size(theme.SizeNamePadding)
	w := float32(rowHeaderWidth) + pad
	widest := float32(0)
	for i, cw := range g.widths {
		if i < g.StickyColumnCount {
			w += cw + pad
		} else {
			widest = max(widest, cw)
		}
	}
	return fyne.NewSize(max(m.Width, w+widest+pad), m.Height)
}

// Resize keeps the cursor cell in view when the window or the split
// changes the table's size (and on the first layout, which brings a
// restored cursor into view).
func (g *grid) Resize(s fyne.Size) {
	g.Table.Resize(s)
	g.scrollTo(g.cur)
}

func (g *grid) setCursor(id widget.TableCellID) {
	old := g.cur
	g.cur = id
	g.RefreshItem(old)
	g.RefreshItem(id)
	g.s.cursorMoved()
}

// --- one cell ---

// cellView draws a value with its status: fill, mark, and a cursor outline
// on top (the table's own cursor is hidden behind coloured fills).
type cellView struct {
	widget.BaseWidget
	bg, outline *canvas.Rectangle
	mark        *canvas.Text
	dots        *canvas.Text // the suspicion grade, under the mark
	text        *widget.Label
	grade       grade
}

func newCellView() *cellView {
	c := &cellView{
		bg:      canvas.NewRectangle(color.Transparent),
		outline: canvas.NewRectangle(color.Transparent),
		mark:    canvas.NewText("", color.Black),
		dots:    canvas.NewText("", color.Black),
		text:    widget.NewLabel(""),
	}
	c.mark.TextStyle.Bold = true
	c.dots.TextStyle.Bold = true
	c.dots.TextSize = 10
	c.dots.Alignment = fyne.TextAlignCenter
	c.text.Truncation = fyne.TextTruncateClip
	c.text.Alignment = fyne.TextAlignLeading
	c.outline.StrokeWidth = 2
	c.ExtendBaseWidget(c)
	return c
}

func (c *cellView) CreateRenderer() fyne.WidgetRenderer {
	// the dots sit in the mark's column, below it, without making the row
	// taller (a stack is as tall as its tallest layer)
	markBox := container.NewStack(container.NewCenter(c.mark), container.New(bottomLayout{}, c.dots))
	return widget.NewSimpleRenderer(container.NewStack(c.bg,
		container.NewBorder(nil, nil, container.NewPadded(markBox), nil, c.text), c.outline))
}

// bottomLayout lays the grade's dots along the bottom of the mark's
// column and asks for no room of its own.
type bottomLayout struct{}

func (bottomLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, s.Height-h+2))
		o.Resize(fyne.NewSize(s.Width, h))
	}
}

func (bottomLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (c *cellView) set(value string, st review.Status, cursor, related bool) {
	c.setGraded(value, st, gradeNone, cursor, related)
}

// setGraded shows a value with its status and, for a suspect cell, its
// suspicion grade: a stronger fill and one to three dots.
func (c *cellView) setGraded(value string, st review.Status, gr grade, cursor, related bool) {
	l, ok := looks[st]
	c.bg.FillColor = color.Transparent
	c.mark.Text = " "
	c.grade = gr
	c.dots.Text = gradeDots[gr]
	if ok {
		c.bg.FillColor = gradeFills[st][gr]
		c.mark.Text = l.mark
		c.mark.Color = l.fg
		c.dots.Color = l.fg
	}
	switch {
	case cursor:
		c.outline.StrokeColor, c.outline.StrokeWidth = colCursor, 2
	case related:
		c.outline.StrokeColor, c.outline.StrokeWidth = colRelated, 1
	default:
		c.outline.StrokeColor = color.Transparent
	}
	// SetText re-measures the text, the costly part of a refresh: skip it
	// when the cell shows the same value as before
	if v := displayValue(value); v != c.text.Text {
		c.text.SetText(v)
	}
	c.bg.Refresh()
	c.mark.Refresh()
	c.dots.Refresh()
	c.outline.Refresh()
}

// displayValue shows a multi-line cell on one line.
func displayValue(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = '／'
		}
		out = append(out, r)
	}
	return string(out)
}
