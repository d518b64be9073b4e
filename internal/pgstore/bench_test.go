package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/benchmem"
	"kenshin/internal/storetest"
	"kenshin/internal/submission"
)

// BenchmarkSubmit4x25000: four submitters at once, 25,000 records each,
// into one PostgreSQL store (target: ≤ 10 s per op, every record landed
// once). Each op submits new batches with their own 宛名番号.
func BenchmarkSubmit4x25000(b *testing.B) {
	const submitters, records = 4, 25000
	st := openFresh(b)
	ctx := context.Background()
	// the batches are made once and given new keys and 宛名番号 per op, so
	// the peak memory is the store's work, not the test data's
	batches := make([]*submission.Batch, submitters)
	for g := range batches {
		batches[g] = storetest.NewBatch(fmt.Sprintf("bench-0-%d", g), "m4-exam", 1, g*records, records, "2026-07-01")
	}
	tr := benchmem.Track(b)
	b.ReportAllocs()
	op := 0
	for b.Loop() {
		b.StopTimer()
		if op > 0 {
			renumber(batches, "bench", op, records)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make([]error, submitters)
		for g := range submitters {
			wg.Go(func() {
				_, errs[g] = storetest.Submit(ctx, st, batches[g], nil, fmt.Sprintf("clerk%d", g))
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		op++
	}
	tr.Report()
	counts, err := st.Counts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if counts["records"] != int64(op*submitters*records) || counts["batches"] != int64(op*submitters) {
		b.Fatalf("after %d ops: %v; want every record once", op, counts)
	}
}

// BenchmarkExport100000: every current record of a form read back in
// export order (target: ≤ 2 s).
func BenchmarkExport100000(b *testing.B) {
	st := openFresh(b)
	ctx := context.Background()
	for g := range 4 {
		if _, err := storetest.Submit(ctx, st, storetest.NewBatch(fmt.Sprintf("exp-%d", g), "m4-exam", 1+g%2, g*25000, 25000, fmt.Sprintf("2026-07-0%d", 1+g)), nil, "clerk"); err != nil {
			b.Fatal(err)
		}
	}
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := st.View(ctx, func(tx app.Tx) error {
			return tx.ExportRecords(ctx, "m4-exam", submission.Filter{}, func(r submission.Stored) error {
				nv := 0
				for range r.Values {
					nv++
				}
				if nv != len(storetest.Keys) {
					return fmt.Errorf("record %s has %d values", r.Atena, nv)
				}
				n++
				return nil
			})
		}); err != nil {
			b.Fatal(err)
		}
		if n != 100000 {
			b.Fatalf("exported %d records; want 100000", n)
		}
	}
	tr.Report()
}

// renumber gives the benchmark's batches of op new keys and 宛名番号, so
// every op submits new records without making new test data.
func renumber(batches []*submission.Batch, name string, op, records int) {
	for g, bt := range batches {
		bt.Key = fmt.Sprintf("key-%s-%d-%d", name, op, g)
		for i := range bt.Records {
			a := fmt.Sprintf("%08d", (op*len(batches)+g)*records+i)
			bt.Records[i].Atena, bt.Records[i].Values["atena"], bt.Records[i].OCR["atena"] = a, a, a
		}
	}
}
