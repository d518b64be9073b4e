package cropimg

import (
	"image"
	"image/draw"
	"io"
	"math/rand/v2"

	"kenshin/internal/safefile"
)

// Sheet geometry: one child's form, fields in two columns of label and
// value box, the way the paper is printed.
const (
	SheetWidth = 1000
	sheetTop   = 110
	sheetRow   = 58
	labelWidth = 170
)

// SheetLayout is where the value box of each of n fields is on a sheet
// (the same for Render­Sheet and for the workbench that highlights one).
func SheetLayout(n int) (size image.Point, boxes []image.Rectangle) {
	rows := (n + 1) / 2
	half := SheetWidth / 2
	for i := range n {
		col, row := i/rows, i%rows
		x := col*half + 20 + labelWidth
		y := sheetTop + row*sheetRow
		boxes = append(boxes, image.Rect(x, y, col*half+half-20, y+sheetRow-10))
	}
	return image.Pt(SheetWidth, sheetTop+rows*sheetRow+40), boxes
}

// RenderSheet draws a whole form: title, printed labels and handwritten
// values in their boxes. values[i] belongs to labels[i].
func RenderSheet(title string, labels, values []string, seed int64) (image.Image, error) {
	size, boxes := SheetLayout(len(labels))
	img := image.NewNRGBA(image.Rectangle{Max: size})
	draw.Draw(img, img.Bounds(), &image.Uniform{paper}, image.Point{}, draw.Src)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7368656574)) // #nosec G404 G115 -- picture noise, not security; any seed bits will do
	if err := printed(img, image.Rect(30, 24, SheetWidth-30, 84), title, 34); err != nil {
		return nil, err
	}
	for i, b := range boxes {
		lr := image.Rect(b.Min.X-labelWidth, b.Min.Y, b.Min.X-6, b.Max.Y)
		if err := printed(img, lr, labels[i], 18); err != nil {
			return nil, err
		}
		box(img, b, printInk)
		if i < len(values) {
			if err := write(img, b.Inset(5), values[i], rng); err != nil {
				return nil, err
			}
		}
	}
	noise(img, rng, size.X*size.Y/400)
	return img, nil
}

// printed draws the form's own printing: upright, even, in the line colour.
func printed(img *image.NRGBA, r image.Rectangle, text string, size float64) error {
	fc, err := face(size)
	if err != nil {
		return err
	}
	defer func() { _ = fc.Close() }() // in-memory face: nothing to lose
	mask := image.NewAlpha(img.Bounds())
	d := drawer(mask, fc, r.Min.X, r.Min.Y+(r.Dy()+int(size*0.7))/2)
	d.DrawString(text)
	draw.DrawMask(img, img.Bounds(), &image.Uniform{printDark}, image.Point{}, mask, image.Point{}, draw.Over)
	return nil
}

// WriteSheet renders a sheet and writes it as a PNG file through safefile.
func WriteSheet(path, title string, labels, values []string, seed int64) error {
	img, err := RenderSheet(title, labels, values, seed)
	if err != nil {
		return err
	}
	return safefile.Write(path, func(w io.Writer) error { return EncodePNG(w, img) })
}
