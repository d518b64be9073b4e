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

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/store"
)

// authBench is a workbench with a real store holding admin1, clerk1, boss.
func authBench(t *testing.T) (*Workbench, *store.Store, *clock) {
	t.Helper()
	ctx := context.Background()
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "central.db"), store.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := test.NewTempApp(t)
	forms, _ := form.Default()
	w := New(a, Deps{Forms: forms, Auth: st, Now: c.now, IdleLock: 10 * time.Minute})
	t.Cleanup(w.Window().Close)
	return w, st, c
}

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

func addUsers(t *testing.T, st *store.Store) {
	ctx := context.Background()
	admin, err := st.Login(ctx, "admin1", "admin-pass-123", "T", auth.DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ n, r string }{{"clerk1", auth.Clerk}, {"boss", auth.Supervisor}} {
		if err := st.AddUser(ctx, store.Actor{User: admin}, u.n, []string{u.r}, u.n+"-pass-123", auth.DefaultPolicy); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFirstRunSetupAndLogin(t *testing.T) {
	w, st, _ := authBench(t)
	opened := false
	w.Start(nil)
	w.showLogin(func() { opened = true })
	// first run: the form creates the administrator
	fill(t, w, "admin1", "admin-pass-123", "admin-pass-124")
	if n, _ := st.UserCount(context.Background()); n != 0 {
		t.Fatal("mismatched passwords must not create a user")
	}
	fill(t, w, "admin1", "admin-pass-123", "admin-pass-123")
	if n, _ := st.UserCount(context.Background()); n != 1 {
		t.Fatal("admin not created")
	}
	addUsers(t, st)
	// now the login form
	fill(t, w, "clerk1", "wrong-password")
	if w.user != nil || opened {
		t.Fatal("a wrong password logged in")
	}
	fill(t, w, "clerk1", "clerk1-pass-123")
	if w.user == nil || w.user.Name != "clerk1" || !opened {
		t.Fatalf("login: %+v", w.user)
	}
	if w.win.Content() != w.main {
		t.Fatal("the workbench should show after login")
	}
	ev, _ := st.Audit(context.Background(), store.AuditFilter{User: "clerk1"})
	kinds := ""
	for _, e := range ev {
		kinds += e.Kind + " "
	}
	if !strings.Contains(kinds, audit.LoginFailed) || !strings.Contains(kinds, audit.Login+" ") {
		t.Fatalf("login events: %s", kinds)
	}
}

func loginAs(t *testing.T, w *Workbench, st *store.Store, name string) {
	t.Helper()
	ctx := context.Background()
	if n, _ := st.UserCount(ctx); n == 0 {
		st.AddUser(ctx, store.Actor{}, "admin1", []string{auth.Admin}, "admin-pass-123", auth.DefaultPolicy)
		addUsers(t, st)
	}
	w.showLogin(func() {})
	pw := name + "-pass-123"
	if name == "admin1" {
		pw = "admin-pass-123"
	}
	fill(t, w, name, pw)
	if w.user == nil || w.user.Name != name {
		t.Fatalf("login as %s failed", name)
	}
}

func TestIdleLockKeepsTheReview(t *testing.T) {
	w, st, c := authBench(t)
	loginAs(t, w, st, "clerk1")
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
	fill(t, w, "clerk1-pass-123")
	if w.locked || w.win.Content() != w.main || w.active() != sh {
		t.Fatal("unlock must return to the same review")
	}
	if r, f, _ := sh.pos(); r != 3 || f != wf {
		t.Errorf("cursor moved to %d/%d", r, f)
	}
	ev, _ := st.Audit(context.Background(), store.AuditFilter{User: "clerk1"})
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
	w, st, _ := authBench(t)
	loginAs(t, w, st, "admin1")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err == nil || len(w.sheets) != 0 {
		t.Fatal("an administrator without a health role must not open health data")
	}
	// clerk: open and edit; audit holds old → new with the 宛名番号, not the record
	w2, st2, _ := authBench(t)
	loginAs(t, w2, st2, "clerk1")
	if err := w2.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w2.active()
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.grid.moveTo(2, wf)
	key(sh.grid, fyne.KeyF2)
	sh.editor.SetText("6.77")
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	key(sh.grid, fyne.KeyF6)
	ev, _ := st2.Audit(context.Background(), store.AuditFilter{Kind: audit.CellChanged})
	if len(ev) != 1 || !strings.Contains(ev[0].Detail, "6.77") || !strings.Contains(ev[0].Object, "宛名番号 "+sh.session.Batch.Value(2, 0)) || ev[0].User != "clerk1" {
		t.Fatalf("cell change event %+v", ev)
	}
	if strings.Contains(ev[0].Object+ev[0].Detail, sh.session.Batch.Value(2, 1)) {
		t.Error("the name must not be logged")
	}
	conf, _ := st2.Audit(context.Background(), store.AuditFilter{Kind: audit.Confirmed})
	if len(conf) != 1 {
		t.Fatalf("confirm events %d", len(conf))
	}
	// a clerk cannot submit with errors left; the button says so by being off
	w2.deps.Submitter = &fakeSubmitter{}
	w2.refreshStatus()
	if !w2.submitBtn.Disabled() {
		t.Fatal("clerk with errors left: 送信 must be disabled")
	}
	// a supervisor may (the submitter then asks for the reason)
	w3, st3, _ := authBench(t)
	loginAs(t, w3, st3, "boss")
	w3.deps.Submitter = &fakeSubmitter{}
	w3.OpenPath(testdata("samples/m4-exam.csv"))
	if w3.submitBtn.Disabled() {
		t.Fatal("supervisor: 送信 should be available to override with a reason")
	}
	// the chain of everything that happened is intact
	if _, p, err := st2.VerifyAudit(context.Background()); p != nil || err != nil {
		t.Fatalf("audit chain: %v %v", p, err)
	}
}

func TestAdminRefusedHealthExports(t *testing.T) {
	w, st, _ := authBench(t)
	loginAs(t, w, st, "admin1")
	w.deps.Exporter = st
	w.showExport()
	w.OpenPath(testdata("samples/m4-exam.csv"))
	ev, _ := st.Audit(context.Background(), store.AuditFilter{Kind: audit.Denied, User: "admin1"})
	var objs []string
	for _, e := range ev {
		objs = append(objs, e.Object)
	}
	if got := strings.Join(objs, ","); !strings.Contains(got, string(auth.ExportImport)) || !strings.Contains(got, string(auth.OpenFile)) {
		t.Fatalf("refusals logged: %s", got)
	}
}
