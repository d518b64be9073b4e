package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kenshin/internal/audit"
)

// Record appends an event to the operation log, chained to the last one,
// in its own transaction (the write lock keeps two terminals from
// chaining to the same predecessor).
func (s *Store) Record(ctx context.Context, by Actor, kind, object, detail string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.db.Wrap("操作記録を書けません", err)
	}
	defer tx.Rollback()
	var last *audit.Event
	var l audit.Event
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&l.Seq, &l.Hash)
	switch {
	case err == nil:
		last = &l
	case !errors.Is(err, sql.ErrNoRows):
		return s.db.Wrap("操作記録を読めません", err)
	}
	e := audit.Event{At: s.now(), User: by.name(), Terminal: by.Terminal, Kind: kind, Object: object, Detail: detail}
	audit.Seal(last, &e)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (seq, at, user, terminal, kind, object, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.User, e.Terminal, e.Kind, e.Object, e.Detail, e.Prev, e.Hash); err != nil {
		return s.db.Wrap("操作記録を書けません", err)
	}
	if err := tx.Commit(); err != nil {
		return s.db.Wrap("操作記録を書けません", err)
	}
	return nil
}

// AuditFilter selects log entries; zero values select all.
type AuditFilter struct {
	User     string
	Kind     string
	From, To time.Time // To is exclusive
}

// Audit reads the log in stored order, filtered.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]audit.Event, error) {
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
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY rowid`, args...)
	if err != nil {
		return nil, s.db.Wrap("操作記録を読めません", err)
	}
	defer rows.Close()
	var out []audit.Event
	for rows.Next() {
		var e audit.Event
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail, &e.Prev, &e.Hash); err != nil {
			return nil, s.db.Wrap("操作記録を読めません", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit checks the whole chain; nil means intact.
func (s *Store) VerifyAudit(ctx context.Context) (int, *audit.Problem, error) {
	all, err := s.Audit(ctx, AuditFilter{})
	if err != nil {
		return 0, nil, err
	}
	return len(all), audit.Verify(all), nil
}
