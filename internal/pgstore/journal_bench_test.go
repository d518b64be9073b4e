package pgstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/benchmem"
	"kenshin/internal/fixture"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// BenchmarkJournalAppend is the latency of one cell edit as the clerk's
// UI thread sees it, with the central store on PostgreSQL: with a working
// copy (the desktop app: the change and its audit entry go to the working
// copy, the shipper sends the entry in the background) and without one
// (the entry is written to the server in line). The same file runs on the
// code before the local-first audit, where both write to the server.
func BenchmarkJournalAppend(b *testing.B) {
	for _, withWS := range []bool{true, false} {
		name := "workcopy"
		if !withWS {
			name = "no-workcopy"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			st := openFresh(b)
			a, s := clerkApp(b, ctx, st)
			a.Forms = fixture.Forms(b)
			if c, ok := any(a).(interface{ Close() }); ok {
				b.Cleanup(c.Close)
			}
			var ws app.Workspace
			if withWS {
				w, err := workspace.Open(ctx, filepath.Join(b.TempDir(), "ws", "work.db"), nil)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = w.Close() })
				ws = workcopy.Adapter{Store: w}
			}
			csv := fixture.Write(b, b.TempDir(), fixture.File{Form: "m4-exam", Rows: 200, Seed: 7})
			rv, err := a.OpenReview(ctx, s, ws, csv, "")
			if err != nil {
				b.Fatal(err)
			}
			w := rv.Batch.Form.Field("weight").Index
			vals := [2]string{"7.01", "7.02"}
			tr := benchmem.Track(b)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := rv.Edit(ctx, i%200, w, vals[(i/200)%2], ""); err != nil {
					b.Fatal(err)
				}
				i++
			}
			tr.Report()
		})
	}
}
