package ocrstats_test

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/ocrstats"
	"kenshin/internal/ocrstats/ocrstatsxlsx"
)

// The workbook writer is tested here, beside the statistics it writes, with
// their synthetic trail (export_test.go).

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestWrite(t *testing.T) {
	s := ocrstats.Compute(ocrstats.Trail(600), ocrstats.Options{})
	for _, pw := range []string{"", "pw-2026"} {
		path := filepath.Join(t.TempDir(), "stats.xlsx")
		err := ocrstatsxlsx.Write(path, s, ocrstats.WriteOptions{Labels: map[string]string{"judgement": "判定", "weight": "体重"}, Period: "2026-04〜2026-06", Now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v %v, want 0600", fi.Mode(), err)
		}
		x, err := excelize.OpenFile(path, excelize.Options{Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := x.GetSheetList(); !slices.Equal(got, []string{ocrstats.SheetSummary, ocrstats.SheetField, ocrstats.SheetForm, ocrstats.SheetCentre, ocrstats.SheetMonth, ocrstats.SheetConfusion, ocrstats.SheetChart}) {
			t.Errorf("sheets %v", got)
		}
		fields, _ := x.GetRows(ocrstats.SheetField)
		if len(fields) != len(s.ByField)+1 || fields[1][1] != s.ByField[0].Name || fields[1][3] != fmt.Sprint(s.ByField[0].Errors) {
			t.Errorf("項目別 %v, want %v first", fields, s.ByField[0])
		}
		if pw == "" {
			z, err := zip.OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			charts, chartsheets := 0, 0
			for _, f := range z.File {
				charts += b2i(strings.HasPrefix(f.Name, "xl/charts/chart"))
				chartsheets += b2i(strings.HasPrefix(f.Name, "xl/chartsheets/sheet"))
			}
			_ = z.Close()
			if charts != 2 || chartsheets != 1 {
				t.Errorf("%d charts and %d chart sheets, want 2 and 1", charts, chartsheets)
			}
		}
		conf, _ := x.GetRows(ocrstats.SheetConfusion)
		if len(conf) < 2 || conf[1][0] != "判定" || conf[1][2] != "7" || conf[1][3] != "1" {
			t.Errorf("読み違い first row %v, want 判定 7→1", conf[1])
		}
		all := ""
		for _, sh := range x.GetSheetList()[:6] {
			rows, _ := x.GetRows(sh)
			for _, r := range rows {
				all += strings.Join(r, "\t") + "\n"
			}
			pl, err := x.GetPageLayout(sh)
			if err != nil || *pl.Orientation != "landscape" || *pl.Size != 9 {
				t.Errorf("%s: page layout %+v %v", sh, pl, err)
			}
		}
		for _, e := range ocrstats.Trail(600) {
			if e.Key == "atena_no" && (strings.Contains(all, e.Final) || strings.Contains(all, e.OCR)) {
				t.Fatalf("宛名番号 %s is in the workbook", e.Final)
			}
		}
	}
}
