package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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
				t.Fatal("Shift+F6 shows no reason dialog")
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
		t.Fatalf("on screen: grid %v cell %v header %v (found %b)", found&1 != 0, found&2 != 0, found&4 != 0, found)
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
