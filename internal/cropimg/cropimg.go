// Package cropimg draws what a scanned paper form looks like: the crop of
// one handwritten value (what an OCR service saves as <列>_画像) and the
// whole sheet of one child (帳票画像) with the field boxes at known places,
// so the workbench can show the paper beside the value and highlight a
// field. The writing is the bundled BIZ UDGothic made to look handwritten:
// each character jittered, scaled and tilted a little, ink of uneven
// strength, scanner noise and the printed box. Output is deterministic for
// a given seed. Synthetic data only.
package cropimg

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"kenshin/assets/fonts"
	"kenshin/internal/safefile"
)

// Crop size: wide enough for a 16-character value at a readable height.
const (
	CropWidth  = 480
	CropHeight = 120
)

var (
	parsed   *opentype.Font
	parseErr error
	once     sync.Once
)

func loadFont() (*opentype.Font, error) {
	once.Do(func() { parsed, parseErr = opentype.Parse(fonts.Regular) })
	return parsed, parseErr
}

func face(size float64) (font.Face, error) {
	f, err := loadFont()
	if err != nil {
		return nil, fmt.Errorf("cropimg: font: %w", err)
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
}

var (
	paper     = color.NRGBA{0xFA, 0xF8, 0xF2, 0xFF}
	printInk  = color.NRGBA{0x9C, 0xB4, 0xC8, 0xFF} // the form's printed lines
	printDark = color.NRGBA{0x3A, 0x5A, 0x78, 0xFF} // the form's printed labels
)

func drawer(dst draw.Image, fc font.Face, x, y int) *font.Drawer {
	return &font.Drawer{Dst: dst, Src: image.Opaque, Face: fc, Dot: fixed.P(x, y)}
}

// Render draws value as a handwritten crop of CropWidth×CropHeight.
func Render(value string, seed int64) (image.Image, error) {
	img := image.NewNRGBA(image.Rect(0, 0, CropWidth, CropHeight))
	draw.Draw(img, img.Bounds(), &image.Uniform{paper}, image.Point{}, draw.Src)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6b656e7368696e)) // #nosec G404 G115 -- picture noise, not security; any seed bits will do
	box(img, image.Rect(6, 8, CropWidth-6, CropHeight-8), printInk)
	if err := write(img, image.Rect(16, 14, CropWidth-16, CropHeight-14), value, rng); err != nil {
		return nil, err
	}
	noise(img, rng, CropWidth*CropHeight/180)
	return img, nil
}

// write draws text by hand into r: every rune on its own, with its own
// size, baseline, slant and pressure.
func write(img *image.NRGBA, r image.Rectangle, text string, rng *rand.Rand) error {
	runes := []rune(text)
	if len(runes) == 0 {
		return nil
	}
	size := float64(r.Dy()) * 0.72
	fc, err := face(size)
	if err != nil {
		return err
	}
	defer func() { _ = fc.Close() }() // in-memory face: nothing to lose
	// shrink to fit the box
	adv := font.MeasureString(fc, text).Ceil() + len(runes)*int(size*0.08)
	if adv > r.Dx() {
		size *= float64(r.Dx()) / float64(adv)
		_ = fc.Close()
		if fc, err = face(size); err != nil {
			return err
		}
	}
	ink := color.NRGBA{0x18 + byteN(rng, 0x20), 0x1C + byteN(rng, 0x18), 0x40 + byteN(rng, 0x30), 0xFF}
	x := float64(r.Min.X) + rng.Float64()*size*0.3
	base := float64(r.Min.Y) + float64(r.Dy())*0.5 + size*0.35
	slant := 0.08 + rng.Float64()*0.14
	for _, ch := range runes {
		glyphSize := size * (0.9 + rng.Float64()*0.2)
		gf, err := face(glyphSize)
		if err != nil {
			return err
		}
		a, ok := gf.GlyphAdvance(ch)
		if !ok {
			a = fixed.I(int(glyphSize / 2))
		}
		w := int(math.Ceil(float64(a)/64)) + 8
		h := int(glyphSize*1.4) + 8
		g := image.NewAlpha(image.Rect(0, 0, w, h))
		d := font.Drawer{Dst: g, Src: image.Opaque, Face: gf, Dot: fixed.P(4, int(glyphSize*1.05)+4)}
		d.DrawString(string(ch))
		_ = gf.Close()
		dy := base - glyphSize*1.05 - 4 + (rng.Float64()-0.5)*size*0.12
		rot := (rng.Float64() - 0.5) * 0.12
		pressure := 0.75 + rng.Float64()*0.25
		stamp(img, g, x, dy, slant, rot, ink, pressure)
		x += float64(a)/64*(0.92+rng.Float64()*0.16) + size*0.04
	}
	return nil
}

// stamp puts glyph mask g at (x, y) sheared by slant and turned by rot
// (radians), thickening the strokes a little as a pen does.
func stamp(img *image.NRGBA, g *image.Alpha, x, y, slant, rot float64, ink color.NRGBA, pressure float64) {
	b := g.Bounds()
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	sin, cos := math.Sin(rot), math.Cos(rot)
	pad := b.Dy() / 2
	for py := -pad; py < b.Dy()+pad; py++ {
		for px := -pad; px < b.Dx()+pad; px++ {
			// inverse map: destination pixel → glyph pixel
			dx, dy := float64(px)-cx, float64(py)-cy
			sx := cos*dx + sin*dy
			sy := -sin*dx + cos*dy
			sx += slant * sy // italic-like slant of a hand
			a := max(sample(g, sx+cx, sy+cy), sample(g, sx+cx+0.8, sy+cy)*0.9)
			if a <= 0 {
				continue
			}
			tx, ty := int(x)+px, int(y)+py
			if !(image.Point{tx, ty}.In(img.Rect)) {
				continue
			}
			blend(img, tx, ty, ink, a*pressure)
		}
	}
}

func sample(g *image.Alpha, x, y float64) float64 {
	ix, iy := int(math.Floor(x)), int(math.Floor(y))
	if !(image.Point{ix, iy}.In(g.Rect)) {
		return 0
	}
	return float64(g.AlphaAt(ix, iy).A) / 255
}

func blend(img *image.NRGBA, x, y int, c color.NRGBA, a float64) {
	a = min(1, a)
	o := img.NRGBAAt(x, y)
	mix := func(d, s uint8) uint8 { return uint8(float64(d)*(1-a) + float64(s)*a) }
	img.SetNRGBA(x, y, color.NRGBA{mix(o.R, c.R), mix(o.G, c.G), mix(o.B, c.B), 0xFF})
}

func box(img *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	for x := r.Min.X; x < r.Max.X; x++ {
		blend(img, x, r.Min.Y, c, 1)
		blend(img, x, r.Max.Y-1, c, 1)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		blend(img, r.Min.X, y, c, 1)
		blend(img, r.Max.X-1, y, c, 1)
	}
}

// noise adds scanner dust: grey specks and a few short streaks.
func noise(img *image.NRGBA, rng *rand.Rand, n int) {
	b := img.Bounds()
	for range n {
		x, y := b.Min.X+rng.IntN(b.Dx()), b.Min.Y+rng.IntN(b.Dy())
		g := 80 + byteN(rng, 120)
		blend(img, x, y, color.NRGBA{g, g, g, 0xFF}, 0.25+rng.Float64()*0.5)
	}
	for range n / 200 {
		x, y := b.Min.X+rng.IntN(b.Dx()), b.Min.Y+rng.IntN(b.Dy())
		for i := range 3 + rng.IntN(10) {
			if (image.Point{x + i, y}.In(b)) {
				blend(img, x+i, y, color.NRGBA{0x70, 0x70, 0x70, 0xFF}, 0.3)
			}
		}
	}
}

// EncodePNG writes img as PNG.
func EncodePNG(w io.Writer, img image.Image) error {
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}

// WriteCrop renders value and writes it as a PNG file at path (through
// safefile: the crop shows a child's data).
func WriteCrop(path, value string, seed int64) error {
	img, err := Render(value, seed)
	if err != nil {
		return err
	}
	return safefile.Write(path, func(w io.Writer) error { return EncodePNG(w, img) })
}

// PNG renders value to PNG bytes.
func PNG(value string, seed int64) ([]byte, error) {
	img, err := Render(value, seed)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = EncodePNG(&buf, img)
	return buf.Bytes(), err
}

// byteN is a random byte below n (n ≤ 256).
func byteN(rng *rand.Rand, n int) uint8 { return uint8(rng.UintN(uint(n)) & 0xFF) } // #nosec G115 -- masked to a byte
