package cropimg

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"kenshin/internal/benchmem"
)

var update = flag.Bool("update", false, "rewrite the sample PNGs under testdata/")

// inked counts pixels clearly darker than the paper.
func inked(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if (cr+cg+cb)/3 < 0x6000 {
				n++
			}
		}
	}
	return n
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		value   string
		minInk  int
		maxInk  int
		comment string
	}{
		{"", 0, 20, "an empty box has no writing"},
		{"12.56", 300, 20000, "digits"},
		{"ニシムラ ヒナタ", 800, 30000, "kana"},
		{"令和6年5月14日", 800, 30000, "a date"},
		{"000001805390896", 800, 30000, "a long number shrinks to fit"},
	} {
		img, err := Render(tc.value, 7)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != CropWidth || b.Dy() != CropHeight {
			t.Fatalf("size %v", b)
		}
		inner := image.Rect(8, 10, CropWidth-8, CropHeight-10)
		if n := inked(img, inner); n < tc.minInk || n > tc.maxInk {
			t.Errorf("%q (%s): %d inked pixels, want %d–%d", tc.value, tc.comment, n, tc.minInk, tc.maxInk)
		}
		// the writing stays inside the box
		if n := inked(img, image.Rect(0, 0, CropWidth, 6)); n > 0 {
			t.Errorf("%q: ink above the box", tc.value)
		}
	}
}

func TestRenderIsDeterministicAndVaries(t *testing.T) {
	a, _ := PNG("6.49", 1)
	b, _ := PNG("6.49", 1)
	c, _ := PNG("6.49", 2)
	d, _ := PNG("6.94", 1)
	if !bytes.Equal(a, b) {
		t.Error("same value and seed must give the same picture")
	}
	if bytes.Equal(a, c) {
		t.Error("another seed must write by another hand")
	}
	if bytes.Equal(a, d) {
		t.Error("another value must look different")
	}
}

func TestSheetLayoutAndRender(t *testing.T) {
	labels := []string{"宛名番号", "氏名カナ", "生年月日", "体重", "身長"}
	values := []string{"000001805390896", "ニシムラ ヒナタ", "令和7年1月28日", "6.49", "58.5"}
	size, boxes := SheetLayout(len(labels))
	if len(boxes) != len(labels) {
		t.Fatalf("%d boxes", len(boxes))
	}
	for i, b := range boxes {
		if !b.In(image.Rectangle{Max: size}) {
			t.Errorf("box %d %v outside the sheet %v", i, b, size)
		}
		for j := range i {
			if b.Overlaps(boxes[j]) {
				t.Errorf("boxes %d and %d overlap", i, j)
			}
		}
	}
	img, err := RenderSheet("4か月児健康診査 受診票", labels, values, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range boxes {
		if n := inked(img, b.Inset(3)); n < 100 {
			t.Errorf("field %d: %d inked pixels in its box", i, n)
		}
	}
	if *update {
		dir := filepath.Join("testdata", "samples")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		write := func(name string, img image.Image) {
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("sheet.png", img)
		for i, v := range values {
			c, _ := Render(v, int64(i))
			write(labels[i]+".png", c)
		}
	}
}

func TestWriteCrop(t *testing.T) {
	p := filepath.Join(t.TempDir(), "crops", "w.png")
	if err := WriteCrop(p, "12.56", 1); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", st, err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRender: one crop, as `gen --images` writes one per suspect cell.
func BenchmarkRender(b *testing.B) {
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PNG("令和6年5月14日", 5); err != nil {
			b.Fatal(err)
		}
	}
	tr.Report()
}
