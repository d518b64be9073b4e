package app_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/store"
	"kenshin/internal/submission"
)

var ctx = context.Background()

// newApp is the application layer over a fresh store in a temp folder.
func newApp(t *testing.T) (*app.App, *store.Store) {
	t.Helper()
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	a := app.New(st, fixture.Forms(t))
	a.Now = fixture.Now
	a.DoubleCheckOff = true // these tests submit without a second person; tools_test.go turns it on
	return a, st
}

func events(t *testing.T, st *store.Store, kind string) []audit.Event {
	t.Helper()
	var out []audit.Event
	if err := st.View(ctx, func(tx app.Tx) error {
		var err error
		out, err = tx.Audit(ctx, audit.Filter{Kind: kind})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// cheapHash is an argon2id PHC string with tiny memory, so twenty parallel
// checks do not need twenty times 64 MiB.
func cheapHash(pw string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(pw), salt, 1, 64, 1, 32)
	b := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version, b.EncodeToString(salt), b.EncodeToString(key))
}

func TestConcurrentWrongLoginsLockAfterFive(t *testing.T) {
	a, st := newApp(t)
	fixture.SetUp(t, a)
	if err := st.Update(ctx, func(tx app.Tx) error {
		return tx.InsertUser(ctx, &auth.User{Name: "target", Roles: []string{auth.Clerk}, Hash: cheapHash("right-password-1")}, fixture.T0)
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { _, errs[i] = a.Login(ctx, "T9", "target", "wrong") })
	}
	wg.Wait()
	bad, locked := 0, 0
	for _, err := range errs {
		var le *auth.LockedError
		switch {
		case errors.Is(err, auth.ErrBadLogin):
			bad++
		case errors.As(err, &le):
			locked++
		default:
			t.Fatalf("unexpected %v", err)
		}
	}
	if bad != 4 || locked != 16 {
		t.Fatalf("%d wrong-password answers and %d locked, want 4 and 16 (locked at the fifth)", bad, locked)
	}
	var le *auth.LockedError
	if _, err := a.Login(ctx, "T9", "target", "right-password-1"); !errors.As(err, &le) {
		t.Fatalf("the right password during the lock: %v", err)
	}
	if n := len(events(t, st, audit.LoginFailed)); n != 21 {
		t.Fatalf("%d failed logins logged, want 21", n)
	}
	// the fifth failure locked the account: one lockout entry, right after
	// the failure that caused it (same transaction)
	lock := events(t, st, audit.Lockout)
	if len(lock) != 1 || lock[0].User != "target" || !strings.Contains(lock[0].Detail, "until=") {
		t.Fatalf("lockout entries %+v, want one for target", lock)
	}
	var prev audit.Event
	for _, e := range events(t, st, "") {
		if e.Seq == lock[0].Seq-1 {
			prev = e
		}
	}
	if prev.Kind != audit.LoginFailed || prev.User != "target" {
		t.Errorf("the entry before the lockout is %+v, want the failed login that caused it", prev)
	}
}

// TestUnknownLoginNameIsNotLogged: a name no user has (often a password
// typed into the name field) never reaches the append-only log; a keyed
// hash tells repeated attempts apart.
func TestUnknownLoginNameIsNotLogged(t *testing.T) {
	a, st := newApp(t)
	fixture.SetUp(t, a)
	const typed = "Secret-Passw0rd!"
	for _, name := range []string{typed, typed, "someone-else"} {
		if _, err := a.Login(ctx, "T1", name, "x"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	failed := events(t, st, audit.LoginFailed)
	if len(failed) != 3 {
		t.Fatalf("%d failed logins logged, want 3", len(failed))
	}
	for _, e := range events(t, st, "") {
		if strings.Contains(e.User+e.Object+e.Detail, typed) || strings.Contains(e.User+e.Object+e.Detail, "someone-else") {
			t.Fatalf("entry %d holds the typed name: %+v", e.Seq, e)
		}
	}
	for _, e := range failed {
		if !strings.HasPrefix(e.User, app.UnknownUser+" ") || len(e.User) != len(app.UnknownUser)+1+12 || e.Object != "user "+e.User {
			t.Errorf("unknown name logged as %q / %q", e.User, e.Object)
		}
	}
	if failed[0].User != failed[1].User || failed[0].User == failed[2].User {
		t.Errorf("hashes %q %q %q: equal names must match, others differ", failed[0].User, failed[1].User, failed[2].User)
	}
}

func TestSetupCreatesOneAdminOnce(t *testing.T) {
	a, _ := newApp(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = a.Setup(ctx, "T", fmt.Sprintf("admin%d", i), fixture.AdminPW) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, app.ErrSetupDone):
			t.Fatalf("unexpected %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d first admins created", ok)
	}
}

func TestCapabilities(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	dir := t.TempDir()
	csv := fixture.Write(t, dir, fixture.File{Form: "m4-exam", Rows: 5, Seed: 3})
	tests := []struct {
		name string
		do   func() error
	}{
		{"clerk exports the import file", func() error {
			_, err := a.ExportImportFile(ctx, u.Clerk, "m4-exam", submission.Filter{}, "cp932", filepath.Join(dir, "x.csv"))
			return err
		}},
		{"admin opens health data", func() error { _, err := a.OpenReview(ctx, u.Admin, nil, csv, ""); return err }},
		{"clerk reads the log", func() error { _, _, err := a.AuditList(ctx, u.Clerk, audit.Filter{}); return err }},
		{"clerk adds a user", func() error { return a.AddUser(ctx, u.Clerk, "x", []string{auth.Clerk}, "long-enough-pw") }},
		{"nobody submits", func() error { _, err := a.PrepareSubmit(ctx, nil, nil, app.SubmitRequest{}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(events(t, st, audit.Denied))
			if err := tt.do(); !errors.Is(err, auth.ErrDenied) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if after := len(events(t, st, audit.Denied)); after != before+1 {
				t.Fatalf("refusal not logged (%d → %d)", before, after)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused export left a file")
	}
}

// over is a second App like a over another store.
func over(a *app.App, st app.Store) *app.App {
	b := app.New(st, a.Forms)
	b.Now, b.Reports, b.Workbooks, b.DoubleCheckOff = a.Now, a.Reports, a.Workbooks, a.DoubleCheckOff
	return b
}

// failingAudit is a store whose audit log cannot be written.
type failingAudit struct{ app.Store }

type failingTx struct{ app.Tx }

var errLogFull = errors.New("log full")

func (f failingAudit) Update(ctx context.Context, fn func(app.Tx) error) error {
	return f.Store.Update(ctx, func(tx app.Tx) error { return fn(failingTx{tx}) })
}

func (failingTx) AppendAudit(context.Context, audit.Event) error { return errLogFull }

// switchableAudit is a store whose audit log fails from when fail is set.
type switchableAudit struct {
	app.Store
	fail atomic.Bool
}

func (f *switchableAudit) Update(ctx context.Context, fn func(app.Tx) error) error {
	if f.fail.Load() {
		return failingAudit{f.Store}.Update(ctx, fn)
	}
	return f.Store.Update(ctx, fn)
}

func TestSubmitIsAuditedInTheSameTransaction(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 10, Seed: 4, ErrorRate: 0.05})
	fixture.Clean(t, s)
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// the log cannot be written: nothing is stored
	broken := over(a, failingAudit{st})
	if _, err := broken.Submit(ctx, u.Clerk, sub, nil, nil); !errors.Is(err, errLogFull) {
		t.Fatalf("got %v", err)
	}
	if list, _ := a.Batches(ctx, u.Clerk); len(list) != 0 {
		t.Fatalf("batch stored without its entry: %+v", list)
	}
	res, err := a.Submit(ctx, u.Clerk, sub, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := events(t, st, audit.Submitted)
	if len(got) != 1 || !strings.Contains(got[0].Object, fmt.Sprintf("batch %d", res.BatchID)) || res.Head.Count != got[0].Seq {
		t.Fatalf("entries %+v, head %v", got, res.Head)
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); !errors.Is(err, submission.ErrDuplicate) {
		t.Fatalf("second submission: %v", err)
	}
}

func TestOverrideNeedsSupervisor(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 10, Seed: 5, ErrorRate: 0.1})
	if _, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{}); !errors.Is(err, submission.ErrErrorsRemain) {
		t.Fatalf("errors left: %v", err)
	}
	if _, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{OverrideReason: "急ぎ"}); !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("clerk override: %v", err)
	}
	sub, err := a.PrepareSubmit(ctx, u.Boss, s, app.SubmitRequest{OverrideReason: "用紙で確認済み"})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Batch.Override == nil || sub.Batch.Override.User != "boss" {
		t.Fatalf("override %+v", sub.Batch.Override)
	}
}

func TestConflictsNeedDecisions(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	first := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 6, Seed: 6})
	fixture.Clean(t, first)
	sub, err := a.PrepareSubmit(ctx, u.Clerk, first, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); err != nil {
		t.Fatal(err)
	}
	// the same sheets read again with one more confirmation: same records, another batch
	again := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 6, Seed: 6})
	fixture.Clean(t, again)
	_ = again.Confirm(ctx, 0, 0, "再確認")
	sub2, err := a.PrepareSubmit(ctx, u.Clerk, again, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub2.Conflicts) == 0 {
		t.Fatal("no conflicts listed")
	}
	_, err = a.Submit(ctx, u.Clerk, sub2, nil, nil)
	if cs, ok := app.IsConflict(err); !ok || len(cs) != len(sub2.Conflicts) {
		t.Fatalf("undecided: %v", err)
	}
	dec := map[int]submission.Decision{}
	for _, c := range sub2.Conflicts {
		dec[c.Row] = submission.Decision{Replace: true, Reason: "読み直し"}
	}
	res, err := a.Submit(ctx, u.Clerk, sub2, dec, nil)
	if err != nil || res.Replaced != len(sub2.Conflicts) {
		t.Fatalf("replace: %+v %v", res, err)
	}
}

func TestOpenReviewLogsIdentifiersOnly(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 5, Seed: 7})
	rv, err := a.OpenReview(ctx, u.Clerk, nil, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(events(t, st, audit.FileOpened)); n != 1 {
		t.Fatalf("%d openings logged", n)
	}
	kana := rv.Batch.Form.Field("kana_name")
	const secret = "ヤマダタロウテスト"
	if err := rv.Edit(ctx, 0, kana.Index, secret, ""); err != nil {
		t.Fatal(err)
	}
	if err := rv.Confirm(ctx, 1, kana.Index, "用紙と一致"); err != nil {
		t.Fatal(err)
	}
	changed := events(t, st, audit.CellChanged)
	if len(changed) != 1 || !strings.Contains(changed[0].Object, "kana_name") || !strings.Contains(changed[0].Object, "宛名番号") {
		t.Fatalf("change entries %+v", changed)
	}
	all := events(t, st, "")
	for _, e := range all {
		if strings.Contains(e.Object+e.Detail, secret) || strings.Contains(e.Object+e.Detail, rv.OCR(0, kana.Index)) {
			t.Fatalf("entry %d holds the name: %+v", e.Seq, e)
		}
	}
	// a change that cannot be logged is not made: the review is opened
	// while the log works, then the log fails
	sw := &switchableAudit{Store: st}
	rv2, err := over(a, sw).OpenReview(ctx, u.Clerk, nil, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	before := rv2.Value(2, kana.Index)
	sw.fail.Store(true)
	if err := rv2.Edit(ctx, 2, kana.Index, "ワタナベハナコテスト", ""); !errors.Is(err, errLogFull) {
		t.Fatalf("edit without its log entry: %v; want errLogFull", err)
	}
	if got := rv2.Value(2, kana.Index); got != before || rv2.Edited(2, kana.Index) {
		t.Fatalf("the value changed to %q (was %q) though its entry was not written", got, before)
	}
	if n := len(events(t, st, audit.CellChanged)); n != 1 {
		t.Fatalf("%d change entries, want still 1", n)
	}
	broken := over(a, failingAudit{st})
	rv3, err := broken.OpenReview(ctx, u.Clerk, nil, csv, "")
	if err == nil || rv3 != nil {
		t.Fatalf("opened without its log entry: %v", err)
	}
}

func TestExportImportFile(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "y3-exam", Rows: 8, Seed: 8})
	fixture.Clean(t, s)
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "import.csv")
	broken := over(a, failingAudit{st})
	if _, err := broken.ExportImportFile(ctx, u.Boss, "y3-exam", submission.Filter{}, "cp932", out); !errors.Is(err, errLogFull) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("file written without its log entry")
	}
	res, err := a.ExportImportFile(ctx, u.Boss, "y3-exam", submission.Filter{}, "cp932", out)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 || res.Records != 8 || res.Head.Count == 0 {
		t.Fatalf("file %v %v, result %+v", fi, err, res)
	}
	list, _ := a.Batches(ctx, u.Boss)
	if len(list) != 1 || list[0].ExportedBy != "boss" {
		t.Fatalf("mark %+v", list)
	}
}

func TestReport(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	var wrote string
	var head audit.Head
	a.Reports = func(path string, b *submission.Batch, f *form.Form, opt app.ReportOptions) error {
		wrote, head = path, opt.Head
		return os.WriteFile(path, []byte("report"), 0o600)
	}
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 4, Seed: 9, ErrorRate: 0.1})
	out := filepath.Join(t.TempDir(), "r.xlsx")
	res, err := a.Report(ctx, u.Clerk, app.ReportSource{Review: s}, out, "")
	if err != nil || filepath.Base(wrote) != "r.xlsx" || res.Rows != 4 || head != res.Head || head.Count == 0 {
		t.Fatalf("%+v %v %q, head given to the writer %v", res, err, wrote, head)
	}
	if got, err := os.ReadFile(out); err != nil || string(got) != "report" {
		t.Fatalf("report file %q, %v", got, err)
	}
	if n := len(events(t, st, audit.ReportWritten)); n != 1 {
		t.Fatalf("%d report entries", n)
	}
	// the writer fails: no entry remains
	a.Reports = func(string, *submission.Batch, *form.Form, app.ReportOptions) error { return errors.New("disk full") }
	if _, err := a.Report(ctx, u.Clerk, app.ReportSource{Review: s}, out, ""); err == nil {
		t.Fatal("no error")
	}
	if n := len(events(t, st, audit.ReportWritten)); n != 1 {
		t.Fatalf("%d report entries after a failed write", n)
	}
}

func TestUserAdmin(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	if err := a.AddUser(ctx, u.Admin, "clerk1", []string{auth.Clerk}, "another-pass-1"); err == nil || !strings.Contains(err.Error(), "すでに") {
		t.Fatalf("duplicate: %v", err)
	}
	if err := a.AddUser(ctx, u.Admin, "short", []string{auth.Clerk}, "abc"); err == nil || !strings.Contains(err.Error(), "10 文字") {
		t.Fatalf("short: %v", err)
	}
	if err := a.SetPassword(ctx, u.Clerk, "clerk1", "new-clerk-pass-1"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPassword(ctx, u.Clerk, "boss", "new-boss-pass-1"); !errors.Is(err, auth.ErrDenied) {
		t.Fatalf("clerk sets boss's password: %v", err)
	}
	if err := a.DisableUser(ctx, u.Admin, "boss"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "T", "boss", fixture.BossPW); !errors.Is(err, auth.ErrDisabled) {
		t.Fatalf("disabled: %v", err)
	}
	users, err := a.Users(ctx, u.Admin)
	if err != nil || len(users) != 3 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	if err := a.Lock(ctx, u.Clerk); err != nil {
		t.Fatal(err)
	}
	if err := a.Unlock(ctx, u.Clerk, "wrong"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("unlock: %v", err)
	}
	if err := a.Unlock(ctx, u.Clerk, "new-clerk-pass-1"); err != nil {
		t.Fatal(err)
	}
	if err := a.Logout(ctx, u.Clerk); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{audit.Lock, audit.Unlock, audit.Logout, audit.UserPassword, audit.UserDisabled} {
		if len(events(t, st, k)) != 1 {
			t.Errorf("%s not logged once", k)
		}
	}
}

func TestAuditVerifyAndHead(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	before := events(t, st, "")
	v, err := a.AuditVerify(ctx, u.Admin, nil)
	if err != nil || !v.OK() || v.Count == 0 {
		t.Fatalf("%+v %v", v, err)
	}
	// the log is verified as found, then the verification is logged
	after := events(t, st, "")
	if v.Count != len(before) || v.Head.Count != before[len(before)-1].Seq || v.Head.Hash != before[len(before)-1].Hash {
		t.Errorf("verified %d entries up to %v; the log held %d before the verification", v.Count, v.Head, len(before))
	}
	if len(after) != len(before)+1 || after[len(after)-1].Kind != audit.AuditRead {
		t.Errorf("the verification's own entry: %d entries after, last %+v", len(after), after[len(after)-1])
	}
	earlier := v.Head
	if _, _, err := a.AuditList(ctx, u.Admin, audit.Filter{}); err != nil {
		t.Fatal(err)
	}
	if v, err = a.AuditVerify(ctx, u.Admin, &earlier); err != nil || !v.OK() {
		t.Fatalf("earlier head: %+v %v", v, err)
	}
	future := audit.Head{Count: v.Head.Count + 5, Hash: v.Head.Hash}
	if v, err = a.AuditVerify(ctx, u.Admin, &future); err != nil || !errors.Is(v.Expect, audit.ErrHeadMismatch) {
		t.Fatalf("a head the log no longer reaches: %+v %v", v, err)
	}
	c, err := a.CheckStore(ctx)
	if err != nil || !c.OK() || c.Counts["users"] != 3 || c.Head.Count == 0 {
		t.Fatalf("check %+v %v", c, err)
	}
}

func TestRangesAndCentres(t *testing.T) {
	a, _ := newApp(t)
	from, to, err := app.DateRange("R7.4.1", "2025-04-30")
	if err != nil || from != "2025-04-01" || to != "2025-04-30" {
		t.Fatalf("%q %q %v", from, to, err)
	}
	if _, _, err := app.DateRange("昨日", ""); err == nil || !strings.Contains(err.Error(), "昨日") {
		t.Fatalf("bad date: %v", err)
	}
	f, tt, err := app.TimeRange("2025-04-01", "2025-04-01", time.UTC)
	if err != nil || tt.Sub(f) != 24*time.Hour {
		t.Fatalf("%v %v %v", f, tt, err)
	}
	if c := a.Centres(); len(c) != 4 || c[0].Label != "牛込保健センター" {
		t.Fatalf("centres %+v", c)
	}
}
