package check_test

import (
	"testing"

	"kenshin/internal/benchmem"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/synth"
)

// BenchmarkCheck100k is the target: read and check 100,000 rows of a
// 30-field form (m4-survey, with confidence columns: 62 CSV columns) in
// ≤ 1.5 s and ≤ 300 MB on the 2-core reference machine. Peak heap and RSS
// come from benchmem, sampled while the work runs.
func BenchmarkCheck100k(b *testing.B) {
	benchForm(b, "m4-survey", 30)
}

// BenchmarkCheckY3Exam100k is the file of issue 12's speed target: y3-exam,
// 100,000 rows with confidence columns (48 CSV columns), which
// `make bench-cli` also compares with Miller.
func BenchmarkCheckY3Exam100k(b *testing.B) {
	benchForm(b, "y3-exam", 0)
}

func benchForm(b *testing.B, id string, fields int) {
	set, err := form.Default()
	if err != nil {
		b.Fatal(err)
	}
	f := set.Form(id)
	if fields > 0 && len(f.Fields) != fields {
		b.Fatalf("%s has %d fields; the target is stated for %d", id, len(f.Fields), fields)
	}
	data, _, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 100_000, Seed: 1, ErrorRate: 0.03, Encoding: "cp932", Confidence: true})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	tr := benchmem.Track(b)
	for b.Loop() {
		bt, err := ocrcsv.Read("bench.csv", data, set, ocrcsv.Options{})
		if err != nil {
			b.Fatal(err)
		}
		fs := check.Batch(bt, set.Growth, synth.Today())
		if len(fs) == 0 {
			b.Fatal("no findings at a 3 % error rate")
		}
	}
	tr.Report()
}
