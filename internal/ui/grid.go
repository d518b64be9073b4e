package ui

import (
	"fmt"
	"image/color"

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
}

func newGrid(s *sheet) *grid {
	g := &grid{s: s}
	g.Length = func() (int, int) { return len(s.visible), len(s.fields()) }
	g.CreateCell = func() fyne.CanvasObject { return newCellView() }
	g.UpdateCell = g.updateCell
	g.ShowHeaderRow, g.ShowHeaderColumn = true, true
	g.StickyColumnCount = stickyColumns(s.session.Batch.Form)
	g.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateClip
		l.TextStyle.Bold = true
		return l
	}
	g.UpdateHeader = g.updateHeader
	// A tap selects through the table; the grid keeps its own cursor and
	// drops the table's selection, whose highlight Fyne draws one column
	// off when columns are sticky.
	g.OnSelected = func(id widget.TableCellID) {
		g.UnselectAll()
		g.setCursor(id)
	}
	g.ExtendBaseWidget(g)
	for i, f := range s.fields() {
		g.widths = append(g.widths, columnWidth(f))
		g.SetColumnWidth(i, g.widths[i])
	}
	g.SetColumnWidth(-1, rowHeaderWidth)
	return g
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

func columnWidth(f *form.Field) float32 {
	w := map[form.Type]float32{form.TypeID: 150, form.TypeKana: 150, form.TypeDate: 140, form.TypeText: 170, form.TypeTime: 76, form.TypeDecimal: 76, form.TypeInteger: 64, form.TypeCode: 60, form.TypeCheck: 56}[f.Type]
	label := fyne.MeasureText(f.Label, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.Padding() + 4
	return max(w, min(label, 200))
}

func (g *grid) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	switch {
	case id.Row < 0 && id.Col >= 0:
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
	if id.Row >= len(g.s.visible) {
		return
	}
	row := g.s.visible[id.Row]
	st := g.s.session.CellStatus(row, id.Col)
	c.set(g.s.session.Value(row, id.Col), st, id == g.cur && g.s.hasCursor(), g.s.isRelated(row, id.Col))
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
	rows, cols := g.Length()
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
	}
}

// TypedRune starts editing with the typed character, as in a spreadsheet.
func (g *grid) TypedRune(r rune) {
	g.s.wb.touch()
	if rows, _ := g.Length(); rows > 0 {
		s := string(r)
		g.s.beginEdit(&s)
	}
}

func (g *grid) moveBy(dr, dc int) { g.moveTo(g.cur.Row+dr, g.cur.Col+dc) }

// moveTo puts the cursor on a table cell, clamped to the table.
func (g *grid) moveTo(r, c int) {
	rows, cols := g.Length()
	if rows == 0 || cols == 0 {
		return
	}
	r = max(0, min(rows-1, r))
	c = max(0, min(cols-1, c))
	id := widget.TableCellID{Row: r, Col: c}
	g.scrollTo(id)
	g.setCursor(id)
}

// scrollTo is Table.ScrollTo corrected for Fyne 2.7, which takes the whole
// width as visible even when a header column and sticky columns cover its
// left part, leaving a cell at the right edge partly hidden. Scrolling to a
// column further right by that covered width brings the cell fully in view.
func (g *grid) scrollTo(id widget.TableCellID) {
	g.ScrollTo(id)
	if id.Col < g.StickyColumnCount || len(g.widths) == 0 {
		return
	}
	pad := theme.Padding()
	covered := float32(rowHeaderWidth) + pad
	for _, w := range g.widths[:g.StickyColumnCount] {
		covered += w + pad
	}
	right := float32(0)
	for _, w := range g.widths[:id.Col+1] {
		right += w + pad
	}
	edge := float32(0)
	for j, w := range g.widths {
		edge += w + pad
		if edge >= right+covered {
			g.ScrollTo(widget.TableCellID{Row: id.Row, Col: j})
			return
		}
	}
	g.ScrollToTrailing()
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
	text        *widget.Label
}

func newCellView() *cellView {
	c := &cellView{
		bg:      canvas.NewRectangle(color.Transparent),
		outline: canvas.NewRectangle(color.Transparent),
		mark:    canvas.NewText("", color.Black),
		text:    widget.NewLabel(""),
	}
	c.mark.TextStyle.Bold = true
	c.text.Truncation = fyne.TextTruncateClip
	c.text.Alignment = fyne.TextAlignLeading
	c.outline.StrokeWidth = 2
	c.ExtendBaseWidget(c)
	return c
}

func (c *cellView) CreateRenderer() fyne.WidgetRenderer {
	markBox := container.NewCenter(c.mark)
	return widget.NewSimpleRenderer(container.NewStack(c.bg,
		container.NewBorder(nil, nil, container.NewPadded(markBox), nil, c.text), c.outline))
}

func (c *cellView) set(value string, st review.Status, cursor, related bool) {
	l, ok := looks[st]
	c.bg.FillColor = color.Transparent
	c.mark.Text = " "
	if ok {
		c.bg.FillColor = l.bg
		c.mark.Text = l.mark
		c.mark.Color = l.fg
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
