package pgstore_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/fixture"
	"kenshin/internal/pgstore"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// TestReviewDuringOutage: with the server stopped, a clerk opens a file and
// makes 20 edits — all succeed, nothing reaches the server —; once the
// server is back the background shipper delivers the 21 entries once, in
// order, and the keyed chain verifies.
func TestReviewDuringOutage(t *testing.T) {
	if os.Getenv("KENSHIN_TEST_PG") == "" {
		t.Skip("KENSHIN_TEST_PG is not set: run `make test-pg`")
	}
	ctx := ctxT(t)
	dsn, dir := ownCluster(t)
	migrate(t, dsn)
	st, err := pgstore.OpenDSN(ctx, dsn+"&connect_timeout=3", pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	a, s := clerkApp(t, ctx, st)
	a.Forms = fixture.Forms(t)
	defer a.Close()
	ws, err := workspace.Open(ctx, filepath.Join(t.TempDir(), "ws", "work.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ws.Close() }()
	wc := workcopy.Adapter{Store: ws}
	before, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	pg(t, "pause", dir)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 25, Seed: 7})
	rv, err := a.OpenReview(ctx, s, wc, csv, "")
	if err != nil {
		t.Fatalf("open with the server stopped: %v", err)
	}
	w := rv.Batch.Form.Field("weight").Index
	for i := range 20 {
		if err := rv.Edit(ctx, i, w, fmt.Sprintf("7.%02d", i), ""); err != nil {
			t.Fatalf("edit %d with the server stopped: %v", i, err)
		}
	}
	if n, _ := a.PendingAudit(ctx); n != 21 {
		t.Fatalf("%d entries wait; want 21", n)
	}
	pg(t, "resume", dir)
	a.Attach(wc) // what the status bar's refresh or the next action would do
	deadline := time.Now().Add(90 * time.Second)
	for n, _ := a.PendingAudit(ctx); n > 0; n, _ = a.PendingAudit(ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("%d entries still wait 90 s after the server came back (%v)", n, a.ShipError())
		}
		time.Sleep(100 * time.Millisecond)
	}
	after, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after["audit"] != before["audit"]+21 {
		t.Fatalf("%d entries arrived; want 21", after["audit"]-before["audit"])
	}
	key, err := st.AuditKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var all []audit.Event
	if err := st.View(ctx, func(tx app.Tx) error { all, err = tx.Audit(ctx, audit.Filter{}); return err }); err != nil {
		t.Fatal(err)
	}
	if p := audit.Verify(key, all); p != nil {
		t.Fatalf("chain: %v", p)
	}
	got := all[before["audit"]:]
	if got[0].Kind != audit.FileOpened || got[0].SpoolID == "" {
		t.Errorf("first shipped entry %+v; want the opening", got[0])
	}
	for i, e := range got[1:] {
		if e.Kind != audit.CellChanged || e.SpoolID == "" || e.Arrived.Before(e.At) {
			t.Errorf("entry %d: %+v", i+1, e)
		}
	}
	if n, err := a.ShipAudit(ctx); err != nil || n != 0 {
		t.Errorf("a second shipment sent %d (%v); want nothing", n, err)
	}
}
