package workspace

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fixture is a working copy left by a clerk's process killed after
// fixtureEdits edits: the first fixtureCheckpoint are in the database file,
// the rest only in its WAL; snapshots were taken at 50, 100 and 150.
const (
	fixtureEdits      = 185
	fixtureCheckpoint = 120
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 30, 10, 15, 0, 0, time.Local) }

const stamp = "20261130-101500"

// TestHelperFixture is the subprocess that makes the fixture: it edits, says
// "ready" and waits to be killed.
func TestHelperFixture(t *testing.T) {
	path := os.Getenv("KENSHIN_FIXTURE")
	if path == "" {
		t.Skip("only run as a subprocess")
	}
	snapshotInBackground = false // snapshots of exactly 50, 100, 150 changes
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One connection that never checkpoints on its own, so the WAL keeps
	// what was written after the explicit checkpoint.
	ws.db.SetMaxOpenConns(1)
	if _, err := ws.db.ExecContext(ctx, "PRAGMA wal_autocheckpoint=0"); err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := range fixtureEdits {
		if i == fixtureCheckpoint {
			if _, err := ws.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("ready")
	select {}
}

// makeFixture runs TestHelperFixture into dir/ws.db and kills it.
func makeFixture(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "ws.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFixture$", "-test.v")
	cmd.Env = append(os.Environ(), "KENSHIN_FIXTURE="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	ready := false
	for sc.Scan() {
		if sc.Text() == "ready" {
			ready = true
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if !ready {
		t.Fatal("fixture helper failed")
	}
	return path
}

// copyTree copies the fixture folder (files and the snapshot folder).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		return copyFile(to, p)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sha(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// garbage overwrites n bytes in the middle of the file.
func garbage(t *testing.T, path string, n int) {
	t.Helper()
	garbageAt(t, path, n, 0.5)
}

// garbageAt overwrites n bytes at the fraction at of the file.
func garbageAt(t *testing.T, path string, n int, where float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < n+8192 {
		t.Fatalf("%s is %d bytes, too small for %d bytes of garbage", path, len(b), n)
	}
	r := rand.New(rand.NewPCG(1, 2))
	at := int(float64(len(b)-n) * where)
	for i := range n {
		b[at+i] = byte(r.Uint32())
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFixtureHoldsChangesInWAL(t *testing.T) {
	path := makeFixture(t, t.TempDir())
	tmp := t.TempDir()
	// The database file alone (no WAL) holds only the checkpointed edits.
	if err := copyFile(filepath.Join(tmp, "db"), path); err != nil {
		t.Fatal(err)
	}
	in, err := inspect(ctx, filepath.Join(tmp, "db"))
	if err != nil || in.bad != "" {
		t.Fatal(err, in.bad)
	}
	if in.total != fixtureCheckpoint {
		t.Fatalf("database file alone holds %d changes, want %d", in.total, fixtureCheckpoint)
	}
	snaps, err := ListSnapshots(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	for _, s := range snaps {
		counts = append(counts, s.Changes)
	}
	if fmt.Sprint(counts) != "[150 100 50]" {
		t.Fatalf("snapshots hold %v changes", counts)
	}
	ws, err := OpenChecked(ctx, path, fixedNow)
	if err != nil {
		t.Fatalf("an undamaged killed working copy must open: %v", err)
	}
	defer ws.Close()
	if n := len(openReview(t, ws).Changes()); n != fixtureEdits {
		t.Fatalf("%d changes, want %d", n, fixtureEdits)
	}
}

// TestDamage damages copies of the fixture each way and asserts the message,
// that the damaged files were moved aside byte for byte, that the offered
// snapshot holds exactly the changes expected, that opening again before a
// restore still reports the damage, and that the restored copy opens clean.
func TestDamage(t *testing.T) {
	base := t.TempDir()
	makeFixture(t, base)
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		kind   DamageKind
		msg    string
		moved  []string // suffixes of the files expected moved aside
		offers int      // changes in the newest good snapshot
	}{
		{"truncated to 0 bytes", func(t *testing.T, p string) { os.Truncate(p, 0) },
			DamageMissing, "がないか空ですが、記録では 185 件の修正がありました", []string{"", "-wal", "-shm"}, 150},
		{"16 KiB garbage in the middle of the database", func(t *testing.T, p string) { garbage(t, p, 16<<10) },
			DamageCorrupt, "が壊れています（検査で異常が見つかりました）", []string{"", "-wal", "-shm"}, 150},
		{"garbage in the middle of the WAL", func(t *testing.T, p string) { garbage(t, p+"-wal", 4096) },
			DamageMismatch, "の修正が記録と合いません（記録では 185 件、作業データには", []string{"", "-wal", "-shm"}, -1},
		{"garbage early in the WAL: the older snapshot holds more", func(t *testing.T, p string) { garbageAt(t, p+"-wal", 4096, 0.1) },
			DamageMismatch, "の修正が記録と合いません（記録では 185 件、作業データには", []string{"", "-wal", "-shm"}, 150},
		{"record deleted", func(t *testing.T, p string) { os.Remove(recordPath(p)) },
			DamageRecord, "がないか読めないため", []string{"", "-wal", "-shm"}, 185},
		{"record overwritten", func(t *testing.T, p string) { os.WriteFile(recordPath(p), []byte("{\"version\":1,\"files\":"), 0o600) },
			DamageRecord, "がないか読めないため", []string{"", "-wal", "-shm", ".state.json"}, 185},
		{"database deleted, record present", func(t *testing.T, p string) { os.Remove(p) },
			DamageMissing, "がないか空ですが、記録では 185 件", []string{"-wal", "-shm"}, 150},
		{"database and record deleted", func(t *testing.T, p string) { os.Remove(p); os.Remove(p + "-wal"); os.Remove(recordPath(p)) },
			DamageMissing, "とその記録がありませんが、控えが残っています", []string{"-shm"}, 150},
		{"newest snapshot damaged too", func(t *testing.T, p string) {
			os.Truncate(p, 0)
			garbage(t, snapshotFiles(p)[0], 8192)
		}, DamageMissing, "記録では 185 件", []string{"", "-wal", "-shm"}, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, base, dir)
			path := filepath.Join(dir, "ws.db")
			tc.damage(t, path)
			before := map[string]string{}
			for _, suf := range []string{"", "-wal", "-shm", ".state.json"} {
				if _, err := os.Stat(path + suf); err == nil {
					before[suf] = sha(t, path+suf)
				}
			}
			snapsBefore := map[string]string{}
			for _, f := range snapshotFiles(path) {
				snapsBefore[f] = sha(t, f)
			}

			_, err := OpenChecked(ctx, path, fixedNow)
			var de *DamageError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a DamageError", err)
			}
			if de.Kind != tc.kind || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "作業データには何も書き込んでいません") {
				t.Fatalf("kind %v, message:\n%s", de.Kind, err)
			}
			t.Logf("%s\n(detail: %s)", err, de.Detail)
			var moved []string
			for _, m := range de.MovedAside {
				suf := strings.TrimPrefix(strings.TrimSuffix(m, ".damaged-"+stamp), path)
				moved = append(moved, suf)
				if got := sha(t, m); got != before[suf] {
					t.Errorf("%s changed when moved aside", m)
				}
				if !strings.Contains(err.Error(), filepath.Base(m)) {
					t.Errorf("message does not name %s", filepath.Base(m))
				}
			}
			if fmt.Sprint(moved) != fmt.Sprint(tc.moved) {
				t.Errorf("moved aside %q, want %q", moved, tc.moved)
			}
			for f, h := range snapsBefore { // snapshots are read, never written
				if _, err := os.Stat(f); err == nil && sha(t, f) != h {
					t.Errorf("snapshot %s changed", f)
				}
			}
			if tc.offers < 0 { // what could be read from the damaged copy
				if de.Found < 150 {
					t.Fatalf("found %d changes in the damaged copy, the newest snapshot has 150", de.Found)
				}
				tc.offers = de.Found
			}
			snaps := de.Snapshots()
			if len(snaps) == 0 || snaps[0].Changes != tc.offers {
				t.Fatalf("offered %+v, want a snapshot of %d changes", snaps, tc.offers)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("（修正 %d 件）から戻せます", tc.offers)) {
				t.Errorf("message does not offer the snapshot: %s", err)
			}

			// Not restored yet: still reported, never a new empty working copy.
			if _, err := OpenChecked(ctx, path, fixedNow); !errors.As(err, &de) {
				t.Fatalf("second open without restoring: %v", err)
			}

			ws, err := Restore(ctx, path, snaps[0], fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			assertEdits(t, ws, tc.offers)
			ws.Close()
			ws, err = OpenChecked(ctx, path, fixedNow)
			if err != nil {
				t.Fatalf("open after restore: %v", err)
			}
			assertEdits(t, ws, tc.offers)
			ws.Close()
		})
	}
}

// assertEdits checks that the working copy holds exactly the fixture's
// first n edits, in order.
func assertEdits(t *testing.T, ws *Store, n int) {
	t.Helper()
	r := openReview(t, ws)
	cs := r.Changes()
	if len(cs) != n {
		t.Fatalf("%d changes, want %d", len(cs), n)
	}
	for k, c := range cs {
		if c.New != editValue(k) || c.Row != k%len(r.Batch.Rows) {
			t.Fatalf("change %d is row %d %q", k, c.Row, c.New)
		}
	}
}

func TestStartFreshKeepsTheDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	path := makeFixture(t, dir)
	os.Truncate(path, 0)
	os.RemoveAll(snapshotDir(path))
	_, err := OpenChecked(ctx, path, fixedNow)
	var de *DamageError
	if !errors.As(err, &de) || len(de.Snapshots()) != 0 || !strings.Contains(err.Error(), "戻せる控えはありません") {
		t.Fatalf("got %v", err)
	}
	ws, err := StartFresh(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	assertEdits(t, ws, 0)
	ws.Close()
	if _, err := os.Stat(path + "-wal.damaged-" + stamp); err != nil {
		t.Fatal("the damaged WAL must stay")
	}
}

// TestKill9NeverLosesSilently kills an editing process at random moments,
// most of them inside Append, again and again on one working copy: each time
// the working copy and its record must agree and hold every edit the process
// had reported done, or the mismatch must be reported.
func TestKill9NeverLosesSilently(t *testing.T) {
	if os.Getenv("KENSHIN_EDITOR") != "" {
		t.Skip("helper")
	}
	rounds := 24
	if testing.Short() {
		rounds = 6
	}
	path := filepath.Join(t.TempDir(), "ws.db")
	r := rand.New(rand.NewPCG(15, 15))
	interrupted := 0
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperContinue$", "-test.v")
		cmd.Env = append(os.Environ(), "KENSHIN_EDITOR="+path)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stopAfter := 3 + r.IntN(60)
		done, seen := -1, 0
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "done "); ok {
				done, _ = strconv.Atoi(n)
				if seen++; seen >= stopAfter {
					break
				}
			}
		}
		// A short random delay moves the kill across every step of Append.
		time.Sleep(time.Duration(r.IntN(3000)) * time.Microsecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if seen < stopAfter {
			t.Fatalf("round %d: helper stopped after %d edits", round, seen)
		}
		rec, _ := readRecord(path)
		ws, err := OpenChecked(ctx, path, nil)
		var de *DamageError
		if errors.As(err, &de) {
			// Reported, not silent; but a plain kill should never cause it.
			t.Fatalf("round %d: a kill was reported as damage: %v", round, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		rv := openReview(t, ws)
		cs := rv.Changes()
		if len(cs) < done+1 {
			t.Fatalf("round %d: %d changes saved, %d reported done", round, len(cs), done+1)
		}
		for _, e := range rec.Files {
			if e.State != e.Prev && len(cs) == e.Prev.Changes {
				interrupted++
			}
		}
		ws.Close()
		// The record now names exactly this state.
		rec, _ = readRecord(path)
		if e := rec.Files[rv.Batch.Hash]; e == nil || e.Changes != len(cs) {
			t.Fatalf("round %d: record %+v, working copy %d changes", round, e, len(cs))
		}
	}
	t.Logf("%d kills, %d of them between writing the record and committing", rounds, interrupted)
	// Snapshots follow the changes across processes that never closed.
	rec, _ := readRecord(path)
	snaps, _ := ListSnapshots(ctx, path)
	if len(snaps) == 0 || rec.claims()-snaps[0].Changes > 2*snapshotEvery {
		t.Fatalf("%d changes, newest snapshots %+v", rec.claims(), snaps)
	}
}

// TestHelperContinue edits on from wherever the working copy stands and says
// "done N" (N counting from the first edit ever) after each edit returns.
func TestHelperContinue(t *testing.T) {
	path := os.Getenv("KENSHIN_EDITOR")
	if path == "" {
		t.Skip("only run as a subprocess")
	}
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	h := s.Batch.Form.Field("height").Index
	for i := len(s.Changes()); ; i++ {
		if err := s.Edit(ctx, i%len(s.Batch.Rows), h, editValue(i), ""); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("done %d\n", i)
	}
}
