package ui

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

type headerAt struct {
	text string
	x, w float32
}

// headerLabels are the grid's header labels on screen, left to right.
func headerLabels(w *Workbench, g *grid) []headerAt {
	var out []headerAt
	var gridAt fyne.Position
	seen := false
	walk(w.Window().Canvas().Content(), fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		switch v := o.(type) {
		case *grid:
			if v == g {
				gridAt, seen = at, true
			}
		case *widget.Label:
			if seen && v.TextStyle.Bold && v.Text != "" && v.Visible() && at.Y >= gridAt.Y && at.Y < gridAt.Y+g.headH {
				out = append(out, headerAt{v.Text, at.X, v.Size().Width})
			}
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].x < out[j].x })
	return out
}

// TestNoGapAfterFrozenColumnsOnResume: a resumed file scrolled sideways
// draws the first scrolling column right after 氏名カナ.
func TestNoGapAfterFrozenColumnsOnResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := workspace.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	w, _, _ := authBench(t)
	w.deps.Workspace = workcopy.Adapter{Store: ws}
	loginAs(t, w, "clerk1")
	w.OpenPath(testdata("samples/m4-exam.csv"))
	sh := w.active()
	cols := len(sh.fields())
	for _, c := range []int{cols - 1, cols / 2, 3} {
		sh.grid.moveTo(4, c)
		sh.grid.moveTo(5, c) // the cursor is saved on moves
		w2 := New(test.NewTempApp(t), w.deps)
		w2.session, w2.user = w.session, w.user
		w2.OpenPath(testdata("samples/m4-exam.csv"))
		w2.Window().Resize(fyne.NewSize(1400, 860))
		g := w2.active().grid
		hs := headerLabels(w2, g)
		pad := g.Theme().Size("padding")
		for i, h := range hs {
			if h.text == sh.fields()[1].Label && i+1 < len(hs) {
				gap := hs[i+1].x - (h.x + h.w)
				t.Logf("col %d: %s ends %.0f, next %s at %.0f (gap %.0f) off %v", c, h.text, h.x+h.w, hs[i+1].text, hs[i+1].x, gap, g.off)
				if gap > 2*pad+1 {
					t.Errorf("resumed at column %d: a %.0f px gap between %s and %s", c, gap, h.text, hs[i+1].text)
				}
			}
		}
		w2.Window().Close()
	}
}

// TestScrolledColumnsNotCutByFrozen: walking right with the cursor, no
// scrolling column is drawn half behind 氏名カナ (it looked like an empty
// column between 氏名カナ and the next one).
func TestScrolledColumnsNotCutByFrozen(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1400, Height: 860}, {Width: 1280, Height: 800}, {Width: 1600, Height: 1000}} {
		w, sh, _ := openSample(t, "m4-exam.csv", size)
		g := sh.grid
		sticky := g.StickyColumnCount
		kana := sh.fields()[sticky-1].Label
		for c := 0; c < len(sh.fields()); c++ {
			key(g, fyne.KeyRight)
			hs := headerLabels(w, g)
			end := float32(-1)
			for _, h := range hs {
				if h.text == kana {
					end = h.x + h.w
				}
			}
			for _, h := range hs {
				if end < 0 || h.text == kana || h.x >= end-1 || h.x+h.w <= end {
					continue
				}
				if i := sh.grid.cur.Col; h.text != sh.fields()[0].Label {
					t.Errorf("%v, cursor on 「%s」: 「%s」 drawn from x=%.0f, half behind 「%s」 (ends %.0f)", size, sh.fields()[i].Label, h.text, h.x, kana, end)
				}
			}
		}
	}
}
