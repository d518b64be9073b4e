package check_test

import (
	"reflect"
	"testing"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/synth"
)

// All splits big batches over the cores; the findings must be those of a
// plain row-by-row run, in the same order (run with -race).
func TestAllParallelMatchesSequential(t *testing.T) {
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form("y3-exam")
	data, _, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 10_000, Seed: 3, ErrorRate: 0.03, Confidence: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ocrcsv.Read("p.csv", data, set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := check.New(f, set.Growth, synth.Today()).All(check.OCR(b))

	c := check.New(f, set.Growth, synth.Today())
	src := check.OCR(b)
	c.LearnSessions(src)
	var want []batch.Finding
	for i := 0; i < src.Len(); i++ {
		want = c.Row(src, i, want)
	}
	want = append(want, c.Duplicates(src)...)
	if len(got) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("parallel run gave %d findings, sequential %d, or they differ", len(got), len(want))
	}
}
