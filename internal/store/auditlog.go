package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kenshin/internal/audit"
)

const auditCols = `seq, at, user, terminal, kind, object, detail, prev, hash, COALESCE(spool_id, ''), COALESCE(arrived, '')`

type scanner interface{ Scan(dest ...any) error }

func scanAudit(r scanner) (audit.Event, error) {
	var e audit.Event
	var at, arrived string
	err := r.Scan(&e.Seq, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail, &e.Prev, &e.Hash, &e.SpoolID, &arrived)
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	if arrived != "" {
		e.Arrived, _ = time.Parse(time.RFC3339Nano, arrived)
	}
	return e, err
}

// LastAudit is the newest log entry, nil for an empty log.
func (t *tx) LastAudit(ctx context.Context) (*audit.Event, error) {
	e, err := scanAudit(t.tx.QueryRowContext(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq DESC LIMIT 1`))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, t.db.Wrap("操作記録を読めません", err)
	}
	return &e, nil
}

// AppendAudit stores an entry sealed by the caller.
func (t *tx) AppendAudit(ctx context.Context, e audit.Event) error {
	var spool, arrived any
	if e.SpoolID != "" {
		spool, arrived = e.SpoolID, e.Arrived.UTC().Format(time.RFC3339Nano)
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO audit (seq, at, user, terminal, kind, object, detail, prev, hash, spool_id, arrived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.User, e.Terminal, e.Kind, e.Object, e.Detail, e.Prev, e.Hash, spool, arrived); err != nil {
		return t.db.Wrap("操作記録を書けません", err)
	}
	return nil
}

// AuditSpooled lists which of the spool ids the log holds already.
func (t *tx) AuditSpooled(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(ids) > 0 {
		n := min(len(ids), 500) // well under SQLite's bound on parameters
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT spool_id FROM audit WHERE spool_id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...) // #nosec G202 -- only placeholders are joined
		if err != nil {
			return nil, t.db.Wrap("操作記録を読めません", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close() // read-only
				return nil, t.db.Wrap("操作記録を読めません", err)
			}
			out[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, t.db.Wrap("操作記録を読めません", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// Audit reads the log in stored order, filtered.
func (t *tx) Audit(ctx context.Context, f audit.Filter) ([]audit.Event, error) {
	q := `SELECT ` + auditCols + ` FROM audit WHERE 1 = 1`
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
		e, err := scanAudit(rows)
		if err != nil {
			return nil, t.db.Wrap("操作記録を読めません", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
