package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/store"
)

// authBench is a workbench over the application layer and a real store.
func authBench(t *testing.T) (*Workbench, *store.Store, *clock) {
	t.Helper()
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	st, err := store.Create(context.Background(), filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ap := app.New(st, fixture.Forms(t))
	ap.DoubleCheckOff = true // the GUI has no second-person check flow yet (issue 13: app.StartDoubleCheck …)
	ap.Now = c.now
	a := test.NewTempApp(t)
	w := New(a, Deps{Forms: ap.Forms, App: ap, Now: c.now, IdleLock: 10 * time.Minute})
	t.Cleanup(w.Window().Close)
	// background work (the lock's entry) in place, so a test reads the log
	// after it; gateBench keeps it off the UI goroutine
	w.runSync = true
	return w, st, c
}

func auditOf(t *testing.T, st *store.Store, f audit.Filter) []audit.Event {
	t.Helper()
	var out []audit.Event
	if err := st.View(context.Background(), func(tx app.Tx) error {
		var err error
		out, err = tx.Audit(context.Background(), f)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

var passwords = map[string]string{"admin1": fixture.AdminPW, "clerk1": fixture.ClerkPW, "boss": fixture.BossPW}

// fill types into the on-screen form's entries in order and submits it.
func fill(t *testing.T, w *Workbench, values ...string) {
	t.Helper()
	if w.loginForm == nil {
		t.Fatal("no form on screen")
	}
	for i, v := range values {
		w.loginForm.Items[i].Widget.(*widget.Entry).SetText(v)
	}
	w.loginForm.OnSubmit()
}

// addUsers adds clerk1 and boss once admin1 exists.
func addUsers(t *testing.T, w *Workbench) {
	t.Helper()
	ctx := context.Background()
	admin, err := w.deps.App.Login(ctx, "T", "admin1", fixture.AdminPW)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ n, r string }{{"clerk1", auth.Clerk}, {"boss", auth.Supervisor}} {
		if err := w.deps.App.AddUser(ctx, admin, u.n, []string{u.r}, passwords[u.n]); err != nil {
			t.Fatal(err)
		}
	}
}

func userCount(t *testing.T, w *Workbench) int {
	t.Helper()
	first, err := w.deps.App.NeedsSetup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if first {
		return 0
	}
	return 1
}

func TestFirstRunSetupAndLogin(t *testing.T) {
	w, st, _ := authBench(t)
	opened := false
	w.Start(nil)
	w.showLogin(func() { opened = true })
	// first run: the form creates the administrator
	fill(t, w, "admin1", fixture.AdminPW, fixture.AdminPW+"x")
	if userCount(t, w) != 0 {
		t.Fatal("mismatched passwords must not create a user")
	}
	fill(t, w, "admin1", fixture.AdminPW, fixture.AdminPW)
	if userCount(t, w) == 0 {
		t.Fatal("admin not created")
	}
	addUsers(t, w)
	// now the login form
	fill(t, w, "clerk1", "wrong-password")
	if w.user != nil || opened {
		t.Fatal("a wrong password logged in")
	}
	fill(t, w, "clerk1", fixture.ClerkPW)
	if w.user == nil || w.user.Name != "clerk1" || !opened {
		t.Fatalf("login: %+v", w.user)
	}
	if w.win.Content() != w.main {
		t.Fatal("the workbench should show after login")
	}
	ev := auditOf(t, st, audit.Filter{User: "clerk1"})
	kinds := ""
	for _, e := range ev {
		kinds += e.Kind + " "
	}
	if !strings.Contains(kinds, audit.LoginFailed) || !strings.Contains(kinds, audit.Login+" ") {
		t.Fatalf("login events: %s", kinds)
	}
}

func loginAs(t *testing.T, w *Workbench, name string) {
	t.Helper()
	ctx := context.Background()
	if userCount(t, w) == 0 {
		if err := w.deps.App.Setup(ctx, "T", "admin1", fixture.AdminPW); err != nil {
			t.Fatal(err)
		}
		addUsers(t, w)
	}
	w.showLogin(func() {})
	fill(t, w, name, passwords[name])
	if w.user == nil || w.user.Name != name {
		t.Fatalf("login as %s failed", name)
	}
}

func TestIdleLockKeepsTheReview(t *testing.T) {
	w, st, c := authBench(t)
	loginAs(t, w, "clerk1")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.grid.moveTo(3, wf)
	key(sh.grid, fyne.KeyF2)
	sh.editor.SetText("6.66")
	c.t = c.t.Add(9 * time.Minute)
	w.checkIdle()
	if w.locked {
		t.Fatal("locked too early")
	}
	c.t = c.t.Add(2 * time.Minute)
	w.checkIdle()
	if !w.locked || w.win.Content() == w.main {
		t.Fatal("idle for 11 minutes must lock")
	}
	if sh.session.Value(3, wf) == "6.66" {
		t.Fatal("an edit in progress must not be saved by the lock")
	}
	fill(t, w, "wrong-password")
	if !w.locked {
		t.Fatal("unlocked with a wrong password")
	}
	fill(t, w, fixture.ClerkPW)
	if w.locked || w.win.Content() != w.main || w.active() != sh {
		t.Fatal("unlock must return to the same review")
	}
	if r, f, _ := sh.pos(); r != 3 || f != wf {
		t.Errorf("cursor moved to %d/%d", r, f)
	}
	ev := auditOf(t, st, audit.Filter{User: "clerk1"})
	var kinds []string
	for _, e := range ev {
		kinds = append(kinds, e.Kind)
	}
	got := strings.Join(kinds, " ")
	for _, k := range []string{audit.FileOpened, audit.Lock, audit.LoginFailed, audit.Unlock} {
		if !strings.Contains(got, k) {
			t.Errorf("missing %s in %s", k, got)
		}
	}
}

func TestRolesInTheWorkbench(t *testing.T) {
	w, _, _ := authBench(t)
	loginAs(t, w, "admin1")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err == nil || len(w.sheets) != 0 {
		t.Fatal("an administrator without a health role must not open health data")
	}
	// clerk: open and edit 氏名カナ; the log holds the field and the
	// 宛名番号, never the old or the new name
	w2, st2, _ := authBench(t)
	loginAs(t, w2, "clerk1")
	if err := w2.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w2.active()
	kf := sh.session.Batch.Form.Field("kana_name").Index
	oldName := sh.session.Value(2, kf)
	const newName = "テストヘンコウメイ"
	sh.grid.moveTo(2, kf)
	key(sh.grid, fyne.KeyF2)
	sh.editor.SetText(newName)
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if sh.session.Value(2, kf) != newName {
		t.Fatalf("the edit did not land: %q", sh.session.Value(2, kf))
	}
	key(sh.grid, fyne.KeyF6)
	ev := auditOf(t, st2, audit.Filter{Kind: audit.CellChanged})
	if len(ev) != 1 || !strings.Contains(ev[0].Object, "field kana_name") || !strings.Contains(ev[0].Object, "宛名番号 "+sh.session.Batch.Value(2, 0)) || ev[0].User != "clerk1" {
		t.Fatalf("cell change event %+v", ev)
	}
	for _, e := range auditOf(t, st2, audit.Filter{}) {
		if strings.Contains(e.Object+e.Detail, newName) || oldName != "" && strings.Contains(e.Object+e.Detail, oldName) {
			t.Fatalf("the name is in the log: %+v", e)
		}
	}
	if conf := auditOf(t, st2, audit.Filter{Kind: audit.Confirmed}); len(conf) != 1 {
		t.Fatalf("confirm events %d", len(conf))
	}
	// a clerk cannot submit with errors left; the button says so by being off
	w2.refreshStatus()
	if !w2.submitBtn.Disabled() {
		t.Fatal("clerk with errors left: 送信 must be disabled")
	}
	// a supervisor may (the submitter then asks for the reason)
	w3, _, _ := authBench(t)
	loginAs(t, w3, "boss")
	w3.OpenPath(testdata("samples/m4-exam.csv"))
	if w3.submitBtn.Disabled() {
		t.Fatal("supervisor: 送信 should be available to override with a reason")
	}
	// the chain of everything that happened is intact
	admin, err := w2.deps.App.Login(context.Background(), "T", "admin1", fixture.AdminPW)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := w2.deps.App.AuditVerify(context.Background(), admin, nil); err != nil || !v.OK() {
		t.Fatalf("audit chain: %+v %v", v, err)
	}
}

func TestAdminRefusedHealthExports(t *testing.T) {
	w, st, _ := authBench(t)
	loginAs(t, w, "admin1")
	w.showExport()
	w.OpenPath(testdata("samples/m4-exam.csv"))
	ev := auditOf(t, st, audit.Filter{Kind: audit.Denied, User: "admin1"})
	var objs []string
	for _, e := range ev {
		objs = append(objs, e.Object)
	}
	if got := strings.Join(objs, ","); !strings.Contains(got, string(auth.ExportImport)) || !strings.Contains(got, string(auth.OpenFile)) {
		t.Fatalf("refusals logged: %s", got)
	}
}
