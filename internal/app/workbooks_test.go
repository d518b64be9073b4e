package app_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
)

// TestNoExcelizeInTheApplicationLayer: the Excel writers are wired in from
// outside (app.Workbooks, internal/workbooks), so the application layer
// links no excelize.
func TestNoExcelizeInTheApplicationLayer(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies")
	}
	out, err := exec.Command(gobin, "list", "-deps", "kenshin/internal/app").Output() // #nosec G204 -- the go command, a fixed package
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "excelize") {
		t.Error("internal/app links excelize")
	}
}

// TestExportWithoutWorkbookWriter: an App built without the writers refuses
// the export, writes no file and records nothing.
func TestExportWithoutWorkbookWriter(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	a.Workbooks = app.Workbooks{}
	out := filepath.Join(t.TempDir(), "stats.xlsx")
	all := app.Period{From: fixture.T0.Add(-time.Hour), To: fixture.T0.Add(time.Hour)}
	if _, err := a.OCRStats(ctx, u.Boss, all, out, ""); !errors.Is(err, app.ErrNoWorkbook) {
		t.Fatalf("statistics without a writer: %v; want ErrNoWorkbook", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written: %v", err)
	}
	if ev := events(t, st, app.KindStatsExported); len(ev) != 0 {
		t.Errorf("an export without a file was recorded: %+v", ev)
	}
}
