package cropimg

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var samples = flag.Bool("samples", false, "write testdata/samples/images/ from the m4-exam sample (a CSV with _画像 and 帳票画像 columns and its PNGs)")

// TestWriteImageSamples makes the bundled image sample: the first rows of
// testdata/samples/m4-exam.csv with a crop per value (the true value where
// the OCR misread, as on paper) and a whole sheet per row. Run with
// -samples; without it the test checks the samples are in place.
func TestWriteImageSamples(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "samples")
	outDir := filepath.Join(root, "images")
	csvOut := filepath.Join(root, "m4-exam-images.csv")
	if !*samples {
		if _, err := os.Stat(csvOut); err != nil {
			t.Skip("image samples not written (run with -samples)")
		}
		return
	}
	f, err := os.Open(filepath.Join(root, "m4-exam.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	_ = f.Close() // read-only: nothing to lose
	if err != nil {
		t.Fatal(err)
	}
	var truth []struct {
		Row    int    `json:"row"`
		Column string `json:"column"`
		True   string `json:"true"`
	}
	b, err := os.ReadFile(filepath.Join(root, "m4-exam.truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	onPaper := map[string]string{}
	for _, tr := range truth {
		onPaper[fmt.Sprint(tr.Row, tr.Column)] = tr.True
	}
	head := recs[0]
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	var values []int // value columns: not meta, not _確信度
	for i, h := range head {
		if i >= 2 && !strings.HasSuffix(h, "_確信度") {
			values = append(values, i)
		}
	}
	out := append([]string{}, head...)
	for _, i := range values {
		out = append(out, head[i]+"_画像")
	}
	out = append(out, "帳票画像")
	rows := [][]string{out}
	const n = 5
	for r := 1; r <= n && r < len(recs); r++ {
		rec := append([]string{}, recs[r]...)
		var labels, written []string
		for _, i := range values {
			v := rec[i]
			if tv, ok := onPaper[fmt.Sprint(r, head[i])]; ok {
				v = tv // the paper holds what was written, not what the OCR read
			}
			name := fmt.Sprintf("r%02d_%02d.png", r, i)
			if err := WriteCrop(filepath.Join(outDir, name), v, int64(r*100+i)); err != nil {
				t.Fatal(err)
			}
			rec = append(rec, "images/"+name)
			labels, written = append(labels, head[i]), append(written, v)
		}
		sheet := fmt.Sprintf("r%02d_sheet.png", r)
		if err := WriteSheet(filepath.Join(outDir, sheet), "4か月児健康診査 問診・診察票", labels, written, int64(r)); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, append(rec, "images/"+sheet))
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	// the image paths are relative to the CSV, as an OCR service writes them
	if err := os.WriteFile(csvOut, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}
