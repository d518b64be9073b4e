package app_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
)

// hungStore is a central store whose server can hang: while held, every
// transaction waits until it is let go or its context ends (a connection
// that neither answers nor fails).
type hungStore struct {
	app.Store
	mu      sync.Mutex
	held    chan struct{} // nil: answers at once
	waiting atomic.Int64  // transactions waiting now
	gaveUp  atomic.Int64  // transactions that ended by their context
	calls   atomic.Int64
}

func (h *hungStore) hold() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = make(chan struct{})
}

func (h *hungStore) letGo() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held != nil {
		close(h.held)
		h.held = nil
	}
}

func (h *hungStore) wait(ctx context.Context) error {
	h.calls.Add(1)
	h.mu.Lock()
	held := h.held
	h.mu.Unlock()
	if held == nil {
		return nil
	}
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	select {
	case <-held:
		return nil
	case <-ctx.Done():
		h.gaveUp.Add(1)
		return ctx.Err()
	}
}

func (h *hungStore) Update(ctx context.Context, fn func(app.Tx) error) error {
	if err := h.wait(ctx); err != nil {
		return err
	}
	return h.Store.Update(ctx, fn)
}

func (h *hungStore) View(ctx context.Context, fn func(app.Tx) error) error {
	if err := h.wait(ctx); err != nil {
		return err
	}
	return h.Store.View(ctx, fn)
}

// within runs fn and fails the test when it has not returned by limit
// (the store is let go then, so the test still ends).
func within(t *testing.T, h *hungStore, limit time.Duration, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		h.letGo()
		<-done
		t.Fatalf("%s still waits after %v for a hung server", what, limit)
		return nil
	}
}

// TestLockDoesNotWaitForAHungShipment: while a background shipment hangs
// on the server, Lock and Logout return at once; their entries wait in the
// spool behind the entries being shipped, and the chain keeps the order
// once the server answers.
func TestLockDoesNotWaitForAHungShipment(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	h := &hungStore{Store: st}
	term := over(a, h)
	t.Cleanup(term.Close)
	wc := workCopy(t)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return pending(t, term) == 0 })
	h.hold()
	if err := rv.Edit(ctx, 0, rv.Batch.Form.Field("weight").Index, "7.01", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return h.waiting.Load() > 0 }) // the shipment hangs
	if err := within(t, h, time.Second, "Lock", func() error { return term.Lock(ctx, u.Clerk) }); err != nil {
		t.Fatalf("lock: %v", err)
	}
	if !u.Clerk.Locked() {
		t.Fatal("the session is not locked")
	}
	if err := within(t, h, time.Second, "Logout", func() error { return term.Logout(ctx, u.Clerk) }); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if n := pending(t, term); n != 3 {
		t.Fatalf("%d entries wait; want 3 (the edit, the lock, the logout)", n)
	}
	h.letGo()
	waitFor(t, 10*time.Second, func() bool { return pending(t, term) == 0 })
	all := events(t, st, "")
	var kinds []string
	for _, e := range all[len(all)-3:] {
		kinds = append(kinds, e.Kind)
	}
	if kinds[0] != audit.CellChanged || kinds[1] != audit.Lock || kinds[2] != audit.Logout {
		t.Errorf("the log ends %v; want changed, lock, logout", kinds)
	}
}

// TestCentralWaitsAreBounded: a background shipment on a hung server gives
// up after its bound (and counts as an outage), a submit that must ship
// first is refused as unreachable within its bound (so it may wait in the
// outbox), and a lock with no working copy to spool into is bounded too.
func TestCentralWaitsAreBounded(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	h := &hungStore{Store: st}
	term := over(a, h)
	app.Timing(term, time.Hour, time.Hour, 0, 100*time.Millisecond, 100*time.Millisecond, 200*time.Millisecond)
	t.Cleanup(term.Close)
	t.Cleanup(h.letGo)
	wc := workCopy(t)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 6, Seed: 6})
	rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	fixture.Clean(t, rv.Session)
	sub, err := term.PrepareSubmit(ctx, u.Clerk, rv.Session, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return pending(t, term) == 0 })

	h.hold()
	if err := rv.Edit(ctx, 0, rv.Batch.Form.Field("weight").Index, "7.01", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return h.gaveUp.Load() > 0 && app.Down(term) })
	if err := term.ShipError(); err != nil {
		t.Errorf("a hung server is reported as %v; want an outage, not a failure", err)
	}
	err = within(t, h, 2*time.Second, "Submit", func() error {
		_, err := term.Submit(ctx, u.Clerk, sub, nil, wc)
		return err
	})
	if !app.IsUnreachable(err) {
		t.Errorf("submit on a hung server: %v; want unreachable", err)
	}

	bare := over(a, h) // no working copy: the lock entry can only go centrally
	app.Timing(bare, time.Hour, time.Hour, 0, 100*time.Millisecond, 100*time.Millisecond, 200*time.Millisecond)
	t.Cleanup(bare.Close)
	err = within(t, h, 2*time.Second, "Lock", func() error { return bare.Lock(ctx, u.Boss) })
	if !app.IsUnreachable(err) || !u.Boss.Locked() {
		t.Errorf("lock on a hung server: %v, locked %v; want unreachable, locked", err, u.Boss.Locked())
	}
}

// TestKickWakesTheBackoff: after an outage the next action sends what
// waits at once, not when the backoff (here an hour) runs out.
func TestKickWakesTheBackoff(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	sw := &switchStore{Store: st}
	term := over(a, sw)
	app.Timing(term, time.Hour, time.Hour, 0, 5*time.Second, time.Second, 5*time.Second)
	t.Cleanup(term.Close)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	sw.down.Store(true)
	rv, err := term.OpenReview(ctx, u.Clerk, workCopy(t), csv, "")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return sw.updates.Load() > 0 && app.Down(term) })
	time.Sleep(50 * time.Millisecond) // the shipper is in its hour of backoff
	sw.down.Store(false)
	if err := rv.Edit(ctx, 0, rv.Batch.Form.Field("weight").Index, "7.01", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*time.Second, func() bool { return pending(t, term) == 0 })
}

// TestBoundHoldsAfterAnOutage: with the real background shipper, a clerk
// disabled while this terminal believed the server down is refused once
// the server is back and the record is older than the bound — even
// though the shipper has not found the server back yet.
func TestBoundHoldsAfterAnOutage(t *testing.T) {
	a, st := newApp(t)
	c := &clock{t: fixture.T0}
	a.Now = c.now
	u := fixture.SetUp(t, a)
	sw := &switchStore{Store: st}
	term := over(a, sw)
	app.Timing(term, time.Hour, time.Hour, time.Hour, 5*time.Second, time.Second, 5*time.Second)
	t.Cleanup(term.Close)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := term.OpenReview(ctx, u.Clerk, workCopy(t), csv, "")
	if err != nil {
		t.Fatal(err)
	}
	w := rv.Batch.Form.Field("weight").Index
	waitFor(t, 5*time.Second, func() bool { return pending(t, term) == 0 })
	sw.down.Store(true)
	if err := rv.Edit(ctx, 0, w, "7.01", ""); err != nil {
		t.Fatalf("edit offline: %v", err)
	}
	waitFor(t, 5*time.Second, func() bool { return app.Down(term) })
	sw.down.Store(false)
	if err := a.DisableUser(ctx, u.Admin, "clerk1"); err != nil {
		t.Fatal(err)
	}
	if err := rv.Edit(ctx, 1, w, "7.02", ""); err != nil {
		t.Fatalf("edit within the bound: %v", err) // the record is fresh: no read yet
	}
	c.add(app.UserMaxAge + time.Second)
	if err := rv.Edit(ctx, 2, w, "7.03", ""); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("edit past the bound after the outage: %v; want ErrDisabled", err)
	}
}

// TestOfflineGateKeepsTheLastRecord: offline, the gate of central actions
// goes by the user as last read, like the local gate: a user seen disabled
// stays refused, whatever the login said.
func TestOfflineGateKeepsTheLastRecord(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	if err := term.Allow(ctx, u.Clerk, auth.OpenFile); err != nil {
		t.Fatal(err)
	}
	if err := a.DisableUser(ctx, u.Admin, "clerk1"); err != nil {
		t.Fatal(err)
	}
	if err := term.Allow(ctx, u.Clerk, auth.Submit); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("online: %v; want ErrDisabled", err)
	}
	sw.down.Store(true)
	for _, act := range []auth.Action{auth.Submit, auth.OpenFile} {
		if err := term.Allow(ctx, u.Clerk, act); !errors.Is(err, auth.ErrDisabled) {
			t.Errorf("offline %s: %v; want ErrDisabled (seen disabled)", act, err)
		}
		if err := term.AllowLocal(ctx, u.Clerk, act); !errors.Is(err, auth.ErrDisabled) {
			t.Errorf("offline local %s: %v; want ErrDisabled (seen disabled)", act, err)
		}
	}
}

// TestAllowLocalMakesNoCentralCall: within the bound, the local gate asks
// the server nothing, however often it is asked.
func TestAllowLocalMakesNoCentralCall(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	if err := term.AllowLocal(ctx, u.Clerk, auth.EditCell); err != nil { // the first read
		t.Fatal(err)
	}
	sw.views.Store(0)
	for range 50 {
		if err := term.AllowLocal(ctx, u.Clerk, auth.EditCell); err != nil {
			t.Fatal(err)
		}
	}
	if n := sw.views.Load() + sw.updates.Load(); n != 0 {
		t.Errorf("%d central calls for 50 local checks; want 0", n)
	}
	if err := term.AllowLocal(ctx, u.Admin, auth.EditCell); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("admin edits: %v; want ErrDenied", err)
	}
}
