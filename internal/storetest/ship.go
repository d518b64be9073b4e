package storetest

// The audit spool cases: entries a terminal spooled while it worked
// offline are shipped to the central store by the application layer
// (app.ShipAudit), once each, in order, whatever crashes in between.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/fixture"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// MemSpool is an in-memory audit spool.
type MemSpool struct {
	mu      sync.Mutex
	Entries []app.Spooled
}

// SpoolAudit appends es.
func (m *MemSpool) SpoolAudit(_ context.Context, es ...app.Spooled) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Entries = append(m.Entries, es...)
	return nil
}

// UnsentAudit is the first n entries.
func (m *MemSpool) UnsentAudit(_ context.Context, n int) ([]app.Spooled, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.Entries[:min(n, len(m.Entries))]), nil
}

// AuditSent drops the entries ids.
func (m *MemSpool) AuditSent(_ context.Context, ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Entries = slices.DeleteFunc(m.Entries, func(e app.Spooled) bool { return slices.Contains(ids, e.ID) })
	return nil
}

// PendingAudit counts the entries.
func (m *MemSpool) PendingAudit(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.Entries), nil
}

// Spooled are n synthetic entries of one terminal, an opening then cell
// changes, acted at Base + i seconds; prefix makes the ids unique.
func Spooled(prefix string, n int) []app.Spooled {
	out := make([]app.Spooled, n)
	for i := range out {
		kind, obj := audit.CellChanged, fmt.Sprintf("file abc row %d field weight 宛名番号 %08d", i, i)
		if i == 0 {
			kind, obj = audit.FileOpened, "file abc ダミー.csv"
		}
		out[i] = app.Spooled{ID: fmt.Sprintf("%s-%04d", prefix, i), At: Base.Add(time.Duration(i) * time.Second), User: "clerk1", Terminal: "PC-spool",
			Kind: kind, Object: obj, Detail: "step=edit"}
	}
	return out
}

// shipped is the log's entries carrying a spool id, in chain order.
func shipped(t *testing.T, st app.Store) []audit.Event {
	t.Helper()
	var out []audit.Event
	must(t, st.View(ctx, func(tx app.Tx) error {
		all, err := tx.Audit(ctx, audit.Filter{})
		for _, e := range all {
			if e.SpoolID != "" {
				out = append(out, e)
			}
		}
		return err
	}))
	return out
}

// checkShipped: the log holds exactly want, once each, in spool order,
// with the action times kept, and the chain verifies.
func checkShipped(t *testing.T, st app.Store, want []app.Spooled) {
	t.Helper()
	got := shipped(t, st)
	if len(got) != len(want) {
		t.Fatalf("%d shipped entries in the log; want %d", len(got), len(want))
	}
	for i, e := range got {
		w := want[i]
		if e.SpoolID != w.ID || !e.At.Equal(w.At) || e.Kind != w.Kind || e.Object != w.Object || e.User != w.User || e.Arrived.IsZero() {
			t.Fatalf("entry %d is %+v; want %+v", i, e, w)
		}
	}
	key, err := st.AuditKey(ctx)
	must(t, err)
	must(t, st.View(ctx, func(tx app.Tx) error {
		all, err := tx.Audit(ctx, audit.Filter{})
		if p := audit.Verify(key, all); p != nil {
			t.Errorf("the chain does not verify after shipping: %v", p)
		}
		return err
	}))
}

// testShipSpool: 21 spooled entries arrive once, in order, sealed on
// arrival after what the log held; shipping again, or the same entries
// spooled again, adds nothing; the store itself refuses a taken spool id.
func testShipSpool(t *testing.T, st app.Store) {
	mustUpdate(t, st, func(tx app.Tx) error {
		key, err := st.AuditKey(ctx)
		if err != nil {
			return err
		}
		return appendEntry(ctx, tx, key, "admin1", audit.Login, "user admin1")
	})
	a := app.New(st, nil)
	a.Now = func() time.Time { return Base.Add(time.Hour) }
	defer a.Close()
	sp := &MemSpool{}
	want := Spooled("t1", 21)
	must(t, sp.SpoolAudit(ctx, want...))
	for i, exp := range []int{21, 0} {
		n, err := a.ShipAudit(ctx, sp)
		if err != nil || n != exp {
			t.Fatalf("shipment %d: %d entries, %v; want %d", i+1, n, err, exp)
		}
	}
	checkShipped(t, st, want)
	got := shipped(t, st)
	if got[0].Seq != 2 || !got[0].Arrived.Equal(Base.Add(time.Hour)) {
		t.Errorf("first shipped entry %+v; want seq 2, arrived an hour after the action", got[0])
	}
	must(t, sp.SpoolAudit(ctx, want[3:9]...)) // a working copy restored from an older snapshot
	if n, err := a.ShipAudit(ctx); err != nil || n != 0 {
		t.Fatalf("reshipping: %d new, %v; want none", n, err)
	}
	checkShipped(t, st, want)
	err := st.Update(ctx, func(tx app.Tx) error {
		last, err := tx.LastAudit(ctx)
		if err != nil {
			return err
		}
		key, err := st.AuditKey(ctx)
		if err != nil {
			return err
		}
		e := got[5]
		audit.Seal(key, last, &e)
		return tx.AppendAudit(ctx, e)
	})
	if err == nil {
		t.Error("the store took a spool id it holds already")
	}
}

// Environment of the shipping helper process.
const envShipWS = "KENSHIN_STORETEST_SHIP_WS"

// shipHelper ships the working copy at wsPath to the store at loc, printing
// "shipping" before and "committed" once the central store committed, then
// waiting to be killed before the local mark.
func shipHelper(r Reopen, loc, wsPath string) int {
	ctx := context.Background()
	st, err := r(ctx, loc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ship helper: open:", err)
		return 3
	}
	ws, err := workspace.Open(ctx, wsPath, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ship helper: workspace:", err)
		return 3
	}
	a := app.New(st, nil)
	fmt.Println("shipping")
	if _, err := a.ShipAudit(ctx, killBeforeMark{workcopy.Adapter{Store: ws}}); err != nil {
		fmt.Fprintln(os.Stderr, "ship helper:", err)
		return 4
	}
	return 5 // not reached: killed in AuditSent
}

// killBeforeMark waits to be killed where the local mark would be made.
type killBeforeMark struct{ workcopy.Adapter }

func (killBeforeMark) AuditSent(context.Context, []string) error {
	fmt.Println("committed")
	time.Sleep(time.Minute)
	return nil
}

// testShipKilled: a terminal killed after the central store committed a
// shipment but before the working copy marked it sent, or killed at once
// when shipping starts, neither loses nor duplicates an entry: the next
// shipment sends what is missing and skips what arrived.
func testShipKilled(t *testing.T, st app.Store) {
	if reopen == nil {
		t.Skip("the backend's TestMain does not call storetest.Main: no helper processes")
	}
	var want []app.Spooled
	for round, line := range []string{"committed", "shipping"} {
		wsPath := filepath.Join(t.TempDir(), "ws", "work.db")
		ws, err := workspace.Open(ctx, wsPath, nil)
		must(t, err)
		wc := workcopy.Adapter{Store: ws}
		es := Spooled(fmt.Sprintf("kill%d", round), 21)
		must(t, wc.SpoolAudit(ctx, es...))
		must(t, ws.Close())
		want = append(want, es...)

		fixture.KillAfter(t, "TestShipKilledHelper", []string{envLoc + "=" + st.Location(), envShipWS + "=" + wsPath}, line, 0)

		ws, err = workspace.Open(ctx, wsPath, nil)
		must(t, err)
		wc = workcopy.Adapter{Store: ws}
		arrived := len(shipped(t, st)) - (len(want) - len(es))
		if arrived != 0 && arrived != len(es) {
			t.Fatalf("round %d: %d of %d entries arrived; want all or none (one transaction)", round, arrived, len(es))
		}
		if line == "committed" && arrived != len(es) {
			t.Fatalf("round %d: killed after the commit, but %d entries arrived", round, arrived)
		}
		if n, _ := wc.PendingAudit(ctx); n != len(es) {
			t.Fatalf("round %d: %d entries left in the working copy; want all %d (never marked)", round, n, len(es))
		}
		a := app.New(st, nil)
		n, err := a.ShipAudit(ctx, wc)
		a.Close()
		must(t, err)
		if n != len(es)-arrived {
			t.Errorf("round %d: the reshipment sent %d; want %d", round, n, len(es)-arrived)
		}
		if left, _ := wc.PendingAudit(ctx); left != 0 {
			t.Errorf("round %d: %d entries still wait", round, left)
		}
		must(t, ws.Close())
		checkShipped(t, st, want)
	}
}
