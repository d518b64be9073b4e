package importfile

import (
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/form"
)

// testForm is a small synthetic form: an ID, a date, a code mapped to the
// vendor's code and a text field.
func testForm(t *testing.T) *form.Form {
	t.Helper()
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form("m18-exam")
	if f == nil {
		t.Fatal("no m18-exam")
	}
	g := *f
	g.Export = form.Export{DateFormat: "yyyy/mm/dd", Columns: []form.ExportColumn{
		{Header: "宛名番号", Field: form.KeyAtena},
		{Header: "受診日", Field: "exam_date"},
		{Header: "判定", Field: "judgement", Codes: map[string]string{"1": "01", "3": "03"}},
		{Header: "医師名", Field: "doctor"},
	}}
	for _, c := range g.Export.Columns {
		if g.Field(c.Field) == nil {
			t.Fatalf("m18-exam has no field %q", c.Field)
		}
	}
	return &g
}

func TestRenderRecord(t *testing.T) {
	const head = "宛名番号,受診日,判定,医師名\r\n"
	tests := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"dates and codes", map[string]string{form.KeyAtena: "000000000000123", "exam_date": "2025-04-01", "judgement": "3", "doctor": "テスト医師"},
			"000000000000123,2025/04/01,03,テスト医師\r\n"},
		{"unmapped code kept", map[string]string{form.KeyAtena: "000000000000124", "judgement": "2"},
			"000000000000124,,2,\r\n"},
		{"unreadable mark exported blank", map[string]string{form.KeyAtena: "000000000000125", "exam_date": "●", "judgement": "●", "doctor": "テスト●師"},
			"000000000000125,,,\r\n"},
		{"quotes and commas", map[string]string{form.KeyAtena: "000000000000126", "doctor": `山田, "太郎"`},
			"000000000000126,,," + `"山田, ""太郎"""` + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(testForm(t), UTF8)
			if err != nil {
				t.Fatal(err)
			}
			r.Add(tt.values[form.KeyAtena], maps.All(tt.values))
			var out bytes.Buffer
			if _, err := r.WriteTo(&out); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != head+tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, head+tt.want)
			}
			if strings.Contains(out.String(), "●") {
				t.Error("the unreadable mark reached the import file")
			}
		})
	}
}

func TestCP932(t *testing.T) {
	r, err := New(testForm(t), CP932)
	if err != nil {
		t.Fatal(err)
	}
	r.Add("000000000000001", maps.All(map[string]string{form.KeyAtena: "000000000000001", "doctor": "髙橋"}))
	r.Add("000000000000002", maps.All(map[string]string{form.KeyAtena: "000000000000002", "doctor": "𠮷田"}))
	var out bytes.Buffer
	_, err = r.WriteTo(&out)
	var ue *UnencodableError
	if !errors.As(err, &ue) || len(ue.Cells) != 1 || ue.Cells[0].Atena != "000000000000002" || ue.Cells[0].Char != "𠮷" {
		t.Fatalf("want one unencodable cell 𠮷 of 000000000000002, got %v", err)
	}
	if out.Len() != 0 {
		t.Error("something was written although a cell cannot be encoded")
	}

	r, _ = New(testForm(t), CP932)
	r.Add("000000000000001", maps.All(map[string]string{form.KeyAtena: "000000000000001", "doctor": "髙橋"}))
	out.Reset()
	if _, err := r.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	text, err := japanese.ShiftJIS.NewDecoder().String(out.String())
	if err != nil || !strings.Contains(text, "髙橋") {
		t.Fatalf("CP932 round trip lost 髙橋: %q %v", text, err)
	}
}

func TestUnknownEncoding(t *testing.T) {
	if _, err := New(testForm(t), "latin1"); err == nil || !strings.Contains(err.Error(), "latin1") {
		t.Fatalf("want a refusal naming the encoding, got %v", err)
	}
}
