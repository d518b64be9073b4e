package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"kenshin/internal/batch"
	"kenshin/internal/form"
)

// writeJSON appends by hand for speed; it must give the bytes encoding/json
// gives for the documented shape, tricky strings included.
func TestWriteJSONMatchesEncodingJSON(t *testing.T) {
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form("m4-exam")
	b := &batch.Batch{Form: f, File: "a<b>&\"c\\.csv", Encoding: "UTF-8", Columns: form.Columns{Value: make([]int, len(f.Fields))},
		Header: []string{"見出し\u2028"}}
	for i := range b.Columns.Value {
		b.Columns.Value[i] = -1
	}
	b.Columns.Value[0] = 0
	b.Rows = []batch.Row{batch.NewRow(2, []string{"x"})}
	fs := []batch.Finding{
		{Row: 0, Field: -1, Severity: batch.Warning, Code: "file.x", Message: "tab\there\nnew \x01 \b\f\r bad\xff end", Score: 0.6},
		{Row: 1, Line: 2, Field: 0, Severity: batch.Error, Code: "id.length", Message: "宛名番号", Suggestion: "", Suggest: true, Score: 0.95},
		{Row: 1, Line: 2, Field: 3, Severity: batch.Info, Code: "ocr.low_confidence", Message: "参考", Score: 1.0 / 3},
	}
	for _, results := range [][]*checked{nil, {{b: b}}, {{b: b, findings: fs}, {b: b, findings: fs[:1]}}} {
		var got bytes.Buffer
		if err := writeJSON(&got, results); err != nil {
			t.Fatal(err)
		}
		want := referenceJSON(t, results)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("writeJSON differs from encoding/json:\ngot  %s\nwant %s", got.Bytes(), want)
		}
	}
}

func referenceJSON(t *testing.T, results []*checked) []byte {
	out := make([]jsonFile, 0, len(results))
	for _, r := range results {
		jf := jsonFile{File: r.b.File, Form: r.b.Form.ID, Encoding: r.b.Encoding, Rows: len(r.b.Rows), Findings: []jsonFinding{}}
		for _, f := range r.findings {
			key, header := columnOf(r.b, f.Field)
			j := jsonFinding{Row: f.Row, Line: f.Line, Field: key, Column: header, Severity: f.Severity.String(), Code: f.Code, Message: f.Message,
				Score: math.Round(f.Score*100) / 100}
			if f.Suggest {
				s := f.Suggestion
				j.Suggestion = &s
			}
			switch f.Severity {
			case batch.Error:
				jf.Errors++
			case batch.Info:
				jf.Infos++
			default:
				jf.Warnings++
			}
			jf.Findings = append(jf.Findings, j)
		}
		out = append(out, jf)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
