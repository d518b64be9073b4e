package auditreport_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/audit"
	"kenshin/internal/auditreport"
	"kenshin/internal/auditreport/auditreportxlsx"
)

// The workbook writer is tested here, beside the report it writes, with the
// synthetic month of the tests (export_test.go).

func TestWrite(t *testing.T) {
	es := auditreport.Month()
	tampered := slices.Clone(es)
	tampered[4].Object = "file xyz r.xlsx"
	for _, tc := range []struct {
		name, pw string
		events   []audit.Event
		chain    string
	}{{"intact", "", es, "異常なし"}, {"tampered, encrypted", "kansa", tampered, "異常あり: 操作記録 5 番"}} {
		t.Run(tc.name, func(t *testing.T) {
			c := auditreport.Chain{Checked: true, Entries: len(tc.events), Head: "18:" + tc.events[17].Hash, Problem: audit.Verify(auditreport.TestKey, tc.events)}
			r := auditreport.Build(tc.events, auditreport.From, auditreport.To, auditreport.Options{Location: auditreport.JST, Chain: c})
			path := filepath.Join(t.TempDir(), "audit.xlsx")
			if err := auditreportxlsx.Write(path, r, auditreport.WriteOptions{Now: auditreport.At(30, 17, 0), By: "chief", Password: tc.pw}); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v %v, want 0600", fi.Mode(), err)
			}
			x, err := excelize.OpenFile(path, excelize.Options{Password: tc.pw})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if got := x.GetSheetList(); !slices.Equal(got, []string{auditreport.SheetSummary, auditreport.SheetLogins, auditreport.SheetFailures, auditreport.SheetOffHours, auditreport.SheetExports, auditreport.SheetDenied, auditreport.SheetUsers}) {
				t.Errorf("sheets %v", got)
			}
			sum, _ := x.GetRows(auditreport.SheetSummary)
			val := func(label string) string {
				for _, r := range sum {
					if len(r) > 1 && strings.HasPrefix(r[0], label) {
						return r[1]
					}
				}
				return "(missing)"
			}
			if !strings.HasPrefix(val("操作記録の改ざん検査"), tc.chain) {
				t.Errorf("chain verdict %q, want %q…", val("操作記録の改ざん検査"), tc.chain)
			}
			if val("ログイン失敗") != "4" || val("アカウントのロック") != "1" || val("時間外の操作") != "4" || val("出力") != "3（1）" || val("10時") != "1" {
				t.Errorf("summary %q", sum)
			}
			for sheet, n := range map[string]int{auditreport.SheetOffHours: 5, auditreport.SheetDenied: 2, auditreport.SheetUsers: 3, auditreport.SheetExports: 4, auditreport.SheetLogins: 4} {
				if rows, _ := x.GetRows(sheet); len(rows) != n {
					t.Errorf("%s: %d rows, want %d", sheet, len(rows), n)
				}
				if pl, err := x.GetPageLayout(sheet); err != nil || *pl.Orientation != "landscape" || *pl.Size != 9 {
					t.Errorf("%s: page layout %+v %v", sheet, pl, err)
				}
			}
			ex, _ := x.GetRows(auditreport.SheetExports)
			if ex[1][7] != "600" || ex[1][8] != "大量" || ex[3][7] != "—" {
				t.Errorf("exports %q", ex)
			}
		})
	}
}
