package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/doublecheck"
	"kenshin/internal/fixture"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// switchStore is a central store whose server can be switched off, and
// which counts every transaction the application layer starts on it.
type switchStore struct {
	app.Store
	down           atomic.Bool
	updates, views atomic.Int64
}

func (s *switchStore) Update(ctx context.Context, fn func(app.Tx) error) error {
	s.updates.Add(1)
	if s.down.Load() {
		return unreachable{}
	}
	return s.Store.Update(ctx, fn)
}

func (s *switchStore) View(ctx context.Context, fn func(app.Tx) error) error {
	s.views.Add(1)
	if s.down.Load() {
		return unreachable{}
	}
	return s.Store.View(ctx, fn)
}

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// workCopy is a real working copy in a temp folder, through the adapter.
func workCopy(t *testing.T) workcopy.Adapter {
	t.Helper()
	ws, err := workspace.Open(ctx, filepath.Join(t.TempDir(), "ws", "work.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return workcopy.Adapter{Store: ws}
}

// terminal is a second App over st (another terminal's view of the same
// store) with manual shipping, and the store switch under it.
func terminal(t *testing.T, a *app.App, st app.Store) (*app.App, *switchStore) {
	t.Helper()
	sw := &switchStore{Store: st}
	term := over(a, sw)
	app.ManualShipping(term)
	t.Cleanup(term.Close)
	return term, sw
}

func pending(t *testing.T, a *app.App) int {
	t.Helper()
	n, err := a.PendingAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReviewOfflineThenShip: with the server unreachable a clerk opens a
// file and makes 20 edits, and nothing reaches the central store; back
// online one shipment sends the 21 entries once, in order, sealed on
// arrival with the action time kept (on a moving clock: At is when the
// clerk acted, Arrived when the entry reached the server), and a second
// shipment sends nothing.
func TestReviewOfflineThenShip(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	c := &clock{t: fixture.T0} // moves: each action a second, the shipment an hour later
	term.Now = c.now
	wc := workCopy(t)
	before := len(events(t, st, ""))

	sw.down.Store(true)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 25, Seed: 7})
	rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatalf("open offline: %v", err)
	}
	w := rv.Batch.Form.Field("weight").Index
	for i := range 20 {
		c.add(time.Second)
		if err := rv.Edit(ctx, i, w, fmt.Sprintf("7.%02d", i), ""); err != nil {
			t.Fatalf("edit %d offline: %v", i, err)
		}
	}
	if n := sw.updates.Load(); n != 0 {
		t.Errorf("%d central transactions while reviewing; want none", n)
	}
	if n := len(events(t, st, "")); n != before {
		t.Errorf("the central log grew from %d to %d entries while offline", before, n)
	}
	if n := pending(t, term); n != 21 {
		t.Fatalf("%d entries spooled; want 21 (opened + 20 edits)", n)
	}
	if _, err := term.ShipAudit(ctx); !app.IsUnreachable(err) {
		t.Fatalf("shipping offline: %v; want unreachable", err)
	}
	if n := pending(t, term); n != 21 {
		t.Fatalf("a failed shipment left %d entries; want all 21", n)
	}

	sw.down.Store(false)
	sw.updates.Store(0)
	c.add(time.Hour)
	shipped := c.now()
	n, err := term.ShipAudit(ctx)
	if err != nil || n != 21 {
		t.Fatalf("ship: %d, %v; want 21", n, err)
	}
	if sw.updates.Load() != 1 {
		t.Errorf("%d central transactions for 21 entries; want 1", sw.updates.Load())
	}
	got := events(t, st, "")[before:]
	if len(got) != 21 || pending(t, term) != 0 {
		t.Fatalf("%d entries arrived, %d still spooled; want 21 and 0", len(got), pending(t, term))
	}
	ids := map[string]bool{}
	for i, e := range got {
		want := audit.CellChanged
		if i == 0 {
			want = audit.FileOpened
		} else if !strings.Contains(e.Object, fmt.Sprintf(" row %d ", i)) {
			t.Errorf("entry %d is %q; want row %d (spool order)", i, e.Object, i)
		}
		if e.Kind != want || e.User != "clerk1" || e.SpoolID == "" || ids[e.SpoolID] {
			t.Errorf("entry %d: %+v", i, e)
		}
		// the action's time is kept, the arrival is the shipment's
		if at := fixture.T0.Add(time.Duration(i) * time.Second); !e.At.Equal(at) || !e.Arrived.Equal(shipped) || !e.At.Before(e.Arrived) {
			t.Errorf("entry %d: at %v arrived %v; want at %v, arrived %v", i, e.At, e.Arrived, at, shipped)
		}
		ids[e.SpoolID] = true
	}
	v, err := a.AuditVerify(ctx, u.Admin, nil)
	if err != nil || v.Problem != nil {
		t.Fatalf("verify after shipping: %+v %v", v, err)
	}
	if n, err := term.ShipAudit(ctx); err != nil || n != 0 {
		t.Errorf("second shipment: %d, %v; want nothing", n, err)
	}
	if n := len(events(t, st, "")); n != before+21+1 { // + the verification's own entry
		t.Errorf("%d entries after shipping twice; want %d", n, before+22)
	}
}

// TestShipIsIdempotent: entries shipped whose local mark was lost (a kill
// or a failed delete after the central commit), or that come back with a
// working copy restored from a snapshot, are skipped by spool id.
func TestShipIsIdempotent(t *testing.T) {
	for _, tt := range []struct {
		name  string
		again func(ws *memWS, shipped []app.Spooled)
	}{
		{"local mark lost", nil},
		{"spool restored from a snapshot", func(ws *memWS, shipped []app.Spooled) { _ = ws.SpoolAudit(ctx, shipped...) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, st := newApp(t)
			u := fixture.SetUp(t, a)
			term, _ := terminal(t, a, st)
			ws := &memWS{}
			csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 8})
			rv, err := term.OpenReview(ctx, u.Clerk, ws, csv, "")
			if err != nil {
				t.Fatal(err)
			}
			w := rv.Batch.Form.Field("weight").Index
			for i := range 3 {
				if err := rv.Edit(ctx, i, w, "7.77", ""); err != nil {
					t.Fatal(err)
				}
			}
			shipped, _ := ws.UnsentAudit(ctx, 100)
			if tt.again == nil {
				ws.sentErr = errors.New("disk unplugged")
				if _, err := term.ShipAudit(ctx); err == nil {
					t.Fatal("the failed local mark was not reported")
				}
			} else {
				if n, err := term.ShipAudit(ctx); err != nil || n != 4 {
					t.Fatalf("ship: %d %v", n, err)
				}
				tt.again(ws, shipped)
			}
			if pending(t, term) != 4 {
				t.Fatalf("%d entries wait; want the 4 again", pending(t, term))
			}
			before := len(events(t, st, ""))
			if n, err := term.ShipAudit(ctx); err != nil || n != 0 {
				t.Fatalf("reship: %d new, %v; want 0", n, err)
			}
			if after := len(events(t, st, "")); after != before || pending(t, term) != 0 {
				t.Fatalf("log %d → %d entries, %d pending; want unchanged and none", before, after, pending(t, term))
			}
			seen := map[string]int{}
			for _, e := range events(t, st, "") {
				if e.SpoolID != "" {
					seen[e.SpoolID]++
				}
			}
			for _, e := range shipped {
				if seen[e.ID] != 1 {
					t.Errorf("entry %s is in the log %d times", e.ID, seen[e.ID])
				}
			}
		})
	}
}

// TestJournalNeverTouchesTheCentralStore: with a working copy and the user
// read within UserMaxAge, edits and confirmations make no central
// transaction at all (not even a read of the user).
func TestJournalNeverTouchesTheCentralStore(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	wc := workCopy(t)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 25, Seed: 9, ErrorRate: 0.1})
	rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	sw.updates.Store(0)
	sw.views.Store(0)
	w := rv.Batch.Form.Field("weight").Index
	for i := range 20 {
		if err := rv.Edit(ctx, i, w, "7.10", ""); err != nil {
			t.Fatal(err)
		}
	}
	fixture.Clean(t, rv.Session)
	if sw.updates.Load() != 0 || sw.views.Load() != 0 {
		t.Fatalf("%d central updates and %d reads while editing; want none", sw.updates.Load(), sw.views.Load())
	}
	if n := pending(t, term); n < 21 {
		t.Fatalf("%d entries spooled; want the opening, 20 edits and the confirmations", n)
	}
}

// TestSpoolFailureRefusesTheChange: a change whose entry cannot be written
// does not happen.
func TestSpoolFailureRefusesTheChange(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, _ := terminal(t, a, st)
	ws := &memWS{failAt: 2}
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := term.OpenReview(ctx, u.Clerk, ws, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	w := rv.Batch.Form.Field("weight").Index
	if err := rv.Edit(ctx, 0, w, "7.01", ""); err != nil {
		t.Fatal(err)
	}
	before := rv.Value(1, w)
	if err := rv.Edit(ctx, 1, w, "7.02", ""); err == nil || !strings.Contains(err.Error(), "操作記録") {
		t.Fatalf("edit whose entry could not be saved: %v; want refused", err)
	}
	if got := rv.Value(1, w); got != before || ws.changes != 1 || pending(t, term) != 2 {
		t.Errorf("cell %q (was %q), %d changes, %d entries; want the change undone, 1 change, 2 entries", got, before, ws.changes, pending(t, term))
	}
}

// TestLocalGateBound: a user disabled on another terminal is refused here
// on the first edit after UserMaxAge at the latest, at once after a
// shipment (which re-reads the user in its transaction), and at once on
// the terminal that disabled it; offline the login's roles stay in force.
func TestLocalGateBound(t *testing.T) {
	for _, tt := range []struct {
		name    string
		wait    time.Duration
		ship    bool
		offline bool
		want    error
	}{
		{"within the bound", UserMaxAge(), false, false, nil},
		{"past the bound", UserMaxAge() + time.Second, false, false, auth.ErrDisabled},
		{"after a shipment", 0, true, false, auth.ErrDisabled},
		{"offline past the bound", 2 * UserMaxAge(), false, true, nil},
		{"past the bound after an outage", UserMaxAge() + time.Second, false, false, auth.ErrDisabled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, st := newApp(t)
			c := &clock{t: fixture.T0}
			a.Now = c.now
			u := fixture.SetUp(t, a)
			term, sw := terminal(t, a, st) // the clerk's terminal; a is the admin's
			csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
			rv, err := term.OpenReview(ctx, u.Clerk, workCopy(t), csv, "")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(tt.name, "outage") {
				// the gate finds the server gone, then a shipment finds it back
				sw.down.Store(true)
				c.add(UserMaxAge() + time.Second)
				if err := rv.Edit(ctx, 1, rv.Batch.Form.Field("weight").Index, "7.02", ""); err != nil {
					t.Fatal(err)
				}
				sw.down.Store(false)
				if _, err := term.ShipAudit(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.DisableUser(ctx, u.Admin, "clerk1"); err != nil {
				t.Fatal(err)
			}
			c.add(tt.wait)
			if tt.ship {
				if _, err := term.ShipAudit(ctx); err != nil {
					t.Fatal(err)
				}
			}
			sw.down.Store(tt.offline)
			w := rv.Batch.Form.Field("weight").Index
			if err := rv.Edit(ctx, 0, w, "7.01", ""); !errors.Is(err, tt.want) {
				t.Fatalf("edit: %v; want %v", err, tt.want)
			}
		})
	}
}

// TestDisabledHereIsRefusedAtOnce: the terminal that disables a user does
// not wait for the bound.
func TestDisabledHereIsRefusedAtOnce(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	app.ManualShipping(a)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := a.OpenReview(ctx, u.Clerk, workCopy(t), csv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DisableUser(ctx, u.Admin, "clerk1"); err != nil {
		t.Fatal(err)
	}
	if err := rv.Edit(ctx, 0, rv.Batch.Form.Field("weight").Index, "7.01", ""); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("edit: %v; want ErrDisabled", err)
	}
}

// TestOfflineRefusalIsSpooled: an administrator may not open health data
// offline either, and the refusal waits in the spool like any entry.
func TestOfflineRefusalIsSpooled(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	ws := &memWS{}
	sw.down.Store(true)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	if _, err := term.OpenReview(ctx, u.Admin, ws, csv, ""); !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("admin opens offline: %v; want ErrDenied", err)
	}
	es, _ := ws.UnsentAudit(ctx, 10)
	if len(es) != 1 || es[0].Kind != audit.Denied || es[0].User != "admin1" {
		t.Fatalf("spool %+v; want the refusal", es)
	}
}

// TestSubmitShipsFirst: the changes of a review are on the chain before
// its 「送信」 entry, and the working copy's deletion leaves no entry behind.
func TestSubmitShipsFirst(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, _ := terminal(t, a, st)
	wc := workCopy(t)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 6, Seed: 6})
	rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := rv.Edit(ctx, 0, rv.Batch.Form.Field("weight").Index, "7.01", ""); err != nil {
		t.Fatal(err)
	}
	fixture.Clean(t, rv.Session)
	sub, err := term.PrepareSubmit(ctx, u.Clerk, rv.Session, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := term.Submit(ctx, u.Clerk, sub, nil, wc); err != nil {
		t.Fatal(err)
	}
	all := events(t, st, "")
	last := all[len(all)-1]
	if last.Kind != audit.Submitted || pending(t, term) != 0 {
		t.Fatalf("last entry %+v, %d pending; want the 送信 entry after every spooled one", last, pending(t, term))
	}
	opened := events(t, st, audit.FileOpened)
	if len(opened) != 1 || opened[0].Seq > last.Seq {
		t.Fatalf("opened %+v before submit %d", opened, last.Seq)
	}
}

// TestShipperRunsInBackground: the shipper sends what is spooled without
// being asked, backs off while the server is unreachable, and does nothing
// once nothing waits.
func TestShipperRunsInBackground(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	sw := &switchStore{Store: st}
	term := over(a, sw)
	t.Cleanup(term.Close)
	wc := workCopy(t)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	sw.down.Store(true)
	rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := rv.Edit(ctx, i, rv.Batch.Form.Field("weight").Index, "7.01", ""); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Second)
	if n := sw.updates.Load(); n > 2 {
		t.Errorf("%d attempts in a second while the server is down; want backoff", n)
	}
	sw.down.Store(false)
	waitFor(t, 15*time.Second, func() bool { return pending(t, term) == 0 })
	if n := len(events(t, st, audit.CellChanged)); n != 5 {
		t.Fatalf("%d changes arrived; want 5", n)
	}
	idle := sw.updates.Load() + sw.views.Load()
	time.Sleep(300 * time.Millisecond)
	if n := sw.updates.Load() + sw.views.Load(); n != idle {
		t.Errorf("%d central calls while nothing waits", n-idle)
	}
	term.Close()
	term.Close() // twice is fine
}

func waitFor(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("not done after %v", limit)
		}
	}
}

// UserMaxAge is app.UserMaxAge (a function so the table reads well).
func UserMaxAge() time.Duration { return app.UserMaxAge }

// TestCheckStepGatedInItsTransaction: a double-check step reads the
// checker's record inside its own transaction (no read before it), and a
// checker disabled meanwhile is refused there, the refusal logged.
func TestCheckStepGatedInItsTransaction(t *testing.T) {
	a, st := newApp(t)
	a.DoubleCheckOff = false
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 2, Seed: 52})
	fixture.Clean(t, s)
	sub, err := term.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := term.StartDoubleCheck(ctx, u.Boss, sub, doublecheck.Confirm)
	if err != nil {
		t.Fatal(err)
	}
	sw.views.Store(0)
	sw.updates.Store(0)
	it := v.Items[0]
	if _, err := term.ConfirmField(ctx, u.Boss, sub, it.Row, it.Key); err != nil {
		t.Fatal(err)
	}
	if sw.views.Load() != 0 || sw.updates.Load() != 1 {
		t.Errorf("a step took %d reads and %d transactions; want 0 and 1", sw.views.Load(), sw.updates.Load())
	}
	if err := a.DisableUser(ctx, u.Admin, "boss"); err != nil {
		t.Fatal(err)
	}
	denied := len(events(t, st, audit.Denied))
	it = v.Items[1]
	if _, err := term.ConfirmField(ctx, u.Boss, sub, it.Row, it.Key); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("a disabled checker's step: %v; want ErrDisabled", err)
	}
	if n := len(events(t, st, audit.Denied)); n != denied+1 {
		t.Errorf("refusals logged %d → %d; want one more", denied, n)
	}
	if n := len(events(t, st, app.KindCheckField)); n != 1 {
		t.Errorf("%d field entries; want only the first step's", n)
	}
}

// TestLogoutFollowsSpooledEntries: an entry written centrally at once
// (logout) comes after the entries still waiting in the spool.
func TestLogoutFollowsSpooledEntries(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, _ := terminal(t, a, st)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := term.OpenReview(ctx, u.Clerk, workCopy(t), csv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := rv.Edit(ctx, 0, rv.Batch.Form.Field("weight").Index, "7.01", ""); err != nil {
		t.Fatal(err)
	}
	if err := term.Logout(ctx, u.Clerk); err != nil {
		t.Fatal(err)
	}
	all := events(t, st, "")
	kinds := []string{all[len(all)-3].Kind, all[len(all)-2].Kind, all[len(all)-1].Kind}
	if kinds[0] != audit.FileOpened || kinds[1] != audit.CellChanged || kinds[2] != audit.Logout || pending(t, term) != 0 {
		t.Errorf("the log ends %v with %d waiting; want opened, changed, logout", kinds, pending(t, term))
	}
}

// TestShipErrorReportsTheLastFailure: a background shipment that fails for
// another reason than an outage is reported (whatever its error type) and
// cleared by the next one that goes through.
func TestShipErrorReportsTheLastFailure(t *testing.T) {
	a, st := newApp(t)
	fixture.SetUp(t, a)
	term := over(a, st)
	t.Cleanup(term.Close)
	ws := &memWS{}
	for _, want := range []error{errors.New("disk unplugged"), fmt.Errorf("wrapped: %w", os.ErrPermission), nil} {
		ws.mu.Lock()
		ws.readErr = want
		ws.mu.Unlock()
		term.Attach(ws)
		waitFor(t, 10*time.Second, func() bool { return term.ShipError() == want })
	}
}

// TestShipperSleepsWhenNothingWaits: with the server down and nothing
// spooled, a failed refresh of the users is not retried in a loop: the next
// action asks again.
func TestShipperSleepsWhenNothingWaits(t *testing.T) {
	a, st := newApp(t)
	c := &clock{t: fixture.T0}
	a.Now = c.now
	u := fixture.SetUp(t, a)
	sw := &switchStore{Store: st}
	term := over(a, sw)
	t.Cleanup(term.Close)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	ws := &memWS{}
	if _, err := term.OpenReview(ctx, u.Clerk, ws, csv, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return pending(t, term) == 0 })
	sw.down.Store(true)
	c.add(UserMaxAge()) // the user record is due for a refresh
	sw.views.Store(0)
	sw.updates.Store(0)
	term.Attach(ws)
	waitFor(t, 10*time.Second, func() bool { return sw.views.Load() > 0 })
	time.Sleep(2500 * time.Millisecond) // past the first backoff
	if n := sw.views.Load() + sw.updates.Load(); n != 1 {
		t.Errorf("%d central calls with nothing to send; want the one refresh", n)
	}
}

// TestCentralActionsGatedInTheirTransaction: the actions that act on the
// central store first check the gate inside their own transaction — one
// transaction, no read before it — and a user disabled meanwhile is
// refused there, the refusal logged.
func TestCentralActionsGatedInTheirTransaction(t *testing.T) {
	period := app.Period{From: fixture.T0.Add(-time.Hour), To: fixture.T0.Add(time.Hour)}
	for _, tt := range []struct {
		name string
		who  func(u fixture.Users) *app.Session
		do   func(a *app.App, s *app.Session) error
	}{
		{"audit list", func(u fixture.Users) *app.Session { return u.Admin }, func(a *app.App, s *app.Session) error {
			_, _, err := a.AuditList(ctx, s, audit.Filter{})
			return err
		}},
		{"OCR statistics", func(u fixture.Users) *app.Session { return u.Boss }, func(a *app.App, s *app.Session) error {
			_, err := a.OCRStats(ctx, s, period, "", "")
			return err
		}},
		{"disable a user", func(u fixture.Users) *app.Session { return u.Admin }, func(a *app.App, s *app.Session) error {
			return a.DisableUser(ctx, s, "clerk1")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, st := newApp(t)
			u := fixture.SetUp(t, a)
			term, sw := terminal(t, a, st)
			s := tt.who(u)
			if err := tt.do(term, s); err != nil {
				t.Fatal(err)
			}
			if sw.views.Load() != 0 || sw.updates.Load() != 1 {
				t.Errorf("%d reads and %d transactions; want 0 and 1", sw.views.Load(), sw.updates.Load())
			}
			if err := a.AddUser(ctx, u.Admin, "admin2", []string{auth.Admin}, "admin2-pass-123"); err != nil {
				t.Fatal(err)
			}
			a2, err := a.Login(ctx, "T1", "admin2", "admin2-pass-123")
			if err != nil {
				t.Fatal(err)
			}
			if err := a.DisableUser(ctx, a2, s.User.Name); err != nil {
				t.Fatal(err)
			}
			denied := len(events(t, st, audit.Denied))
			if err := tt.do(term, s); !errors.Is(err, auth.ErrDisabled) {
				t.Fatalf("by a disabled user: %v; want ErrDisabled", err)
			}
			if n := len(events(t, st, audit.Denied)); n != denied+1 {
				t.Errorf("refusals logged %d → %d; want one more", denied, n)
			}
		})
	}
}

// TestSubmitGate: online a submit reads no user before its transaction (the
// gate is inside it); offline a user who may not submit is refused rather
// than queued, and one who may is queued.
func TestSubmitGate(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	term, sw := terminal(t, a, st)
	prepare := func(seed uint64) *app.Submission {
		rv := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 6, Seed: seed})
		fixture.Clean(t, rv)
		sub, err := term.PrepareSubmitOffline(ctx, u.Clerk, rv, app.SubmitRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	online := prepare(6)
	sw.views.Store(0)
	sw.updates.Store(0)
	if _, err := term.Submit(ctx, u.Clerk, online, nil, nil); err != nil {
		t.Fatal(err)
	}
	if sw.views.Load() != 0 || sw.updates.Load() != 1 {
		t.Errorf("submit: %d reads and %d transactions; want 0 and 1", sw.views.Load(), sw.updates.Load())
	}
	offline := prepare(7)
	sw.down.Store(true)
	for _, tt := range []struct {
		name   string
		s      *app.Session
		want   error
		queued bool
	}{
		{"an administrator", u.Admin, auth.ErrDenied, false},
		{"a clerk", u.Clerk, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ob := newMemOutbox()
			d, err := term.SubmitOrQueue(ctx, tt.s, offline, nil, nil, ob)
			if !errors.Is(err, tt.want) || d.Queued != tt.queued || (len(ob.keys) == 1) != tt.queued {
				t.Fatalf("offline: %+v, %v, %d queued; want %v, queued %v", d, err, len(ob.keys), tt.want, tt.queued)
			}
		})
	}
}
