package app_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"kenshin/internal/fixture"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// TestDamagedWorkingCopyShipsItsSpoolOnce: entries spooled while offline
// and in no snapshot are carried out of a damaged working copy into the
// restored (or fresh) one, shipped, and arrive once; entries the restored
// snapshot brings back although they were shipped are skipped by id.
func TestDamagedWorkingCopyShipsItsSpoolOnce(t *testing.T) {
	for _, tt := range []struct {
		name    string
		restore bool // from the snapshot holding the shipped entries; else start fresh
	}{
		{"restored from a snapshot", true},
		{"started fresh", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, st := newApp(t)
			u := fixture.SetUp(t, a)
			path := filepath.Join(t.TempDir(), "ws", "work.db")
			csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 10, Seed: 9})

			term, sw := terminal(t, a, st)
			ws, err := workspace.Open(ctx, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			wc := workcopy.Adapter{Store: ws}
			rv, err := term.OpenReview(ctx, u.Clerk, wc, csv, "")
			if err != nil {
				t.Fatal(err)
			}
			w := rv.Batch.Form.Field("weight").Index
			for i := range 5 {
				if err := rv.Edit(ctx, i, w, "7.77", ""); err != nil {
					t.Fatal(err)
				}
			}
			if err := ws.Snapshot(ctx); err != nil { // holds the 6 entries, shipped next
				t.Fatal(err)
			}
			if n, err := term.ShipAudit(ctx); err != nil || n != 6 {
				t.Fatalf("ship: %d %v", n, err)
			}
			sw.down.Store(true)
			for range 4 { // offline, in no snapshot
				if _, err := term.OpenReview(ctx, u.Clerk, wc, csv, ""); err != nil {
					t.Fatal(err)
				}
			}
			waiting, err := ws.UnsentAudit(ctx, 100)
			if err != nil || len(waiting) != 4 {
				t.Fatalf("%d waiting, %v", len(waiting), err)
			}
			term.Close()
			if err := ws.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(path + ".state.json"); err != nil { // the record lost: damage
				t.Fatal(err)
			}

			_, err = workspace.OpenChecked(ctx, path, nil)
			var de *workspace.DamageError
			if !errors.As(err, &de) || de.SpoolCarried != 4 || de.SpoolLost != 0 {
				t.Fatalf("got %v; want a damage carrying 4 entries", err)
			}
			var ws2 *workspace.Store
			if tt.restore {
				snaps := de.Snapshots()
				ws2, err = workspace.Restore(ctx, path, snaps[len(snaps)-1], nil) // the older one, without the 4
			} else {
				ws2, err = workspace.StartFresh(ctx, path, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer ws2.Close()
			term2, _ := terminal(t, a, st)
			n, err := term2.ShipAudit(ctx, workcopy.Adapter{Store: ws2})
			if err != nil || n != 4 {
				t.Fatalf("ship after %s: %d new, %v; want 4", tt.name, n, err)
			}
			if left, _ := ws2.PendingAudit(ctx); left != 0 {
				t.Errorf("%d entries still wait", left)
			}
			seen := map[string]int{}
			for _, e := range events(t, st, "") {
				if e.SpoolID != "" {
					seen[e.SpoolID]++
				}
			}
			for _, e := range waiting {
				if seen[e.ID] != 1 {
					t.Errorf("carried entry %s is in the central log %d times", e.ID, seen[e.ID])
				}
			}
			if len(seen) != 10 {
				t.Errorf("%d spooled entries in the central log, want 10", len(seen))
			}
			for id, k := range seen {
				if k != 1 {
					t.Errorf("%s arrived %d times", id, k)
				}
			}
		})
	}
}
