// Package workspace is the terminal's local SQLite store of work in
// progress: each change a clerk makes is written before it takes effect, so
// reopening the same file resumes exactly where the work stopped — after a
// normal quit or a kill -9.
package workspace

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"kenshin/internal/review"
	"kenshin/internal/sqlitedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Error is a workspace problem in Japanese, naming the file.
type Error = sqlitedb.Error

// busyTimeoutMS is how long a write waits for another program's lock.
var busyTimeoutMS = 5000

// Store is an open workspace database.
type Store struct {
	db   *sqlitedb.DB
	path string
	now  func() time.Time

	mu        sync.Mutex // guards sinceSnap and snapErr
	sinceSnap int        // changes appended since the last snapshot
	snapErr   error      // the last snapshot that failed (the changes themselves are saved)
	snapMu    sync.Mutex // one snapshot at a time
	snapWG    sync.WaitGroup
}

// DefaultPath is the workspace in the user's local data folder:
// %LocalAppData%\KenshinReview on Windows (working data stays on this PC,
// it does not roam with the profile), the configuration folder elsewhere.
// KENSHIN_WORKSPACE overrides it.
func DefaultPath() (string, error) {
	p, err := defaultPath(runtime.GOOS, os.Getenv, os.UserConfigDir, os.UserCacheDir)
	if err != nil || runtime.GOOS != "windows" || os.Getenv("KENSHIN_WORKSPACE") != "" {
		return p, err
	}
	roaming, err := os.UserConfigDir()
	if err != nil {
		return p, nil
	}
	dir := fromRoaming(filepath.Join(roaming, "KenshinReview"), filepath.Dir(p))
	return filepath.Join(dir, filepath.Base(p)), nil
}

// fromRoaming moves the folder of an earlier version, which kept the working
// data in the roaming profile (oldDir), to the local one (newDir), in one
// rename, so that work in progress is not left behind and a new empty
// working copy started in its place. It returns the folder to use: oldDir
// while the move cannot be made (another program has the files open, or
// newDir exists already without a working copy in it).
func fromRoaming(oldDir, newDir string) string {
	if _, err := os.Stat(filepath.Join(oldDir, "workspace.db")); err != nil {
		return newDir // nothing there to move
	}
	if _, err := os.Stat(filepath.Join(newDir, "workspace.db")); err == nil {
		return newDir // moved already
	}
	if err := os.MkdirAll(filepath.Dir(newDir), 0o700); err == nil {
		if err := os.Rename(oldDir, newDir); err == nil {
			return newDir
		}
	}
	return oldDir
}

// defaultPath is DefaultPath for any GOOS, so that the choice is testable
// everywhere. On Windows os.UserCacheDir is %LocalAppData%.
func defaultPath(goos string, getenv func(string) string, configDir, localDir func() (string, error)) (string, error) {
	if p := getenv("KENSHIN_WORKSPACE"); p != "" {
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
	return filepath.Join(dir, "KenshinReview", "workspace.db"), nil
}

// Open is OpenChecked: the working copy is checked against its record
// before anything is written to it.
func Open(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	return OpenChecked(ctx, path, now)
}

// open opens (creating if needed) the workspace at path and brings its
// schema up to date, without checking it.
func open(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlitedb.Open(ctx, path, sub, sqlitedb.Options{What: "作業データ", BusyTimeoutMS: busyTimeoutMS})
	if err != nil {
		return nil, err
	}
	return &Store{db: db, path: path, now: now}, nil
}

func (s *Store) wrap(what string, err error) error { return s.db.Wrap(what, err) }

// Close takes a snapshot if anything changed since the last one, and closes
// the database. A failed snapshot is reported after closing.
func (s *Store) Close() error {
	s.snapWG.Wait() // a snapshot in the background still uses the database
	s.mu.Lock()
	due := s.sinceSnap > 0
	s.mu.Unlock()
	var snapErr error
	if due {
		snapErr = s.Snapshot(context.Background())
	}
	if err := s.db.Close(); err != nil {
		return s.wrap("作業データを閉じられません", err)
	}
	return snapErr
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// File is the workspace's record of one CSV under review.
type File struct {
	Hash     string
	Path     string
	Form     string
	Rows     int
	CurRow   int
	CurField int
}

// Resume registers a file (if new) and returns what was saved for it.
func (s *Store) Resume(ctx context.Context, f File, user string) (File, []review.Change, error) {
	_, err := s.db.ExecContext(ctx, `INSERT INTO files (hash, path, form, rows, opened_at, opened_by) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(hash) DO UPDATE SET path = excluded.path`,
		f.Hash, f.Path, f.Form, f.Rows, s.now().UTC().Format(time.RFC3339Nano), user)
	if err != nil {
		return f, nil, s.wrap("ファイルを登録できません", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT cur_row, cur_field FROM files WHERE hash = ?`, f.Hash).Scan(&f.CurRow, &f.CurField); err != nil {
		return f, nil, s.wrap("作業位置を読めません", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, grp, row, field, key, op, step, old, new, reason, user, at
		FROM changes WHERE hash = ? ORDER BY seq`, f.Hash)
	if err != nil {
		return f, nil, s.wrap("保存された修正を読めません", err)
	}
	defer rows.Close()
	var out []review.Change
	for rows.Next() {
		var c review.Change
		var op, step, at string
		if err := rows.Scan(&c.Seq, &c.Group, &c.Row, &c.Field, &c.Key, &op, &step, &c.Old, &c.New, &c.Reason, &c.User, &at); err != nil {
			return f, nil, s.wrap("保存された修正を読めません", err)
		}
		c.Op, c.Step = review.Op(op), review.Step(step)
		c.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return f, nil, s.wrap("保存された修正を読めません", err)
	}
	return f, out, nil
}

// Journal returns the review.Journal that writes a file's changes.
func (s *Store) Journal(hash string) review.Journal { return journal{s, hash} }

type journal struct {
	s    *Store
	hash string
}

// Append writes the changes in one transaction; when it returns nil they
// are in the WAL and survive the process being killed. The record is
// written inside the transaction, before the commit (see entry), so that
// the write lock orders it with every other program's Appends.
func (j journal) Append(ctx context.Context, cs ...review.Change) error {
	return j.s.AppendAudited(ctx, j.hash, cs, nil)
}

// AppendAudited is the journal's Append with the audit entries of the
// changes spooled in the same transaction (see spool.go): the changes and
// their entries are saved together or not at all.
func (s *Store) AppendAudited(ctx context.Context, hash string, cs []review.Change, entries []SpoolEntry) error {
	if len(cs) == 0 {
		return s.SpoolAudit(ctx, entries...)
	}
	j := journal{s, hash}
	fail := func(err error) error { return s.wrap("修正を保存できません", err) }
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	var before State
	if err := tx.QueryRowContext(ctx, `SELECT nchanges, chain FROM files WHERE hash = ?`, j.hash).Scan(&before.Changes, &before.Last); err != nil {
		return fail(err)
	}
	rec, err := readRecord(s.path)
	switch {
	case err == errNoRecord:
		rec = &record{Files: map[string]*entry{}}
	case err != nil:
		return &Error{What: "作業データ", Path: s.path, Msg: "修正を保存できません。作業データの記録「" + recordPath(s.path) + "」が読めません。アプリを終了して開き直してください", Err: err}
	}
	if e := rec.Files[j.hash]; e != nil && e.State != before && e.Prev != before {
		return &Error{What: "作業データ", Path: s.path, Msg: fmt.Sprintf("修正を保存できません。作業データの修正（%d 件）が記録（%d 件）と合いません。アプリを終了して開き直してください", before.Changes, e.Changes)}
	}
	after := before
	var buf []byte
	for _, c := range cs {
		r := row{seq: int64(c.Seq), grp: int64(c.Group), row: int64(c.Row), field: int64(c.Field),
			key: c.Key, op: string(c.Op), step: string(c.Step), old: c.Old, new: c.New, why: c.Reason,
			user: c.User, at: c.At.UTC().Format(time.RFC3339Nano)}
		_, err := tx.ExecContext(ctx, `INSERT INTO changes (hash, seq, grp, row, field, key, op, step, old, new, reason, user, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.hash, r.seq, r.grp, r.row, r.field, r.key, r.op, r.step, r.old, r.new, r.why, r.user, r.at)
		if err != nil {
			return fail(err)
		}
		after.Last, buf = chainNext(after.Last, &r, buf)
		after.Changes++
	}
	if _, err := tx.ExecContext(ctx, `UPDATE files SET nchanges = ?, chain = ? WHERE hash = ?`, after.Changes, after.Last, j.hash); err != nil {
		return fail(err)
	}
	if err := spoolIn(ctx, tx, entries); err != nil {
		return s.wrap("操作記録を保存できないため、修正は保存しませんでした", err)
	}
	rec.Files[j.hash] = &entry{State: after, Prev: before}
	if err := writeRecord(s.path, rec); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	s.noteChanges(ctx, len(cs))
	return nil
}

// noteChanges takes a snapshot when snapshotEvery changes have gathered, in
// the background so that the keystroke that makes it due does not wait for
// it. The changes are saved already, so a failed snapshot does not fail
// them: it is kept for SnapshotError and Close.
func (s *Store) noteChanges(ctx context.Context, n int) {
	s.mu.Lock()
	s.sinceSnap += n
	due := s.sinceSnap >= snapshotEvery
	s.mu.Unlock()
	switch {
	case !due:
	case !snapshotInBackground:
		_ = s.Snapshot(ctx) // kept in snapErr
	case s.snapMu.TryLock(): // else one is running; the next change tries again
		s.snapWG.Add(1)
		at := s.now() // the caller's clock is called on the caller's goroutine
		go func() {
			defer s.snapWG.Done()
			defer s.snapMu.Unlock()
			_ = s.snapshot(context.WithoutCancel(ctx), at) // kept in snapErr
		}()
	}
}

// snapshotInBackground: tests that count exactly which changes a snapshot
// holds take them in line instead.
var snapshotInBackground = true

// Snapshot saves a snapshot of the working copy now (see snapshotEvery),
// after any that is being taken in the background.
func (s *Store) Snapshot(ctx context.Context) error {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	return s.snapshot(ctx, s.now())
}

// snapshot does Snapshot's work; the caller holds snapMu.
func (s *Store) snapshot(ctx context.Context, at time.Time) error {
	s.mu.Lock()
	counted := s.sinceSnap
	s.mu.Unlock()
	err := vacuumInto(ctx, s.db.DB, s.path, at)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.snapErr = &Error{What: "作業データ", Path: s.path, Msg: "控えを作れません（修正は保存されています）", Err: err}
		return s.snapErr
	}
	// Changes made while it was taken may or may not be in it: they count
	// towards the next one.
	s.sinceSnap -= counted
	s.snapErr = nil
	return nil
}

// SnapshotError is the last failed snapshot, nil once one succeeds.
func (s *Store) SnapshotError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapErr
}

// SaveCursor remembers where the clerk was in a file.
func (s *Store) SaveCursor(ctx context.Context, hash string, row, field int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE files SET cur_row = ?, cur_field = ? WHERE hash = ?`, row, field, hash)
	if err != nil {
		return s.wrap("作業位置を保存できません", err)
	}
	return nil
}

// Forget deletes everything kept for a file (after it was submitted: the
// municipality requires deleting working data once no longer needed),
// snapshots included: they are taken anew without the file.
func (s *Store) Forget(ctx context.Context, hash string) error {
	fail := func(err error) error { return s.wrap("作業データを削除できません", err) }
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	var before State
	err = tx.QueryRowContext(ctx, `SELECT nchanges, chain FROM files WHERE hash = ?`, hash).Scan(&before.Changes, &before.Last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE hash = ?`, hash); err != nil {
		return fail(err)
	}
	if before.Changes > 0 {
		rec, err := readRecord(s.path)
		switch {
		case err == errNoRecord:
			rec = &record{Files: map[string]*entry{}}
		case err != nil:
			return fail(err)
		}
		rec.Files[hash] = &entry{Prev: before}
		if err := writeRecord(s.path, rec); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	// Under snapMu: a snapshot begun before the commit, which still holds
	// the file, must be finished before the snapshots are removed.
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if err := removeSnapshots(s.path); err != nil {
		return &Error{What: "作業データ", Path: s.path, Msg: "控えを削除できません", Err: err}
	}
	return s.snapshot(ctx, s.now())
}

// Files lists the files with work in progress, newest first.
func (s *Store) Files(ctx context.Context) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash, path, form, rows, cur_row, cur_field FROM files ORDER BY opened_at DESC`)
	if err != nil {
		return nil, s.wrap("一覧を読めません", err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.Hash, &f.Path, &f.Form, &f.Rows, &f.CurRow, &f.CurField); err != nil {
			return nil, s.wrap("一覧を読めません", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
