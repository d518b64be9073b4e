package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	if !Verify(h, "correct horse battery") || Verify(h, "correct horse batterY") || Verify("garbage", "x") {
		t.Fatal("verify")
	}
	h2, _ := Hash("correct horse battery")
	if h2 == h {
		t.Fatal("salt must differ")
	}
}

func TestPolicyAndLockout(t *testing.T) {
	p := Policy{MinLength: 10, MaxFailures: 3, LockFor: 10 * time.Minute}
	if err := p.CheckPassword("tanaka", "short"); err == nil {
		t.Fatal("short password accepted")
	}
	if err := p.CheckPassword("tanaka-kun", "Tanaka-Kun"); err == nil {
		t.Fatal("name as password accepted")
	}
	h, _ := Hash("long enough pw")
	u := &User{Name: "tanaka", Roles: []string{Clerk}, Hash: h}
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		if err := p.Attempt(u, "wrong", now); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	var le *LockedError
	if err := p.Attempt(u, "wrong", now); !errors.As(err, &le) {
		t.Fatalf("third failure should lock: %v", err)
	}
	if err := p.Attempt(u, "long enough pw", now.Add(5*time.Minute)); !errors.As(err, &le) {
		t.Fatalf("locked even with the right password: %v", err)
	}
	if err := p.Attempt(u, "long enough pw", now.Add(11*time.Minute)); err != nil {
		t.Fatalf("released after the lock time: %v", err)
	}
	u.Disabled = true
	if err := p.Attempt(u, "long enough pw", now.Add(12*time.Minute)); !errors.Is(err, ErrDisabled) {
		t.Fatal("disabled")
	}
	if err := p.Attempt(nil, "x", now); !errors.Is(err, ErrBadLogin) {
		t.Fatal("unknown user must look like a bad password")
	}
}

func TestPermissions(t *testing.T) {
	clerk := &User{Name: "c", Roles: []string{Clerk}}
	sup := &User{Name: "s", Roles: []string{Supervisor}}
	admin := &User{Name: "a", Roles: []string{Admin}}
	both := &User{Name: "b", Roles: []string{Admin, Clerk}}
	cases := []struct {
		u    *User
		a    Action
		want bool
	}{
		{clerk, EditCell, true}, {clerk, Override, false}, {clerk, ManageUsers, false}, {clerk, Submit, true},
		{sup, Override, true}, {sup, EditCell, true}, {sup, ManageUsers, false},
		{admin, ManageUsers, true}, {admin, OpenFile, false}, {admin, EditCell, false}, {admin, ExportReport, false}, {admin, ReadAudit, true},
		{both, OpenFile, true}, {both, ManageUsers, true},
		{nil, OpenFile, false},
	}
	for _, c := range cases {
		err := Check(c.u, c.a)
		if (err == nil) != c.want {
			t.Errorf("%v %s: %v", c.u, c.a, err)
		}
		if err != nil && !errors.Is(err, ErrDenied) {
			t.Errorf("refusal must wrap ErrDenied: %v", err)
		}
	}
	if _, err := ParseRoles("clerk,root"); err == nil {
		t.Error("unknown role accepted")
	}
}
