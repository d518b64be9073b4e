package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/benchmem"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/submission"
	"kenshin/internal/synth"
)

var ctx = context.Background()
var now = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)

func reviewed(t testing.TB, rows int, rate float64) (*review.Session, *form.Form) {
	t.Helper()
	set, _ := form.Default()
	f := set.Form("m4-exam")
	data, _, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: rows, Seed: 3, ErrorRate: rate, Confidence: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ocrcsv.Read("m4.csv", data, set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := review.Open(b, review.Options{User: "clerk1", Growth: set.Growth, Now: func() time.Time { return now }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, f
}

func TestReportContent(t *testing.T) {
	s, f := reviewed(t, 40, 0.05)
	w := f.Field("weight").Index
	s.Edit(ctx, 0, w, "=1+1", "") // a formula-looking correction
	s.Edit(ctx, 1, w, "-3.5", "") // a negative-looking one is text here too: a corrected cell keeps its text
	for _, p := range s.OpenCells() {
		if p.Row > 1 && !s.HasOpenError(p.Row, p.Field) { // a cell not edited above; 用紙と一致 closes warnings only
			s.Confirm(ctx, p.Row, p.Field, "用紙と一致")
			break
		}
	}
	b := submission.Describe(s, 2, now)
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := Write(path, b, f, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); strings.Join(got, ",") != "概要,修正一覧,未解決" {
		t.Fatalf("sheets %v", got)
	}
	// summary
	if v, _ := x.GetCellValue(SheetSummary, "B3"); v != "未送信" {
		t.Errorf("batch label %q", v)
	}
	if v, _ := x.GetCellValue(SheetSummary, "B13"); v != "40" {
		t.Errorf("rows %q", v)
	}
	// changes: header, ids as text with zeros, the formula guard
	rows, _ := x.GetRows(SheetChanges)
	if len(rows) != 4 || rows[0][0] != "行" || rows[0][7] != "指摘の内容" {
		t.Fatalf("changes: %d rows, header %v", len(rows), rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == "1" {
			found = true
			if !strings.HasPrefix(r[1], "0000") || len(r[1]) != 15 {
				t.Errorf("宛名番号 lost its zeros: %q", r[1])
			}
			if r[5] != "'=1+1" {
				t.Errorf("formula-looking text: %q", r[5])
			}
			if typ, _ := x.GetCellType(SheetChanges, "F2"); typ == excelize.CellTypeFormula {
				t.Error("a formula cell was written")
			}
			if fm, _ := x.GetCellFormula(SheetChanges, "F2"); fm != "" {
				t.Errorf("formula %q", fm)
			}
		}
	}
	if !found {
		t.Fatal("row 1 correction missing")
	}
	if typ, _ := x.GetCellType(SheetChanges, "B2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("宛名番号 cell type %v, want text", typ)
	}
	// confidence is a number, shown as percent
	sty, _ := x.GetCellStyle(SheetChanges, "I2")
	if st, _ := x.GetStyle(sty); st == nil || st.NumFmt != 9 {
		t.Errorf("confidence style %+v", st)
	}
	// edit time is a real date
	if raw, _ := x.GetCellValue(SheetChanges, "L2", excelize.Options{RawCellValue: true}); !strings.Contains(raw, ".") && raw != "" && len(raw) > 8 {
		t.Errorf("date stored as text? %q", raw)
	}
	// open findings
	openRows, _ := x.GetRows(SheetOpen)
	if len(openRows) < 2 || openRows[1][8] != "未解決" {
		t.Fatalf("open sheet: %v", openRows[:min(2, len(openRows))])
	}
	// print settings
	for _, sh := range []string{SheetChanges, SheetOpen} {
		pl, _ := x.GetPageLayout(sh)
		if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
			t.Errorf("%s layout %+v", sh, pl)
		}
		hf, _ := x.GetHeaderFooter(sh)
		if !strings.Contains(hf.OddFooter, "&P / &N") || !strings.Contains(hf.OddHeader, "未送信") {
			t.Errorf("%s header/footer %+v", sh, hf)
		}
		props, _ := x.GetSheetProps(sh)
		if props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: fit to page lost", sh)
		}
		panes, _ := x.GetPanes(sh)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s panes %+v", sh, panes)
		}
	}
	names := x.GetDefinedName()
	titles := 0
	for _, n := range names {
		if n.Name == "_xlnm.Print_Titles" {
			titles++
		}
	}
	if titles != 2 {
		t.Errorf("print titles on %d sheets, want 2: %+v", titles, names)
	}
}

func TestPassword(t *testing.T) {
	s, f := reviewed(t, 10, 0.05)
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := Write(path, submission.Describe(s, 1, now), f, Options{Now: now, Password: "himitsu-2026"}); err != nil {
		t.Fatal(err)
	}
	if x, err := excelize.OpenFile(path); err == nil {
		x.Close()
		t.Fatal("opened without the password")
	}
	x, err := excelize.OpenFile(path, excelize.Options{Password: "himitsu-2026"})
	if err != nil {
		t.Fatalf("with the password: %v", err)
	}
	x.Close()
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+81": "'+81", "-1": "'-1", "@x": "'@x", "\tx": "'\tx", "サトウ": "サトウ", "": ""} {
		if got := text(in); got != want {
			t.Errorf("text(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkReport50k is the target: 50,000 correction rows in ≤ 3 s and
// ≤ 200 MB.
func BenchmarkReport50k(b *testing.B) {
	s, f := reviewed(b, 12_000, 0.03)
	batch := submission.Describe(s, 1, now)
	// make the trail 50,000 changed cells, as after a long review
	var trail []submission.Cell
	for i := 0; len(trail) < 50_000; i++ {
		c := batch.Trail[i%len(batch.Trail)]
		c.Row = 1 + i%len(batch.Records)
		c.Edited, c.EditedBy, c.EditedAt = true, "clerk1", now
		trail = append(trail, c)
	}
	batch.Trail = trail
	dir := b.TempDir()
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(filepath.Join(dir, "r.xlsx"), batch, f, Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	tr.Report()
}
