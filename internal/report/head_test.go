package report

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/review"
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
	found := false
	for _, kv := range summaryRows(t, path) {
		if kv[0] == "操作記録の末尾（件数:ハッシュ）" {
			found = kv[1] == head.String()
			if !found {
				t.Errorf("head printed as %q, want %q", kv[1], head.String())
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

// TestConfirmationHasItsTime: a cell confirmed as read shows when, as a
// correction does (the report is signed off with these times).
func TestConfirmationHasItsTime(t *testing.T) {
	s, f := reviewed(t, 20, 0.1)
	var open []review.Pos // warnings: 用紙と一致 does not close an error
	for _, p := range s.OpenCells() {
		if !s.HasOpenError(p.Row, p.Field) {
			open = append(open, p)
		}
	}
	if len(open) == 0 {
		t.Fatal("no open cell to confirm")
	}
	if err := s.Confirm(ctx, open[0].Row, open[0].Field, "用紙と一致"); err != nil {
		t.Fatal(err)
	}
	b := submission.Describe(s, 1, now)
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := Write(path, b, f, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }() // read-only
	rows, err := x.GetRows(SheetChanges)
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, r := range rows {
		if len(r) >= 10 && strings.HasPrefix(r[9], "確認") {
			seen = true
			if len(r) < 12 || r[11] == "" {
				t.Errorf("confirmation row without 日時: %q", r)
			}
		}
	}
	if !seen {
		t.Error("no confirmation row in 修正一覧")
	}
}
