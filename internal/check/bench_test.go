package check_test

import (
	"runtime"
	"testing"

	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/synth"
)

// BenchmarkCheck100k is the target: read and check 100,000 rows of a
// 30-field form (m4-survey, with confidence columns: 62 CSV columns) in
// ≤ 1.5 s and ≤ 300 MB on the 2-core reference machine.
func BenchmarkCheck100k(b *testing.B) {
	set, err := form.Default()
	if err != nil {
		b.Fatal(err)
	}
	f := set.Form("m4-survey")
	if len(f.Fields) != 30 {
		b.Fatalf("m4-survey has %d fields; the target is stated for 30", len(f.Fields))
	}
	data, _, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 100_000, Seed: 1, ErrorRate: 0.03, Encoding: "cp932", Confidence: true})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		bt, err := ocrcsv.Read("bench.csv", data, set, ocrcsv.Options{})
		if err != nil {
			b.Fatal(err)
		}
		fs := check.Batch(bt, set.Growth, synth.Today())
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		if len(fs) == 0 {
			b.Fatal("no findings at a 3 % error rate")
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
}
