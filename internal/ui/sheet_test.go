package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/batch"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/normalize"
	"kenshin/internal/review"
	"kenshin/internal/synth"
)

// openSample opens a sample in a window of the given size.
func openSample(t *testing.T, name string, size fyne.Size) (*Workbench, *sheet, *clock) {
	t.Helper()
	w, clk := newTestBench(t, nil)
	w.Window().Resize(size)
	if err := w.OpenPath(testdata("samples/" + name)); err != nil {
		t.Fatal(err)
	}
	return w, w.active(), clk
}

func shiftKey(g *grid, name fyne.KeyName) {
	g.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	key(g, name)
	g.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
}

// firstOpenWithValue is the first open finding on a cell that holds a value
// (and no ●).
func firstOpenWithValue(t *testing.T, sh *sheet) review.Pos {
	t.Helper()
	for _, p := range sh.session.OpenCells() {
		if v := sh.session.Value(p.Row, p.Field); p.Field >= 0 && v != "" && !strings.Contains(v, normalize.Unreadable) {
			return p
		}
	}
	t.Fatal("no open finding on a filled cell")
	return review.Pos{}
}

// Defect 1: Shift+F6, close the reason dialog, focus in the edit bar, Enter:
// the value must stay what it was, never blank.
func TestReasonDialogNeverBlanksTheCell(t *testing.T) {
	for _, tc := range []struct {
		name  string
		close func(sh *sheet)
	}{
		{"やめる", func(sh *sheet) { sh.reasonDlg.Hide() }},
		{"Esc", func(sh *sheet) { sh.reasonIn.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) }},
		{"確認する", func(sh *sheet) { sh.reasonDlg.Confirm() }},
		{"Enter", func(sh *sheet) { sh.reasonIn.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, sh, clk := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
			w.app.Preferences().SetBool(prefAdvance, false)
			p := firstOpenWithValue(t, sh)
			sh.goTo(p.Row, p.Field)
			want := sh.session.Value(p.Row, p.Field)
			shiftKey(sh.grid, fyne.KeyF6)
			if sh.reasonDlg == nil {
				r, f, _ := sh.pos()
				t.Fatalf("Shift+F6 shows no reason dialog at %d/%d %q: %s", r, f, sh.session.Value(r, f), codes(sh.session.CellFindings(r, f)))
			}
			tc.close(sh)
			if sh.reasonDlg != nil {
				t.Fatal("the dialog is still open")
			}
			if got := w.Window().Canvas().Focused(); got != sh.grid {
				t.Errorf("focus after the dialog: %T, want the table", got)
			}
			// whatever blanked the bar before, focus in it shows the value
			sh.editor.SetText("")
			w.Window().Canvas().Focus(sh.editor)
			if sh.editor.Text != want {
				t.Errorf("edit bar holds %q on focus, want %q", sh.editor.Text, want)
			}
			clk.t = clk.t.Add(time.Second)
			sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if got := sh.session.Value(p.Row, p.Field); got != want {
				t.Fatalf("Enter without typing stored %q, want %q", got, want)
			}
		})
	}
}

// The edit bar writes only what the clerk typed.
func TestCommitWithoutTypingWritesNothing(t *testing.T) {
	w, sh, clk := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	_ = w
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.grid.moveTo(3, wf)
	want := sh.session.Value(3, wf)
	key(sh.grid, fyne.KeyF2)
	sh.loadEditor("") // a program path blanks the bar
	clk.t = clk.t.Add(time.Second)
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := sh.session.Value(3, wf); got != want {
		t.Fatalf("stored %q although the clerk typed nothing, want %q", got, want)
	}
	if len(sh.session.Changes()) != 0 {
		t.Fatalf("changes recorded: %+v", sh.session.Changes())
	}
}

// walk visits every laid-out visible object with its absolute position.
func walk(o fyne.CanvasObject, at fyne.Position, fn func(fyne.CanvasObject, fyne.Position)) {
	if o == nil || !o.Visible() {
		return
	}
	at = at.Add(o.Position())
	fn(o, at)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, at, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, at, fn)
		}
	}
}

type placed struct {
	pos  fyne.Position
	size fyne.Size
}

// screen finds where the grid, the cursor cell and the header of the
// cursor column are drawn.
func screen(t *testing.T, w *Workbench, sh *sheet) (table, cell, header placed) {
	t.Helper()
	label := sh.fields()[sh.grid.cur.Col].Label
	var gridAt fyne.Position
	found := 0
	walk(w.Window().Canvas().Content(), fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		switch v := o.(type) {
		case *grid:
			table, gridAt = placed{at, v.Size()}, at
			found |= 1
		case *cellView:
			if v.outline.StrokeColor == colCursor && v.outline.StrokeWidth == 2 {
				cell = placed{at, v.Size()}
				found |= 2
			}
		case *widget.Label:
			if v.Text == label && v.TextStyle.Bold && found&1 != 0 && at.Y < gridAt.Y+sh.grid.headH && at.Y >= gridAt.Y {
				header = placed{at, v.Size()}
				found |= 4
			}
		}
	})
	if found != 7 {
		t.Fatalf("on screen at column %d row %d: grid %v cell %v header %v", sh.grid.cur.Col, sh.grid.cur.Row, found&1 != 0, found&2 != 0, found&4 != 0)
	}
	return table, cell, header
}

// checkInView: the cursor cell is whole inside the data area and its
// column's header sits exactly above it.
func checkInView(t *testing.T, what string, w *Workbench, sh *sheet) {
	t.Helper()
	g, c, h := screen(t, w, sh)
	stuck := float32(rowHeaderWidth)
	if sh.grid.cur.Col >= sh.grid.StickyColumnCount {
		for _, wd := range sh.grid.widths[:sh.grid.StickyColumnCount] {
			stuck += wd
		}
	}
	if c.pos.X < g.pos.X+stuck-1 || c.pos.X+c.size.Width > g.pos.X+g.size.Width+1 ||
		c.pos.Y < g.pos.Y+sh.grid.headH-1 || c.pos.Y+c.size.Height > g.pos.Y+g.size.Height+1 {
		t.Errorf("%s: cursor cell at %v %v is not whole inside the table at %v %v", what, c.pos, c.size, g.pos, g.size)
	}
	if d := h.pos.X - c.pos.X; d > 1 || d < -1 {
		t.Errorf("%s: header 「%s」 at x=%.0f, cell at x=%.0f: out of step", what, sh.fields()[sh.grid.cur.Col].Label, h.pos.X, c.pos.X)
	}
}

// Defect 2: End, F8 to the last column, a wider detail pane: the cursor
// cell stays visible and under its own header, at both window sizes.
func TestCursorVisibleAndHeaderAligned(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 1600, Height: 1000}} {
		t.Run(sizeName(size), func(t *testing.T) {
			w, sh, _ := openSample(t, "m4-exam.csv", size)
			last := len(sh.fields()) - 1
			key(sh.grid, fyne.KeyEnd)
			checkInView(t, "End", w, sh)
			for i := 0; i < 8; i++ {
				key(sh.grid, fyne.KeyDown)
			}
			checkInView(t, "End, Down×8", w, sh)
			key(sh.grid, fyne.KeyHome)
			checkInView(t, "Home", w, sh)
			sh.goTo(len(sh.visible)-1, last)
			checkInView(t, "last row, last column", w, sh)
			sh.split.SetOffset(0.45) // the detail pane widens
			checkInView(t, "detail pane widened", w, sh)
			key(sh.grid, fyne.KeyLeft)
			checkInView(t, "Left after widening", w, sh)
			sh.goTo(0, sh.grid.StickyColumnCount)
			checkInView(t, "back to the first scrolling column", w, sh)
			for i := 0; i < last; i++ { // every column, rightwards then back
				key(sh.grid, fyne.KeyRight)
				checkInView(t, fmt.Sprintf("Right to column %d", sh.grid.cur.Col), w, sh)
			}
			for i := 0; i < last; i++ {
				key(sh.grid, fyne.KeyLeft)
				checkInView(t, fmt.Sprintf("Left to column %d", sh.grid.cur.Col), w, sh)
			}
		})
	}
}

func sizeName(s fyne.Size) string { return fmt.Sprintf("%.0fx%.0f", s.Width, s.Height) }

// bigSample writes a synthetic m4 file of n rows.
func bigSample(t testing.TB, n int) string {
	t.Helper()
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := synth.Generate(synth.Options{Form: set.Form("m4-exam"), Growth: set.Growth, Rows: n, Seed: 9, ErrorRate: 0.05, Confidence: true})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m4-big.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Defect 7: a restored cursor (row 48) is on screen, not row 1.
func TestRestoredCursorIsScrolledTo(t *testing.T) {
	w, _ := newTestBench(t, nil)
	w.Window().Resize(fyne.NewSize(1280, 800))
	l, err := w.load(bigSample(t, 150))
	if err != nil {
		t.Fatal(err)
	}
	l.curRow, l.curField = 48, 14
	w.add(l)
	sh := w.active()
	if r, f, _ := sh.pos(); r != 48 || f != 14 {
		t.Fatalf("cursor restored to %d/%d", r, f)
	}
	checkInView(t, "restored cursor", w, sh)
}

// Defect 3: no value or header is cut short. Every cell and header label on
// screen gets at least the width its text needs, a suspect 12.56 with ▲
// included, on the first screen and at the right end.
func TestNoValueOrHeaderIsClipped(t *testing.T) {
	w, sh, clk := openSample(t, "m4-exam.csv", fyne.NewSize(1600, 1000))
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.grid.moveTo(0, wf)
	sh.grid.TypedRune('1')
	typeText(sh.editor, "2.56")
	clk.t = clk.t.Add(time.Second)
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if got := sh.session.Value(0, wf); got != "12.56" {
		t.Fatalf("value %q", got)
	}
	// a suspect cell of that column, drawn the way the table draws it
	cv := newCellView()
	cv.set("12.56", review.StatusWarning, false, false)
	cv.Resize(fyne.NewSize(sh.grid.widths[wf], sh.grid.rowH))
	test.WidgetRenderer(cv).Layout(cv.Size())
	if need, got := naturalWidth("12.56", fyne.TextStyle{}), cv.text.Size().Width; got < need {
		t.Errorf("「▲ 12.56」 gets %.0f of the %.0f it needs", got, need)
	}
	check := func(where string) {
		n := 0
		walk(w.Window().Canvas().Content(), fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
			switch v := o.(type) {
			case *cellView:
				if need := naturalWidth(v.text.Text, v.text.TextStyle); v.text.Text != "" && v.text.Size().Width+0.5 < need {
					t.Errorf("%s: cell 「%s」 cut: %.0f < %.0f", where, v.text.Text, v.text.Size().Width, need)
				}
				n++
			case *widget.Label:
				if need := naturalWidth(v.Text, v.TextStyle); v.Truncation == fyne.TextTruncateClip && v.TextStyle.Bold && v.Text != "" && v.Size().Width+0.5 < need {
					t.Errorf("%s: header 「%s」 cut: %.0f < %.0f", where, v.Text, v.Size().Width, need)
				}
			}
		})
		if n < 20 {
			t.Errorf("%s: only %d cells on screen", where, n)
		}
	}
	check("first screen")
	key(sh.grid, fyne.KeyEnd)
	check("End")
}

// Code columns show their label, dates their reading and the age.
func TestDisplayReadsCodesAndDates(t *testing.T) {
	_, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	f := sh.session.Batch.Form
	ctx := t.Context()
	exam, birth := f.Field(form.KeyExamDate).Index, f.Field(form.KeyBirth).Index
	sh.session.Edit(ctx, 0, birth, "令和4年10月1日", "")
	sh.session.Edit(ctx, 0, exam, "令和6年5月14日", "")
	if got := sh.display(0, exam); got != "R6.5.14（1歳7か月）" {
		t.Errorf("exam date shows %q", got)
	}
	var code *form.Field
	for _, fd := range f.Fields {
		if fd.Type == form.TypeCode && len(fd.Options) > 0 {
			code = fd
			break
		}
	}
	o := code.Options[0]
	sh.session.Edit(ctx, 0, code.Index, o.Code, "")
	if got := sh.display(0, code.Index); got != o.Code+" "+o.Label {
		t.Errorf("code shows %q, want %q", got, o.Code+" "+o.Label)
	}
	sh.session.Edit(ctx, 0, code.Index, "l", "") // a misread is shown as it is
	if got := sh.display(0, code.Index); got != "l" {
		t.Errorf("misread code shows %q", got)
	}
}

// Defect 5: every filter and the search give the keyboard back to the
// table; the search answers Enter and Esc.
func TestFiltersAndSearchReturnFocus(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	c := w.Window().Canvas()
	steps := []struct {
		name string
		do   func()
	}{
		{"種類", func() { c.Focus(sh.kindSel); sh.kindSel.SetSelectedIndex(1) }},
		{"列", func() { c.Focus(sh.columnSel); sh.columnSel.SetSelectedIndex(3) }},
		{"未解決のみ", func() { c.Focus(sh.onlyOpen); sh.onlyOpen.SetChecked(true) }},
		{"エラーのみ", func() { c.Focus(sh.onlyErrors); sh.onlyErrors.SetChecked(true) }},
		{"search Enter", func() {
			c.Focus(sh.search)
			test.Type(sh.search, "00")
			sh.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}},
		{"search Esc", func() {
			c.Focus(sh.search)
			test.Type(sh.search, "99")
			sh.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if sh.search.Text != "" {
				t.Errorf("Esc leaves the search %q", sh.search.Text)
			}
		}},
	}
	for _, s := range steps {
		s.do()
		if got := c.Focused(); got != sh.grid {
			t.Errorf("after %s the focus is on %T, want the table", s.name, got)
		}
	}
}

// The エラーのみ filter keeps rows with open errors, and F8 goes to errors only.
func TestErrorsOnlyFilter(t *testing.T) {
	_, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	sh.onlyErrors.SetChecked(true)
	if len(sh.visible) == 0 || len(sh.visible) == len(sh.session.Batch.Rows) {
		t.Fatalf("エラーのみ shows %d of %d rows", len(sh.visible), len(sh.session.Batch.Rows))
	}
	for i := 0; i < 5; i++ {
		key(sh.grid, fyne.KeyF8)
		r, f, _ := sh.pos()
		if st := sh.session.CellStatus(r, f); st != review.StatusError {
			t.Fatalf("F8 under エラーのみ went to a %v cell", st)
		}
	}
}

// Item A: F6 (用紙と一致) does not close an error, in the table or from the
// detail pane's button; Shift+F6 offers 「記入者に確認済み」 and that reason
// closes it, recorded with the reason.
func TestMatchesPaperDoesNotCloseAnError(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	w.app.Preferences().SetBool(prefAdvance, false)
	var p review.Pos
	found := false
	for _, o := range sh.session.OpenCells() {
		if v := sh.session.Value(o.Row, o.Field); o.Field >= 0 && !normalize.IsUnreadable(v) && sh.session.HasOpenError(o.Row, o.Field) && !notValue(sh, o.Row, o.Field) {
			p, found = o, true
			break
		}
	}
	if !found {
		t.Fatal("no open error on a readable value in the sample")
	}
	sh.goTo(p.Row, p.Field)
	key(sh.grid, fyne.KeyF6)
	if _, ok := sh.session.Confirmed(p.Row, p.Field); ok {
		t.Fatal("F6 closed an error with 用紙と一致")
	}
	if !strings.Contains(w.message.Text, "Shift+F6") {
		t.Errorf("message %q should point to Shift+F6 / a fix", w.message.Text)
	}
	if b := findButton(sh.actions, "読み取りどおりと確認 (F6)"); b == nil || !b.Disabled() {
		t.Error("the detail pane's F6 button is enabled on an error")
	}
	shiftKey(sh.grid, fyne.KeyF6)
	if sh.reasonIn == nil || sh.reasonIn.Text != review.ReasonAskedWriter {
		t.Fatalf("reason dialog offers %v, want %s", sh.reasonIn, review.ReasonAskedWriter)
	}
	sh.reasonIn.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if c, ok := sh.session.Confirmed(p.Row, p.Field); !ok || c.Reason != review.ReasonAskedWriter || sh.session.HasOpenError(p.Row, p.Field) {
		t.Fatalf("Shift+F6 記入者に確認済み: %+v %v", c, ok)
	}
}

// Item A: F7 on a required field blanks it in one undoable step; the blank
// is an error the supervisor must let through, and the clerk is told so.
func TestUnreadableRequiredFieldStaysOpen(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	w.app.Preferences().SetBool(prefAdvance, false)
	hf := sh.session.Batch.Form.Field("height").Index
	sh.goTo(2, hf)
	before := sh.session.Value(2, hf)
	key(sh.grid, fyne.KeyF7)
	if sh.session.Value(2, hf) != "" || !sh.session.HasOpenError(2, hf) {
		t.Fatalf("F7 on 身長: value %q open error %v", sh.session.Value(2, hf), sh.session.HasOpenError(2, hf))
	}
	if !strings.Contains(w.message.Text, "上長") {
		t.Errorf("message %q should say the supervisor must approve", w.message.Text)
	}
	key(sh.grid, fyne.KeyF7)
	sh.undo()
	if _, ok := sh.session.Confirmed(2, hf); ok || sh.session.Value(2, hf) != before {
		t.Fatalf("one undo: %q confirmed=%v, want %q", sh.session.Value(2, hf), ok, before)
	}
}

// Defect 6: F6 on ● is refused; F7 resolves it as 判読不能 (blank + reason).
func TestUnreadableCannotBeConfirmed(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	w.app.Preferences().SetBool(prefAdvance, false)
	var p review.Pos
	found := false
	for r := range sh.session.Batch.Rows {
		for f := range sh.fields() {
			if strings.Contains(sh.session.Value(r, f), normalize.Unreadable) {
				p, found = review.Pos{Row: r, Field: f}, true
			}
		}
	}
	if !found {
		t.Fatal("no ● in the sample")
	}
	sh.goTo(p.Row, p.Field)
	key(sh.grid, fyne.KeyF6)
	if _, ok := sh.session.Confirmed(p.Row, p.Field); ok {
		t.Fatal("F6 confirmed ● as read")
	}
	if !strings.Contains(w.message.Text, "F7") {
		t.Errorf("message %q should point to F7", w.message.Text)
	}
	shiftKey(sh.grid, fyne.KeyF6) // with a reason other than 判読不能: refused too
	sh.reasonIn.SetText(reasonMatchesPaper)
	sh.reasonDlg.Confirm()
	if _, ok := sh.session.Confirmed(p.Row, p.Field); ok {
		t.Fatal("Shift+F6 「用紙と一致」 confirmed ●")
	}
	key(sh.grid, fyne.KeyF7)
	c, ok := sh.session.Confirmed(p.Row, p.Field)
	if !ok || c.Reason != reasonUnreadable || sh.session.Value(p.Row, p.Field) != "" {
		t.Fatalf("F7: confirmed=%v %+v value %q", ok, c, sh.session.Value(p.Row, p.Field))
	}
}

// Defect 8: a message and 「指摘 n/N」 go when the cursor moves on.
func TestStatusNeverStale(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	w.app.Preferences().SetBool(prefAdvance, false)
	key(sh.grid, fyne.KeyF8)
	if !strings.Contains(w.position.Text, "指摘 1/") {
		t.Fatalf("position %q", w.position.Text)
	}
	key(sh.grid, fyne.KeyRight)
	if strings.Contains(w.position.Text, "指摘") {
		t.Errorf("「指摘 n/N」 left after leaving the cell: %q", w.position.Text)
	}
	for i := 0; i < 80; i++ {
		key(sh.grid, fyne.KeyF8)
		if r, f, _ := sh.pos(); func() bool { _, ok := sh.session.Suggestion(r, f); return ok }() {
			break
		}
	}
	key(sh.grid, fyne.KeyF4)
	if w.message.Text != "候補を採用しました" {
		t.Fatalf("message %q", w.message.Text)
	}
	key(sh.grid, fyne.KeyF6)
	if strings.Contains(w.message.Text, "候補") {
		t.Errorf("message after F6: %q", w.message.Text)
	}
	key(sh.grid, fyne.KeyDown)
	if w.message.Text != "" {
		t.Errorf("message after moving: %q", w.message.Text)
	}
}

// Defect 10: the detail pane breaks lines the Japanese way, keeps its
// width when its text changes, and says 「元に戻す」 once in the history.
func TestDetailPaneLinesAndSplit(t *testing.T) {
	w, sh, clk := openSample(t, "m4-exam.csv", fyne.NewSize(1280, 800))
	w.app.Preferences().SetBool(prefAdvance, false)
	gridW := sh.grid.Size().Width
	widths := map[float32]bool{}
	for i := 0; i < 12; i++ {
		key(sh.grid, fyne.KeyF8)
		widths[sh.grid.Size().Width] = true
		walk(sh.detail, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
			if v, ok := o.(*jpText); ok {
				for _, l := range strings.Split(v.label.Text, "\n") {
					if strings.HasPrefix(l, "、") || strings.HasPrefix(l, "。") {
						t.Errorf("detail line starts with punctuation: %q", v.label.Text)
					}
				}
				if v.Size().Height+0.5 < v.MinSize().Height {
					t.Errorf("「%s」 gets %.0f of the %.0f high it needs", v.Text, v.Size().Height, v.MinSize().Height)
				}
			}
		})
	}
	if len(widths) != 1 || !widths[gridW] {
		t.Errorf("the table/detail split moved: table widths %v, first %v", widths, gridW)
	}
	// history: an undone edit reads 「［元に戻す］」 once
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.grid.moveTo(0, wf)
	sh.grid.TypedRune('7')
	clk.t = clk.t.Add(time.Second)
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	sh.undo()
	sh.goTo(0, wf)
	text := collectText(sh.detail)
	if strings.Count(text, "元に戻す") != 1 {
		t.Errorf("history says 元に戻す %d times:\n%s", strings.Count(text, "元に戻す"), text)
	}
}

// Keystrokes per decision, per suspect kind: accept a suggestion or
// confirm = 1 key, a typed fix = the value + Enter, 判読不能 = 1 key; each
// moves on to the next open finding. Logged for the closing note.
func TestKeystrokesPerSuspectKind(t *testing.T) {
	for _, file := range []string{testdata("samples/y3-exam.csv"), bigSample(t, 150)} {
		t.Run(filepath.Base(file), func(t *testing.T) { keystrokes(t, file) })
	}
}

func notValue(sh *sheet, r, f int) bool {
	_, bad := sh.session.NotAValue(r, f)
	return bad
}

func keystrokes(t *testing.T, file string) {
	w, clk := newTestBench(t, nil)
	w.Window().Resize(fyne.NewSize(1280, 800))
	if err := w.OpenPath(file); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	type tally struct{ decisions, keys int }
	per := map[string]*tally{}
	keys := 0
	press := func(k fyne.KeyName) { keys++; key(sh.grid, k) }
	// an error the clerk checked with the writer: Shift+F6, Enter (the
	// dialog offers 「記入者に確認済み」 on an error)
	confirmAsked := func() {
		keys += 2
		shiftKey(sh.grid, fyne.KeyF6)
		if sh.reasonDlg == nil {
			r, f, _ := sh.pos()
			t.Fatalf("Shift+F6 shows no reason dialog at %d/%d %q: %s", r, f, sh.session.Value(r, f), codes(sh.session.CellFindings(r, f)))
		}
		sh.reasonIn.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	key(sh.grid, fyne.KeyF8) // to the first finding
	for step := 0; step < 400 && len(sh.session.OpenCells()) > 0; step++ {
		r, f, _ := sh.pos()
		kind := "row"
		var code string
		for _, fd := range sh.session.CellFindings(r, f) {
			if sh.session.IsOpen(fd) {
				code = fd.Code
				break
			}
		}
		if code == "" {
			for _, fd := range sh.session.CellFindings(r, -1) {
				code = fd.Code
			}
		}
		if code != "" {
			kind = code
		}
		before, open := keys, len(sh.session.OpenCells())
		v := sh.session.Value(r, f)
		switch _, sug := sh.session.Suggestion(r, f); {
		case strings.Contains(v, normalize.Unreadable) && !sh.fields()[f].Required:
			press(fyne.KeyF7) // a required field cannot stay blank: typed below
		case sug:
			press(fyne.KeyF4)
		case code == "required.missing" || v == "" || notValue(sh, r, f) || strings.Contains(v, normalize.Unreadable):
			// the value on the paper (a misread that is no value cannot be
			// confirmed), counted as one key ("value + Enter"): the value of
			// another row that fits here
			typed := fixture.PaperValue(t, sh.session, r, f)
			keys++
			for i, ch := range typed {
				if i == 0 {
					sh.grid.TypedRune(ch) // starts the edit
				} else {
					sh.editor.TypedRune(ch)
				}
			}
			clk.t = clk.t.Add(time.Second)
			keys++
			sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		case sh.session.HasOpenError(r, f):
			confirmAsked()
		default:
			press(fyne.KeyF6)
		}
		if len(sh.session.OpenCells()) >= open {
			// the decision left it open (a typed value still wrong): confirm
			// it, with a reason if it is an error (用紙と一致 closes none)
			if sh.session.HasOpenError(r, f) {
				confirmAsked()
			} else {
				press(fyne.KeyF6)
			}
			if len(sh.session.OpenCells()) >= open {
				t.Fatalf("stuck at %d/%d %s (%q → %q: %s; paper %q)", r, f, kind, v, sh.session.Value(r, f), codes(sh.session.CellFindings(r, f)), fixture.PaperValue(t, sh.session, r, f))
			}
		}
		tl := per[kind]
		if tl == nil {
			tl = &tally{}
			per[kind] = tl
		}
		tl.decisions++
		tl.keys += keys - before
	}
	if n := len(sh.session.OpenCells()); n != 0 {
		t.Fatalf("%d findings left", n)
	}
	kinds := make([]string, 0, len(per))
	total := tally{}
	for kind, tl := range per {
		kinds = append(kinds, kind)
		total.decisions += tl.decisions
		total.keys += tl.keys
	}
	slices.Sort(kinds)
	t.Logf("%-24s %3d decisions  %.2f keys each", "all", total.decisions, float64(total.keys)/float64(total.decisions))
	for _, kind := range kinds {
		tl := per[kind]
		avg := float64(tl.keys) / float64(tl.decisions)
		t.Logf("%-24s %3d decisions  %.2f keys each", kind, tl.decisions, avg)
		if avg > 3 {
			t.Errorf("%s takes %.2f keys a decision", kind, avg)
		}
	}
}

// The paper beside the value: the crop is the first thing in the detail
// pane, and F9 shows the whole sheet with the cursor field outlined.
func TestPaperBesideTheValue(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam-images.csv", fyne.NewSize(1280, 800))
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.goTo(1, wf)
	first := sh.detail.Objects[0]
	if !strings.Contains(collectText(first), "用紙の画像") {
		t.Fatalf("the crop is not at the top of the detail pane: %s", collectText(sh.detail))
	}
	var img *canvas.Image
	walk(first, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		if v, ok := o.(*canvas.Image); ok {
			img = v
		}
	})
	if img == nil || img.Size().Width < 250 || img.Size().Height < 60 {
		t.Fatalf("crop too small to read: %v", img)
	}
	overlays := w.Window().Canvas().Overlays().List()
	key(sh.grid, fyne.KeyF9)
	top := w.Window().Canvas().Overlays().Top()
	if top == nil || len(w.Window().Canvas().Overlays().List()) == len(overlays) {
		t.Fatal("F9 shows no sheet")
	}
	var outline *canvas.Rectangle
	walk(top, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		if v, ok := o.(*canvas.Rectangle); ok && v.StrokeColor == colCursor {
			outline = v
		}
	})
	if outline == nil {
		t.Fatal("the sheet has no outline on the field")
	}
	w.Window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.Window().Canvas().Focused() != sh.grid {
		t.Errorf("Esc on the sheet leaves focus on %T", w.Window().Canvas().Focused())
	}
}

// One key per decision: F4, F6 and Enter after a fix move on to the next
// open finding; with the setting off, Enter moves down as in a spreadsheet.
func TestDecisionsMoveOn(t *testing.T) {
	for _, advance := range []bool{true, false} {
		t.Run(fmt.Sprint("advance=", advance), func(t *testing.T) {
			w, sh, clk := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
			w.app.Preferences().SetBool(prefAdvance, advance)
			if w.advanceAfterDecision() != advance || w.AdvanceMenuItem().Checked != advance {
				t.Fatal("the setting does not stick")
			}
			p := firstOpenWithValue(t, sh) // not ●: F6 takes it
			sh.goTo(p.Row, p.Field)
			r, f, _ := sh.pos()
			key(sh.grid, fyne.KeyF6)
			r2, f2, _ := sh.pos()
			if moved := r2 != r || f2 != f; moved != advance {
				t.Errorf("F6: moved=%v, want %v", moved, advance)
			}
			// a fix typed into a low-confidence weight
			wf := sh.session.Batch.Form.Field("weight").Index
			var at review.Pos
			for _, p := range sh.session.OpenCells() {
				if p.Field == wf {
					at = p
					break
				}
			}
			sh.goTo(at.Row, at.Field)
			next := sh.openVisible()
			idx, _ := review.NextIn(next, at, 1)
			want := next[idx]
			sh.grid.TypedRune('6')
			typeText(sh.editor, ".5")
			clk.t = clk.t.Add(time.Second)
			sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			r3, f3, _ := sh.pos()
			switch {
			case advance && sh.hasOpenFinding(at.Row, at.Field) && (r3 != at.Row || f3 != at.Field):
				t.Errorf("a fix that leaves a finding should stay, at %d/%d", r3, f3)
			case advance && !sh.hasOpenFinding(at.Row, at.Field) && (r3 != want.Row || f3 != max(want.Field, 0)):
				t.Errorf("Enter after the fix went to %d/%d, want the next finding %v", r3, f3, want)
			case !advance && (r3 != at.Row+1 || f3 != at.Field):
				t.Errorf("Enter with the setting off went to %d/%d, want the row below", r3, f3)
			}
		})
	}
}

func codes(fs []batch.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return strings.Join(out, ",")
}

// Walkthrough 5: Shift+F6 on a cell that holds no usable value (a letter in
// a date …) opens no reason dialog: no reason makes a misread a value; the
// clerk is told to type the paper's value.
func TestReasonRefusedOnNoValue(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	f := sh.session.Batch.Form.Field(form.KeyExamDate).Index
	if err := sh.session.Edit(context.Background(), 1, f, "R7.6.S", "test"); err != nil {
		t.Fatal(err)
	}
	sh.changed()
	sh.goTo(1, f)
	shiftKey(sh.grid, fyne.KeyF6)
	if sh.reasonDlg != nil {
		t.Fatal("Shift+F6 offered reasons on a date with a letter in it")
	}
	if !strings.Contains(w.message.Text, "値として読めない") {
		t.Errorf("message %q", w.message.Text)
	}
	if _, ok := sh.session.Confirmed(1, f); ok || !sh.session.HasOpenError(1, f) {
		t.Error("the misread was confirmed")
	}
}

// Walkthrough 20: 「指摘 n/N 件目」 goes when the filter changes (its count
// was of the old filter) and when the last finding is settled.
func TestFindingPositionNeverStale(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	key(sh.grid, fyne.KeyF8)
	if !strings.Contains(w.position.Text, "指摘 1/") {
		t.Fatalf("after F8: %q", w.position.Text)
	}
	sh.kindSel.SetSelectedIndex(1)
	if strings.Contains(w.position.Text, "指摘 ") {
		t.Errorf("after the filter changed: %q", w.position.Text)
	}
	sh.kindSel.SetSelectedIndex(0)
	fixture.Clean(t, sh.session)
	// reopen one warning and settle it as the last one
	p := review.Pos{Row: -1}
	for i := range sh.session.Len() {
		for f := range sh.fields() {
			for _, fd := range sh.session.CellFindings(i, f) {
				if fd.Severity == batch.Warning && p.Row < 0 {
					p = review.Pos{Row: i, Field: f}
				}
			}
		}
	}
	if p.Row < 0 {
		t.Fatal("no warning in the sample")
	}
	if err := sh.session.Unconfirm(context.Background(), p.Row, p.Field); err != nil {
		t.Fatal(err)
	}
	sh.changed()
	key(sh.grid, fyne.KeyF8)
	if !strings.Contains(w.position.Text, "指摘 1/1") {
		t.Fatalf("F8 to the last open finding: %q", w.position.Text)
	}
	key(sh.grid, fyne.KeyF6)
	if len(sh.session.OpenCells()) != 0 || strings.Contains(w.position.Text, "指摘 ") {
		t.Errorf("after the last finding was settled: %d open, %q", len(sh.session.OpenCells()), w.position.Text)
	}
}
