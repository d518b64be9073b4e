package ui

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/review"
	"kenshin/internal/store"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// flaky is a central store whose server stops taking writes (the
// connection drops between preparing and storing a batch). A server that
// is down for reads too is refused earlier, by app.PrepareSubmit's own
// permission check (reported to the app layer's owner).
type flaky struct {
	app.Store
	down atomic.Bool
}

var errDown = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}

func (f *flaky) Update(ctx context.Context, fn func(app.Tx) error) error {
	if f.down.Load() {
		return errDown
	}
	return f.Store.Update(ctx, fn)
}

// centralAndWorkspace makes a fresh central SQLite store and a working
// copy on clock c, closed when the test ends.
func centralAndWorkspace(t *testing.T, c *clock) (*store.Store, *workspace.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ws, err := workspace.Open(ctx, filepath.Join(t.TempDir(), "ws", "work.db"), c.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return st, ws
}

// TestSubmitQueuesWhenOffline: with the server down a submit keeps the
// batch in the outbox and the file open; the status bar counts it; the
// retry timer runs only while something waits and delivers it once the
// server is back, quietly while it is not; 送信待ちを送る sends on demand.
func TestSubmitQueuesWhenOffline(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	st, ws := centralAndWorkspace(t, c)
	fs := &flaky{Store: st}
	ap := app.New(fs, fixture.Forms(t))
	ap.DoubleCheckOff = true
	ap.Now = c.now
	a := test.NewTempApp(t)
	w := New(a, Deps{Forms: ap.Forms, App: ap, Workspace: workcopy.Adapter{Store: ws}, Now: c.now})
	t.Cleanup(w.Window().Close)
	w.runSync = true // the test driver has no UI goroutine to come back to

	loginAs(t, w, "boss")
	if w.retryStop != nil || w.outboxLabel.Visible() {
		t.Fatal("a retry timer or a count with nothing waiting")
	}
	if menuItems(w)["ファイル > 送信待ちを送る"] == nil {
		t.Fatal("no 送信待ちを送る in the menu")
	}
	if err := w.OpenPath(testdata("samples/m18-dental-survey.csv")); err != nil {
		t.Fatal(err)
	}
	s := w.active().session
	fixture.Clean(t, s)
	w.active().changed()

	// the review's audit entries reach the server first (the shipper runs
	// in the background and nothing waits for it)
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if n, err := ap.PendingAudit(ctx); err == nil && n == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the review's audit entries were not shipped")
		}
	}
	fs.down.Store(true)
	w.submit()
	if w.submitDlg == nil {
		t.Fatal("no submit dialog with the server down")
	}
	w.submitDlg.Confirm()
	if o := w.win.Canvas().Overlays().Top(); o != nil && !strings.Contains(allText(o), app.QueuedMessage) {
		t.Fatalf("submit offline showed %q", allText(o))
	}
	if len(w.sheets) != 1 {
		t.Fatalf("the queued file was closed (%d open)", len(w.sheets))
	}
	if !strings.Contains(w.message.Text, app.QueuedMessage) {
		t.Errorf("message %q", w.message.Text)
	}
	// (the review's own entries were shipped before the server went down;
	// TestUnsentAuditShown covers entries that wait)
	if !strings.HasPrefix(w.outboxLabel.Text, "送信待ち 1 件") || !w.outboxLabel.Visible() {
		t.Errorf("status %q", w.outboxLabel.Text)
	}
	if w.retryStop == nil {
		t.Fatal("no retry timer while a batch waits")
	}
	w.closeDialogs()
	w.retryTick() // the timer's try against the dead server: quiet
	if o := w.win.Canvas().Overlays().Top(); o != nil {
		t.Errorf("a retry against the dead server showed %q", allText(o))
	}
	if w.outboxN != 1 || w.retryStop == nil {
		t.Fatalf("after a failed retry: %d waiting, timer %v", w.outboxN, w.retryStop != nil)
	}

	fs.down.Store(false)
	w.retryTick() // the timer's next try delivers it
	if w.outboxN != 0 || w.retryStop != nil || w.outboxLabel.Visible() {
		t.Errorf("after delivery: %d waiting, timer %v, count shown %v", w.outboxN, w.retryStop != nil, w.outboxLabel.Visible())
	}
	if len(w.sheets) != 0 {
		t.Error("the delivered file is still open")
	}
	bs, err := ap.Batches(ctx, w.session)
	if err != nil || len(bs) != 1 {
		t.Fatalf("stored batches %v %v", bs, err)
	}
}

// TestUnsentAuditShown: the server goes away during review; the edits go
// on (their audit entries wait in the working copy) and the status bar
// says how many entries wait; once the server is back and they are sent,
// the count and its timer go away.
func TestUnsentAuditShown(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	st, ws := centralAndWorkspace(t, c)
	fs := &flaky{Store: st}
	ap := app.New(fs, fixture.Forms(t))
	ap.Now = c.now
	t.Cleanup(ap.Close)
	a := test.NewTempApp(t)
	w := New(a, Deps{Forms: ap.Forms, App: ap, Workspace: workcopy.Adapter{Store: ws}, Now: c.now})
	t.Cleanup(w.Window().Close)
	w.runSync = true

	loginAs(t, w, "clerk1")
	if err := w.OpenPath(testdata("samples/m18-dental-survey.csv")); err != nil {
		t.Fatal(err)
	}
	if _, err := ap.ShipAudit(ctx); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	sh.changed()
	if w.outboxLabel.Visible() || w.retryStop != nil {
		t.Fatalf("server up: count %q shown, timer %v", w.outboxLabel.Text, w.retryStop != nil)
	}

	fs.down.Store(true)
	for i, p := range sh.session.OpenCells()[:3] {
		if err := sh.session.Edit(ctx, p.Row, p.Field, "99", "テスト"); err != nil && !errors.Is(err, review.ErrNothing) {
			t.Fatalf("edit %d with the server down: %v", i, err)
		}
		if i == 0 { // the shipper finds the server gone (in the app, in the background)
			if _, err := ap.ShipAudit(ctx); !app.IsUnreachable(err) {
				t.Fatalf("shipping to the dead server: %v", err)
			}
		}
		sh.changed()
	}
	if !strings.HasPrefix(w.outboxLabel.Text, "操作記録 未送信 ") || !w.outboxLabel.Visible() || w.auditN < 3 {
		t.Fatalf("server down: status %q (%d waiting)", w.outboxLabel.Text, w.auditN)
	}
	if w.retryStop == nil {
		t.Fatal("no timer to update the count while entries wait")
	}

	fs.down.Store(false)
	if _, err := ap.ShipAudit(ctx); err != nil {
		t.Fatal(err)
	}
	w.retryTick()
	if w.outboxLabel.Visible() || w.auditN != 0 || w.retryStop != nil {
		t.Errorf("after shipping: status %q, %d waiting, timer %v", w.outboxLabel.Text, w.auditN, w.retryStop != nil)
	}
}
