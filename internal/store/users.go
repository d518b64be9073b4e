package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
)

// ErrNoUser is returned for an unknown user name.
var ErrNoUser = errors.New("store: no such user")

const userCols = `name, roles, hash, disabled, failures, COALESCE(locked_until, ''), created_at`

func scanUser(row interface{ Scan(...any) error }) (*auth.User, error) {
	var u auth.User
	var roles, locked, created string
	if err := row.Scan(&u.Name, &roles, &u.Hash, &u.Disabled, &u.Failures, &locked, &created); err != nil {
		return nil, err
	}
	u.Roles = strings.Split(roles, ",")
	u.LockedUntil, _ = time.Parse(time.RFC3339Nano, locked)
	u.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	return &u, nil
}

// UserCount is the number of users (0 on first run).
func (s *Store) UserCount(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, s.db.Wrap("利用者を読めません", err)
	}
	return n, nil
}

// User loads a user.
func (s *Store) User(ctx context.Context, name string) (*auth.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	if err != nil {
		return nil, s.db.Wrap("利用者を読めません", err)
	}
	return u, nil
}

// Users lists every user.
func (s *Store) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, s.db.Wrap("利用者を読めません", err)
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.db.Wrap("利用者を読めません", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Actor is who does something, from where.
type Actor struct {
	User     *auth.User // nil only during first-run setup
	Terminal string
}

func (a Actor) name() string {
	if a.User == nil {
		return "（初期設定）"
	}
	return a.User.Name
}

// AddUser creates a user. Only an admin may, except for the very first
// user, who must be an admin (first-run setup).
func (s *Store) AddUser(ctx context.Context, by Actor, name string, roles []string, password string, p auth.Policy) error {
	n, err := s.UserCount(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		if !slices.Contains(roles, auth.Admin) {
			return errors.New("最初の利用者は管理者（admin）にしてください")
		}
	} else if err := auth.Check(by.User, auth.ManageUsers); err != nil {
		s.Record(ctx, by, audit.Denied, "user "+name, string(auth.ManageUsers))
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " ,\t\n") {
		return errors.New("利用者名に空白やカンマは使えません")
	}
	if err := p.CheckPassword(name, password); err != nil {
		return err
	}
	h, err := auth.Hash(password)
	if err != nil {
		return err
	}
	now := s.now().UTC().Format(time.RFC3339Nano)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO users (name, roles, hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		name, strings.Join(roles, ","), h, now, now); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return fmt.Errorf("利用者「%s」はすでにいます", name)
		}
		return s.db.Wrap("利用者を追加できません", err)
	}
	return s.Record(ctx, by, audit.UserAdded, "user "+name, "roles="+strings.Join(roles, ","))
}

// SetPassword changes a password: an admin for anyone, a user for themself.
func (s *Store) SetPassword(ctx context.Context, by Actor, name, password string, p auth.Policy) error {
	if by.User == nil || (by.User.Name != name && !by.User.Can(auth.ManageUsers)) {
		s.Record(ctx, by, audit.Denied, "user "+name, "passwd")
		return auth.Check(by.User, auth.ManageUsers)
	}
	if err := p.CheckPassword(name, password); err != nil {
		return err
	}
	h, err := auth.Hash(password)
	if err != nil {
		return err
	}
	r, err := s.db.ExecContext(ctx, `UPDATE users SET hash = ?, failures = 0, locked_until = NULL, updated_at = ? WHERE name = ?`, h, s.now().UTC().Format(time.RFC3339Nano), name)
	if err != nil {
		return s.db.Wrap("パスワードを変更できません", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	return s.Record(ctx, by, audit.UserPassword, "user "+name, "")
}

// Disable turns a user off (kept, for the log).
func (s *Store) Disable(ctx context.Context, by Actor, name string) error {
	if err := auth.Check(by.User, auth.ManageUsers); err != nil {
		s.Record(ctx, by, audit.Denied, "user "+name, "disable")
		return err
	}
	r, err := s.db.ExecContext(ctx, `UPDATE users SET disabled = 1, updated_at = ? WHERE name = ?`, s.now().UTC().Format(time.RFC3339Nano), name)
	if err != nil {
		return s.db.Wrap("利用者を無効にできません", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	return s.Record(ctx, by, audit.UserDisabled, "user "+name, "")
}

// Login checks a password under the policy, keeps the failure count and
// lock, and logs the attempt either way. The password is never logged.
func (s *Store) Login(ctx context.Context, name, password, terminal string, p auth.Policy) (*auth.User, error) {
	u, err := s.User(ctx, name)
	if err != nil && !errors.Is(err, ErrNoUser) {
		return nil, err
	}
	if errors.Is(err, ErrNoUser) {
		u = nil
	}
	aerr := p.Attempt(u, password, s.now())
	if u != nil {
		locked := any(nil)
		if !u.LockedUntil.IsZero() {
			locked = u.LockedUntil.UTC().Format(time.RFC3339Nano)
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE users SET failures = ?, locked_until = ? WHERE name = ?`, u.Failures, locked, u.Name); err != nil {
			return nil, s.db.Wrap("ログイン状態を保存できません", err)
		}
	}
	actor := Actor{User: &auth.User{Name: name}, Terminal: terminal}
	if aerr != nil {
		s.Record(ctx, actor, audit.LoginFailed, "user "+name, aerr.Error())
		return nil, aerr
	}
	actor.User = u
	if err := s.Record(ctx, actor, audit.Login, "user "+name, ""); err != nil {
		return nil, err
	}
	return u, nil
}
