package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// The IME guard: an Enter right after text an input method committed (a
// burst, or kana / full-width) is the conversion's Enter and commits
// nothing, and the clerk is told to press it again; an Enter after typed
// text commits the cell, however fast the typing was.
func TestIMEGuard(t *testing.T) {
	type stroke struct {
		text string        // runes, each after gap
		gap  time.Duration // between runes
		wait time.Duration // before the Enter
	}
	for _, tc := range []struct {
		name      string
		s         stroke
		committed bool // by the first Enter
	}{
		{"fast typing, 12 ms apart", stroke{"46.8", 12 * time.Millisecond, 12 * time.Millisecond}, true},
		{"slow typing", stroke{"46.8", 150 * time.Millisecond, 200 * time.Millisecond}, true},
		{"committed burst of ASCII", stroke{"46.8", 0, time.Millisecond}, false},
		{"committed full-width digits", stroke{"４６", 0, 2 * time.Millisecond}, false},
		{"one kana, Enter at once", stroke{"あ", 0, 5 * time.Millisecond}, false},
		{"kana, Enter much later", stroke{"あ", 0, 300 * time.Millisecond}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, sh, clk := openSample(t, "m18-exam.csv", fyne.NewSize(1600, 1000))
			r, f := 0, sh.fields()[len(sh.fields())-1].Index // 医師名: text, any value
			sh.goTo(r, f)
			before := sh.session.Value(r, f)
			clk.t = clk.t.Add(time.Second)
			for i, ch := range tc.s.text {
				if i == 0 {
					sh.grid.TypedRune(ch) // starts the edit
				} else {
					clk.t = clk.t.Add(tc.s.gap)
					sh.editor.TypedRune(ch)
				}
			}
			clk.t = clk.t.Add(tc.s.wait)
			sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			got := sh.session.Value(r, f)
			if tc.committed {
				if got != tc.s.text || sh.editing {
					t.Fatalf("Enter after %q: value %q (was %q), still editing %v", tc.s.text, got, before, sh.editing)
				}
				return
			}
			if got != before || !sh.editing {
				t.Fatalf("the conversion's Enter committed the cell: %q", got)
			}
			if w.message.Text == "" {
				t.Error("a swallowed Enter says nothing")
			}
			clk.t = clk.t.Add(5 * time.Millisecond) // pressed again at once: now it commits
			sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if got := sh.session.Value(r, f); got != tc.s.text {
				t.Fatalf("second Enter: value %q, want %q", got, tc.s.text)
			}
		})
	}
}
