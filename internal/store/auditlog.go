package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kenshin/internal/audit"
)

// LastAudit is the newest log entry, nil for an empty log.
func (t *tx) LastAudit(ctx context.Context) (*audit.Event, error) {
	var e audit.Event
	var at string
	err := t.tx.QueryRowContext(ctx, `SELECT seq, at, user, terminal, kind, object, detail, prev, hash FROM audit ORDER BY seq DESC LIMIT 1`).
		Scan(&e.Seq, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail, &e.Prev, &e.Hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, t.db.Wrap("操作記録を読めません", err)
	}
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	return &e, nil
}

// AppendAudit stores an entry sealed by the caller.
func (t *tx) AppendAudit(ctx context.Context, e audit.Event) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO audit (seq, at, user, terminal, kind, object, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.User, e.Terminal, e.Kind, e.Object, e.Detail, e.Prev, e.Hash); err != nil {
		return t.db.Wrap("操作記録を書けません", err)
	}
	return nil
}

// Audit reads the log in stored order, filtered.
func (t *tx) Audit(ctx context.Context, f audit.Filter) ([]audit.Event, error) {
	q := `SELECT seq, at, user, terminal, kind, object, detail, prev, hash FROM audit WHERE 1 = 1`
	var args []any
	if f.User != "" {
		q += ` AND user = ?`
		args = append(args, f.User)
	}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if !f.From.IsZero() {
		q += ` AND at >= ?`
		args = append(args, f.From.UTC().Format(time.RFC3339Nano))
	}
	if !f.To.IsZero() {
		q += ` AND at < ?`
		args = append(args, f.To.UTC().Format(time.RFC3339Nano))
	}
	rows, err := t.tx.QueryContext(ctx, q+` ORDER BY rowid`, args...)
	if err != nil {
		return nil, t.db.Wrap("操作記録を読めません", err)
	}
	defer rows.Close()
	var out []audit.Event
	for rows.Next() {
		var e audit.Event
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail, &e.Prev, &e.Hash); err != nil {
			return nil, t.db.Wrap("操作記録を読めません", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}
