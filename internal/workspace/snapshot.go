package workspace

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"kenshin/internal/safefile"
)

// Rolling snapshots: a whole copy of the working copy every snapshotEvery
// changes and at Close, the newest keepSnapshots kept, so that a damaged
// working copy loses at most the changes since the last one.
var (
	snapshotEvery = 50
	keepSnapshots = 5
)

// Snapshot is a saved state of the working copy.
type Snapshot struct {
	Path    string
	Taken   time.Time
	Changes int            // changes it holds, all files together
	Files   map[string]int // changes by file hash
}

// snapshotDir holds the snapshots of the working copy at path.
func snapshotDir(path string) string { return path + ".snapshots" }

const snapStamp = "20060102-150405.000"

// snapshotName sorts by time, then by change count.
func snapshotName(path string, now time.Time, total int) string {
	return filepath.Join(snapshotDir(path), fmt.Sprintf("snap-%s-%07d.db", now.Format(snapStamp), total))
}

// snapshotTaken reads the time back from a snapshot's name.
func snapshotTaken(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(filepath.Base(name), "snap-")
	if !ok || len(s) < len(snapStamp) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(snapStamp, s[:len(snapStamp)], time.Local)
	return t, err == nil
}

// snapshotChanges reads the change count back from a snapshot's name.
func snapshotChanges(name string) (int, bool) {
	s := strings.TrimSuffix(filepath.Base(name), ".db")
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	return n, err == nil
}

// newestSnapshotChanges is the change count in the newest snapshot's name
// (0 for none).
func newestSnapshotChanges(path string) int {
	if m := snapshotFiles(path); len(m) > 0 {
		n, _ := snapshotChanges(m[0])
		return n
	}
	return 0
}

// vacuumInto writes the database open as db to a new snapshot of the
// working copy at path: VACUUM INTO a private temporary name (a consistent
// copy even while others write), then through safefile (fsync, rename,
// 0600) under its real name, named with the changes it holds, then the
// oldest beyond keepSnapshots removed.
func vacuumInto(ctx context.Context, db *sql.DB, path string, now time.Time) error {
	dir := snapshotDir(path)
	if err := os.MkdirAll(dir, safefile.DirMode); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, ".vacuum-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // our own temporary copy
	raw := filepath.Join(tmp, "snap.db")
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, raw); err != nil {
		return err
	}
	total, err := countChanges(ctx, raw)
	if err != nil {
		return err
	}
	if err := copyThrough(snapshotName(path, now, total), raw); err != nil {
		return err
	}
	return prune(path)
}

// countChanges is how many changes the database file at path (a private
// copy) holds.
func countChanges(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }() // a throw-away copy
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM changes`).Scan(&n)
	return n, err
}

// snapshotFrom snapshots the database file src (a checked private copy).
func snapshotFrom(ctx context.Context, src, path string, now time.Time) error {
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(1000)")
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }() // a throw-away copy
	return vacuumInto(ctx, db, path, now)
}

// copyThrough writes a copy of src to dst through safefile.
func copyThrough(dst, src string) error {
	return safefile.Write(dst, func(w io.Writer) error {
		f, err := os.Open(src) // #nosec G304 -- a snapshot of our own
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }() // read-only
		_, err = io.Copy(w, f)
		return err
	})
}

// snapshotFiles are the snapshots of the working copy at path, newest first.
func snapshotFiles(path string) []string {
	m, _ := filepath.Glob(filepath.Join(snapshotDir(path), "snap-*.db"))
	sort.Sort(sort.Reverse(sort.StringSlice(m)))
	return m
}

func prune(path string) error {
	m := snapshotFiles(path)
	for _, old := range m[min(len(m), keepSnapshots):] {
		if err := os.Remove(old); err != nil {
			return err
		}
	}
	return nil
}

// removeSnapshots deletes every snapshot (after Forget: they hold the
// forgotten file's data).
func removeSnapshots(path string) error {
	for _, f := range snapshotFiles(path) {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return nil
}

// inspectCopy checks a private copy of the database file src.
func inspectCopy(ctx context.Context, src, tmp string) (*inspection, error) {
	dst, err := os.CreateTemp(tmp, "snap-*.db")
	if err != nil {
		return nil, err
	}
	name := dst.Name()
	_ = dst.Close() // only the name is wanted
	_ = os.Remove(name)
	if err := copyFile(name, src); err != nil {
		return nil, err
	}
	return inspect(ctx, name)
}

// ListSnapshots lists the snapshots of the working copy at path that pass
// their check (SQLite's quick_check and the hashes kept with the changes),
// newest first. A damaged snapshot is left out, not deleted.
func ListSnapshots(ctx context.Context, path string) ([]Snapshot, error) {
	files := snapshotFiles(path)
	if len(files) == 0 {
		return nil, nil
	}
	tmp, err := tempDir(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // our own check copies
	var out []Snapshot
	for _, f := range files {
		in, err := inspectCopy(ctx, f, tmp)
		if err != nil || in.bad != "" || in.version < 2 {
			continue
		}
		s := Snapshot{Path: f, Changes: in.total, Files: map[string]int{}}
		s.Taken, _ = snapshotTaken(f)
		for h, st := range in.states {
			s.Files[h] = st.Changes
		}
		out = append(out, s)
	}
	return out, nil
}
