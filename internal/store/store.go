// Package store is the central store: reviewed batches land here once,
// whole, and the import files for the health management system are written
// from here. The default backend is an SQLite file that works offline on one
// machine or on a shared folder.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/submission"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open central store. It implements app.Store: persistence
// only — permissions and the audit entries are the application layer's.
type Store struct {
	db   *sqlitedb.DB
	path string
}

var _ app.Store = (*Store)(nil)

// Options for Open.
type Options struct {
	BusyTimeoutMS int
	// ReadOnly opens the file read-only: no migration, no change of any
	// kind (check-store, which promises to write nothing). An older schema
	// is refused instead of updated.
	ReadOnly bool
}

// DefaultPath is the store in the user's local data folder
// (%LocalAppData%\KenshinReview on Windows: a store is not roaming data,
// like the workspace; the configuration folder elsewhere); KENSHIN_STORE
// overrides it.
func DefaultPath() (string, error) {
	p, err := defaultPath(runtime.GOOS, os.Getenv, os.UserConfigDir, os.UserCacheDir)
	if err != nil || runtime.GOOS != "windows" || os.Getenv("KENSHIN_STORE") != "" {
		return p, err
	}
	roaming, err := os.UserConfigDir()
	if err != nil {
		return p, nil
	}
	return fromRoaming(filepath.Join(roaming, "KenshinReview", "central.db"), p), nil
}

// fromRoaming carries a store of an earlier version, which kept it in the
// roaming profile (oldPath), over to the local folder (newPath) with its
// audit key and WAL files, so that the program never starts on a new,
// empty store while the real one sits in the old place. The database file
// moves last: a store under newPath is complete. It returns the path to
// use: oldPath while the move cannot be made (another program has the
// files open), with anything already moved put back.
func fromRoaming(oldPath, newPath string) string {
	if _, err := os.Stat(oldPath); err != nil {
		return newPath // nothing there to move
	}
	if _, err := os.Stat(newPath); err == nil {
		return newPath // moved already, or a store made here since
	}
	if err := os.MkdirAll(filepath.Dir(newPath), 0o700); err != nil {
		return oldPath
	}
	var moved []string
	for _, suffix := range []string{".auditkey", "-wal", "-shm", ""} {
		from, to := oldPath+suffix, newPath+suffix
		if _, err := os.Stat(from); err != nil {
			continue
		}
		if err := os.Rename(from, to); err != nil {
			for _, m := range moved {
				_ = os.Rename(newPath+m, oldPath+m) // best effort: put back what moved
			}
			return oldPath
		}
		moved = append(moved, suffix)
	}
	return newPath
}

// defaultPath is DefaultPath for any GOOS, testable everywhere. On Windows
// os.UserCacheDir is %LocalAppData%.
func defaultPath(goos string, getenv func(string) string, configDir, localDir func() (string, error)) (string, error) {
	if p := getenv("KENSHIN_STORE"); p != "" {
		return p, nil
	}
	dirOf := configDir
	if goos == "windows" {
		dirOf = localDir
	}
	dir, err := dirOf()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "KenshinReview", "central.db"), nil
}

const what = "中央データ"

// dbOptions: every commit synced (the working copy is deleted right after a
// submission, so a committed batch must survive a power cut), and the file
// checked before anything is written to it.
func dbOptions(opt Options) sqlitedb.Options {
	return sqlitedb.Options{What: what, BusyTimeoutMS: opt.BusyTimeoutMS, MustExist: true, Synchronous: "FULL", Check: true, ReadOnly: opt.ReadOnly}
}

// Open opens an existing store. A missing, empty, foreign or damaged file
// is refused with a Japanese message naming it, and nothing is created or
// written (use Create for a new store).
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlitedb.Open(ctx, path, sub, dbOptions(opt))
	if err != nil {
		return nil, err
	}
	if _, err := readKey(path); err != nil {
		_ = db.Close() // nothing was written
		return nil, err
	}
	return &Store{db: db, path: path}, nil
}

// Create makes a new, empty store at path with its audit key file beside
// it. It refuses a path where a file already exists.
func Create(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, &sqlitedb.Error{What: what, Path: path, Msg: "すでにあります。新しく作ることはしません（そのまま使うか、別の場所を指定してください）"}
	}
	if net, how := sqlitedb.IsNetworkPath(path); net {
		return nil, &sqlitedb.Error{What: what, Path: path, Msg: "ネットワーク上の場所（" + how + "）には作れません。共有するときはサーバーの中央データを使ってください", Err: sqlitedb.ErrNetwork}
	}
	if err := writeKey(path); err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(migrations, "migrations")
	opt := dbOptions(Options{})
	opt.MustExist, opt.Check = false, false
	db, err := sqlitedb.Open(ctx, path, sub, opt)
	if err != nil {
		_ = os.Remove(keyPath(path)) // the key of a store that was not made
		return nil, err
	}
	return &Store{db: db, path: path}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Location names the store in messages.
func (s *Store) Location() string { return s.path }

// Update runs fn in one write transaction (BEGIN IMMEDIATE: the write lock
// is taken first, so read-modify-write inside fn cannot interleave).
func (s *Store) Update(ctx context.Context, fn func(app.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.db.Wrap("書き込みを始められません", err)
	}
	defer func() { _ = sqlTx.Rollback() }() // no-op after Commit
	if err := fn(&tx{tx: sqlTx, db: s.db}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return s.db.Wrap("確定できません（何も登録していません）", err)
	}
	return nil
}

// View runs fn in a read transaction.
func (s *Store) View(ctx context.Context, fn func(app.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.db.Wrap("読み取りを始められません", err)
	}
	defer func() { _ = sqlTx.Rollback() }() // read-only: nothing to lose
	return fn(&tx{tx: sqlTx, db: s.db})
}

// Check runs SQLite's quick_check (full: integrity_check).
func (s *Store) Check(ctx context.Context, full bool) ([]string, error) { return s.db.Check(ctx, full) }

// Counts is the number of rows of each table.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"batches", "records", "trail", "decisions", "exports", "users", "audit", "pending_checks"} {
		var n int64
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil { // #nosec G202 -- fixed table names
			return nil, s.db.Wrap("件数を数えられません", err)
		}
		out[t] = n
	}
	return out, nil
}

// AuditKey reads the audit chain's key file.
func (s *Store) AuditKey(context.Context) ([]byte, error) { return readKey(s.path) }

// tx is one transaction: it implements app.Tx.
type tx struct {
	tx *sql.Tx
	db *sqlitedb.DB
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// current loads the records of a form that are not superseded, keyed by
// 宛名番号 and 受診日.
func current(ctx context.Context, q querier, form string) (map[[2]string]submission.Current, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.atena, r.exam_date, b.id, b.file, b.submitted_at, b.submitter
		FROM records r JOIN batches b ON b.id = r.batch_id
		WHERE r.form = ? AND r.superseded_by IS NULL`, form)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]string]submission.Current{}
	for rows.Next() {
		var r submission.Current
		c := &r.Conflict
		var at string
		if err := rows.Scan(&r.ID, &c.Atena, &c.ExamDate, &c.BatchID, &c.File, &at, &c.SubmittedBy); err != nil {
			return nil, err
		}
		c.SubmittedAt, _ = time.Parse(time.RFC3339Nano, at)
		out[[2]string{c.Atena, c.ExamDate}] = r
	}
	return out, rows.Err()
}

// Conflicts lists the records of b the store already holds.
func (t *tx) Conflicts(ctx context.Context, b *submission.Batch) ([]submission.Conflict, error) {
	existing, err := current(ctx, t.tx, b.Form)
	if err != nil {
		return nil, t.db.Wrap("登録済みの記録を確認できません", err)
	}
	c, _ := submission.Match(b, existing)
	return c, nil
}

// InsertBatch stores a batch within the transaction.
func (t *tx) InsertBatch(ctx context.Context, b *submission.Batch, decisions map[int]submission.Decision) (submission.Result, error) {
	var res submission.Result
	s, tx := t, t.tx
	var dup int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM batches WHERE batch_key = ?`, b.Key).Scan(&dup); {
	case err == nil:
		return res, fmt.Errorf("%w（バッチ番号 %d）", submission.ErrDuplicate, dup)
	case !errors.Is(err, sql.ErrNoRows):
		return res, s.db.Wrap("送信済みか確認できません", err)
	}
	existing, err := current(ctx, tx, b.Form)
	if err != nil {
		return res, s.db.Wrap("登録済みの記録を確認できません", err)
	}
	conflicts, recIDs := submission.Match(b, existing)
	if err := submission.Unresolved(conflicts, decisions); err != nil {
		return res, err
	}
	var ovUser, ovReason any
	if b.Override != nil {
		ovUser, ovReason = b.Override.User, b.Override.Reason
	}
	st := b.Stats
	r, err := tx.ExecContext(ctx, `INSERT INTO batches (batch_key, file_hash, file, form, checkup, centre, reviewer, submitter, submitted_at,
		rows, stored, skipped, replaced, errors, warnings, corrected, confirmed, override_user, override_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?, ?, ?)`,
		b.Key, b.FileHash, b.File, b.Form, b.Checkup, b.Centre, b.Reviewer, b.Submitter, b.SubmittedAt.UTC().Format(time.RFC3339Nano),
		len(b.Records), st.Errors, st.Warnings, st.Corrected, st.Confirmed, ovUser, ovReason)
	if err != nil {
		return res, s.db.Wrap("バッチを登録できません", err)
	}
	res.BatchID, _ = r.LastInsertId()
	recs := newBulk(tx, `INSERT INTO records (batch_id, row, line, form, atena, exam_date, centre, vals, ocr) VALUES `, 9)
	var sb strings.Builder
	for _, rec := range b.Records {
		old, conflict := recIDs[rec.Row]
		d := decisions[rec.Row]
		if conflict && !d.Replace {
			res.Skipped++
			if err := decide(ctx, tx, res.BatchID, rec, old, "skip", d.Reason); err != nil {
				return res, s.db.Wrap("判断を記録できません", err)
			}
			continue
		}
		vals := encodeValues(&sb, b.Keys, rec.Values)
		ocr := encodeDiff(&sb, b.Keys, rec.OCR, rec.Values)
		args := []any{res.BatchID, rec.Row, rec.Line, b.Form, rec.Atena, rec.ExamDate, b.Centre, vals, ocr}
		res.Stored++
		if !conflict {
			if err := recs.add(ctx, args...); err != nil {
				return res, s.db.Wrap("記録を登録できません", err)
			}
			continue
		}
		// a replacement needs the new record's id: insert it on its own
		r, err := tx.ExecContext(ctx, `INSERT INTO records (batch_id, row, line, form, atena, exam_date, centre, vals, ocr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return res, s.db.Wrap("記録を登録できません", err)
		}
		id, _ := r.LastInsertId()
		if _, err := tx.ExecContext(ctx, `UPDATE records SET superseded_by = ?, supersede_reason = ? WHERE id = ?`, id, d.Reason, old); err != nil {
			return res, s.db.Wrap("置き換えを記録できません", err)
		}
		if err := decide(ctx, tx, res.BatchID, rec, old, "replace", d.Reason); err != nil {
			return res, s.db.Wrap("判断を記録できません", err)
		}
		res.Replaced++
	}
	if err := recs.flush(ctx); err != nil {
		return res, s.db.Wrap("記録を登録できません", err)
	}
	trail := newBulk(tx, `INSERT INTO trail (batch_id, row, field, ocr, final, findings, confidence, edited, edited_by, edited_at,
		confirmed, confirmed_by, confirm_reason, overridden, confirmed_at) VALUES `, 15)
	for _, c := range b.Trail {
		var conf, editedAt, confirmedAt any
		if c.HasConfidence {
			conf = c.Confidence
		}
		if c.Edited {
			editedAt = c.EditedAt.UTC().Format(time.RFC3339Nano)
		}
		if !c.ConfirmedAt.IsZero() {
			confirmedAt = c.ConfirmedAt.UTC().Format(time.RFC3339Nano)
		}
		findings, _ := json.Marshal(c.Findings)
		if err := trail.add(ctx, res.BatchID, c.Row, c.Key, c.OCR, c.Final, string(findings), conf, c.Edited, c.EditedBy, editedAt,
			c.Confirmed, c.ConfirmedBy, c.ConfirmReason, c.Overridden, confirmedAt); err != nil {
			return res, s.db.Wrap("修正履歴を登録できません", err)
		}
	}
	if err := trail.flush(ctx); err != nil {
		return res, s.db.Wrap("修正履歴を登録できません", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE batches SET stored = ?, skipped = ?, replaced = ? WHERE id = ?`, res.Stored, res.Skipped, res.Replaced, res.BatchID); err != nil {
		return res, s.db.Wrap("バッチを登録できません", err)
	}
	return res, t.saveTools(ctx, res.BatchID, b)
}

func decide(ctx context.Context, tx *sql.Tx, batchID int64, rec submission.Record, existing int64, decision, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO decisions (batch_id, row, atena, exam_date, existing_id, decision, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		batchID, rec.Row, rec.Atena, rec.ExamDate, existing, decision, reason)
	return err
}

// Batches lists stored batches, newest first.
func (t *tx) Batches(ctx context.Context) ([]submission.Info, error) {
	s := t
	rows, err := t.tx.QueryContext(ctx, `SELECT id, file_hash, form, file, centre, reviewer, submitter, submitted_at, rows, stored, skipped, replaced,
		errors, corrected, confirmed, COALESCE(override_user, ''), COALESCE(override_reason, ''), COALESCE(exported_at, ''), COALESCE(exported_by, ''),
		COALESCE(imported_at, ''), COALESCE(imported_by, ''), COALESCE(purged_at, '')
		FROM batches ORDER BY id DESC`)
	if err != nil {
		return nil, s.db.Wrap("バッチの一覧を読めません", err)
	}
	defer rows.Close()
	var out []submission.Info
	for rows.Next() {
		var b submission.Info
		var at string
		if err := rows.Scan(&b.ID, &b.FileHash, &b.Form, &b.File, &b.Centre, &b.Reviewer, &b.Submitter, &at, &b.Rows, &b.Stored, &b.Skipped, &b.Replaced,
			&b.Errors, &b.Corrected, &b.Confirmed, &b.OverrideUser, &b.OverrideReason, &b.ExportedAt, &b.ExportedBy,
			&b.ImportedAt, &b.ImportedBy, &b.PurgedAt); err != nil {
			return nil, s.db.Wrap("バッチの一覧を読めません", err)
		}
		b.SubmittedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, b)
	}
	return out, rows.Err()
}
