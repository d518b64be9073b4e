package report

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/safefile"
	"kenshin/internal/submission"
)

// TestForAppPrintsHeadOwnerOnly: the report names the audit head it was
// written at (so a deleted log tail shows against the printout), and the
// file, which holds names and 宛名番号, is readable by its owner only.
func TestForAppPrintsHeadOwnerOnly(t *testing.T) {
	s, f := reviewed(t, 10, 0.05)
	b := submission.Describe(s, 1, now)
	path := filepath.Join(t.TempDir(), "out", "r.xlsx")
	head := audit.Head{Count: 42, Hash: "ab12cd"}
	if err := ForApp(path, b, f, app.ReportOptions{Now: now, Head: head}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }() // read-only
	rows, err := x.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) >= 2 && r[0] == "操作記録の末尾（件数:ハッシュ）" {
			found = r[1] == head.String()
			if !found {
				t.Errorf("head printed as %q, want %q", r[1], head.String())
			}
		}
	}
	if !found {
		t.Error("the summary sheet does not print the audit head")
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != safefile.FileMode {
			t.Errorf("report mode %v, want %v", fi.Mode().Perm(), safefile.FileMode)
		}
	}
}
