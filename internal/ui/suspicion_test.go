package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/batch"
	"kenshin/internal/review"
)

// infoCell finds a cell whose only finding is info (参考).
func infoCell(t *testing.T, sh *sheet) review.Pos {
	t.Helper()
	s := sh.session
	for i := range s.Len() {
		for _, f := range s.RowFindings(i) {
			if f.Severity == batch.Info && f.Field >= 0 && s.CellStatus(i, f.Field) == review.StatusInfo {
				return review.Pos{Row: i, Field: f.Field}
			}
		}
	}
	t.Fatal("the sample has no info cell")
	return review.Pos{}
}

// drawn renders a batch cell the way the table does.
func drawn(sh *sheet, row, field int) *cellView {
	c := newCellView()
	sh.grid.updateCell(widget.TableCellID{Row: row, Col: field}, c) // every row is visible
	return c
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// An info (参考) cell is shown with its own quiet look, never red or
// yellow, and F8 never stops on it, in either order.
func TestInfoCellLookAndNotInF8(t *testing.T) {
	for _, bySuspicion := range []bool{false, true} {
		name := map[bool]string{false: "表の順", true: "疑わしい順"}[bySuspicion]
		t.Run(name, func(t *testing.T) {
			_, sh, _ := openSample(t, "m4-survey.csv", fyne.NewSize(1400, 860))
			p := infoCell(t, sh)
			c := drawn(sh, p.Row, p.Field)
			want := looks[review.StatusInfo]
			if c.mark.Text != want.mark || !sameColor(c.bg.FillColor, want.bg) || c.dots.Text != "" {
				t.Errorf("info cell drawn with mark %q fill %v dots %q, want %q %v and no dots", c.mark.Text, c.bg.FillColor, c.dots.Text, want.mark, want.bg)
			}
			for _, st := range []review.Status{review.StatusError, review.StatusWarning, review.StatusLowConf} {
				if sameColor(want.bg, looks[st].bg) || want.mark == looks[st].mark {
					t.Errorf("the info look is not told apart from %v", looks[st].label)
				}
			}
			if sh.suspicionOrder() != bySuspicion {
				sh.toggleSuspicionOrder()
			}
			n := len(sh.session.OpenCells())
			if n == 0 {
				t.Fatal("nothing open")
			}
			seen := map[review.Pos]bool{}
			for range n {
				key(sh.grid, fyne.KeyF8)
				r, f, _ := sh.pos()
				here := review.Pos{Row: r, Field: f}
				if here == p {
					t.Fatalf("F8 stopped on the info cell %v", p)
				}
				seen[here] = true
			}
			if len(seen) < n-sh.rowLevelOpen() {
				t.Errorf("F8 visited %d cells in %d presses, want every open cell", len(seen), n)
			}
		})
	}
}

// rowLevelOpen counts open row-level findings: F8 shows them on the row's
// first cell, which may also be an open cell of its own.
func (sh *sheet) rowLevelOpen() int {
	n := 0
	for _, p := range sh.session.OpenCells() {
		if p.Field < 0 {
			n++
		}
	}
	return n
}

// 疑わしい順: F8 goes to the highest score first, never up the scale on the
// way, Shift+F8 goes back the same way; off, F8 keeps the table's order.
func TestSuspicionOrder(t *testing.T) {
	_, sh, _ := openSample(t, "y3-exam.csv", fyne.NewSize(1400, 860))
	open := sh.session.OpenCells()
	best := 0.0
	for _, p := range open {
		best = max(best, suspicionOf(sh.session, p.Row, max(p.Field, 0)))
	}
	// default: the table's order, whatever the score
	i, _ := review.NextIn(open, review.Pos{}, 1)
	key(sh.grid, fyne.KeyF8)
	if r, f, _ := sh.pos(); (review.Pos{Row: r, Field: f}) != (review.Pos{Row: open[i].Row, Field: max(open[i].Field, 0)}) {
		t.Fatalf("default F8 went to %d/%d, want the next open cell in reading order %v", r, f, open[i])
	}
	sh.grid.moveTo(0, 0)
	sh.wb.toggleSuspicionOrder() // the workbench's hook for the menu
	if !sh.suspicionOrder() {
		t.Fatal("the toggle did not switch the order on")
	}
	var path []review.Pos
	var scores []float64
	for range 6 {
		key(sh.grid, fyne.KeyF8)
		r, f, _ := sh.pos()
		path = append(path, review.Pos{Row: r, Field: f})
		scores = append(scores, sh.findingKey.score)
	}
	if scores[0] != best {
		t.Errorf("first stop has score %.2f, want the highest %.2f", scores[0], best)
	}
	for i := 1; i < len(scores); i++ {
		if scores[i] > scores[i-1] {
			t.Errorf("stop %d has score %.2f after %.2f: the walk went up", i+1, scores[i], scores[i-1])
		}
	}
	if !strings.HasPrefix(sh.findingPos, "6/") {
		t.Errorf("position %q, want 6/N", sh.findingPos)
	}
	shiftKey(sh.grid, fyne.KeyF8)
	if r, f, _ := sh.pos(); (review.Pos{Row: r, Field: f}) != path[4] {
		t.Errorf("Shift+F8 went to %d/%d, want the previous stop %v", r, f, path[4])
	}
	sh.toggleSuspicionOrder()
	if sh.suspicionOrder() {
		t.Fatal("the toggle did not switch the order off")
	}
}

func TestGradeOf(t *testing.T) {
	for _, tc := range []struct {
		score float64
		want  grade
	}{
		{0, gradeNone}, {0.05, gradeLow}, {0.39, gradeLow}, {0.4, gradeMid}, {0.69, gradeMid}, {0.7, gradeHigh}, {0.95, gradeHigh}, {1, gradeHigh},
	} {
		if got := gradeOf(tc.score); got != tc.want {
			t.Errorf("gradeOf(%.2f) = %d, want %d", tc.score, got, tc.want)
		}
	}
}

// A suspect cell shows its grade by dots (not colour alone) and a fill
// that deepens with the grade; the detail pane gives the score.
func TestSuspectCellsGraded(t *testing.T) {
	_, sh, _ := openSample(t, "y3-exam.csv", fyne.NewSize(1400, 860))
	found := map[grade]bool{}
	for _, p := range sh.session.OpenCells() {
		if p.Field < 0 {
			continue
		}
		sc := cellScore(sh.session, p.Row, p.Field)
		gr := gradeOf(sc)
		c := drawn(sh, p.Row, p.Field)
		if c.dots.Text != gradeDots[gr] || c.grade != gr {
			t.Fatalf("cell %v (score %.2f) drawn with dots %q, want %q", p, sc, c.dots.Text, gradeDots[gr])
		}
		l := looks[sh.session.CellStatus(p.Row, p.Field)]
		if want := shade(l.bg, l.fg, gradeFill[gr]); !sameColor(c.bg.FillColor, want) {
			t.Fatalf("cell %v fill %v, want %v for grade %d", p, c.bg.FillColor, want, gr)
		}
		if !found[gr] {
			found[gr] = true
			sh.goTo(p.Row, p.Field)
			text := collectText(sh.detail)
			want := fmt.Sprintf("疑わしさ %.2f（%s %s）", sc, gradeNames[gr], gradeDots[gr])
			if !strings.Contains(text, want) {
				t.Errorf("detail of %v does not show the score:\n%s", p, text)
			}
		}
	}
	if !found[gradeHigh] || len(found) < 2 {
		t.Errorf("grades seen %v: the sample should show high and at least one other", found)
	}
	if gradeFill[gradeHigh] <= gradeFill[gradeMid] || gradeFill[gradeMid] <= gradeFill[gradeLow] {
		t.Error("the fill does not deepen with the grade")
	}
}

// The detail pane lists info findings under 参考 and gives 「疑わしさ 0.xx」.
func TestDetailShowsScoreAndInfo(t *testing.T) {
	_, sh, _ := openSample(t, "m4-survey.csv", fyne.NewSize(1400, 860))
	p := infoCell(t, sh)
	sh.goTo(p.Row, p.Field)
	text := collectText(sh.detail)
	if !strings.Contains(text, "参考（確認は不要）") {
		t.Errorf("info finding not under 参考:\n%s", text)
	}
	for _, f := range sh.session.CellFindings(p.Row, p.Field) {
		want := fmt.Sprintf("疑わしさ %.2f\n", f.Score) // info: the score, no grade
		if f.Severity.Asks() {
			want = suspicionText(f.Score) + "\n"
		}
		if f.Score > 0 && !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	q := firstOpenWithValue(t, sh)
	sh.goTo(q.Row, q.Field)
	for _, f := range sh.session.CellFindings(q.Row, q.Field) {
		if text := collectText(sh.detail); f.Score > 0 && !strings.Contains(text, f.Message+"\n"+suspicionText(f.Score)+"\n") {
			t.Errorf("the finding %q shows no 疑わしさ:\n%s", f.Message, text)
		}
	}
}

// The legend explains the info look and the three grades, and still fits
// a 1280-pixel window.
func TestLegendHasInfoAndGrades(t *testing.T) {
	w, _, _ := openSample(t, "m4-survey.csv", fyne.NewSize(1280, 800))
	if mw := w.Window().Content().MinSize().Width; mw > 1280 {
		t.Errorf("the window needs %.0f px, more than 1280", mw)
	}
	text := collectText(legend())
	for _, want := range []string{"参考", "疑わしさ 高", "中", "低", gradeDots[gradeHigh], looks[review.StatusInfo].mark} {
		if !strings.Contains(text, want) {
			t.Errorf("legend lacks %q: %s", want, text)
		}
	}
}
