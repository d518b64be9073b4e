package pgstore_test

import (
	"sync"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/audit"
)

// TestAppLockoutOnServer: the application layer itself on the server
// store: 8 wrong passwords at once (5 lock) lock the account (no attempt lost),
// the right password is then refused, and the keyed chain verifies.
func TestAppLockoutOnServer(t *testing.T) {
	ctx := ctxT(t)
	a := testApp(openFresh(t))
	if err := a.Setup(ctx, "PC-01", "kanri", "kanri-password-1"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := a.Login(ctx, "PC-02", "kanri", "wrong-password"); err == nil {
				t.Error("a wrong password logged in")
			}
		})
	}
	wg.Wait()
	if _, err := a.Login(ctx, "PC-01", "kanri", "kanri-password-1"); err == nil {
		t.Error("the right password logged in right after 8 failures: the lockout was defeated")
	}
	var events []audit.Event
	if err := a.Store.View(ctx, func(tx app.Tx) error {
		var err error
		events, err = tx.Audit(ctx, audit.Filter{Kind: audit.LoginFailed})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(events) != 9 {
		t.Errorf("%d failed-login entries; want 9 (8 wrong, 1 while locked)", len(events))
	}
	key, err := a.Store.AuditKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var all []audit.Event
	_ = a.Store.View(ctx, func(tx app.Tx) error { all, err = tx.Audit(ctx, audit.Filter{}); return err })
	if p := audit.Verify(key, all); p != nil || len(all) != 11 {
		t.Errorf("chain of %d entries: %v; want 11 (setup, 9 failures, 1 lockout), intact", len(all), p)
	}
	lockouts := 0
	for _, e := range all {
		if e.Kind == audit.Lockout {
			lockouts++
		}
	}
	if lockouts != 1 {
		t.Errorf("%d lockout entries, want 1", lockouts)
	}
}
