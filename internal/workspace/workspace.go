// Package workspace is the terminal's local SQLite store of work in
// progress: each change a clerk makes is written before it takes effect, so
// reopening the same file resumes exactly where the work stopped — after a
// normal quit or a kill -9.
package workspace

import (
	"context"
	"embed"
	"io/fs"
	"os"
	"path/filepath"
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
}

// DefaultPath is the workspace in the user's configuration folder
// (%AppData%\KenshinReview on Windows); KENSHIN_WORKSPACE overrides it.
func DefaultPath() (string, error) {
	if p := os.Getenv("KENSHIN_WORKSPACE"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "KenshinReview", "workspace.db"), nil
}

// Open opens (creating if needed) the workspace at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlitedb.Open(ctx, path, sub, sqlitedb.Options{What: "作業データ", BusyTimeoutMS: busyTimeoutMS})
	if err != nil {
		return nil, err
	}
	return &Store{db: db, path: path, now: now}, nil
}

func (s *Store) wrap(what string, err error) error { return s.db.Wrap(what, err) }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

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
// are in the WAL and survive the process being killed.
func (j journal) Append(ctx context.Context, cs ...review.Change) error {
	tx, err := j.s.db.BeginTx(ctx, nil)
	if err != nil {
		return j.s.wrap("修正を保存できません", err)
	}
	defer tx.Rollback()
	for _, c := range cs {
		_, err := tx.ExecContext(ctx, `INSERT INTO changes (hash, seq, grp, row, field, key, op, step, old, new, reason, user, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.hash, c.Seq, c.Group, c.Row, c.Field, c.Key, string(c.Op), string(c.Step), c.Old, c.New, c.Reason, c.User, c.At.UTC().Format(time.RFC3339Nano))
		if err != nil {
			return j.s.wrap("修正を保存できません", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return j.s.wrap("修正を保存できません", err)
	}
	return nil
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
// municipality requires deleting working data once no longer needed).
func (s *Store) Forget(ctx context.Context, hash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM files WHERE hash = ?`, hash); err != nil {
		return s.wrap("作業データを削除できません", err)
	}
	return nil
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
