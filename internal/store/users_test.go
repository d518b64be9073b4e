package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
)

var policy = auth.Policy{MinLength: 10, MaxFailures: 3, LockFor: 10 * time.Minute}

func withUsers(t *testing.T) (*Store, *auth.User) {
	t.Helper()
	st := open(t)
	setup := Actor{Terminal: "T1"}
	if err := st.AddUser(ctx, setup, "clerkfirst", []string{auth.Clerk}, "pass-word-123", policy); err == nil {
		t.Fatal("the first user must be an admin")
	}
	if err := st.AddUser(ctx, setup, "admin1", []string{auth.Admin}, "admin-pass-123", policy); err != nil {
		t.Fatal(err)
	}
	admin, err := st.Login(ctx, "admin1", "admin-pass-123", "T1", policy)
	if err != nil {
		t.Fatal(err)
	}
	by := Actor{User: admin, Terminal: "T1"}
	for _, u := range []struct{ name, role string }{{"clerk1", auth.Clerk}, {"boss", auth.Supervisor}} {
		if err := st.AddUser(ctx, by, u.name, []string{u.role}, u.name+"-pass-123", policy); err != nil {
			t.Fatal(err)
		}
	}
	return st, admin
}

func TestUsersAndRoles(t *testing.T) {
	st, admin := withUsers(t)
	clerk, err := st.Login(ctx, "clerk1", "clerk1-pass-123", "T2", policy)
	if err != nil {
		t.Fatal(err)
	}
	// a clerk cannot manage users; the refusal is logged
	err = st.AddUser(ctx, Actor{User: clerk, Terminal: "T2"}, "x", []string{auth.Clerk}, "whatever-123", policy)
	if !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("clerk adding a user: %v", err)
	}
	if err := st.Disable(ctx, Actor{User: clerk}, "boss"); !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("clerk disabling: %v", err)
	}
	if err := st.SetPassword(ctx, Actor{User: clerk}, "boss", "new-pass-12345", policy); !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("clerk changing another's password: %v", err)
	}
	if err := st.SetPassword(ctx, Actor{User: clerk}, "clerk1", "new-pass-12345", policy); err != nil {
		t.Fatalf("own password: %v", err)
	}
	if err := st.AddUser(ctx, Actor{User: admin}, "short", []string{auth.Clerk}, "abc", policy); err == nil || !strings.Contains(err.Error(), "10 文字") {
		t.Fatalf("short password: %v", err)
	}
	if err := st.AddUser(ctx, Actor{User: admin}, "clerk1", []string{auth.Clerk}, "another-pass-1", policy); err == nil || !strings.Contains(err.Error(), "すでに") {
		t.Fatalf("duplicate: %v", err)
	}
	if err := st.Disable(ctx, Actor{User: admin}, "boss"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Login(ctx, "boss", "boss-pass-123", "T1", policy); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("disabled login: %v", err)
	}
	// the password is never in the log
	events, _ := st.Audit(ctx, AuditFilter{})
	for _, e := range events {
		if strings.Contains(e.Detail+e.Object, "pass-123") || strings.Contains(e.Detail+e.Object, "pass-12345") {
			t.Fatalf("password in the log: %+v", e)
		}
	}
	denied, _ := st.Audit(ctx, AuditFilter{Kind: audit.Denied, User: "clerk1"})
	if len(denied) != 3 {
		t.Fatalf("denied events: %d", len(denied))
	}
}

func TestLockoutPersists(t *testing.T) {
	st, _ := withUsers(t)
	for i := 0; i < 3; i++ {
		st.Login(ctx, "clerk1", "wrong", "T1", policy)
	}
	var le *auth.LockedError
	if _, err := st.Login(ctx, "clerk1", "clerk1-pass-123", "T1", policy); !errors.As(err, &le) {
		t.Fatalf("locked: %v", err)
	}
	st.now = func() time.Time { return t0.Add(11 * time.Minute) }
	if _, err := st.Login(ctx, "clerk1", "clerk1-pass-123", "T1", policy); err != nil {
		t.Fatalf("timed release: %v", err)
	}
	failed, _ := st.Audit(ctx, AuditFilter{Kind: audit.LoginFailed})
	if len(failed) != 4 {
		t.Fatalf("failed logins logged: %d", len(failed))
	}
}

func TestAuditTamperDetected(t *testing.T) {
	tests := []struct {
		name string
		sql  []string
		seq  int64
	}{
		{"edit", []string{`UPDATE audit SET detail = 'roles=admin' WHERE seq = 3`}, 3},
		{"delete", []string{`DELETE FROM audit WHERE seq = 2`}, 3},
		{"reorder", []string{`UPDATE audit SET seq = -1 WHERE seq = 2`, `UPDATE audit SET seq = 2 WHERE seq = 3`, `UPDATE audit SET seq = 3 WHERE seq = -1`}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := withUsers(t)
			n, p, err := st.VerifyAudit(ctx)
			if err != nil || p != nil || n < 4 {
				t.Fatalf("intact: %d %v %v", n, p, err)
			}
			// the triggers refuse a change…
			if _, err := st.db.ExecContext(ctx, tt.sql[0]); err == nil {
				t.Fatal("the log accepted a change")
			}
			// …so a hand-editor drops them first
			st.db.ExecContext(ctx, `DROP TRIGGER audit_no_update`)
			st.db.ExecContext(ctx, `DROP TRIGGER audit_no_delete`)
			for _, q := range tt.sql {
				if _, err := st.db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			_, p, err = st.VerifyAudit(ctx)
			if err != nil || p == nil || p.Seq != tt.seq {
				t.Fatalf("got %v %v, want entry %d", p, err, tt.seq)
			}
		})
	}
}
