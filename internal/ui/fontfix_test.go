package ui

import (
	"bytes"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"kenshin/assets/fonts"
)

func lowLine(t *testing.T, ttf []byte, r rune) (top, bottom int, upm int) {
	t.Helper()
	f, err := sfnt.Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	gi, err := f.GlyphIndex(&b, r)
	if err != nil {
		t.Fatal(err)
	}
	upm = int(f.UnitsPerEm())
	bounds, _, err := f.GlyphBounds(&b, gi, fixed.I(upm), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	return bounds.Min.Y.Round(), bounds.Max.Y.Round(), upm
}

// Defect 10: underscores in file names vanished. The bundled font's low
// line is a third of a pixel thick at the table's size; the theme's copy
// has it thick enough to see, and nothing else changes.
func TestLowLineThickEnoughToSee(t *testing.T) {
	fixedFont := thickenLowLines(fonts.Regular)
	for _, r := range []rune{'_', '＿'} {
		top, bottom, upm := lowLine(t, fixedFont, r)
		if bottom-top < upm/16 {
			t.Errorf("%q is %d/%d em thick, want at least 1/16", r, bottom-top, upm)
		}
		ot, ob, _ := lowLine(t, fonts.Regular, r)
		if ob != bottom || ot <= top-upm/8 {
			t.Errorf("%q moved: was %d..%d, now %d..%d", r, ot, ob, top, bottom)
		}
	}
	// only the low lines changed
	f0, _ := sfnt.Parse(fonts.Regular)
	f1, err := sfnt.Parse(fixedFont)
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	for _, r := range "aAg0あ漢_" {
		gi, _ := f0.GlyphIndex(&b, r)
		a0, _ := f0.GlyphAdvance(&b, gi, fixed.I(1000), font.HintingNone)
		a1, _ := f1.GlyphAdvance(&b, gi, fixed.I(1000), font.HintingNone)
		if a0 != a1 {
			t.Errorf("%q advance changed", r)
		}
	}
	if d := diffBytes(fonts.Regular, fixedFont); d > 8 {
		t.Errorf("%d bytes changed, want only the low lines' few", d)
	}
	// a font it does not understand is left alone
	junk := []byte("not a font at all")
	if !bytes.Equal(thickenLowLines(junk), junk) {
		t.Error("junk changed")
	}
}

func diffBytes(a, b []byte) int {
	n := 0
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n + max(len(a), len(b)) - min(len(a), len(b))
}

// FuzzThickenLowLines: any bytes, a font or not, give bytes of the same
// length and never a panic (the theme runs it on fonts found on the disk).
func FuzzThickenLowLines(f *testing.F) {
	f.Add(fonts.Regular[:4096])
	f.Add([]byte("ttcf"))
	f.Add([]byte{0, 1, 0, 0, 0, 3, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if out := thickenLowLines(b); len(out) != len(b) {
			t.Fatalf("length %d → %d", len(b), len(out))
		}
	})
}
