package report

import (
	"archive/zip"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/submission"
)

// summaryValue finds the value beside a key in 概要.
func summaryValue(t *testing.T, x *excelize.File, key string) string {
	t.Helper()
	rows, err := x.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 1 && r[0] == key {
			return r[1]
		}
	}
	t.Fatalf("概要 has no 「%s」", key)
	return ""
}

// The summary names who reviewed (the clerk) and who approved the
// override (the supervisor), and counts the cells reviewed, not all cells.
func TestSummaryPeopleAndCounts(t *testing.T) {
	s, f := reviewed(t, 30, 0.05)
	w := f.Field("weight").Index
	s.Edit(ctx, 0, w, "6.10", "")
	s.Edit(ctx, 1, w, "6.20", "")
	for _, p := range s.OpenCells() {
		if p.Row > 1 && p.Field >= 0 && !s.HasOpenError(p.Row, p.Field) { // 用紙と一致 closes warnings only
			s.Confirm(ctx, p.Row, p.Field, "用紙と一致")
			break
		}
	}
	b := submission.Describe(s, 1, now)
	b.Reviewer = "super1" // what a supervisor's submission used to record
	b.Override = &submission.Override{User: "super1", Reason: "用紙を確認済み"}
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := Write(path, b, f, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, tc := range []struct{ key, want string }{
		{"確認者", "clerk1"},
		{"承認者", "super1"},
		{"確認したセル数", "3"},
		{"全セル数", ""},
	} {
		got := summaryValue(t, x, tc.key)
		if tc.want != "" && got != tc.want {
			t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
		}
	}
	if got := summaryValue(t, x, "確認したセル数"); got == summaryValue(t, x, "全セル数") {
		t.Errorf("確認したセル数 counts every cell: %s", got)
	}
	// 区分 is wide enough for 「確認（用紙でも判読不能）」
	wd, _ := x.GetColWidth(SheetChanges, "J")
	if need := float64(textWidth("確認（記入者に確認済み）")); wd < need {
		t.Errorf("区分 column %.0f wide, needs %.0f", wd, need)
	}
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if r < 0x80 {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// The chart lists the largest count on top, its values grow left to
// right, and its labels are black.
func TestChartAxes(t *testing.T) {
	s, f := reviewed(t, 40, 0.08)
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := Write(path, submission.Describe(s, 1, now), f, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var chart string
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			r, _ := zf.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			chart = string(b)
		}
	}
	if chart == "" {
		t.Fatal("no chart")
	}
	cat := regexp.MustCompile(`(?s)<(?:c:)?catAx>.*?</(?:c:)?catAx>`).FindString(chart)
	val := regexp.MustCompile(`(?s)<(?:c:)?valAx>.*?</(?:c:)?valAx>`).FindString(chart)
	if !strings.Contains(cat, `orientation val="maxMin"`) {
		t.Errorf("category axis not top-down: %s", cat)
	}
	if !strings.Contains(val, `orientation val="minMax"`) {
		t.Errorf("value axis reversed: %s", val)
	}
	for name, ax := range map[string]string{"category": cat, "value": val} {
		if !strings.Contains(ax, `srgbClr val="000000"`) {
			t.Errorf("%s axis labels are not black", name)
		}
	}
}

// A corrected cell keeps the kind and message of what was wrong with the
// reading, though the correction settled it.
func TestCorrectionKeepsItsFinding(t *testing.T) {
	s, f := reviewed(t, 60, 0.08)
	fixed := 0
	for _, p := range s.OpenCells() {
		if p.Field < 0 {
			continue
		}
		if _, ok := s.Suggestion(p.Row, p.Field); ok && s.AcceptSuggestion(ctx, p.Row, p.Field) == nil {
			fixed++
		}
	}
	if fixed == 0 {
		t.Fatal("no suggestion to take")
	}
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := Write(path, submission.Describe(s, 1, now), f, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows(SheetChanges)
	n := 0
	for _, r := range rows[1:] {
		if len(r) > 9 && strings.HasPrefix(r[9], "修正") {
			n++
			if r[6] == "" || r[7] == "" {
				t.Errorf("correction of row %s 「%s」 has no finding kind or message: %q", r[0], r[3], r)
			}
		}
	}
	if n < fixed {
		t.Errorf("%d corrections listed, %d made", n, fixed)
	}
}
