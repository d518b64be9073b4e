package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"kenshin/internal/safefile"
)

// The integrity record lives beside the working copy (workspace.db ->
// workspace.db.state.json), in a file of its own, so that damage to the
// database cannot take the evidence of what it should hold with it.

// recordVersion is the format of the record file.
const recordVersion = 1

// State is what a file's changes amount to: how many, and the hash chained
// over all of them in order (empty for none). Two working copies with the
// same State for a file hold the same changes for it.
type State struct {
	Changes int    `json:"changes"`
	Last    string `json:"last"`
}

// entry is a file's line in the record. Append writes the new state into
// the record before it commits the changes, keeping the state before it in
// Prev: a process killed between the two leaves a working copy that matches
// Prev, which is not a loss (Append had not returned, so the clerk's edit
// had not been applied).
type entry struct {
	State
	Prev State `json:"prev"`
}

type record struct {
	Version int               `json:"version"`
	Files   map[string]*entry `json:"files"`
}

// recordPath is the integrity record of the working copy at path.
func recordPath(path string) string { return path + ".state.json" }

var errNoRecord = errors.New("no record")

// readRecord reads the record: errNoRecord when there is none, another error
// when it is there but unreadable or not a record.
func readRecord(path string) (*record, error) {
	b, err := os.ReadFile(recordPath(path)) // #nosec G304 -- beside the workspace the user configured
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoRecord
	}
	if err != nil {
		return nil, err
	}
	var r record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("記録として読めません: %w", err)
	}
	if r.Version != recordVersion {
		return nil, fmt.Errorf("記録の版 %d は読めません", r.Version)
	}
	if r.Files == nil {
		r.Files = map[string]*entry{}
	}
	for h, e := range r.Files {
		if e == nil || e.Changes < 0 || e.Prev.Changes < 0 {
			return nil, fmt.Errorf("記録のファイル %.12s が読めません", h)
		}
	}
	return &r, nil
}

func writeRecord(path string, r *record) error {
	r.Version = recordVersion
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return safefile.WriteFile(recordPath(path), b)
}

// claims is how many changes the record says the working copy holds.
func (r *record) claims() int {
	n := 0
	for _, e := range r.Files {
		n += max(e.Changes, e.Prev.Changes)
	}
	return n
}

// row is one change as stored: the chain is computed over these strings and
// numbers, so the same rows give the same hash whether just written or read
// back.
type row struct {
	seq, grp, row, field         int64
	key, op, step, old, new, why string
	user, at                     string
}

// chainNext is the hash after r, following prev. Strings are length-prefixed
// so that no choice of values can make two different changes hash alike.
func chainNext(prev string, r *row, buf []byte) (string, []byte) {
	buf = append(buf[:0], prev...)
	buf = append(buf, 0)
	for _, n := range [...]int64{r.seq, r.grp, r.row, r.field} {
		buf = strconv.AppendInt(buf, n, 10)
		buf = append(buf, ',')
	}
	for _, s := range [...]string{r.key, r.op, r.step, r.old, r.new, r.why, r.user, r.at} {
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), buf
}

// inspection is what a check found in a copy of a working copy or snapshot.
type inspection struct {
	version int              // user_version: 1 is from before the record existed
	states  map[string]State // by file hash, files with changes only
	total   int
	bad     string // why the file failed its check; "" when it passed
}

// inspect checks the database at path, which must be a private copy: the
// driver replays a WAL into it. quick_check first, then every file's chain
// recomputed from its rows and, from version 2, compared with the one
// Append kept.
func inspect(ctx context.Context, path string) (*inspection, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)")
	if err != nil {
		return nil, err
	}
	defer func() { _ = db.Close() }() // a throw-away copy
	in := &inspection{states: map[string]State{}}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&in.version); err != nil {
		in.bad = err.Error()
		return in, nil
	}
	var verdict []string
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check(20)")
	if err != nil {
		in.bad = err.Error()
		return in, nil
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			verdict = append(verdict, err.Error())
			break
		}
		verdict = append(verdict, s)
	}
	if err := rows.Err(); err != nil {
		verdict = append(verdict, err.Error())
	}
	_ = rows.Close() // read-only query
	if len(verdict) != 1 || verdict[0] != "ok" {
		in.bad = strings.Join(verdict, "; ")
		return in, nil
	}
	if in.version == 0 { // a database, but no workspace yet
		return in, nil
	}
	if err := in.chains(ctx, db); err != nil {
		in.bad = err.Error()
	}
	return in, nil
}

func (in *inspection) chains(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT hash, seq, grp, row, field, key, op, step, old, new, reason, user, at
		FROM changes ORDER BY hash, seq`)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }() // read-only query
	var buf []byte
	var r row
	for rows.Next() {
		var h string
		if err := rows.Scan(&h, &r.seq, &r.grp, &r.row, &r.field, &r.key, &r.op, &r.step, &r.old, &r.new, &r.why, &r.user, &r.at); err != nil {
			return err
		}
		st := in.states[h]
		st.Last, buf = chainNext(st.Last, &r, buf)
		st.Changes++
		in.states[h] = st
		in.total++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if in.version < 2 {
		return nil
	}
	// The running count and hash Append kept must agree with the rows: a
	// row changed or lost inside a page that still passes quick_check.
	kept, err := db.QueryContext(ctx, `SELECT hash, nchanges, chain FROM files WHERE nchanges > 0 OR chain != ''`)
	if err != nil {
		return err
	}
	defer func() { _ = kept.Close() }() // read-only query
	seen := 0
	for kept.Next() {
		var h string
		var st State
		if err := kept.Scan(&h, &st.Changes, &st.Last); err != nil {
			return err
		}
		if in.states[h] != st {
			return fmt.Errorf("ファイル %.12s の修正 %d 件が、記帳された %d 件と合いません", h, in.states[h].Changes, st.Changes)
		}
		seen++
	}
	if err := kept.Err(); err != nil {
		return err
	}
	if seen != len(in.states) {
		return fmt.Errorf("修正のあるファイル %d 件のうち %d 件しか記帳されていません", len(in.states), seen)
	}
	return nil
}

// copyFile copies src to dst (created 0600, for a private check copy).
func copyFile(dst, src string) error {
	in, err := os.Open(src) // #nosec G304 -- the workspace's own files
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()                                                  // read-only
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, safefile.FileMode) // #nosec G304 -- a fresh name in our temp folder
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close() // already failing
		return err
	}
	return out.Close()
}

// sidecars are the files SQLite keeps beside a database in WAL mode.
var sidecars = []string{"", "-wal", "-shm"}

// fileSig is what tells that a file changed while it was being copied.
type fileSig struct {
	size  int64
	mtime int64
	ok    bool
}

// sigOf covers the database and its WAL; the -shm changes on every read by
// another program and holds nothing that the WAL does not.
func sigOf(path string) [2]fileSig {
	var s [2]fileSig
	for i, suf := range sidecars[:2] {
		if fi, err := os.Stat(path + suf); err == nil {
			s[i] = fileSig{fi.Size(), fi.ModTime().UnixNano(), true}
		}
	}
	return s
}

// tempDir is a private folder beside path for check copies.
func tempDir(path string) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, safefile.DirMode); err != nil {
		return "", err
	}
	return os.MkdirTemp(dir, "."+filepath.Base(path)+".check-*")
}
