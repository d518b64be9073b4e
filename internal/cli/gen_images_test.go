package cli

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
)

// TestGenImages: gen --images writes a real PNG for every <列>_画像 cell
// and a whole sheet per row (帳票画像), relative to the CSV's folder, in
// UTF-8 and CP932 alike; the CSV still reads as its form.
func TestGenImages(t *testing.T) {
	for _, enc := range []string{"utf8", "cp932"} {
		t.Run(enc, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "sub", "m4.csv")
			if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
				t.Fatal(err)
			}
			code, _, e := runEnv(t, dir, "gen", "--form", "m4-exam", "--rows", "3", "--seed", "5", "--images", "--encoding", enc, "--out", out)
			if code != 0 {
				t.Fatal(e)
			}
			set, err := form.Default()
			if err != nil {
				t.Fatal(err)
			}
			b, err := ocrcsv.ReadFile(out, set, ocrcsv.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rows) != 3 {
				t.Fatalf("%d rows", len(b.Rows))
			}
			pngs, _ := filepath.Glob(filepath.Join(dir, "sub", "images", "*.png"))
			want := 3 * (len(b.Form.Fields) + 1)
			if len(pngs) != want {
				t.Fatalf("%d PNGs, want %d", len(pngs), want)
			}
			sheets := 0
			for _, p := range pngs {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if img.Bounds().Dx() < 100 || img.Bounds().Dy() < 30 {
					t.Errorf("%s: %v too small", p, img.Bounds())
				}
				if strings.HasSuffix(p, "_sheet.png") {
					sheets++
				}
			}
			if sheets != 3 {
				t.Errorf("%d sheets", sheets)
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if enc == "utf8" && !bytes.Contains(raw, []byte("帳票画像")) {
				t.Error("no 帳票画像 column")
			}
		})
	}
}
