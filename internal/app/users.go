package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
)

// NeedsSetup reports whether the store has no users yet (first run).
func (a *App) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	err := a.Store.View(ctx, func(tx Tx) error {
		var err error
		n, err = tx.UserCount(ctx)
		return err
	})
	return n == 0, err
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " ,\t\n") {
		return "", errors.New("利用者名に空白やカンマは使えません")
	}
	return name, nil
}

func (a *App) newUser(name string, roles []string, password string) (*auth.User, error) {
	name, err := checkName(name)
	if err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return nil, errors.New("役割を指定してください")
	}
	if err := a.Policy.CheckPassword(name, password); err != nil {
		return nil, err
	}
	h, err := auth.Hash(password)
	if err != nil {
		return nil, err
	}
	return &auth.User{Name: name, Roles: roles, Hash: h}, nil
}

func exists(err error, name string) error {
	if errors.Is(err, ErrExists) {
		return fmt.Errorf("利用者「%s」はすでにいます", name)
	}
	return err
}

// Setup creates the first user, an administrator. The check that there is
// no user yet and the insert are one transaction, so two terminals running
// the setup at once cannot both create one.
func (a *App) Setup(ctx context.Context, terminal, name, password string) error {
	u, err := a.newUser(name, []string{auth.Admin}, password)
	if err != nil {
		return err
	}
	return a.update(ctx, func(tx Tx) error {
		n, err := tx.UserCount(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSetupDone
		}
		if err := tx.InsertUser(ctx, u, a.now()); err != nil {
			return exists(err, u.Name)
		}
		_, err = a.appendAudit(ctx, tx, entry{"（初期設定）", terminal, audit.UserAdded, "user " + u.Name, "roles=admin"})
		return err
	})
}

// Login checks a password under the policy: the failure count and lock
// are read and saved in one transaction with the log entry, so parallel
// wrong attempts cannot slip past the lockout. The slow password hash is
// computed outside the transaction and applied only if the stored hash is
// still the one that was checked.
func (a *App) Login(ctx context.Context, terminal, name, password string) (*Session, error) {
	return a.login(ctx, terminal, name, password, audit.Login)
}

func (a *App) login(ctx context.Context, terminal, name, password, kind string) (*Session, error) {
	var before *auth.User
	var n int
	if err := a.Store.View(ctx, func(tx Tx) error {
		var err error
		if n, err = tx.UserCount(ctx); err != nil {
			return err
		}
		before, err = tx.User(ctx, name)
		if errors.Is(err, ErrNotFound) {
			before, err = nil, nil
		}
		return err
	}); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrNoUsers
	}
	ok := false
	if before != nil {
		ok = auth.Verify(before.Hash, password)
	} else {
		_ = a.Policy.Attempt(nil, password, a.now()) // the same time as a real check
	}
	var user *auth.User
	var aerr error
	err := a.update(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, name)
		switch {
		case errors.Is(err, ErrNotFound):
			u = nil
		case err != nil:
			return err
		}
		if u != nil && before != nil && u.Hash != before.Hash {
			ok = false // the password changed meanwhile
		}
		var lockedBefore time.Time
		if u != nil {
			lockedBefore = u.LockedUntil
		}
		aerr = a.Policy.Apply(u, ok, a.now())
		if u != nil {
			if err := tx.UpdateUser(ctx, u, a.now()); err != nil {
				return err
			}
		}
		k, detail := kind, ""
		if aerr != nil {
			k, detail = audit.LoginFailed, aerr.Error()
		}
		// A name no user has may be a password typed into the name field:
		// the append-only log keeps only a keyed hash of it, which still
		// lets repeated attempts with the same name be told apart.
		who := name
		if u == nil {
			if who, err = a.unknownUser(ctx, name); err != nil {
				return err
			}
		}
		if _, err := a.appendAudit(ctx, tx, entry{who, terminal, k, "user " + who, detail}); err != nil {
			return err
		}
		if u != nil && !u.LockedUntil.Equal(lockedBefore) && u.LockedUntil.After(a.now()) {
			// this failure locked the account: its own entry, in the same
			// transaction, so reports need not read it from message text
			if _, err := a.appendAudit(ctx, tx, entry{who, terminal, audit.Lockout, "user " + who,
				"until=" + u.LockedUntil.Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		user = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	if aerr != nil {
		return nil, aerr
	}
	a.noteContact(nil)
	a.noteUser(user.Name, user) // the gate of local actions starts from this read
	return &Session{User: user, Terminal: terminal}, nil
}

// UnknownUser is how the log names a login with a name no user has.
const UnknownUser = "（不明な利用者）"

// unknownUser names an unknown login name in the log: UnknownUser and the
// first 12 hex digits of its HMAC under the chain key (not reversible
// without the key, equal for equal names).
func (a *App) unknownUser(ctx context.Context, name string) (string, error) {
	key, err := a.chainKey(ctx)
	if err != nil {
		return "", err
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte("unknown-user\x00" + name))
	return UnknownUser + " " + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// Unlock re-checks the password of a locked session's user.
func (a *App) Unlock(ctx context.Context, s *Session, password string) error {
	if s == nil || s.User == nil {
		return auth.Check(nil, auth.OpenFile)
	}
	ns, err := a.login(ctx, s.Terminal, s.User.Name, password, audit.Unlock)
	if err != nil {
		return err
	}
	s.User = ns.User
	s.locked.Store(false)
	return nil
}

// Lock records that the window was locked. It waits for no shipment in
// progress and at most ShipWait for the server (see note): a front end may
// still call it off its UI goroutine, after MarkLocked.
func (a *App) Lock(ctx context.Context, s *Session) error {
	if s == nil {
		return nil
	}
	// locked first: the lock holds even when its entry cannot be written
	s.MarkLocked()
	return a.RecordLock(ctx, s)
}

// MarkLocked locks s at once: from then on no use case acts for s. A
// front end calls it before it draws its lock screen, and RecordLock off
// its UI goroutine.
func (s *Session) MarkLocked() {
	if s != nil {
		s.locked.Store(true)
	}
}

// RecordLock writes the lock's audit entry (Lock without MarkLocked, so
// that a late entry cannot lock a session unlocked meanwhile).
func (a *App) RecordLock(ctx context.Context, s *Session) error {
	if s == nil {
		return nil
	}
	return a.note(ctx, s, audit.Lock, "window", "")
}

// Logout records the end of a session, bounded like Lock.
func (a *App) Logout(ctx context.Context, s *Session) error {
	return a.note(ctx, s, audit.Logout, "window", "")
}

// AddUser creates a user (administrators only).
func (a *App) AddUser(ctx context.Context, s *Session, name string, roles []string, password string) error {
	if err := a.allow(ctx, s, auth.ManageUsers); err != nil {
		return err
	}
	u, err := a.newUser(name, roles, password)
	if err != nil {
		return err
	}
	return a.update(ctx, func(tx Tx) error {
		if err := tx.InsertUser(ctx, u, a.now()); err != nil {
			return exists(err, u.Name)
		}
		_, err := a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.UserAdded, "user " + u.Name, "roles=" + strings.Join(roles, ",")})
		return err
	})
}

// SetPassword changes a password: an administrator for anyone, a user for
// themself. It also releases a lock.
func (a *App) SetPassword(ctx context.Context, s *Session, name, password string) error {
	if s.user() == nil || (s.User.Name != name && !s.User.Can(auth.ManageUsers)) {
		_ = a.note(ctx, s, audit.Denied, "user "+name, "passwd") // refused either way
		return auth.Check(s.user(), auth.ManageUsers)
	}
	if err := a.Policy.CheckPassword(name, password); err != nil {
		return err
	}
	h, err := auth.Hash(password)
	if err != nil {
		return err
	}
	return a.update(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, name)
		if err != nil {
			return noUser(err, name)
		}
		u.Hash, u.Failures, u.LockedUntil = h, 0, time.Time{}
		if err := tx.UpdateUser(ctx, u, a.now()); err != nil {
			return err
		}
		_, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.UserPassword, "user " + name, ""})
		return err
	})
}

func noUser(err error, name string) error {
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("利用者「%s」はいません", name)
	}
	return err
}

// DisableUser turns a user off (kept, for the log).
func (a *App) DisableUser(ctx context.Context, s *Session, name string) error {
	err := a.updateAs(ctx, s, auth.ManageUsers, func(tx Tx) error {
		u, err := tx.User(ctx, name)
		if err != nil {
			return noUser(err, name)
		}
		u.Disabled = true
		if err := tx.UpdateUser(ctx, u, a.now()); err != nil {
			return err
		}
		_, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.UserDisabled, "user " + name, ""})
		return err
	})
	a.forgetUser(name) // takes effect on this terminal's next action at once
	return err
}

// Users lists every user (administrators only).
func (a *App) Users(ctx context.Context, s *Session) ([]*auth.User, error) {
	if err := a.allow(ctx, s, auth.ManageUsers); err != nil {
		return nil, err
	}
	var out []*auth.User
	err := a.Store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Users(ctx)
		return err
	})
	return out, err
}
