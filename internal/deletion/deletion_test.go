package deletion

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/benchmem"
	"kenshin/internal/submission"
)

func sample() []Row {
	return []Row{
		{{"row", "1"}, {"atena_no", "100001"}, {"weight", "6.8"}, {"ocr.weight", "6.8"}},
		{{"row", "2"}, {"atena_no", "100002"}, {"weight", "6.5"}, {"ocr.weight", "65"}},
		{{"row", "3"}, {"atena_no", "100003"}, {"weight", ""}, {"ocr.weight", "６,８"}},
	}
}

// independent spells out the encoding from its definition with fmt, as an
// auditor would, without the package's code.
func independent(rows []Row) string {
	var b strings.Builder
	b.WriteString("kenshin-deletion-v1\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "r%d:", len(r))
		for _, f := range r {
			fmt.Fprintf(&b, "%d:%s,%d:%s,", len(f.Key), f.Key, len(f.Value), f.Value)
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func TestHashMatchesIndependentRecomputation(t *testing.T) {
	for _, rows := range [][]Row{nil, {}, {{}}, sample(), sample()[:1]} {
		if got, want := Hash(rows), independent(rows); got != want {
			t.Errorf("Hash(%v) = %s, recomputed %s", rows, got, want)
		}
		var buf bytes.Buffer
		if err := Encode(&buf, rows); err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(buf.Bytes()); hex.EncodeToString(sum[:]) != Hash(rows) {
			t.Errorf("Encode and Hash disagree for %v", rows)
		}
	}
}

func TestHashChangesWithAnyRow(t *testing.T) {
	base := Hash(sample())
	tests := []struct {
		name   string
		change func([]Row) []Row
	}{
		{"a value", func(r []Row) []Row { r[1][2].Value = "6.6"; return r }},
		{"a value's width", func(r []Row) []Row { r[2][3].Value = "6,8"; return r }},
		{"a key", func(r []Row) []Row { r[0][2].Key = "height"; return r }},
		{"an empty value filled", func(r []Row) []Row { r[2][2].Value = "0"; return r }},
		{"a byte moved from key to value", func(r []Row) []Row { r[0][2] = Field{"weigh", "t6.8"}; return r }},
		{"a field moved to the next row", func(r []Row) []Row {
			r[1] = append(r[1], r[2][0])
			r[2] = r[2][1:]
			return r
		}},
		{"field order", func(r []Row) []Row { r[0][2], r[0][3] = r[0][3], r[0][2]; return r }},
		{"row order", func(r []Row) []Row { r[0], r[1] = r[1], r[0]; return r }},
		{"a row removed", func(r []Row) []Row { return r[:2] }},
		{"a row added", func(r []Row) []Row { return append(r, Row{}) }},
		{"a field added", func(r []Row) []Row { r[0] = append(r[0], Field{"", ""}); return r }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hash(tt.change(sample())); got == base {
				t.Errorf("hash unchanged: %s", got)
			}
		})
	}
	if Hash(sample()) != base {
		t.Error("the same rows hash differently")
	}
}

func TestDecode(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !slices.Equal(got[1], sample()[1]) || !slices.Equal(got[2], sample()[2]) {
		t.Errorf("Decode = %v", got)
	}
	for _, bad := range []string{"", "kenshin-deletion-v0\n", Magic + "x", Magic + "r1:", Magic + "r1:3:ab,0:,", Magic + "r01:0:,0:,", Magic + "r1:1:a,", Magic + "r999999999:"} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q): no error", bad)
		}
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	_ = Encode(&buf, sample())
	f.Add(buf.Bytes())
	f.Add([]byte(Magic + "r0:r1:0:,0:,"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Decode(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, rows); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("re-encoding %q gives %q: the encoding is not canonical", data, out.Bytes())
		}
	})
}

func TestRecordRow(t *testing.T) {
	r := submission.Record{Row: 4, Atena: "100004", Values: map[string]string{"weight": "6.8", "height": "64.0"}, OCR: map[string]string{"weight": "68", "height": "64.0"}}
	got := RecordRow([]string{"height", "weight"}, r)
	want := Row{{"row", "4"}, {"atena_no", "100004"}, {"height", "64.0"}, {"ocr.height", "64.0"}, {"weight", "6.8"}, {"ocr.weight", "68"}}
	if !slices.Equal(got, want) {
		t.Errorf("RecordRow = %v, want %v", got, want)
	}
}

var at = time.Date(2026, 6, 1, 17, 0, 0, 0, time.UTC)

func record(t *testing.T) *Record {
	var e audit.Event
	e.At, e.User, e.Kind = at, "chief", "purge"
	audit.Seal([]byte("deletion-test-key"), nil, &e)
	return &Record{
		Reason: ReasonPurge, Criterion: "2026-03-31 より前に出力し取込済みのもの", At: at, By: "chief", Terminal: "T1",
		ChainHead: ChainHead(e),
		Batches: []Batch{
			{ID: 7, Key: "k7", File: "m4_2026-02.csv", Form: "m4-exam", Centre: 2, SubmittedAt: at.AddDate(0, -4, 0), ImportedAt: at.AddDate(0, -3, 0), Records: 3, Cells: 5, Hash: Hash(sample())},
			{ID: 9, Key: "k9", File: "y1_2026-02.csv", Form: "y1-exam", Centre: 2, SubmittedAt: at.AddDate(0, -4, 0), ImportedAt: at.AddDate(0, -3, 0), Records: 1, Cells: 0, Hash: Hash(sample()[:1])},
		},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(*Record)
	}{
		{"no reason", func(r *Record) { r.Reason = "" }},
		{"nobody", func(r *Record) { r.By = "" }},
		{"no time", func(r *Record) { r.At = time.Time{} }},
		{"bad head", func(r *Record) { r.ChainHead = "12" }},
		{"head 0", func(r *Record) { r.ChainHead = "0:" + strings.Repeat("a", 64) }},
		{"batch without hash", func(r *Record) { r.Batches[1].Hash = "" }},
	}
	if err := record(t).Validate(); err != nil {
		t.Fatalf("a good record: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := record(t)
			tt.spoil(r)
			if err := r.Validate(); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestCellRow(t *testing.T) {
	c := submission.Cell{Row: 2, Key: "weight", OCR: "65", Final: "6.5", Edited: true, EditedBy: "clerk1",
		EditedAt: time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)), Findings: []string{"range: 範囲外"}}
	got := CellRow(c)
	if v := got[6]; v != (Field{"edited_at", "2026-05-01T00:00:00Z"}) {
		t.Errorf("edited_at %v, want UTC", v)
	}
	if last := got[len(got)-1]; last != (Field{"finding", "range: 範囲外"}) {
		t.Errorf("last field %v", last)
	}
	base := Hash([]Row{got})
	c.ConfirmReason = "紙で確認"
	if Hash([]Row{CellRow(c)}) == base {
		t.Error("a changed confirmation reason leaves the hash unchanged")
	}
}

// A purge of a year at one centre: 100k record rows of 40 fields.
func BenchmarkHash100k(b *testing.B) {
	row := make(Row, 40)
	for i := range row {
		row[i] = Field{fmt.Sprintf("field_%02d", i), "6.85"}
	}
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		h := NewHasher()
		for range 100_000 {
			h.Add(row)
		}
		_ = h.Sum()
	}
	tr.Report()
}
