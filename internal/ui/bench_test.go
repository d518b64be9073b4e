package ui

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"fyne.io/fyne/v2"

	"kenshin/internal/form"
	"kenshin/internal/synth"
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
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkOpen100k: read, check and show a 100,000-row file (the issue's
// "opens and is scrollable without stalls").
func BenchmarkOpen100k(b *testing.B) {
	path := bigFile(b)
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		w, _ := newTestBench(&testing.T{}, nil)
		l, err := w.load(path)
		if err != nil {
			b.Fatal(err)
		}
		w.add(l)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		w.Window().Close()
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
}

// BenchmarkCursorMove100k: one PageDown in the 100,000-row file, with the
// table, detail pane and status bar brought up to date.
func BenchmarkCursorMove100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, nil)
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	b.ReportAllocs()
	for b.Loop() {
		sh.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
		if sh.grid.cur.Row >= 99_000 {
			sh.grid.moveTo(0, 3)
		}
	}
}

// BenchmarkF8Next100k: jump to the next open finding in the 100,000-row file.
func BenchmarkF8Next100k(b *testing.B) {
	path := bigFile(b)
	w, _ := newTestBench(&testing.T{}, nil)
	if err := w.OpenPath(path); err != nil {
		b.Fatal(err)
	}
	sh := w.active()
	for b.Loop() {
		sh.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF8})
	}
}
