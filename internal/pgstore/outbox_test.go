package pgstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/pgstore"
	"kenshin/internal/storetest"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// crashOnce is an outbox whose first OutboxDone fails: the program died
// after the server committed the batch and before it was taken off the
// outbox (the window a kill mid-send leaves).
type crashOnce struct {
	*workspace.Store
	crashed bool
}

func (c *crashOnce) OutboxDone(ctx context.Context, key string) error {
	if !c.crashed {
		c.crashed = true
		return errors.New("killed before the outbox was updated")
	}
	return c.Store.OutboxDone(ctx, key)
}

// clerkApp is the application layer over st with a clerk logged in.
func clerkApp(t *testing.T, ctx context.Context, st app.Store) (*app.App, *app.Session) {
	t.Helper()
	a := app.New(st, nil)
	a.DoubleCheckOff = true // no forms here: the outbox, not the second-person check
	if err := a.Setup(ctx, "PC-01", "kanri", "kanri-password-1"); err != nil {
		t.Fatal(err)
	}
	admin, err := a.Login(ctx, "PC-01", "kanri", "kanri-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddUser(ctx, admin, "clerk1", []string{auth.Clerk}, "clerk1-password-1"); err != nil {
		t.Fatal(err)
	}
	s, err := a.Login(ctx, "PC-01", "clerk1", "clerk1-password-1")
	if err != nil {
		t.Fatal(err)
	}
	return a, s
}

func batchCount(t *testing.T, ctx context.Context, st app.Store) (int64, int64) {
	t.Helper()
	c, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c["batches"], c["records"]
}

// TestOutbox: with the server down a submit waits in the workspace's
// outbox (the clerk is told so, the working copy is kept); a send while
// still down keeps it; once the server is back it lands once; a send that
// was killed after the server committed is found a duplicate on the next
// send and counts as delivered — never stored twice.
func TestOutbox(t *testing.T) {
	ctx := ctxT(t)
	dsn, dir := ownCluster(t)
	migrate(t, dsn)
	st, err := pgstore.OpenDSN(ctx, dsn+"&connect_timeout=3", pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	a, s := clerkApp(t, ctx, st)
	ws, err := workspace.Open(ctx, filepath.Join(t.TempDir(), "workspace.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ws.Close() }()
	wc := workcopy.Adapter{Store: ws}

	pg(t, "pause", dir)
	subs := []*app.Submission{
		{Batch: storetest.NewBatch("ob1", "m4-exam", 1, 1, 100, "2026-04-10")},
		{Batch: storetest.NewBatch("ob2", "m4-exam", 1, 1000, 50, "2026-04-10")},
	}
	for _, sub := range subs {
		d, err := a.SubmitOrQueue(ctx, s, sub, nil, wc, ws)
		if err != nil || !d.Queued {
			t.Fatalf("submit while the server is down: %+v, %v; want queued", d, err)
		}
	}
	// the same review submitted again is the same batch: one entry
	if d, err := a.SubmitOrQueue(ctx, s, subs[0], nil, wc, ws); err != nil || !d.Queued {
		t.Fatalf("second submit: %+v, %v", d, err)
	}
	list, err := app.Outbox(ctx, ws)
	if err != nil || len(list) != 2 || list[0].Rows != 100 || list[0].File != subs[0].Batch.File {
		t.Fatalf("outbox = %+v, %v; want the 2 batches", list, err)
	}
	rep, err := a.SendOutbox(ctx, s, ws, wc)
	if err == nil || !app.IsUnreachable(err) || rep.Waiting != 2 || len(rep.Delivered) != 0 {
		t.Fatalf("send while down: %+v, %v; want unreachable, 2 waiting", rep, err)
	}

	pg(t, "resume", dir)
	crash := &crashOnce{Store: ws}
	deadline := time.Now().Add(20 * time.Second)
	for {
		rep, err = a.SendOutbox(ctx, s, crash, wc)
		if err == nil || !app.IsUnreachable(err) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err == nil || len(rep.Delivered) != 1 {
		t.Fatalf("send killed after the first commit: %+v, %v; want 1 delivered and the failure", rep, err)
	}
	rep, err = a.SendOutbox(ctx, s, ws, wc)
	if err != nil || len(rep.Already) != 1 || len(rep.Delivered) != 1 || rep.Waiting != 0 {
		t.Fatalf("send after the kill: %+v, %v; want 1 already there, 1 delivered, none waiting", rep, err)
	}
	if b, r := batchCount(t, ctx, st); b != 2 || r != 150 {
		t.Errorf("server holds %d batches, %d records; want 2, 150 (each once)", b, r)
	}
	if list, _ := app.Outbox(ctx, ws); len(list) != 0 {
		t.Errorf("outbox still lists %+v", list)
	}
	if rep, err := a.SendOutbox(ctx, s, ws, wc); err != nil || len(rep.Delivered)+len(rep.Already) != 0 {
		t.Errorf("empty outbox send: %+v, %v", rep, err)
	}
}
