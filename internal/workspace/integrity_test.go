package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"kenshin/internal/benchmem"
	"kenshin/internal/review"
	"kenshin/internal/sqlitedb"
)

func TestDefaultPath(t *testing.T) {
	config := func() (string, error) { return "/cfg", nil }
	local := func() (string, error) { return "/local", nil }
	fails := func() (string, error) { return "", errors.New("no home") }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		goos          string
		env           map[string]string
		config, local func() (string, error)
		want          string
		wantErr       bool
	}{
		{"windows", nil, config, local, filepath.Join("/local", "KenshinReview", "workspace.db"), false},
		{"linux", nil, config, local, filepath.Join("/cfg", "KenshinReview", "workspace.db"), false},
		{"darwin", nil, config, local, filepath.Join("/cfg", "KenshinReview", "workspace.db"), false},
		{"windows", map[string]string{"KENSHIN_WORKSPACE": "/x/ws.db"}, config, fails, "/x/ws.db", false},
		{"linux", map[string]string{"KENSHIN_WORKSPACE": "/x/ws.db"}, fails, local, "/x/ws.db", false},
		{"windows", nil, config, fails, "", true},
		{"linux", nil, fails, local, "", true},
	}
	for _, tc := range tests {
		got, err := defaultPath(tc.goos, env(tc.env), tc.config, tc.local)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("%s %v: %q %v, want %q", tc.goos, tc.env, got, err, tc.want)
		}
	}
}

// TestFromRoaming: the working data of an earlier version in the roaming
// profile moves to the local one, and is never left behind for an empty one.
func TestFromRoaming(t *testing.T) {
	tests := []struct {
		name         string
		old, new     bool // a working copy in the folder before
		newDirExists bool
		want         string // "old" or "new"
		wantOldInNew bool   // the old working copy is now in the new folder
	}{
		{"nothing to move", false, false, false, "new", false},
		{"moved", true, false, false, "new", true},
		{"moved already", true, true, true, "new", false},
		{"new folder in the way", true, false, true, "old", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			oldDir := filepath.Join(root, "Roaming", "KenshinReview")
			newDir := filepath.Join(root, "Local", "KenshinReview")
			if tc.old {
				os.MkdirAll(oldDir, 0o700)
				os.WriteFile(filepath.Join(oldDir, "workspace.db"), []byte("old"), 0o600)
				os.WriteFile(filepath.Join(oldDir, "workspace.db.state.json"), []byte("{}"), 0o600)
			}
			if tc.newDirExists {
				os.MkdirAll(newDir, 0o700)
			}
			if tc.new {
				os.WriteFile(filepath.Join(newDir, "workspace.db"), []byte("new"), 0o600)
			}
			got := fromRoaming(oldDir, newDir)
			if want := map[string]string{"old": oldDir, "new": newDir}[tc.want]; got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			b, _ := os.ReadFile(filepath.Join(newDir, "workspace.db"))
			if _, err := os.Stat(filepath.Join(newDir, "workspace.db.state.json")); tc.wantOldInNew && (string(b) != "old" || err != nil) {
				t.Fatalf("new folder holds %q, record %v", b, err)
			}
		})
	}
}

// TestLegacyWorkingCopyIsAdopted: a working copy from before the record
// (schema version 1) opens as it is and gets its record.
func TestLegacyWorkingCopyIsAdopted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	v1, _ := fs.Sub(migrations, "migrations")
	body, _ := fs.ReadFile(v1, "0001_init.sql")
	db, err := sqlitedb.Open(ctx, path, fstest.MapFS{"0001_init.sql": {Data: body}}, sqlitedb.Options{What: "作業データ"})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `INSERT INTO files (hash, path, form, rows, opened_at, opened_by) VALUES ('h1', 'a.csv', 'm4-exam', 3, '', 'u')`)
	for i := range 3 {
		mustExec(t, db, fmt.Sprintf(`INSERT INTO changes VALUES ('h1', %d, %d, 0, 1, 'weight', 'edit', 'review', '', '6.%d', '', 'u', '2026-01-01T00:00:00Z')`, i+1, i+1, i))
	}
	db.Close()

	ws, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatalf("legacy working copy: %v", err)
	}
	_, saved, err := ws.Resume(ctx, File{Hash: "h1", Path: "a.csv", Form: "m4-exam", Rows: 3}, "u")
	if err != nil || len(saved) != 3 {
		t.Fatalf("%d changes, %v", len(saved), err)
	}
	if err := ws.Journal("h1").Append(ctx, review.Change{Seq: 4, Group: 4, Field: 1, Key: "weight", Op: "edit", New: "7.0", User: "u", At: fixedNow()}); err != nil {
		t.Fatal(err)
	}
	ws.Close()
	rec, err := readRecord(path)
	if err != nil || rec.Files["h1"].Changes != 4 {
		t.Fatalf("record %+v %v", rec, err)
	}
	ws, err = OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
}

// mustExec is a test shorthand.
func mustExec(t *testing.T, db *sqlitedb.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

func TestForgetRemovesSnapshotsAndRecord(t *testing.T) {
	inLine(t)
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := range 60 {
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if snaps, _ := ListSnapshots(ctx, path); len(snaps) != 1 || snaps[0].Changes != 50 || snaps[0].Files[s.Batch.Hash] != 50 {
		t.Fatalf("snapshots %+v", snaps)
	}
	if err := ws.Forget(ctx, s.Batch.Hash); err != nil {
		t.Fatal(err)
	}
	snaps, _ := ListSnapshots(ctx, path)
	if len(snaps) != 1 || snaps[0].Changes != 0 {
		t.Fatalf("after Forget the snapshots still hold the file: %+v", snaps)
	}
	ws.Close()
	ws, err = OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatalf("open after Forget: %v", err)
	}
	ws.Close()
	if rec, _ := readRecord(path); len(rec.Files) != 0 {
		t.Fatalf("record still names the forgotten file: %+v", rec.Files)
	}
}

func TestSnapshotsRollAndCloseTakesOne(t *testing.T) {
	inLine(t)
	path := filepath.Join(t.TempDir(), "ws.db")
	clock := fixedNow()
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	ws, err := OpenChecked(ctx, path, now)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := range 7*snapshotEvery + 3 {
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	snaps, _ := ListSnapshots(ctx, path)
	var got []int
	for _, sn := range snaps {
		got = append(got, sn.Changes)
		if fi, _ := os.Stat(sn.Path); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v", sn.Path, fi.Mode())
		}
	}
	if fmt.Sprint(got) != "[353 350 300 250 200]" {
		t.Fatalf("snapshots %v", got)
	}
	if fi, _ := os.Stat(snapshotDir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("snapshot folder is %v", fi.Mode())
	}
	if fi, _ := os.Stat(recordPath(path)); fi.Mode().Perm() != 0o600 {
		t.Errorf("record is %v", fi.Mode())
	}
}

// inLine makes snapshots be taken in line for this test, so that their
// change counts are exact.
func inLine(t testing.TB) {
	old := snapshotInBackground
	snapshotInBackground = false
	t.Cleanup(func() { snapshotInBackground = old })
}

// TestSnapshotsInBackground: snapshots taken while the clerk goes on editing
// each pass their check and follow the changes; Forget right after a due
// snapshot leaves no snapshot holding the forgotten file.
func TestSnapshotsInBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := OpenChecked(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := range 4*snapshotEvery + 7 {
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	snaps, _ := ListSnapshots(ctx, path)
	if len(snaps) < 2 || snaps[0].Changes != 4*snapshotEvery+7 || len(snaps) != len(snapshotFiles(path)) {
		t.Fatalf("snapshots %+v", snaps)
	}
	for i, sn := range snaps {
		if n, _ := snapshotChanges(sn.Path); n != sn.Changes || i > 0 && sn.Changes > snaps[i-1].Changes {
			t.Fatalf("snapshot %s holds %d changes", sn.Path, sn.Changes)
		}
	}

	ws, err = OpenChecked(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s = openReview(t, ws)
	for i := range snapshotEvery { // the last one makes a snapshot due
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i+500), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Forget(ctx, s.Batch.Hash); err != nil {
		t.Fatal(err)
	}
	ws.Close()
	snaps, _ = ListSnapshots(ctx, path)
	if len(snaps) != len(snapshotFiles(path)) {
		t.Fatal("a snapshot fails its check")
	}
	for _, sn := range snaps {
		if sn.Files[s.Batch.Hash] != 0 {
			t.Fatalf("%s still holds the forgotten file", sn.Path)
		}
	}
}

// TestAppendRefusesWhenTheRecordDisagrees: damage that happens while the
// program runs stops the next change instead of being written over.
func TestAppendRefusesWhenTheRecordDisagrees(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := range 3 {
		s.Edit(ctx, i, h, editValue(i), "")
	}
	rec, _ := readRecord(path)
	rec.Files[s.Batch.Hash].Changes, rec.Files[s.Batch.Hash].Prev.Changes = 9, 8
	writeRecord(path, rec)
	err = s.Edit(ctx, 4, h, editValue(4), "")
	if err == nil || !strings.Contains(err.Error(), "記録（9 件）と合いません") {
		t.Fatalf("got %v", err)
	}
	if s.Value(4, h) == editValue(4) {
		t.Fatal("an unsaved edit must not be applied")
	}
}

// TestTwoProgramsShareTheRecord: two stores on one working copy (the GUI
// and kenshinctl) append in turn; the record follows both.
func TestTwoProgramsShareTheRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	a, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	sa := openReview(t, a)
	b, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	b.Resume(ctx, File{Hash: "other", Path: "b.csv", Form: "m4-exam", Rows: 1}, "u")
	h := sa.Batch.Form.Field("height").Index
	for i := range 10 {
		if err := sa.Edit(ctx, i, h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
		if err := b.Journal("other").Append(ctx, review.Change{Seq: i + 1, Group: i + 1, Op: "edit", New: fmt.Sprint(i), At: fixedNow()}); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	b.Close()
	rec, _ := readRecord(path)
	if rec.Files["other"].Changes != 10 || rec.Files[sa.Batch.Hash].Changes != 10 {
		t.Fatalf("record %+v", rec.Files)
	}
	ws, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
}

func TestForeignFileWithRecordIsDamage(t *testing.T) {
	dir := t.TempDir()
	path := makeFixture(t, dir)
	os.WriteFile(path, []byte("宛名番号,氏名\n1,テスト\n"), 0o600)
	_, err := OpenChecked(ctx, path, fixedNow)
	var de *DamageError
	if !errors.As(err, &de) || de.Kind != DamageCorrupt {
		t.Fatalf("got %v", err)
	}
}

func FuzzReadRecord(f *testing.F) {
	f.Add([]byte(`{"version":1,"files":{"ab":{"changes":3,"last":"x","prev":{"changes":2,"last":"y"}}}}`))
	f.Add([]byte(`{"version":1,"files":null}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"files":{"ab":null}}`))
	f.Add([]byte(``))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "ws.db")
		if err := os.WriteFile(recordPath(path), data, 0o600); err != nil {
			t.Fatal(err)
		}
		rec, err := readRecord(path)
		if err != nil {
			if rec != nil || !strings.Contains(err.Error(), "記録") {
				t.Fatalf("error %v with record %+v", err, rec)
			}
			return
		}
		_ = rec.claims() // must not panic on whatever was accepted
		b, _ := json.Marshal(rec)
		if err := os.WriteFile(recordPath(path), b, 0o600); err != nil {
			t.Fatal(err)
		}
		again, err := readRecord(path)
		if err != nil || !reflect.DeepEqual(again, rec) {
			t.Fatalf("round trip: %v\n%s", err, bytes.TrimSpace(b))
		}
	})
}

// BenchmarkAppend is the cost of one keystroke's change on a working copy
// that already holds 1,000 changes: without a snapshot, and with one due on
// every change (the cost that one in snapshotEvery changes pays).
func BenchmarkAppend(b *testing.B) {
	for _, bc := range []struct {
		name   string
		every  int
		inLine bool
	}{{"no snapshot due", 1 << 30, false}, {"snapshot due, in line", 1, true}, {"snapshot due, in the background", 1, false}} {
		b.Run(bc.name, func(b *testing.B) {
			if bc.inLine {
				inLine(b)
			}
			old := snapshotEvery
			snapshotEvery = 1 << 30
			defer func() { snapshotEvery = old }()
			path := filepath.Join(b.TempDir(), "ws.db")
			ws, err := OpenChecked(ctx, path, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer ws.Close()
			if _, _, err := ws.Resume(ctx, File{Hash: "h", Path: "a.csv", Form: "m4-exam", Rows: 600}, "u"); err != nil {
				b.Fatal(err)
			}
			j := ws.Journal("h")
			seq := 0
			change := func() review.Change {
				seq++
				return review.Change{Seq: seq, Group: seq, Row: seq % 600, Field: 7, Key: "height", Op: "edit", Step: "review", Old: "65.2", New: fmt.Sprintf("6%d.%d", seq%10, seq%7), User: "clerk", At: time.Now()}
			}
			for range 1000 {
				if err := j.Append(ctx, change()); err != nil {
					b.Fatal(err)
				}
			}
			snapshotEvery = bc.every
			tr := benchmem.Track(b)
			b.ReportAllocs()
			for b.Loop() {
				if err := j.Append(ctx, change()); err != nil {
					b.Fatal(err)
				}
			}
			tr.Report()
			if err := ws.SnapshotError(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkOpenChecked is the check at start-up (copy, quick_check, chains)
// on a working copy of 5,000 changes.
func BenchmarkOpenChecked(b *testing.B) {
	path := filepath.Join(b.TempDir(), "ws.db")
	ws, err := OpenChecked(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := ws.Resume(ctx, File{Hash: "h", Path: "a.csv", Form: "m4-exam", Rows: 600}, "u"); err != nil {
		b.Fatal(err)
	}
	cs := make([]review.Change, 5000)
	for i := range cs {
		cs[i] = review.Change{Seq: i + 1, Group: i + 1, Row: i % 600, Field: 7, Key: "height", Op: "edit", Step: "review", Old: "65.2", New: fmt.Sprintf("6%d.%d", i%10, i%7), User: "clerk", At: time.Now()}
	}
	if err := ws.Journal("h").Append(ctx, cs...); err != nil {
		b.Fatal(err)
	}
	ws.Close()
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		ws, err := OpenChecked(ctx, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		ws.db.Close() // not ws.Close: no snapshot wanted here
	}
	tr.Report()
	fi, _ := os.Stat(path)
	b.ReportMetric(float64(fi.Size())/(1<<20), "db-MB")
}
