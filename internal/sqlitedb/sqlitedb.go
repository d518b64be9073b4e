// Package sqlitedb opens the product's SQLite files (the terminal's
// workspace and the central store) the same way: refuse a file that is not a
// database before touching it, apply numbered embedded migrations one
// transaction each, and turn driver errors into Japanese a clerk can act on.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Error is a database problem in Japanese, naming the file.
type Error struct {
	What string // 「作業データ」「中央データ」
	Path string
	Msg  string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("%s「%s」: %s", e.What, e.Path, e.Msg) }

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the operation may succeed if tried again later
// (another program held the lock).
func (e *Error) Retryable() bool { return isBusy(e.Err) }

// Options tune Open.
type Options struct {
	What          string // what the file is, for messages
	BusyTimeoutMS int    // how long a write waits for another program's lock
	ReadOnly      bool
	// MustExist refuses a missing or 0-byte file instead of creating a new
	// database: only an explicit "create" may make one.
	MustExist bool
	// Synchronous is the sync level: "" is NORMAL; FULL syncs every commit
	// (a committed batch survives a power cut).
	Synchronous string
	// Check runs PRAGMA quick_check before anything is written (migrations
	// included) and refuses a damaged file with ErrDamaged.
	Check bool
}

// ErrDamaged marks a file that failed its integrity check; nothing was
// written to it.
var ErrDamaged = errors.New("sqlitedb: damaged")

// ErrMissing marks a missing or empty file that Open was told not to create.
var ErrMissing = errors.New("sqlitedb: missing")

// ErrNetwork marks a file on a network filesystem, where SQLite's WAL does
// not work (its shared memory index needs one machine).
var ErrNetwork = errors.New("sqlitedb: network filesystem")

// DB is an open database with its path and message label.
type DB struct {
	*sql.DB
	Path string
	What string
}

// Open opens (creating when missing, unless read-only) the database at path
// and applies the migrations in migrations (files NNNN_*.sql, in order).
func Open(ctx context.Context, path string, migrations fs.FS, opt Options) (*DB, error) {
	if opt.BusyTimeoutMS == 0 {
		opt.BusyTimeoutMS = 5000
	}
	d := &DB{Path: path, What: opt.What}
	if net, how := IsNetworkPath(path); net {
		return nil, &Error{What: opt.What, Path: path, Msg: "ネットワーク上の場所（" + how + "）にあります。この形式のデータは共有フォルダでは安全に使えません。共有するときはサーバーの中央データを使ってください", Err: ErrNetwork}
	}
	if opt.MustExist {
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, &Error{What: opt.What, Path: path, Msg: "ありません（場所を確認してください。新しく作ることはしません）", Err: ErrMissing}
		case err != nil:
			return nil, &Error{What: opt.What, Path: path, Msg: "読み取れません（権限を確認してください）", Err: err}
		case fi.IsDir():
			return nil, &Error{What: opt.What, Path: path, Msg: "フォルダです。データのファイルを指定してください", Err: ErrMissing}
		case fi.Size() == 0:
			return nil, &Error{What: opt.What, Path: path, Msg: "0 バイトの空のファイルです（壊れているか、途中で消えています）。何も変更していません。最後のバックアップから復元してください", Err: ErrDamaged}
		}
	}
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, &Error{What: opt.What, Path: path, Msg: "フォルダを作れません", Err: err}
		}
	}
	if err := checkHeader(opt.What, path); err != nil {
		return nil, err
	}
	if !opt.ReadOnly {
		if err := makePrivate(path); err != nil {
			return nil, &Error{What: opt.What, Path: path, Msg: "権限を設定できません（所有者だけが読めるようにできません）", Err: err}
		}
	}
	mode := ""
	if opt.ReadOnly {
		mode = "&mode=ro"
		if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
			// No program has the file open and all of it is in the main
			// file: read it as immutable, so that not even the -wal/-shm a
			// read-only connection would leave behind are created.
			mode += "&immutable=1"
		}
	}
	sync := "NORMAL"
	if opt.Synchronous != "" {
		sync = opt.Synchronous
	}
	dsn := fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(%s)&_pragma=cache_size(-65536)&_txlock=immediate%s", path, opt.BusyTimeoutMS, sync, mode)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, d.Wrap("開けません", err)
	}
	d.DB = db
	if opt.Check {
		if problems, err := d.Check(ctx, false); err != nil || len(problems) > 0 {
			_ = db.Close() // nothing was written
			if err != nil {
				return nil, err
			}
			return nil, &Error{What: opt.What, Path: path, Msg: "壊れています（" + problems[0] + "）。書き込みはしていません。使うのをやめ、最後のバックアップから復元してください", Err: ErrDamaged}
		}
	}
	if err := d.migrate(ctx, migrations, opt.ReadOnly); err != nil {
		_ = db.Close() // the migration error is the one to report
		return nil, err
	}
	return d, nil
}

// FileMode is the permission of a database file and its -wal/-shm files
// (Unix): they hold children's health data, and a folder that already
// exists may be readable by others.
const FileMode os.FileMode = 0o600

// makePrivate creates a missing database file 0600 before SQLite opens it,
// because SQLite gives the -wal and -shm files the mode of the database
// file; an existing file (and its -wal/-shm) is narrowed to 0600, as older
// versions created them 0644. Windows keeps the folder's ACL.
func makePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode) // #nosec G304 -- the database the user named
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, FileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// checkHeader refuses a file that exists but is not an SQLite database,
// before the driver can misread or overwrite it.
func checkHeader(what, path string) error {
	f, err := os.Open(path) // #nosec G304 -- the database the user named
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &Error{What: what, Path: path, Msg: "読み取れません（権限を確認してください）", Err: err}
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n == 0 {
		return nil
	}
	if n < 16 || string(head) != "SQLite format 3\x00" {
		return &Error{What: what, Path: path, Msg: "SQLite のデータベースではありません（別のファイルか、壊れています）。ファイルを確認してください。何も変更していません"}
	}
	return nil
}

func (d *DB) migrate(ctx context.Context, migrations fs.FS, readOnly bool) error {
	var version int
	if err := d.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return d.Wrap("データベースとして読めません", err)
	}
	names, _ := fs.Glob(migrations, "*.sql")
	sort.Strings(names)
	if version > len(names) {
		return &Error{What: d.What, Path: d.Path, Msg: fmt.Sprintf("このアプリより新しい版のデータです（版 %d）。アプリを更新してください", version)}
	}
	if version < len(names) && readOnly {
		return &Error{What: d.What, Path: d.Path, Msg: "古い版のデータで、読み取り専用のため更新できません"}
	}
	for version < len(names) {
		// The write lock is taken at BEGIN (_txlock=immediate); reading the
		// version again under it keeps two programs opening a new file at
		// the same moment from applying one migration twice.
		tx, err := d.BeginTx(ctx, nil)
		if err != nil {
			return d.Wrap("更新を始められません", err)
		}
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
			_ = tx.Rollback() // the error above is the one to report
			return d.Wrap("データベースとして読めません", err)
		}
		if version >= len(names) {
			_ = tx.Rollback() // the error above is the one to report
			break
		}
		name := names[version]
		body, err := fs.ReadFile(migrations, name)
		if err != nil {
			_ = tx.Rollback() // the error above is the one to report
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			_ = tx.Rollback() // the error above is the one to report
			return d.Wrap("データベースの更新に失敗しました（"+name+"）", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
			_ = tx.Rollback() // the error above is the one to report
			return d.Wrap("データベースの更新に失敗しました", err)
		}
		if err := tx.Commit(); err != nil {
			return d.Wrap("データベースの更新に失敗しました", err)
		}
		version++
	}
	return nil
}

// Check runs PRAGMA quick_check (full: integrity_check) and returns the
// problems it lists; none means the file is sound. A file too damaged to be
// read at all is a problem, not an error.
func (d *DB) Check(ctx context.Context, full bool) ([]string, error) {
	q := "PRAGMA quick_check(20)"
	if full {
		q = "PRAGMA integrity_check(20)"
	}
	rows, err := d.QueryContext(ctx, q)
	if err != nil {
		if isCorrupt(err) {
			return []string{"データベースとして読めません"}, nil
		}
		return nil, d.Wrap("検査できません", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, d.Wrap("検査できません", err)
		}
		if line != "ok" {
			out = append(out, line)
		}
	}
	if err := rows.Err(); err != nil {
		if isCorrupt(err) {
			return append(out, "データベースとして読めません"), nil
		}
		return nil, d.Wrap("検査できません", err)
	}
	return out, nil
}

func isCorrupt(err error) bool {
	m := err.Error()
	return strings.Contains(m, "SQLITE_CORRUPT") || strings.Contains(m, "malformed") || strings.Contains(m, "not a database") || strings.Contains(m, "(11)") || strings.Contains(m, "(26)")
}

func isBusy(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "SQLITE_BUSY") || strings.Contains(m, "database is locked") || strings.Contains(m, "(5)") && strings.Contains(m, "locked")
}

// Wrap turns a driver error into a Japanese message: what failed, and why
// in words a clerk can act on.
func (d *DB) Wrap(what string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	m := err.Error()
	switch {
	case isBusy(err):
		what += "。ほかの端末またはプログラムが使用中です。しばらく待ってからやり直してください"
	case strings.Contains(m, "SQLITE_READONLY") || strings.Contains(m, "readonly"):
		what += "。書き込めません（読み取り専用です）"
	case isCorrupt(err):
		what += "。データベースが壊れています。管理者に連絡してください"
	case strings.Contains(m, "SQLITE_FULL") || strings.Contains(m, "disk is full"):
		what += "。ディスクがいっぱいです。何も登録していません"
	case strings.Contains(m, "SQLITE_IOERR") || strings.Contains(m, "disk I/O error") || strings.Contains(m, "file too large"):
		what += "。ディスクに書き込めません（空き容量と接続を確認してください）。何も登録していません"
	case strings.Contains(m, "unable to open"):
		what += "。ファイルを開けません（場所と権限を確認してください）"
	}
	return &Error{What: d.What, Path: d.Path, Msg: what, Err: err}
}
