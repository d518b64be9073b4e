package ui

import (
	"context"
	"kenshin/internal/app"
	"kenshin/internal/workcopy"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"kenshin/internal/benchmem"
	"kenshin/internal/form"
	"kenshin/internal/synth"
	"kenshin/internal/workspace"
)

func bigFile(b *testing.B) string {
	set, err := form.Default()
	if err != nil {
		b.Fatal(err)
	}
	data, _, err := synth.Generate(synth.Options{Form: set.Form("m4-exam"), Growth: set.Growth, Rows: 100_000, Seed: 5, ErrorRate: 0.03, Confidence: true})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "big.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchWorkspace is a real workspace in a temporary folder, as on a clerk's
// terminal: every cursor move saves the position there.
func benchWorkspace(b *testing.B) app.Workspace {
	ws, err := workspace.Open(context.Background(), filepath.Join(b.TempDir(), "ws", "work.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ws.Close() })
	return workcopy.Adapter{Store: ws}
}

// BenchmarkOpen100k: read, check and show a 100,000-row file (the issue's
// "opens and is scrollable without stalls"), columns sized to content.
func BenchmarkOpen100k(b *testing.B) {
	path := bigFile(b)
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		w, _ := newTestBench(&testing.T{}, nil)
		l, err := w.load(path)
		if err != nil {
			b.Fatal(err)
		}
		w.add(l)
		w.Window().Close()
	}
	tr.Report()
}

// BenchmarkCursorMove100k: one PageDown in the 100,000-row file with a real
// workspace, the table, detail pane and status bar brought up to date.
func BenchmarkCursorMove100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, benchWorkspace(b))
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		sh.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
		if sh.grid.cur.Row >= 99_000 {
			sh.grid.moveTo(0, 3)
		}
	}
	tr.Report()
}

// BenchmarkF8Next100k: jump to the next open finding in the 100,000-row file.
func BenchmarkF8Next100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, benchWorkspace(b))
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		sh.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF8})
	}
	tr.Report()
}

// BenchmarkFitColumns100k: sizing every column to its widest value.
func BenchmarkFitColumns100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, nil)
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		sh.grid.fitColumns()
	}
	tr.Report()
}

// BenchmarkF8Suspicion100k: the next open finding in 「疑わしい順」, every
// open cell of the 100,000-row file ranked by its score.
func BenchmarkF8Suspicion100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, benchWorkspace(b))
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	sh.toggleSuspicionOrder()
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		sh.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF8})
	}
	tr.Report()
}

// BenchmarkGroupView100k: open and close 列ごとの一括確認 on 体重 of the
// 100,000-row file (grouping, growth bands, confirmed counts, the list).
func BenchmarkGroupView100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, benchWorkspace(b))
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	sh.goTo(0, sh.session.Batch.Form.Field("weight").Index)
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		sh.groupView()
		sh.group.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	}
	tr.Report()
}
