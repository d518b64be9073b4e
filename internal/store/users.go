package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/auth"
)

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
func (t *tx) UserCount(ctx context.Context) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, t.db.Wrap("利用者を読めません", err)
	}
	return n, nil
}

// User loads a user.
func (t *tx) User(ctx context.Context, name string) (*auth.User, error) {
	u, err := scanUser(t.tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: user %s", app.ErrNotFound, name)
	}
	if err != nil {
		return nil, t.db.Wrap("利用者を読めません", err)
	}
	return u, nil
}

// Users lists every user.
func (t *tx) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, t.db.Wrap("利用者を読めません", err)
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, t.db.Wrap("利用者を読めません", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func lockedArg(u *auth.User) any {
	if u.LockedUntil.IsZero() {
		return nil
	}
	return u.LockedUntil.UTC().Format(time.RFC3339Nano)
}

// InsertUser creates a user.
func (t *tx) InsertUser(ctx context.Context, u *auth.User, at time.Time) error {
	now := at.UTC().Format(time.RFC3339Nano)
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO users (name, roles, hash, disabled, failures, locked_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Name, strings.Join(u.Roles, ","), u.Hash, u.Disabled, u.Failures, lockedArg(u), now, now); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return fmt.Errorf("%w: user %s", app.ErrExists, u.Name)
		}
		return t.db.Wrap("利用者を追加できません", err)
	}
	return nil
}

// UpdateUser saves roles, hash, disabled, failures and lock.
func (t *tx) UpdateUser(ctx context.Context, u *auth.User, at time.Time) error {
	r, err := t.tx.ExecContext(ctx, `UPDATE users SET roles = ?, hash = ?, disabled = ?, failures = ?, locked_until = ?, updated_at = ? WHERE name = ?`,
		strings.Join(u.Roles, ","), u.Hash, u.Disabled, u.Failures, lockedArg(u), at.UTC().Format(time.RFC3339Nano), u.Name)
	if err != nil {
		return t.db.Wrap("利用者を保存できません", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: user %s", app.ErrNotFound, u.Name)
	}
	return nil
}
