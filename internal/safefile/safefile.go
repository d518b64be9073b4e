// Package safefile is the one writer for every file the product creates
// (import files, reports, audit exports, deletion records, backups): a file
// is either whole under its real name or absent, and it is readable by its
// owner only, because most of them hold children's personal data.
package safefile

import (
	"fmt"
	"io"
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
// Missing folders are created with DirMode.
func Write(path string, fill func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return &Error{Path: path, Step: "フォルダを作れません", Err: err}
	}
	// CreateTemp opens the file 0600 and exclusively, so no other user can
	// read the data while it is being written.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return &Error{Path: path, Step: "一時ファイルを作れません", Err: err}
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()           // already failing; the write error is what the user needs
			_ = os.Remove(tmp.Name()) // best effort: a leftover dot-file holds no real name
		}
	}()
	if err := fill(tmp); err != nil {
		return &Error{Path: path, Step: "書き込めません", Err: err}
	}
	if err := tmp.Sync(); err != nil {
		return &Error{Path: path, Step: "ディスクに書き込めません", Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &Error{Path: path, Step: "書き込めません", Err: err}
	}
	if err := os.Chmod(tmp.Name(), FileMode); err != nil && runtime.GOOS != "windows" {
		return &Error{Path: path, Step: "権限を設定できません", Err: err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &Error{Path: path, Step: "名前を付けられません", Err: err}
	}
	done = true
	syncDir(dir)
	return nil
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
