package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DamageKind says what was found wrong with a working copy.
type DamageKind int

const (
	// DamageCorrupt: the file failed SQLite's check, or its rows do not add
	// up to the hashes kept with them.
	DamageCorrupt DamageKind = iota + 1
	// DamageMismatch: the file is sound but holds other changes than the
	// record says (some were lost).
	DamageMismatch
	// DamageMissing: the file is gone or empty, but the record says it
	// held changes.
	DamageMissing
	// DamageRecord: the record is gone or unreadable, so the working copy
	// cannot be vouched for.
	DamageRecord
)

func (k DamageKind) String() string {
	switch k {
	case DamageCorrupt:
		return "corrupt"
	case DamageMismatch:
		return "mismatch"
	case DamageMissing:
		return "missing"
	case DamageRecord:
		return "record"
	}
	return "unknown"
}

// DamageError is a working copy that cannot be used as it is. Nothing was
// written to it: its files were moved aside byte for byte (MovedAside), and
// Snapshots lists the states it can be restored to. The caller shows
// Error() to the clerk and offers Restore(Snapshots()[0]) or StartFresh.
type DamageError struct {
	Kind       DamageKind
	Path       string   // the working copy
	Detail     string   // what the check said (technical, for the administrator)
	Expected   int      // changes the record says the working copy held
	Found      int      // changes found in it (-1: could not be read)
	MovedAside []string // the damaged files, renamed, unchanged
	// SpoolCarried is how many audit entries not yet sent wait to be
	// carried into the next working copy (read from the damaged one, see
	// carry.go); SpoolLost how many it held that could not be read (-1:
	// it could not be read at all, so not even their number is known).
	SpoolCarried, SpoolLost int
	snapshots               []Snapshot
}

// Snapshots are the good snapshots to restore from, newest first.
func (e *DamageError) Snapshots() []Snapshot { return e.snapshots }

func (e *DamageError) Error() string {
	var b strings.Builder
	p := filepath.FromSlash(e.Path)
	switch e.Kind {
	case DamageCorrupt:
		fmt.Fprintf(&b, "作業データ「%s」が壊れています（検査で異常が見つかりました）。", p)
	case DamageMismatch:
		fmt.Fprintf(&b, "作業データ「%s」の修正が記録と合いません（記録では %d 件、作業データには %d 件）。修正の一部が失われています。", p, e.Expected, e.Found)
	case DamageMissing:
		if e.Expected < 0 {
			fmt.Fprintf(&b, "作業データ「%s」とその記録がありませんが、控えが残っています（作業の途中でした）。", p)
		} else {
			fmt.Fprintf(&b, "作業データ「%s」がないか空ですが、記録では %d 件の修正がありました。", p, e.Expected)
		}
	case DamageRecord:
		fmt.Fprintf(&b, "作業データの記録「%s」がないか読めないため、作業データ「%s」が完全か確かめられません。", filepath.FromSlash(recordPath(e.Path)), p)
	}
	b.WriteString("作業データには何も書き込んでいません。")
	if e.SpoolCarried > 0 {
		fmt.Fprintf(&b, "まだ中央に送っていない操作記録 %d 件は読み出し、次の作業データに引き継いで送ります。", e.SpoolCarried)
	}
	switch {
	case e.SpoolLost < 0:
		b.WriteString("壊れた作業データからは、まだ中央に送っていない操作記録を読み出せませんでした（残っていた件数も分かりません）。")
	case e.SpoolLost > 0:
		fmt.Fprintf(&b, "まだ中央に送っていない操作記録のうち %d 件は読み出せず、中央に届きません。", e.SpoolLost)
	}
	if len(e.MovedAside) > 0 {
		names := make([]string, len(e.MovedAside))
		for i, m := range e.MovedAside {
			names[i] = filepath.Base(m)
		}
		fmt.Fprintf(&b, "元のファイルはそのまま「%s」として同じフォルダに残しました（消さずに管理者に連絡してください）。", strings.Join(names, "」「"))
	}
	if len(e.snapshots) > 0 {
		s := e.snapshots[0]
		fmt.Fprintf(&b, "%s の控え（修正 %d 件）から戻せます。戻したあと、控えより後の修正を確かめてください。", s.Taken.Format("2006-01-02 15:04"), s.Changes)
	} else {
		b.WriteString("戻せる控えはありません。新しい作業データで始めると、保存されていた修正は使えません。")
	}
	return b.String()
}

// verdict is the outcome of checking a working copy before opening it.
type verdict struct {
	damage  *DamageError
	foreign error // not a database at all, and no record claims changes: refuse, touch nothing
	in      *inspection
	rec     *record // nil: none
	fix     bool    // the record must be written anew after opening
	copy    string  // the checked private copy of the database ("" if none)
}

// check looks at the working copy at path without letting the driver touch
// it: the database and its WAL are copied into a private folder and the copy
// is checked. A program writing to them meanwhile makes it look again.
func check(ctx context.Context, path, tmp string) (*verdict, error) {
	for attempt := 0; ; attempt++ {
		v, stable, err := checkOnce(ctx, path, tmp)
		if err != nil || stable || attempt == 3 {
			return v, err
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
		_ = os.RemoveAll(tmp) // our own check copies
		if err := os.Mkdir(tmp, 0o700); err != nil {
			return nil, err
		}
	}
}

func checkOnce(ctx context.Context, path, tmp string) (v *verdict, stable bool, err error) {
	v = &verdict{}
	sig := sigOf(path)
	defer func() { stable = sig == sigOf(path) }()
	wrap := func(msg string, err error) error {
		return &Error{What: "作業データ", Path: path, Msg: msg, Err: err}
	}
	fi, err := os.Stat(path)
	absent := errors.Is(err, os.ErrNotExist)
	if err != nil && !absent {
		return nil, false, wrap("読み取れません（権限を確認してください）", err)
	}
	if absent || fi.Size() == 0 {
		rec, rerr := readRecord(path)
		switch {
		case rerr == errNoRecord && len(snapshotFiles(path)) > 0:
			// Both gone, but snapshots show there was work: not a new start.
			v.damage = &DamageError{Kind: DamageMissing, Expected: -1, Found: 0}
		case rerr == errNoRecord:
			v.fix = true
		case rerr != nil:
			v.damage = &DamageError{Kind: DamageRecord, Detail: rerr.Error(), Found: 0}
		case rec.claims() > 0:
			v.damage = &DamageError{Kind: DamageMissing, Expected: rec.claims(), Found: 0}
		}
		v.rec = rec
		return v, false, nil
	}
	if err := isSQLite(path); err != nil {
		rec, rerr := readRecord(path)
		if rerr == errNoRecord || rerr == nil && rec.claims() == 0 {
			v.foreign = err
			return v, false, nil
		}
		v.damage = &DamageError{Kind: DamageCorrupt, Detail: err.Error(), Found: -1}
		if rec != nil {
			v.damage.Expected = rec.claims()
		}
		return v, false, nil
	}
	v.copy = filepath.Join(tmp, "check.db")
	for _, suf := range sidecars[:2] {
		err := copyFile(v.copy+suf, path+suf)
		if suf != "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, false, wrap("検査のために写せません", err)
		}
	}
	// The record is read after the copy: Append writes it before it
	// commits, so it is never behind the copy.
	rec, rerr := readRecord(path)
	in, err := inspect(ctx, v.copy)
	if err != nil {
		return nil, false, wrap("検査できません", err)
	}
	v.in, v.rec = in, rec
	expected := 0
	if rec != nil {
		expected = rec.claims()
	}
	switch {
	case in.bad != "":
		v.damage = &DamageError{Kind: DamageCorrupt, Detail: in.bad, Expected: expected, Found: -1}
	case rerr == errNoRecord:
		// A working copy from before the record existed (version 1), or
		// one without changes, is taken as it is; one that should have
		// had a record has lost it.
		if in.version >= 2 && in.total > 0 {
			v.damage = &DamageError{Kind: DamageRecord, Detail: "記録がありません", Expected: -1, Found: in.total}
		}
		v.fix = true
	case rerr != nil:
		v.damage = &DamageError{Kind: DamageRecord, Detail: rerr.Error(), Expected: -1, Found: in.total}
	default:
		for h, e := range rec.Files {
			d := in.states[h]
			switch d {
			case e.State:
			case e.Prev:
				v.fix = true // an Append was interrupted before it committed
			default:
				v.damage = &DamageError{Kind: DamageMismatch, Detail: fmt.Sprintf("ファイル %.12s: 記録 %d 件、作業データ %d 件", h, e.Changes, d.Changes), Expected: expected, Found: in.total}
			}
			if e.Changes == 0 {
				v.fix = true
			}
		}
		for h, d := range in.states {
			if _, ok := rec.Files[h]; !ok && v.damage == nil {
				v.damage = &DamageError{Kind: DamageMismatch, Detail: fmt.Sprintf("ファイル %.12s: 記録になく、作業データに %d 件", h, d.Changes), Expected: expected, Found: in.total}
			}
		}
	}
	return v, false, nil
}

// isSQLite refuses a file that is not an SQLite database, before the driver
// can misread or overwrite it.
func isSQLite(path string) error {
	f, err := os.Open(path) // #nosec G304 -- the workspace the user configured
	if err != nil {
		return &Error{What: "作業データ", Path: path, Msg: "読み取れません（権限を確認してください）", Err: err}
	}
	defer func() { _ = f.Close() }() // read-only
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n < 16 || string(head) != "SQLite format 3\x00" {
		return &Error{What: "作業データ", Path: path, Msg: "SQLite のデータベースではありません（別のファイルか、壊れています）。ファイルを確認してください。何も変更していません"}
	}
	return nil
}

// settle moves the damaged files aside and finds what the working copy can
// be restored to.
func (v *verdict) settle(ctx context.Context, path, tmp string, now time.Time) error {
	e := v.damage
	e.Path = path
	// The unsent audit entries first: once moved aside, nothing reads them.
	var err error
	if v.copy != "" {
		e.SpoolCarried, e.SpoolLost, err = carryFrom(ctx, v.copy, path)
	} else {
		e.SpoolCarried, e.SpoolLost, err = carryAt(ctx, path, tmp)
	}
	if err != nil {
		e.SpoolLost = -1
		e.Detail += "; 操作記録を引き継げません: " + err.Error()
	}
	// A working copy that passed SQLite's check holds a consistent state
	// (a WAL is replayed up to its last whole commit): when it only lost
	// its record, or lost changes but still holds at least as many as the
	// newest snapshot, it is the best state to offer, so it is kept as a
	// snapshot before it is moved aside.
	if v.in != nil && v.in.bad == "" && v.in.total > 0 && (e.Kind == DamageRecord || e.Kind == DamageMismatch && v.in.total >= newestSnapshotChanges(path)) {
		if err := snapshotFrom(ctx, v.copy, path, now); err != nil {
			e.Detail += "; 控えを作れません: " + err.Error()
		}
	}
	moved, err := moveAside(path, now, e.Kind == DamageRecord)
	e.MovedAside = moved
	if err != nil {
		return &Error{What: "作業データ", Path: path, Msg: "壊れたファイルを別名にできません（" + e.Error() + "）", Err: err}
	}
	e.snapshots, _ = ListSnapshots(ctx, path) // none readable: offered none
	return e
}

// moveAside renames the working copy's files (and the record, when it is
// the damaged part) to NAME.damaged-YYYYMMDD-HHMMSS: a rename keeps every
// byte as it was.
func moveAside(path string, now time.Time, withRecord bool) ([]string, error) {
	names := []string{path, path + "-wal", path + "-shm"}
	if withRecord {
		names = append(names, recordPath(path))
	}
	stamp := now.Format("20060102-150405")
	var moved []string
	for _, n := range names {
		if _, err := os.Lstat(n); errors.Is(err, os.ErrNotExist) {
			continue
		}
		to := n + ".damaged-" + stamp
		for i := 2; ; i++ {
			if _, err := os.Lstat(to); errors.Is(err, os.ErrNotExist) {
				break
			}
			to = fmt.Sprintf("%s.damaged-%s-%d", n, stamp, i)
		}
		if err := os.Rename(n, to); err != nil {
			return moved, err
		}
		moved = append(moved, to)
	}
	return moved, nil
}

// OpenChecked opens the working copy at path after checking it against its
// record (see check). A damaged one yields a *DamageError and is not
// opened; a file that is no SQLite database at all, with no record of
// changes, is refused untouched (*Error).
func OpenChecked(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	removeStaleTemps(path)
	tmp, err := tempDir(path)
	if err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "フォルダを作れません", Err: err}
	}
	defer func() { _ = os.RemoveAll(tmp) }() // our own check copies
	v, err := check(ctx, path, tmp)
	switch {
	case err != nil:
		return nil, err
	case v.damage != nil:
		return nil, v.settle(ctx, path, tmp, now())
	case v.foreign != nil:
		return nil, v.foreign
	}
	s, err := open(ctx, path, now)
	if err != nil {
		return nil, err
	}
	if err := s.adopt(ctx, v); err != nil {
		_ = s.db.Close() // already failing
		return nil, err
	}
	if err := s.takeCarried(ctx); err != nil {
		_ = s.db.Close() // already failing
		return nil, err
	}
	// Count from the newest snapshot, not from this process's start: a
	// clerk whose program is killed every 40 changes still gets snapshots.
	if v.in != nil {
		s.sinceSnap = max(0, v.in.total-newestSnapshotChanges(path))
	}
	return s, nil
}

// adopt brings the record and the kept hashes up to date after a check that
// passed: a working copy from before the record, a new one, or one whose
// last Append was cut short.
func (s *Store) adopt(ctx context.Context, v *verdict) error {
	legacy := v.in != nil && v.in.version < 2 && v.in.total > 0
	if !legacy && !v.fix {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("作業データの記録を更新できません", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	if legacy {
		for h, st := range v.in.states {
			if _, err := tx.ExecContext(ctx, `UPDATE files SET nchanges = ?, chain = ? WHERE hash = ?`, st.Changes, st.Last, h); err != nil {
				return s.wrap("作業データの記録を更新できません", err)
			}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT hash, nchanges, chain FROM files WHERE nchanges > 0`)
	if err != nil {
		return s.wrap("作業データの記録を更新できません", err)
	}
	rec := &record{Files: map[string]*entry{}}
	for rows.Next() {
		var h string
		var st State
		if err := rows.Scan(&h, &st.Changes, &st.Last); err != nil {
			_ = rows.Close() // already failing
			return s.wrap("作業データの記録を更新できません", err)
		}
		rec.Files[h] = &entry{State: st, Prev: st}
	}
	if err := rows.Close(); err != nil {
		return s.wrap("作業データの記録を更新できません", err)
	}
	if err := writeRecord(s.path, rec); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("作業データの記録を更新できません", err)
	}
	return nil
}

// Restore makes the snapshot the working copy at path and opens it. Files
// still at path are moved aside first (nothing is overwritten), and the
// record is written anew to match the snapshot.
func Restore(ctx context.Context, path string, snap Snapshot, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	tmp, err := tempDir(path)
	if err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "フォルダを作れません", Err: err}
	}
	defer func() { _ = os.RemoveAll(tmp) }() // our own check copies
	in, err := inspectCopy(ctx, snap.Path, tmp)
	if err != nil || in.bad != "" || in.version < 2 {
		detail := "版が古すぎます"
		if err != nil {
			detail = err.Error()
		} else if in.bad != "" {
			detail = in.bad
		}
		return nil, &Error{What: "作業データの控え", Path: snap.Path, Msg: "控えが壊れているため戻せません（" + detail + "）。別の控えを選んでください。何も変更していません"}
	}
	if _, _, err := carryAt(ctx, path, tmp); err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "まだ送っていない操作記録を引き継げないため、何も戻していません", Err: err}
	}
	if _, err := moveAside(path, now(), false); err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "今のファイルを別名にできません。何も戻していません", Err: err}
	}
	if err := copyThrough(path, snap.Path); err != nil {
		return nil, err
	}
	rec := &record{Files: map[string]*entry{}}
	for h, st := range in.states {
		rec.Files[h] = &entry{State: st, Prev: st}
	}
	if err := writeRecord(path, rec); err != nil {
		return nil, err
	}
	return OpenChecked(ctx, path, now)
}

// StartFresh begins an empty working copy at path, for when no snapshot can
// be restored: whatever is still at path is moved aside, never deleted, and
// the record starts empty.
func StartFresh(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	tmp, err := tempDir(path)
	if err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "フォルダを作れません", Err: err}
	}
	defer func() { _ = os.RemoveAll(tmp) }() // our own copy
	if _, _, err := carryAt(ctx, path, tmp); err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "まだ送っていない操作記録を引き継げないため、何も変更していません", Err: err}
	}
	if _, err := moveAside(path, now(), false); err != nil {
		return nil, &Error{What: "作業データ", Path: path, Msg: "今のファイルを別名にできません。何も変更していません", Err: err}
	}
	if err := writeRecord(path, &record{Files: map[string]*entry{}}); err != nil {
		return nil, err
	}
	return OpenChecked(ctx, path, now)
}

// staleAfter is how old a temporary file must be before it is taken as left
// behind by a killed process rather than in use by a running one.
var staleAfter = 10 * time.Minute

// removeStaleTemps deletes the temporary files a killed process can leave
// beside the working copy: check copies and half-written records or
// snapshots. They are ours, dot-named, and never the only copy of anything.
func removeStaleTemps(path string) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	for _, pat := range []string{
		filepath.Join(dir, "."+base+".check-*"),
		filepath.Join(dir, "."+base+".state.json.*.tmp"),
		filepath.Join(snapshotDir(path), ".*"),
	} {
		m, _ := filepath.Glob(pat)
		for _, f := range m {
			if fi, err := os.Lstat(f); err == nil && time.Since(fi.ModTime()) > staleAfter {
				_ = os.RemoveAll(f) // best effort: see above
			}
		}
	}
}
