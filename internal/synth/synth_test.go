package synth_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/synth"
)

func forms(t testing.TB) *form.Set {
	s, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSameSeedSameBytes(t *testing.T) {
	set := forms(t)
	opt := synth.Options{Form: set.Form("m4-exam"), Growth: set.Growth, Rows: 50, Seed: 42, ErrorRate: 0.05, Encoding: "cp932", Confidence: true}
	a, ta, err := synth.Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	b, tb, _ := synth.Generate(opt)
	if !bytes.Equal(a, b) {
		t.Fatal("same options gave different bytes")
	}
	ja, _ := synth.MarshalTruth(ta)
	jb, _ := synth.MarshalTruth(tb)
	if !bytes.Equal(ja, jb) {
		t.Fatal("same options gave a different truth")
	}
	opt.Seed = 43
	c, _, _ := synth.Generate(opt)
	if bytes.Equal(a, c) {
		t.Fatal("another seed gave the same bytes")
	}
}

// Clean generated data must pass the checker without a single error: this
// is the generator and the checker agreeing on the domain.
func TestCleanDataHasNoErrors(t *testing.T) {
	set := forms(t)
	for _, f := range set.Forms {
		t.Run(f.ID, func(t *testing.T) {
			data, truth, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 400, Seed: 3, Confidence: false})
			if err != nil {
				t.Fatal(err)
			}
			if len(truth) != 0 {
				t.Fatalf("error rate 0 gave %d errors", len(truth))
			}
			b, err := ocrcsv.Read(f.ID+".csv", data, set, ocrcsv.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Form.ID != f.ID {
				t.Fatalf("detected as %s", b.Form.ID)
			}
			warnings := 0
			for _, fd := range check.Batch(b, set.Growth, synth.Today()) {
				if fd.Severity == batch.Error {
					t.Errorf("row %d %s: %s", fd.Row, fd.Code, fd.Message)
				} else {
					warnings++
				}
			}
			if cells := 400 * len(f.Fields); warnings*100 > cells { // growth bands flag ~6 % of measurements by definition
				t.Errorf("%d warnings on %d clean cells", warnings, cells)
			}
		})
	}
}

func TestTruthMatchesFile(t *testing.T) {
	set := forms(t)
	for _, f := range set.Forms {
		data, truth, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 300, Seed: 9, ErrorRate: 0.05, Confidence: true, Fraction: true, BOM: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := ocrcsv.Read("x.csv", data, set, ocrcsv.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if b.Encoding != ocrcsv.EncUTF8BOM {
			t.Errorf("%s: encoding %s", f.ID, b.Encoding)
		}
		if len(truth) < 300*len(f.Fields)*2/100 {
			t.Errorf("%s: only %d errors at 5 %%", f.ID, len(truth))
		}
		kinds := map[string]bool{}
		silent := 0
		for _, tr := range truth {
			fd := -1
			for i, col := range b.Columns.Value {
				if col >= 0 && b.Header[col] == tr.Column {
					fd = i
				}
			}
			if fd < 0 {
				t.Fatalf("%s: truth column %q not in header", f.ID, tr.Column)
			}
			if got := b.Value(tr.Row-1, fd); got != tr.OCR || tr.OCR == tr.True {
				t.Fatalf("%s row %d %s: file has %q, truth says ocr %q true %q", f.ID, tr.Row, tr.Column, got, tr.OCR, tr.True)
			}
			kinds[tr.Kind] = true
			if !tr.Detectable {
				silent++
			}
		}
		if silent == 0 || silent == len(truth) {
			t.Errorf("%s: %d of %d errors undetectable; the generator must make both kinds", f.ID, silent, len(truth))
		}
		if len(kinds) < 4 {
			t.Errorf("%s: only kinds %v", f.ID, kinds)
		}
	}
	j, _ := synth.MarshalTruth(nil)
	var v []any
	if json.Unmarshal(j, &v) != nil || v == nil {
		t.Errorf("empty truth must be [] not null: %s", j)
	}
}
