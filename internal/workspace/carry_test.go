package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/review"
)

// spoolFixture is a working copy at dir/ws.db whose spool holds unsent
// entries: 2 sent and deleted, 8 saved with changes before the snapshot
// Close takes, and n more spooled after it (in no snapshot). It returns
// the ids of the unsent entries.
func spoolFixture(t *testing.T, dir string, n int) (string, []string) {
	t.Helper()
	path := filepath.Join(dir, "ws.db")
	ws, err := Open(ctx, path, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	w := s.Batch.Form.Field("weight").Index
	if err := ws.SpoolAudit(ctx, spoolEntry(0), spoolEntry(1)); err != nil {
		t.Fatal(err)
	}
	for i := 2; i < 10; i++ {
		c := review.Change{Seq: i - 1, Group: i - 1, Row: i, Field: w, Key: "weight", Op: review.OpEdit, Step: "edit", Old: "6.5", New: "6.6", User: "clerk1", At: fixedNow()}
		if err := ws.AppendAudited(ctx, s.Batch.Hash, []review.Change{c}, []SpoolEntry{spoolEntry(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.AuditSent(ctx, []string{spoolEntry(0).ID, spoolEntry(1).ID}); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil { // takes the snapshot
		t.Fatal(err)
	}
	if ws, err = Open(ctx, path, fixedNow); err != nil {
		t.Fatal(err)
	}
	var later []SpoolEntry
	for i := 10; i < 10+n; i++ {
		e := spoolEntry(i)
		e.Object += strings.Repeat(" padding", 40) // pages enough to damage some of them
		later = append(later, e)
	}
	if err := ws.SpoolAudit(ctx, later...); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range unsent(t, ws) {
		ids = append(ids, e.ID)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	return path, ids
}

// TestDamagedSpoolIsCarried: a damaged working copy is moved aside; every
// unsent audit entry that can be read from it waits in the next working
// copy (restored or fresh) exactly once, with the snapshot's own, and the
// message says how many were carried and how many could not be read.
func TestDamagedSpoolIsCarried(t *testing.T) {
	const later = 300
	base := t.TempDir()
	_, all := spoolFixture(t, base, later)
	if len(all) != 8+later {
		t.Fatalf("fixture has %d unsent entries", len(all))
	}
	tests := []struct {
		name    string
		damage  func(t *testing.T, path string)
		kind    DamageKind
		restore bool // else start fresh
		all     bool // every unsent entry is readable
		msg     string
	}{
		{"record deleted, restored", func(t *testing.T, p string) { os.Remove(recordPath(p)) }, DamageRecord, true, true,
			"まだ中央に送っていない操作記録 308 件は読み出し"},
		{"record deleted, fresh", func(t *testing.T, p string) { os.Remove(recordPath(p)) }, DamageRecord, false, true,
			"まだ中央に送っていない操作記録 308 件は読み出し"},
		{"garbage in the database, restored", func(t *testing.T, p string) { garbageAt(t, p, 8192, 0.6) }, DamageCorrupt, true, false, ""},
		{"database emptied, fresh", func(t *testing.T, p string) { os.Truncate(p, 0) }, DamageMissing, false, false,
			"読み出せませんでした（残っていた件数も分かりません）"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, base, dir)
			path := filepath.Join(dir, "ws.db")
			tc.damage(t, path)
			_, err := OpenChecked(ctx, path, fixedNow)
			var de *DamageError
			if !errors.As(err, &de) || de.Kind != tc.kind {
				t.Fatalf("got %v, want damage %v", err, tc.kind)
			}
			t.Logf("%s\n(carried %d, lost %d)", err, de.SpoolCarried, de.SpoolLost)
			if tc.all && (de.SpoolCarried != len(all) || de.SpoolLost != 0) {
				t.Errorf("carried %d lost %d, want %d and 0", de.SpoolCarried, de.SpoolLost, len(all))
			}
			if de.SpoolLost >= 0 && de.SpoolCarried+de.SpoolLost != len(all) {
				t.Errorf("carried %d and lost %d of %d", de.SpoolCarried, de.SpoolLost, len(all))
			}
			carried := de.SpoolCarried
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message lacks %q", tc.msg)
			}
			// Opening again before choosing: still the damage, nothing carried twice.
			if _, err := OpenChecked(ctx, path, fixedNow); !errors.As(err, &de) {
				t.Fatalf("second open: %v", err)
			}
			var ws *Store
			if tc.restore {
				snaps := de.Snapshots()
				if len(snaps) == 0 {
					t.Fatal("no snapshot offered")
				}
				ws, err = Restore(ctx, path, snaps[0], fixedNow)
			} else {
				ws, err = StartFresh(ctx, path, fixedNow)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			got := unsent(t, ws)
			seen := map[string]int{}
			for _, e := range got {
				seen[e.ID]++
				if seen[e.ID] > 1 {
					t.Fatalf("%s waits twice", e.ID)
				}
			}
			missing := 0
			for _, id := range all {
				if seen[id] == 0 {
					missing++
				}
			}
			switch {
			case tc.all && (missing > 0 || len(got) != len(all)):
				t.Errorf("%d of %d unsent entries missing, %d waiting", missing, len(all), len(got))
			case len(all)-missing < carried:
				t.Errorf("%d entries carried, %d arrived", carried, len(all)-missing)
			case tc.restore && len(got) < 8:
				t.Errorf("the snapshot's own 8 entries are not all there: %d", len(got))
			}
			if _, err := os.Stat(carryPath(path)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("carry file left: %v", err)
			}
			for _, e := range got[:min(3, len(got))] { // entries keep their contents
				if e.User != "clerk1" || e.Terminal != "PC01" || e.At.IsZero() {
					t.Errorf("entry %+v", e)
				}
			}
		})
	}
}
