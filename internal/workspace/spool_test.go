package workspace

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"kenshin/internal/review"
)

func spoolEntry(i int) SpoolEntry {
	return SpoolEntry{ID: fmt.Sprintf("id-%03d", i), At: time.Date(2026, 5, 1, 9, 0, i, 0, time.UTC), User: "clerk1", Terminal: "PC01",
		Kind: "cell_changed", Object: fmt.Sprintf("file abc row %d field weight 宛名番号 0000%d", i, i), Detail: "step=edit"}
}

func unsent(t *testing.T, ws *Store) []SpoolEntry {
	t.Helper()
	got, err := ws.UnsentAudit(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestSpoolWithTheChange: a change and its audit entries are saved in one
// transaction — both or neither —, wait in order across a reopen, survive
// Forget (the working copy of a submitted file), and go only once sent.
func TestSpoolWithTheChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openReview(t, ws)
	hash := s.Batch.Hash
	w := s.Batch.Form.Field("weight").Index
	change := func(row int) review.Change {
		return review.Change{Seq: row + 1, Group: row + 1, Row: row, Field: w, Key: "weight", Op: review.OpEdit, Step: "edit", Old: "6.5", New: "6.6", User: "clerk1", At: time.Now()}
	}
	steps := []struct {
		name     string
		do       func() error
		wantErr  bool
		changes  int
		spooled  []int
		pendingN int
	}{
		{"opened: an entry alone", func() error { return ws.SpoolAudit(ctx, spoolEntry(0)) }, false, 0, []int{0}, 1},
		{"a change with its entry", func() error {
			return ws.AppendAudited(ctx, hash, []review.Change{change(0)}, []SpoolEntry{spoolEntry(1)})
		}, false, 1, []int{0, 1}, 2},
		{"an entry that cannot be saved takes its change with it", func() error {
			return ws.AppendAudited(ctx, hash, []review.Change{change(1)}, []SpoolEntry{spoolEntry(2), spoolEntry(1)}) // id-001 is taken
		}, true, 1, []int{0, 1}, 2},
		{"two changes, two entries", func() error {
			return ws.AppendAudited(ctx, hash, []review.Change{change(1), change(2)}, []SpoolEntry{spoolEntry(3), spoolEntry(4)})
		}, false, 3, []int{0, 1, 3, 4}, 4},
		{"forget keeps the spool", func() error { return ws.Forget(ctx, hash) }, false, 0, []int{0, 1, 3, 4}, 4},
		{"sent entries go", func() error { return ws.AuditSent(ctx, []string{"id-000", "id-003"}) }, false, 0, []int{1, 4}, 2},
	}
	for _, st := range steps {
		err := st.do()
		if (err != nil) != st.wantErr {
			t.Fatalf("%s: %v", st.name, err)
		}
		var n int
		if err := ws.db.QueryRowContext(ctx, `SELECT count(*) FROM changes`).Scan(&n); err != nil || n != st.changes {
			t.Fatalf("%s: %d changes saved (%v); want %d", st.name, n, err, st.changes)
		}
		var want []SpoolEntry
		for _, i := range st.spooled {
			want = append(want, spoolEntry(i))
		}
		if got := unsent(t, ws); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: spool\n%+v\nwant\n%+v", st.name, got, want)
		}
		if n, err := ws.PendingAudit(ctx); err != nil || n != st.pendingN {
			t.Fatalf("%s: %d pending, %v", st.name, n, err)
		}
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	ws, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ws.Close() }()
	if got := unsent(t, ws); !reflect.DeepEqual(got, []SpoolEntry{spoolEntry(1), spoolEntry(4)}) {
		t.Fatalf("after reopening: %+v", got)
	}
	if got, err := ws.UnsentAudit(ctx, 1); err != nil || len(got) != 1 || got[0].ID != "id-001" {
		t.Fatalf("UnsentAudit(1) = %+v %v; want the oldest", got, err)
	}
}
