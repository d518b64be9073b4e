package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/benchmem"
	"kenshin/internal/pgstore"
	"kenshin/internal/storetest"
	"kenshin/internal/submission"
	"kenshin/internal/workspace"
)

// downStore is the store during an outage: every transaction fails as a
// refused connection does.
type downStore struct{ app.Store }

func (d downStore) Update(context.Context, func(app.Tx) error) error {
	return &pgstore.Error{Where: d.Location(), Msg: "down", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
}

// BenchmarkOutbox4x25000: four terminals each submit 25,000 records while
// the server is down (they wait in each terminal's outbox), then all four
// send at once when it is back (target as for direct submits: ≤ 10 s per
// op, every record landed once).
func BenchmarkOutbox4x25000(b *testing.B) {
	const terminals, records = 4, 25000
	st := openFresh(b)
	ctx := context.Background()
	// the users as on a real server; logging in also loads the chain key
	up, s := clerkApp(b, ctx, st)
	down := testApp(downStore{st})
	wss := make([]*workspace.Store, terminals)
	batches := make([]*submission.Batch, terminals)
	for g := range terminals {
		ws, err := workspace.Open(ctx, filepath.Join(b.TempDir(), "workspace.db"), time.Now)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = ws.Close() })
		wss[g] = ws
		batches[g] = storetest.NewBatch(fmt.Sprintf("obench-0-%d", g), "m4-exam", 1, g*records, records, "2026-07-01")
	}
	tr := benchmem.Track(b)
	b.ReportAllocs()
	op := 0
	for b.Loop() {
		b.StopTimer()
		if op > 0 {
			renumber(batches, "obench", op, records)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make([]error, terminals)
		for g := range terminals {
			wg.Go(func() {
				d, err := down.SubmitOrQueue(ctx, s, &app.Submission{Batch: batches[g]}, nil, nil, wss[g])
				if err == nil && !d.Queued {
					err = errors.New("not queued")
				}
				if err != nil {
					errs[g] = err
					return
				}
				rep, err := up.SendOutbox(ctx, s, wss[g], nil)
				if err == nil && len(rep.Delivered) != 1 {
					err = fmt.Errorf("send: %+v", rep)
				}
				errs[g] = err
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
	if counts["records"] != int64(op*terminals*records) || counts["batches"] != int64(op*terminals) {
		b.Fatalf("after %d ops: %v; want every record once", op, counts)
	}
}
