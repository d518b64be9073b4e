package app_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/submission"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// TestLockedSessionActsOnNothing: after Lock, no use case acts for the
// session (whatever a front end lets through); Unlock restores it.
func TestLockedSessionActsOnNothing(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := a.OpenReview(ctx, u.Clerk, nil, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	w := rv.Batch.Form.Field("weight").Index
	if err := a.Lock(ctx, u.Clerk); err != nil {
		t.Fatal(err)
	}
	if err := a.Lock(ctx, u.Boss); err != nil {
		t.Fatal(err)
	}
	before := rv.Value(0, w)
	if err := rv.Edit(ctx, 0, w, "9.99", ""); !errors.Is(err, app.ErrLocked) {
		t.Errorf("edit while locked: %v, want ErrLocked", err)
	}
	if got := rv.Value(0, w); got != before {
		t.Errorf("locked edit changed the cell: %q → %q", before, got)
	}
	if _, err := a.OpenReview(ctx, u.Clerk, nil, csv, ""); !errors.Is(err, app.ErrLocked) {
		t.Errorf("open while locked: %v, want ErrLocked", err)
	}
	out := filepath.Join(t.TempDir(), "import.csv")
	if _, err := a.ExportImportFile(ctx, u.Boss, rv.Batch.Form.ID, submission.Filter{}, "", out); !errors.Is(err, app.ErrLocked) {
		t.Errorf("export while locked: %v, want ErrLocked", err)
	}
	if n := len(events(t, st, audit.CellChanged)); n != 0 {
		t.Errorf("%d change entries while locked", n)
	}
	if err := a.Unlock(ctx, u.Clerk, fixture.ClerkPW); err != nil {
		t.Fatal(err)
	}
	if err := rv.Edit(ctx, 0, w, "9.99", ""); err != nil {
		t.Errorf("edit after unlock: %v", err)
	}
}

// TestDisabledUserIsRefusedAtOnce: roles are read on every action, not
// kept from the login, so disabling a user stops an open session.
func TestDisabledUserIsRefusedAtOnce(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := a.OpenReview(ctx, u.Clerk, nil, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DisableUser(ctx, u.Admin, "clerk1"); err != nil {
		t.Fatal(err)
	}
	w := rv.Batch.Form.Field("weight").Index
	if err := rv.Edit(ctx, 0, w, "9.99", ""); !errors.Is(err, auth.ErrDisabled) {
		t.Errorf("edit by a disabled user: %v, want ErrDisabled", err)
	}
	if _, err := a.OpenReview(ctx, u.Clerk, nil, csv, ""); !errors.Is(err, auth.ErrDisabled) {
		t.Errorf("open by a disabled user: %v, want ErrDisabled", err)
	}
}

// TestResumedChangesCarryTheirOwnUser: a second clerk continuing a file on
// the same terminal is recorded as who they are, not as the first clerk.
func TestResumedChangesCarryTheirOwnUser(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	if err := a.AddUser(ctx, u.Admin, "clerk2", []string{auth.Clerk}, "clerk2-pass-123"); err != nil {
		t.Fatal(err)
	}
	clerk2, err := a.Login(ctx, "T1", "clerk2", "clerk2-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Open(ctx, filepath.Join(t.TempDir(), "ws", "work.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	wc := workcopy.Adapter{Store: ws}
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := a.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	w := rv.Batch.Form.Field("weight").Index
	if err := rv.Edit(ctx, 0, w, "6.50", ""); err != nil {
		t.Fatal(err)
	}
	rv2, err := a.OpenReview(ctx, clerk2, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := rv2.Edit(ctx, 1, w, "6.60", ""); err != nil {
		t.Fatal(err)
	}
	h := rv2.Changes()
	if len(h) != 2 {
		t.Fatalf("history has %d changes, want 2", len(h))
	}
	if h[0].User != "clerk1" || h[1].User != "clerk2" {
		t.Errorf("changes by %q and %q, want clerk1 and clerk2", h[0].User, h[1].User)
	}
}

// unreachable is a store whose server is down: every transaction fails
// as a refused connection does.
type serverDown struct{ app.Store }

func (serverDown) View(context.Context, func(app.Tx) error) error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
}

// TestGateOfflineKeepsLoginRoles: with the server down, a logged-in clerk
// may still work (review never needs the server) with the roles of the
// login, and an admin still may not read health data.
func TestGateOfflineKeepsLoginRoles(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	off := app.New(serverDown{st}, a.Forms)
	if err := off.Allow(ctx, u.Clerk, auth.OpenFile); err != nil {
		t.Errorf("clerk offline: %v", err)
	}
	if err := off.Allow(ctx, u.Admin, auth.OpenFile); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("admin offline: %v, want ErrDenied", err)
	}
	_ = off.Lock(ctx, u.Clerk) // the entry may not be written offline; the lock holds either way
	if err := off.Allow(ctx, u.Clerk, auth.OpenFile); !errors.Is(err, app.ErrLocked) {
		t.Errorf("locked offline: %v, want ErrLocked", err)
	}
}
