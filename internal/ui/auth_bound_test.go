package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/workcopy"
)

// gateStore counts the central reads (the gate's round trips) and can
// hang: while held, every transaction waits until it is let go or its
// context ends.
type gateStore struct {
	app.Store
	views   atomic.Int64
	waiting atomic.Int64
	mu      sync.Mutex
	held    chan struct{}
}

func (g *gateStore) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.held = make(chan struct{})
}

func (g *gateStore) letGo() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held != nil {
		close(g.held)
		g.held = nil
	}
}

func (g *gateStore) wait(ctx context.Context) error {
	g.mu.Lock()
	held := g.held
	g.mu.Unlock()
	if held == nil {
		return nil
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case <-held:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gateStore) View(ctx context.Context, fn func(app.Tx) error) error {
	g.views.Add(1)
	if err := g.wait(ctx); err != nil {
		return err
	}
	return g.Store.View(ctx, fn)
}

func (g *gateStore) Update(ctx context.Context, fn func(app.Tx) error) error {
	if err := g.wait(ctx); err != nil {
		return err
	}
	return g.Store.Update(ctx, fn)
}

// stopRetry stops the status bar's retry timer when the test ends: left
// running, it would draw into the next test's window from its goroutine.
func stopRetry(t *testing.T, w *Workbench) {
	t.Cleanup(func() {
		if w.retryStop != nil {
			close(w.retryStop)
			w.retryStop = nil
		}
	})
}

// gateBench is a workbench over gateStore with a real working copy, the
// clerk logged in and the sample file open.
func gateBench(t *testing.T) (*Workbench, *gateStore, *clock, *sheet) {
	t.Helper()
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	st, ws := centralAndWorkspace(t, c)
	gs := &gateStore{Store: st}
	t.Cleanup(gs.letGo)
	ap := app.New(gs, fixture.Forms(t))
	ap.DoubleCheckOff = true
	ap.Now = c.now
	t.Cleanup(ap.Close)
	a := test.NewTempApp(t)
	w := New(a, Deps{Forms: ap.Forms, App: ap, Workspace: workcopy.Adapter{Store: ws}, Now: c.now, IdleLock: 10 * time.Minute})
	t.Cleanup(w.Window().Close)
	stopRetry(t, w)
	loginAs(t, w, "clerk1")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	return w, gs, c, w.active()
}

// TestEditKeysAskTheServerNothing: F7, F6 and typing a value, ten times
// each, make no central read: the local gate goes by the user as last
// read within the bound.
func TestEditKeysAskTheServerNothing(t *testing.T) {
	w, gs, c, sh := gateBench(t)
	s := sh.session
	wf := s.Batch.Form.Field("weight").Index
	gs.views.Store(0)
	for i := range 10 {
		sh.grid.moveTo(i, wf)
		key(sh.grid, fyne.KeyF7)
		key(sh.grid, fyne.KeyF6)
		sh.grid.moveTo(i, wf)
		sh.grid.TypedRune('7')
		typeText(sh.editor, ".5")
		c.t = c.t.Add(time.Second) // past the IME guard; ten of them stay within the bound
		sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if s.Value(i, wf) != "7.5" {
			t.Fatalf("row %d: the edit did not land (%q); the gate said %q", i, s.Value(i, wf), w.gateMsg.Text)
		}
	}
	if n := gs.views.Load(); n != 0 {
		t.Errorf("%d central reads for 30 edit keys; want 0", n)
	}
}

// TestLockScreenShowsWhileTheServerHangs: with a shipment hanging on the
// server, the lock draws the lock screen at once (and records the lock
// later, off the UI goroutine).
func TestLockScreenShowsWhileTheServerHangs(t *testing.T) {
	w, gs, c, sh := gateBench(t)
	wf := sh.session.Batch.Form.Field("weight").Index
	gs.hold()
	sh.grid.moveTo(0, wf)
	sh.grid.TypedRune('8')
	c.t = c.t.Add(time.Second)
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // spooled; the shipment hangs
	for end := time.Now().Add(5 * time.Second); gs.waiting.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("no shipment reached the server")
		}
	}
	done := make(chan struct{})
	go func() {
		w.lock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		gs.letGo()
		<-done
		t.Fatal("the lock waited for the hung server")
	}
	if !w.locked || w.win.Content() == w.main || !w.session.Locked() {
		t.Fatal("the lock screen is not up")
	}
}

// brokenSpool is a working copy whose waiting entries cannot be read (a
// failure other than an outage: every shipment fails).
type brokenSpool struct {
	app.Workspace
	broken atomic.Bool
}

func (b *brokenSpool) UnsentAudit(ctx context.Context, n int) ([]app.Spooled, error) {
	if b.broken.Load() {
		return nil, errors.New("disk unplugged")
	}
	return b.Workspace.UnsentAudit(ctx, n)
}

// TestShipErrorIsToldOnce: a shipment failing for another reason than an
// outage is told in the status line after the next change, once.
func TestShipErrorIsToldOnce(t *testing.T) {
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	st, ws := centralAndWorkspace(t, c)
	bs := &brokenSpool{Workspace: workcopy.Adapter{Store: ws}}
	ap := app.New(st, fixture.Forms(t))
	ap.DoubleCheckOff = true
	ap.Now = c.now
	t.Cleanup(ap.Close)
	w := New(test.NewTempApp(t), Deps{Forms: ap.Forms, App: ap, Workspace: bs, Now: c.now})
	t.Cleanup(w.Window().Close)
	stopRetry(t, w)
	loginAs(t, w, "clerk1")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	wf := sh.session.Batch.Form.Field("weight").Index
	edit := func(row int) {
		sh.grid.moveTo(row, wf)
		sh.grid.TypedRune('7')
		c.t = c.t.Add(time.Second)
		sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	bs.broken.Store(true)
	told := 0
	for i := range 4 {
		edit(i) // the first one's shipment fails
		if i == 0 {
			for end := time.Now().Add(5 * time.Second); ap.ShipError() == nil; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(end) {
					t.Fatal("the shipment did not fail")
				}
			}
		}
		if got := w.message.Text; strings.Contains(got, "操作記録を中央データに送れません") && strings.Contains(got, "disk unplugged") {
			told++
		}
		w.setMessage("")
	}
	if told != 1 {
		t.Errorf("the failure was told after %d of 4 edits; want exactly one", told)
	}
}
