package workspace

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// The audit spool: the operation-log entries of this terminal's actions
// (file opened, cell changed, confirmed) wait here until the central store
// holds them. An entry is written in the same transaction as the change it
// records, so a change is never saved without its entry, and review never
// waits for the server. The application layer ships them in order and
// deletes them here only after the central store committed them; a kill in
// between ships them again, and the central store skips an id it holds.
// Forget (the working copy of a submitted file) leaves the spool alone.

// SpoolEntry is one spooled audit entry (identifiers only).
type SpoolEntry struct {
	ID       string // unique across terminals
	At       time.Time
	User     string
	Terminal string
	Kind     string
	Object   string
	Detail   string
}

type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func spoolIn(ctx context.Context, tx execer, entries []SpoolEntry) error {
	for _, e := range entries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_spool (id, at, user, terminal, kind, object, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.At.UTC().Format(time.RFC3339Nano), e.User, e.Terminal, e.Kind, e.Object, e.Detail); err != nil {
			return err
		}
	}
	return nil
}

// SpoolAudit saves entries that go with no change (a file opened), in one
// transaction.
func (s *Store) SpoolAudit(ctx context.Context, entries ...SpoolEntry) error {
	if len(entries) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("操作記録を保存できません", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	if err := spoolIn(ctx, tx, entries); err != nil {
		return s.wrap("操作記録を保存できません", err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("操作記録を保存できません", err)
	}
	return nil
}

// UnsentAudit is up to n spooled entries, oldest first.
func (s *Store) UnsentAudit(ctx context.Context, n int) ([]SpoolEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, user, terminal, kind, object, detail FROM audit_spool ORDER BY n LIMIT ?`, n)
	if err != nil {
		return nil, s.wrap("操作記録の送信待ちを読めません", err)
	}
	defer func() { _ = rows.Close() }() // read-only
	var out []SpoolEntry
	for rows.Next() {
		var e SpoolEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail); err != nil {
			return nil, s.wrap("操作記録の送信待ちを読めません", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("操作記録の送信待ちを読めません", err)
	}
	return out, nil
}

// AuditSent deletes the spooled entries the central store has committed.
func (s *Store) AuditSent(ctx context.Context, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM audit_spool WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...); err != nil {
			return s.wrap("送信済みの操作記録を消せません", err)
		}
		ids = ids[n:]
	}
	return nil
}

// PendingAudit is how many entries wait to be shipped.
func (s *Store) PendingAudit(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_spool`).Scan(&n); err != nil {
		return 0, s.wrap("操作記録の送信待ちを数えられません", err)
	}
	return n, nil
}
