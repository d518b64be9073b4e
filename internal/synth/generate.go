package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/ocrcsv"
)

// Options control one generated file.
type Options struct {
	Form       *form.Form
	Growth     *form.Growth
	Rows       int
	Seed       uint64
	ErrorRate  float64 // share of cells that get an OCR error
	Encoding   string  // "utf8" (default) or "cp932"
	BOM        bool    // UTF-8 with a byte order mark
	Confidence bool    // write <header>_確信度 columns
	Fraction   bool    // confidence as 0–1 instead of 0–100
	Images     bool    // write <header>_画像 columns (paths only)
	// Mix picks the error mix: "" the default, MixDigits digit confusions
	// and dropped digits three times as often (another OCR engine's profile).
	Mix string
}

// Error mixes for Options.Mix.
const (
	MixDefault = ""
	MixDigits  = "digits"
)

// Truth is one injected error, as written to FILE.truth.json.
type Truth struct {
	Row        int    `json:"row"`    // 1-based data row
	Column     string `json:"column"` // CSV header
	True       string `json:"true"`
	OCR        string `json:"ocr"`
	Kind       string `json:"kind"`
	Detectable bool   `json:"detectable"` // leaves an invalid, implausible, inconsistent or low-confidence value
}

// Generate writes a synthetic OCR CSV and the list of errors in it. The same
// options give the same bytes.
func Generate(opt Options) ([]byte, []Truth, error) {
	f := opt.Form
	if opt.Rows < 0 || opt.ErrorRate < 0 || opt.ErrorRate > 1 {
		return nil, nil, fmt.Errorf("synth: rows must be ≥ 0 and error rate in [0, 1]")
	}
	if opt.Mix != MixDefault && opt.Mix != MixDigits {
		return nil, nil, fmt.Errorf("synth: unknown error mix %q", opt.Mix)
	}
	children := Children(f, opt.Rows, opt.Seed)
	r := newRand(opt.Seed, "values", f.ID)
	er := newRand(opt.Seed, "errors", f.ID)
	w := newWriter(f, opt.Growth, r)
	or := &oracle{f: f, growth: opt.Growth}

	var buf bytes.Buffer
	header := []string{"ファイル名", "ページ"}
	for _, fd := range f.Fields {
		header = append(header, fd.Header)
		if opt.Confidence {
			header = append(header, fd.Header+form.SuffixConfidence)
		}
		if opt.Images {
			header = append(header, fd.Header+form.SuffixImage)
		}
	}
	ocrcsv.AppendRecord(&buf, header)
	var truth []Truth
	rec := make([]string, 0, len(header))
	for i := range children {
		c := &children[i]
		clean := w.row(c)
		ocr := append([]string(nil), clean...)
		conf := make([]float64, len(clean))
		type hit struct {
			field int
			kind  string
		}
		var hits []hit
		for fi, fd := range f.Fields {
			conf[fi] = cleanConfidence(er)
			if er.Float64() >= opt.ErrorRate {
				continue
			}
			bad, kind, ok := inject(er, fd, clean[fi], w.mark, opt.Mix)
			if !ok {
				continue
			}
			ocr[fi] = bad
			conf[fi] = misreadConfidence(er)
			hits = append(hits, hit{fi, kind})
		}
		for _, h := range hits {
			fd := f.Fields[h.field]
			// judge each error in the row as read, other misreads included:
			// two errors can hide each other
			fixed := append([]string(nil), ocr...)
			fixed[h.field] = clean[h.field]
			truth = append(truth, Truth{
				Row: i + 1, Column: fd.Header, True: clean[h.field], OCR: ocr[h.field], Kind: h.kind,
				Detectable: or.detectable(fd, ocr, fixed, conf[h.field], opt.Confidence, c),
			})
		}
		rec = append(rec[:0], fmt.Sprintf("scan_%05d.tif", i+1), "1")
		for fi, fd := range f.Fields {
			rec = append(rec, ocr[fi])
			if opt.Confidence {
				if opt.Fraction {
					rec = append(rec, fmt.Sprintf("%.2f", conf[fi]/100))
				} else {
					rec = append(rec, fmt.Sprint(int(conf[fi])))
				}
			}
			if opt.Images {
				rec = append(rec, fmt.Sprintf("images/%05d_%s.png", i+1, fd.Key))
			}
		}
		ocrcsv.AppendRecord(&buf, rec)
	}
	out := buf.Bytes()
	switch opt.Encoding {
	case "", "utf8":
		if opt.BOM {
			out = append([]byte{0xEF, 0xBB, 0xBF}, out...)
		}
	case "cp932":
		enc, err := japanese.ShiftJIS.NewEncoder().Bytes(out)
		if err != nil {
			return nil, nil, fmt.Errorf("synth: encode CP932: %w", err)
		}
		out = enc
	default:
		return nil, nil, fmt.Errorf("synth: unknown encoding %q", opt.Encoding)
	}
	return out, truth, nil
}

// Confidence of a correct reading: almost always high, now and then not.
func cleanConfidence(r interface{ Float64() float64 }) float64 {
	switch x := r.Float64(); {
	case x < 0.005:
		return 30 + r.Float64()*40
	case x < 0.03:
		return 70 + r.Float64()*18
	}
	return math.Min(100, 88+r.Float64()*12.5)
}

// Confidence of a misreading: often low, but far from always.
func misreadConfidence(r interface{ Float64() float64 }) float64 {
	if r.Float64() < 0.55 {
		return 15 + r.Float64()*55
	}
	return 70 + r.Float64()*30
}

// MarshalTruth writes the truth file: an indented JSON array, never null.
func MarshalTruth(t []Truth) ([]byte, error) {
	if t == nil {
		t = []Truth{}
	}
	b, err := json.MarshalIndent(t, "", "  ")
	return append(b, '\n'), err
}

// Today is a date after every generated checkup, for checking generated files
// deterministically.
func Today() jpdate.Date { return firstExam.AddDays(examDays + 30) }
