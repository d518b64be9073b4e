package toolsui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/store"
	"kenshin/internal/submission"
)

var ctx = context.Background()

// bench is a real App on a temporary SQLite store with admin1, clerk1,
// boss and clerk2 logged in, and a headless window.
type bench struct {
	a     *app.App
	st    *store.Store
	u     fixture.Users
	c2    *app.Session
	win   fyne.Window
	said  []string
	gated []auth.Action // actions the gate refused
}

func newBench(t *testing.T) *bench {
	t.Helper()
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	a := app.New(st, fixture.Forms(t))
	a.Now = fixture.Now
	b := &bench{a: a, st: st, u: fixture.SetUp(t, a)}
	if err := a.AddUser(ctx, b.u.Admin, "clerk2", []string{auth.Clerk}, "clerk2-pass-123"); err != nil {
		t.Fatal(err)
	}
	if b.c2, err = a.Login(ctx, "T2", "clerk2", "clerk2-pass-123"); err != nil {
		t.Fatal(err)
	}
	fa := test.NewTempApp(t)
	b.win = fa.NewWindow("test")
	b.win.SetContent(widget.NewLabel(""))
	b.win.Resize(fyne.NewSize(1400, 860))
	t.Cleanup(b.win.Close)
	t.Cleanup(func() { // samples are kept per file for the process
		samples.Lock()
		clear(samples.m)
		samples.Unlock()
	})
	return b
}

// env is the Env the workbench would fill for s: the gate asks the app,
// as ui's allow does.
func (b *bench) env(s *app.Session) Env {
	return Env{
		App: b.a, Session: s, Window: b.win,
		Allow: func(act auth.Action) bool {
			if err := b.a.Allow(ctx, s, act); err != nil {
				b.gated = append(b.gated, act)
				return false
			}
			return true
		},
		Say: func(m string) { b.said = append(b.said, m) },
		Now: func() time.Time { return fixture.T0 },
	}
}

// press sends a key to whatever has the keyboard.
func (b *bench) press(t *testing.T, keys ...fyne.KeyName) {
	t.Helper()
	for _, k := range keys {
		f := b.win.Canvas().Focused()
		if f == nil {
			t.Fatalf("nothing has the keyboard for %s", k)
		}
		f.TypedKey(&fyne.KeyEvent{Name: k})
	}
}

// typeText types runes into whatever has the keyboard.
func (b *bench) typeText(t *testing.T, s string) {
	t.Helper()
	f := b.win.Canvas().Focused()
	if f == nil {
		t.Fatalf("nothing has the keyboard for %q", s)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

func (b *bench) events(t *testing.T, kind string) []audit.Event {
	t.Helper()
	var out []audit.Event
	if err := b.st.View(ctx, func(tx app.Tx) error {
		var err error
		out, err = tx.Audit(ctx, audit.Filter{Kind: kind})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// texts is every label and text on screen under o, joined by newlines.
func texts(o fyne.CanvasObject) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Entry:
			out = append(out, v.Text)
		case *canvas.Text:
			out = append(out, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

func loadBatch(t *testing.T, b *bench, id int64) *submission.Batch {
	t.Helper()
	var out *submission.Batch
	if err := b.st.View(ctx, func(tx app.Tx) error {
		var err error
		out, err = tx.LoadBatch(ctx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
