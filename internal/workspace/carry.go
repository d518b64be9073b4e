package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"time"

	"kenshin/internal/safefile"
)

// Audit entries not yet sent live only in the working copy's audit_spool.
// When the working copy is moved aside (damaged, restored over, started
// fresh), every unsent entry that can still be read from it is carried
// over: read from a private copy of the database and its WAL, written to
// the carry file beside the working copy, and taken into the next working
// copy that opens (OpenChecked), after which the carry file is removed.
// Re-sending is harmless: the central store skips an id it holds, and the
// spool keeps an id once.

// carryPath is the file that holds the entries waiting to be carried.
func carryPath(path string) string { return path + ".spool-carry.json" }

// carried is one entry in the carry file.
type carried struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	Terminal string    `json:"terminal"`
	Kind     string    `json:"kind"`
	Object   string    `json:"object"`
	Detail   string    `json:"detail"`
}

// readSpool reads the unsent entries of the database at db (a private
// copy: it may be damaged) as far as it can. lost is how many it holds
// that could not be read, -1 when not even that could be told.
func readSpool(ctx context.Context, db string) (got []SpoolEntry, lost int) {
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(1000)")
	if err != nil {
		return nil, -1
	}
	defer func() { _ = conn.Close() }() // a throw-away copy
	var tables int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_spool'`).Scan(&tables); err != nil {
		return nil, -1
	}
	if tables == 0 {
		return nil, 0 // from before the spool: nothing can wait in it
	}
	total := -1
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM audit_spool`).Scan(&total); err != nil {
		total = -1
	}
	rows, err := conn.QueryContext(ctx, `SELECT id, at, user, terminal, kind, object, detail FROM audit_spool ORDER BY n`)
	if err == nil {
		for rows.Next() {
			var e SpoolEntry
			var at string
			if rows.Scan(&e.ID, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail) != nil {
				break // a damaged page: keep what was read
			}
			e.At, _ = time.Parse(time.RFC3339Nano, at)
			got = append(got, e)
		}
		_ = rows.Close() // read-only
	}
	if total < 0 {
		return got, -1
	}
	return got, max(0, total-len(got))
}

// readCarry is what waits in the carry file (none: nil).
func readCarry(path string) ([]carried, error) {
	b, err := os.ReadFile(carryPath(path)) // #nosec G304 -- our own file beside the working copy
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []carried
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// addCarry appends entries to the carry file (an id once) and returns how
// many it holds now.
func addCarry(path string, es []SpoolEntry) (int, error) {
	have, err := readCarry(path)
	if err != nil {
		return 0, &Error{What: "作業データ", Path: carryPath(path), Msg: "引き継ぐ操作記録のファイルが読めません", Err: err}
	}
	if len(es) == 0 {
		return len(have), nil
	}
	seen := make(map[string]bool, len(have))
	for _, c := range have {
		seen[c.ID] = true
	}
	for _, e := range es {
		if !seen[e.ID] {
			seen[e.ID] = true
			have = append(have, carried(e))
		}
	}
	b, err := json.Marshal(have)
	if err == nil {
		err = safefile.WriteFile(carryPath(path), b)
	}
	if err != nil {
		return 0, &Error{What: "作業データ", Path: carryPath(path), Msg: "引き継ぐ操作記録を保存できません", Err: err}
	}
	return len(have), nil
}

// carryFrom carries the unsent entries of the database copy at db into the
// carry file of the working copy at path. It returns how many wait in the
// carry file and how many could not be read (-1: unknown).
func carryFrom(ctx context.Context, db, path string) (waiting, lost int, err error) {
	es, lost := readSpool(ctx, db)
	waiting, err = addCarry(path, es)
	return waiting, lost, err
}

// carryAt carries the unsent entries of whatever working copy is at path
// now, before it is moved aside; tmp is a private folder for the copy.
func carryAt(ctx context.Context, path, tmp string) (waiting, lost int, err error) {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		// No database: entries it held are gone, unless they were carried
		// when it was moved aside before; how many is not known.
		n, err := addCarry(path, nil)
		if n == 0 {
			return 0, -1, err
		}
		return n, 0, err
	}
	if isSQLite(path) != nil {
		n, err := addCarry(path, nil)
		return n, -1, err
	}
	cp := filepath.Join(tmp, "carry.db")
	for _, suf := range sidecars[:2] {
		err := copyFile(cp+suf, path+suf)
		if suf != "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, 0, &Error{What: "作業データ", Path: path, Msg: "送信前の操作記録を読むために写せません", Err: err}
		}
	}
	return carryFrom(ctx, cp, path)
}

// takeCarried moves the entries of the carry file into this working copy's
// spool (an id it holds already is skipped) and removes the file.
func (s *Store) takeCarried(ctx context.Context) error {
	cs, err := readCarry(s.path)
	if err != nil {
		return &Error{What: "作業データ", Path: carryPath(s.path), Msg: "引き継ぐ操作記録のファイルが読めません。消さずに管理者に連絡してください", Err: err}
	}
	if cs == nil {
		return nil
	}
	fail := func(err error) error { return s.wrap("引き継いだ操作記録を保存できません", err) }
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	for _, e := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_spool (id, at, user, terminal, kind, object, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO NOTHING`, e.ID, e.At.UTC().Format(time.RFC3339Nano), e.User, e.Terminal, e.Kind, e.Object, e.Detail); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	_ = os.Remove(carryPath(s.path)) // left behind, it is taken again at the next open: an id is kept once, and sent once
	return nil
}
