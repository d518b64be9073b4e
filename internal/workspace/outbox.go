package workspace

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// The outbox keeps submitted batches the central store could not take
// (server unreachable) until they are delivered: one row per batch key, the
// batch as the application layer encoded it (payload) and a short summary
// for the status bar. It lives in the workspace database, so it is as
// durable as the working copy (WAL, synced commits) and is removed only
// after the server confirmed the batch.

// OutboxPut queues payload under key; queuing the same key again replaces
// the payload (the same review, the same batch).
func (s *Store) OutboxPut(ctx context.Context, key, summary string, payload []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO outbox (key, summary, payload, queued_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET summary = excluded.summary, payload = excluded.payload, note = ''`,
		key, summary, payload, s.now().UTC().Format(time.RFC3339Nano))
	return s.outboxErr("送信待ちのバッチを保存できません", err)
}

// OutboxList lists the waiting batches, oldest first: key, summary and the
// note of the last failed attempt.
func (s *Store) OutboxList(ctx context.Context) (keys, summaries, notes []string, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, summary, note FROM outbox ORDER BY queued_at, key`)
	if err != nil {
		return nil, nil, nil, s.outboxErr("送信待ちのバッチを読めません", err)
	}
	defer func() { _ = rows.Close() }() // read-only
	for rows.Next() {
		var k, sm, n string
		if err := rows.Scan(&k, &sm, &n); err != nil {
			return nil, nil, nil, s.outboxErr("送信待ちのバッチを読めません", err)
		}
		keys, summaries, notes = append(keys, k), append(summaries, sm), append(notes, n)
	}
	return keys, summaries, notes, s.outboxErr("送信待ちのバッチを読めません", rows.Err())
}

// OutboxGet is the payload queued under key (nil when there is none).
func (s *Store) OutboxGet(ctx context.Context, key string) ([]byte, error) {
	var p []byte
	err := s.db.QueryRowContext(ctx, `SELECT payload FROM outbox WHERE key = ?`, key).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return p, s.outboxErr("送信待ちのバッチを読めません", err)
}

// OutboxNote records why the last attempt did not deliver key.
func (s *Store) OutboxNote(ctx context.Context, key, note string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET note = ? WHERE key = ?`, note, key)
	return s.outboxErr("送信待ちのバッチを更新できません", err)
}

// OutboxDone removes a delivered batch.
func (s *Store) OutboxDone(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM outbox WHERE key = ?`, key)
	return s.outboxErr("送信済みのバッチを送信待ちから消せません", err)
}

// outboxErr wraps a failure in a Japanese message; nil stays nil.
func (s *Store) outboxErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return s.wrap(what, err)
}
