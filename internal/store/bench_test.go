package store

import (
	"path/filepath"
	"testing"

	"kenshin/internal/benchmem"
	"kenshin/internal/form"
	"kenshin/internal/submission"
)

// BenchmarkSubmit100k is the target: 100,000 records with their trail in
// ≤ 3 s (m4-survey, 30 fields, 3 % OCR errors, let through by override).
func BenchmarkSubmit100k(b *testing.B) {
	rs := session(b, "m4-survey", 100_000, 21, 0.03)
	batch, err := buildOverride(rs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(batch.Trail)), "trail-cells")
	b.ReportAllocs()
	tr := benchmem.Track(b)
	for b.Loop() {
		b.StopTimer()
		st, err := Create(ctx, filepath.Join(b.TempDir(), "central.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := st.Submit(ctx, batch, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	tr.Report()
}

// BenchmarkExport100k is the target: the import file of 100,000 records in
// ≤ 2 s (CP932).
func BenchmarkExport100k(b *testing.B) {
	rs := session(b, "m4-survey", 100_000, 22, 0.03)
	batch, err := buildOverride(rs)
	if err != nil {
		b.Fatal(err)
	}
	st, err := Create(ctx, filepath.Join(b.TempDir(), "central.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Submit(ctx, batch, nil); err != nil {
		b.Fatal(err)
	}
	set, _ := form.Default()
	f := set.Form("m4-survey")
	b.ReportAllocs()
	tr := benchmem.Track(b)
	for b.Loop() {
		data, res, err := st.Export(ctx, f, submission.Filter{}, "cp932")
		if err != nil || res.Records != 100_000 || len(data) == 0 {
			b.Fatal(err, res.Records)
		}
	}
	tr.Report()
}
