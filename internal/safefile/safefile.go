// Package safefile is the one writer for every file the product creates
// (import files, reports, audit exports, deletion records, backups): a file
// is either whole under its real name or absent, and it is readable by its
// owner only, because most of them hold children's personal data.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// FileMode and DirMode are the permissions of what Write creates (on Unix;
// Windows keeps the folder's ACL).
const (
	FileMode os.FileMode = 0o600
	DirMode  os.FileMode = 0o700
)

// Error says in Japanese which file could not be written, and why.
type Error struct {
	Path string
	Step string // what failed: 「フォルダを作れません」「書き込めません」…
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("ファイル「%s」を保存できません（%s）: %v。元のファイルは変更していません", filepath.FromSlash(e.Path), e.Step, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Write creates path through fill: the bytes go to a temporary file in the
// same folder, which is synced to disk and then renamed over path. On any
// failure (fill's own error, a full disk, a failed sync) the temporary file
// is removed and an existing file at path is left exactly as it was.
// Missing folders are created with DirMode. Write is Prepare + Commit.
func Write(path string, fill func(w io.Writer) error) error {
	p, err := Prepare(path, fill)
	if err != nil {
		return err
	}
	return p.Commit()
}

// Prepared is a file written and synced under a temporary name, not yet
// under its real name. It lets a caller write a file inside a database
// transaction and give it its name only once the transaction committed, so
// a failed commit leaves neither a new file nor a damaged earlier one.
// Exactly one of Commit or Abort must be called.
type Prepared struct {
	path, tmp string
	stageDir  string // PrepareWith's private folder, removed when finished
	finished  bool
}

// Prepare writes path's future content through fill into a temporary file
// in path's folder (created with DirMode), syncs it and sets FileMode. On
// failure nothing is left behind.
func Prepare(path string, fill func(w io.Writer) error) (_ *Prepared, err error) {
	if err := checkTarget(path); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, &Error{Path: path, Step: "フォルダを作れません", Err: err}
	}
	// CreateTemp opens the file 0600 and exclusively, so no other user can
	// read the data while it is being written.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, &Error{Path: path, Step: "一時ファイルを作れません", Err: err}
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = tmp.Close() // already failing; the write error is what the user needs
			}
			_ = os.Remove(tmp.Name()) // best effort: a leftover dot-file holds no real name
		}
	}()
	if err := fill(tmp); err != nil {
		return nil, &Error{Path: path, Step: "書き込めません", Err: err}
	}
	if err := tmp.Sync(); err != nil {
		return nil, &Error{Path: path, Step: "ディスクに書き込めません", Err: err}
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return nil, &Error{Path: path, Step: "書き込めません", Err: err}
	}
	if err := os.Chmod(tmp.Name(), FileMode); err != nil && runtime.GOOS != "windows" {
		return nil, &Error{Path: path, Step: "権限を設定できません", Err: err}
	}
	return &Prepared{path: path, tmp: tmp.Name()}, nil
}

// PrepareWith is Prepare for writers that take a path (the xlsx writers of
// other packages, which go through Write themselves): write is given a path
// of the same base name inside a private 0700 folder next to path, and
// Commit moves what it wrote to path. A write that creates nothing leaves
// nothing to commit.
func PrepareWith(path string, write func(stagePath string) error) (*Prepared, error) {
	if err := checkTarget(path); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, &Error{Path: path, Step: "フォルダを作れません", Err: err}
	}
	stage, err := os.MkdirTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, &Error{Path: path, Step: "一時フォルダを作れません", Err: err}
	}
	p := &Prepared{path: path, tmp: filepath.Join(stage, filepath.Base(path)), stageDir: stage}
	if err := write(p.tmp); err != nil {
		p.Abort()
		return nil, err
	}
	if err := os.Chmod(p.tmp, FileMode); err != nil && !errors.Is(err, fs.ErrNotExist) && runtime.GOOS != "windows" {
		p.Abort()
		return nil, &Error{Path: path, Step: "権限を設定できません", Err: err}
	}
	return p, nil
}

// checkTarget refuses a path that names a folder or other non-file before
// anything is written, so that Commit, which runs after the caller's
// transaction committed, does not fail on it.
func checkTarget(path string) error {
	fi, err := os.Lstat(path)
	if err == nil && !fi.Mode().IsRegular() {
		return &Error{Path: path, Step: "同じ名前のフォルダなどがあります", Err: fmt.Errorf("%v", fi.Mode().Type())}
	}
	return nil
}

// Path is the real name the file gets on Commit.
func (p *Prepared) Path() string { return p.path }

// Commit renames the temporary file over the real name and makes the rename
// durable. If the rename fails the temporary file is removed and an
// existing file at the real name is left as it was.
func (p *Prepared) Commit() error {
	if p == nil || p.finished {
		return nil
	}
	p.finished = true
	defer p.cleanStage()
	if p.stageDir != "" {
		if _, err := os.Lstat(p.tmp); errors.Is(err, fs.ErrNotExist) {
			return nil // the writer created nothing
		}
	}
	if err := os.Rename(p.tmp, p.path); err != nil {
		_ = os.Remove(p.tmp) // best effort: a leftover dot-file holds no real name
		return &Error{Path: p.path, Step: "名前を付けられません", Err: err}
	}
	syncDir(filepath.Dir(p.path))
	return nil
}

// Abort removes the temporary file; an existing file at the real name is
// not touched. Abort after Commit does nothing, so it can be deferred.
func (p *Prepared) Abort() {
	if p == nil || p.finished {
		return
	}
	p.finished = true
	_ = os.Remove(p.tmp) // best effort: a leftover dot-file holds no real name
	p.cleanStage()
}

func (p *Prepared) cleanStage() {
	if p.stageDir != "" {
		_ = os.RemoveAll(p.stageDir) // best effort: a leftover dot-folder holds no real name
	}
}

// WriteFile writes data to path as Write does.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir makes the rename itself durable. Windows cannot open a folder for
// syncing, and on Unix a failure here leaves the file written but perhaps
// not yet under its name after a power cut, which the caller cannot fix.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	d, err := os.Open(dir) // #nosec G304 -- the folder of a path the user chose
	if err != nil {
		return
	}
	_ = d.Sync() // see above: nothing more can be done about it
	_ = d.Close()
}
