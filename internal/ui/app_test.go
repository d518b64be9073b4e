package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

func newTestBench(t *testing.T) *Workbench {
	t.Helper()
	a := test.NewTempApp(t)
	forms, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	w := New(a, Deps{Forms: forms, Today: func() jpdate.Date { return jpdate.Date{Y: 2026, M: 4, D: 30} }})
	t.Cleanup(w.Window().Close)
	return w
}

func sample(name string) string { return filepath.Join("..", "..", "testdata", name) }

func TestOpenShowsFile(t *testing.T) {
	w := newTestBench(t)
	if err := w.OpenPath(sample("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Window().Title(), "m4-exam.csv") {
		t.Errorf("title %q", w.Window().Title())
	}
	if !strings.Contains(w.status.Text, "30 行") {
		t.Errorf("status %q", w.status.Text)
	}
}

func TestOpenBadFileNamesFileAndLine(t *testing.T) {
	w := newTestBench(t)
	err := w.OpenPath(sample("malformed/unknown_header.csv"))
	if err == nil || !strings.Contains(err.Error(), "unknown_header.csv") || !strings.Contains(err.Error(), "1 行目") {
		t.Fatalf("got %v", err)
	}
}
