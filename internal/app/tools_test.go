package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/deletion"
	"kenshin/internal/doublecheck"
	"kenshin/internal/fixture"
	"kenshin/internal/sampling"
	"kenshin/internal/store"
	"kenshin/internal/submission"
)

// submitFile reviews and submits a clean synthetic file as clerk1.
func submitFile(t *testing.T, a *app.App, u fixture.Users, seed uint64, edit bool) (*app.Submission, app.SubmitResult) {
	t.Helper()
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 12, Seed: seed, ErrorRate: 0.05})
	fixture.Clean(t, s)
	if edit {
		f := s.Batch.Form.Field("weight")
		if err := s.Edit(ctx, 2, f.Index, "7.25", ""); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Submit(ctx, u.Clerk, sub, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sub, res
}

func counts(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	c, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func loadBatch(t *testing.T, st *store.Store, id int64) *submission.Batch {
	t.Helper()
	var b *submission.Batch
	if err := st.View(ctx, func(tx app.Tx) error {
		var err error
		b, err = tx.LoadBatch(ctx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOCRStats(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	submitFile(t, a, u, 21, true)
	out := filepath.Join(t.TempDir(), "stats.xlsx")
	all := app.Period{From: fixture.T0.Add(-time.Hour), To: fixture.T0.Add(time.Hour)}
	if _, err := a.OCRStats(ctx, u.Clerk, all, out, ""); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("a clerk's statistics: %v; want refused", err)
	}
	res, err := a.OCRStats(ctx, u.Boss, all, out, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Batches != 1 || res.Stats.Errors < 1 || res.Stats.Cells == 0 {
		t.Errorf("stats: %d batches, %d errors in %d cells; want 1 batch with the corrected weight", res.Batches, res.Stats.Errors, res.Stats.Cells)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("workbook: %v", err)
	}
	if ev := events(t, st, app.KindStatsExported); len(ev) != 1 || ev[0].User != "boss" {
		t.Errorf("stats entries %+v", ev)
	}
	later := app.Period{From: fixture.T0.Add(time.Hour)}
	if res, err := a.OCRStats(ctx, u.Boss, later, "", ""); err != nil || res.Batches != 0 {
		t.Errorf("a period after the batch: %+v, %v; want no batch", res, err)
	}
}

// expectedHash recomputes, from the batch as submitted (not as the store
// reads it back), the hash the deletion record must state.
func expectedHash(t *testing.T, a *app.App, b *submission.Batch) string {
	t.Helper()
	var keys []string
	for _, f := range a.Forms.Form(b.Form).Fields {
		keys = append(keys, f.Key)
	}
	var rows []deletion.Row
	for _, r := range b.Records {
		rows = append(rows, deletion.RecordRow(keys, r))
	}
	for _, c := range b.Trail {
		rows = append(rows, deletion.CellRow(c))
	}
	return deletion.Hash(rows)
}

func sheetHas(t *testing.T, path, want string) bool {
	t.Helper()
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }()
	rows, err := x.GetRows(deletion.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, want) {
				return true
			}
		}
	}
	return false
}

func TestPurge(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	sub1, r1 := submitFile(t, a, u, 31, true)
	_, r2 := submitFile(t, a, u, 32, false)
	dir := t.TempDir()
	if _, err := a.ExportImportFile(ctx, u.Boss, "m4-exam", submission.Filter{BatchID: r1.BatchID}, "utf8", filepath.Join(dir, "import.csv")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.MarkImported(ctx, u.Clerk, []int64{r1.BatchID}); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("a clerk's 取込済み mark: %v; want refused", err)
	}
	if _, err := a.MarkImported(ctx, u.Boss, []int64{r1.BatchID, r2.BatchID}); err == nil || !strings.Contains(err.Error(), "出力していません") {
		t.Errorf("marking an unexported batch: %v; want refused", err)
	}
	if _, err := a.MarkImported(ctx, u.Boss, []int64{r1.BatchID}); err != nil {
		t.Fatal(err)
	}
	before := counts(t, st)
	keep := loadBatch(t, st, r2.BatchID)
	after := fixture.T0.Add(time.Hour)

	// exported after the date: nothing to purge
	if _, err := a.Purge(ctx, u.Boss, app.PurgeRequest{ExportedBefore: fixture.T0.Add(-time.Hour), Out: filepath.Join(dir, "none.xlsx")}); !errors.Is(err, app.ErrNothingToPurge) {
		t.Errorf("purge before the export: %v; want ErrNothingToPurge", err)
	}
	if _, err := a.Purge(ctx, u.Clerk, app.PurgeRequest{ExportedBefore: after, Out: filepath.Join(dir, "x.xlsx")}); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("a clerk's purge: %v; want refused", err)
	}
	// the record cannot be written (its path is a folder): nothing deleted
	blocked := filepath.Join(dir, "blocked.xlsx")
	if err := os.Mkdir(blocked, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Purge(ctx, u.Boss, app.PurgeRequest{ExportedBefore: after, Out: blocked}); err == nil {
		t.Error("purge with an unwritable record succeeded")
	}
	if got := counts(t, st); got["records"] != before["records"] || got["audit"] != before["audit"]+1 { // the clerk's refusal logged
		t.Errorf("after a failed record: %v; want the records untouched (before %v)", got, before)
	}
	before = counts(t, st)

	out := filepath.Join(dir, "削除記録.xlsx")
	res, err := a.Purge(ctx, u.Boss, app.PurgeRequest{ExportedBefore: after, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	rec := res.Record
	if len(rec.Batches) != 1 || rec.Batches[0].ID != r1.BatchID || rec.Batches[0].Records != 12 || len(res.Kept) != 0 {
		t.Fatalf("record %+v kept %v; want batch %d with 12 records", rec.Batches, res.Kept, r1.BatchID)
	}
	want := expectedHash(t, a, sub1.Batch)
	if rec.Batches[0].Hash != want {
		t.Errorf("record hash %s; the deleted rows hash to %s", rec.Batches[0].Hash, want)
	}
	if !sheetHas(t, out, want) {
		t.Errorf("the record file does not state the hash %s", want)
	}
	h, err := a.Head(ctx)
	if err != nil || rec.ChainHead != h.String() {
		t.Errorf("record chain head %s; log head %v, %v", rec.ChainHead, h, err)
	}
	got := counts(t, st)
	for tb, n := range map[string]int64{"records": before["records"] - 12, "trail": before["trail"] - int64(len(sub1.Batch.Trail)),
		"batches": before["batches"], "audit": before["audit"] + 1, "users": before["users"], "exports": before["exports"]} {
		if got[tb] != n {
			t.Errorf("%s after purge: %d; want %d", tb, got[tb], n)
		}
	}
	if other := loadBatch(t, st, r2.BatchID); !reflect.DeepEqual(other, keep) {
		t.Error("the batch not purged changed")
	}
	if ev := events(t, st, app.KindPurged); len(ev) != 1 || !strings.Contains(ev[0].Detail, "records=12") {
		t.Errorf("purge entries %+v", ev)
	}
	// a second run finds nothing left
	if _, err := a.Purge(ctx, u.Boss, app.PurgeRequest{ExportedBefore: after, Out: filepath.Join(dir, "again.xlsx")}); !errors.Is(err, app.ErrNothingToPurge) {
		t.Errorf("second purge: %v", err)
	}
}

type forgetWS struct {
	memWS
	forgot []string
}

func (w *forgetWS) Forget(_ context.Context, h string) error {
	w.forgot = append(w.forgot, h)
	return nil
}

func TestWorkingCopyDeletionRecord(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	a.DeletionRecords = filepath.Join(t.TempDir(), "records")
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 8, Seed: 41})
	fixture.Clean(t, s)
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ws := &forgetWS{}
	res, err := a.Submit(ctx, u.Clerk, sub, nil, ws)
	if err != nil || res.DeletionErr != nil {
		t.Fatal(err, res.DeletionErr)
	}
	if len(ws.forgot) != 1 || res.DeletionRecord == "" || !sheetHas(t, res.DeletionRecord, expectedHash(t, a, sub.Batch)) {
		t.Errorf("forgot %v, record %q", ws.forgot, res.DeletionRecord)
	}
	if ev := events(t, st, app.KindWorkCopyDeleted); len(ev) != 1 {
		t.Errorf("entries %+v", ev)
	}
}

func TestAuditReport(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	p := app.Period{From: fixture.T0.Add(-24 * time.Hour), To: fixture.T0.Add(24 * time.Hour)}
	out := filepath.Join(t.TempDir(), "audit.xlsx")
	if _, err := a.AuditReport(ctx, u.Clerk, p, out, ""); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("a clerk's audit report: %v; want refused", err)
	}
	for _, s := range []*app.Session{u.Admin, u.Boss} {
		res, err := a.AuditReport(ctx, s, p, out, "")
		if err != nil {
			t.Fatalf("%s: %v", s.User.Name, err)
		}
		r := res.Report
		if !r.Chain.Checked || r.Chain.Problem != nil || r.Events == 0 || len(r.Logins) == 0 || len(r.Denied) != 1 {
			t.Errorf("%s: chain %+v, %d events, %d login users, %d refusals", s.User.Name, r.Chain, r.Events, len(r.Logins), len(r.Denied))
		}
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
	if ev := events(t, st, app.KindAuditReport); len(ev) != 2 {
		t.Errorf("entries %+v", ev)
	}
}

func TestDoubleCheckBlocksSubmit(t *testing.T) {
	a, st := newApp(t)
	a.DoubleCheckOff = false
	u := fixture.SetUp(t, a)
	if err := a.AddUser(ctx, u.Admin, "clerk2", []string{auth.Clerk}, "clerk2-pass-123"); err != nil {
		t.Fatal(err)
	}
	c2, err := a.Login(ctx, "T2", "clerk2", "clerk2-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 3, Seed: 51})
	fixture.Clean(t, s)
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); !errors.Is(err, app.ErrCheckPending) {
		t.Fatalf("submit before the check: %v; want ErrCheckPending", err)
	}
	if _, err := a.StartDoubleCheck(ctx, u.Clerk, sub, doublecheck.Blind); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("the reviewer checking herself: %v; want refused", err)
	}
	v, err := a.StartDoubleCheck(ctx, c2, sub, doublecheck.Blind)
	if err != nil {
		t.Fatal(err)
	}
	if v.Total != 3*4 {
		t.Fatalf("%d fields to check; want 4 per record", v.Total)
	}
	for _, it := range v.Items {
		if it.First != "" {
			t.Fatalf("blind mode shows the first value of row %d %s", it.Row, it.Key)
		}
	}
	first := v.Items[0]
	for i, it := range v.Items {
		typed := sub.Batch.Records[it.Row-1].Values[it.Key]
		if i == 0 {
			typed = "99999999" // a misread on the second person's side, or the first
		}
		if _, _, err := a.RekeyField(ctx, c2, sub, it.Row, it.Key, typed); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); !errors.Is(err, app.ErrCheckPending) {
		t.Fatalf("submit with a mismatch open: %v", err)
	}
	if _, err := a.Mismatches(ctx, c2, sub); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("a clerk deciding mismatches: %v", err)
	}
	mm, err := a.Mismatches(ctx, u.Boss, sub)
	if err != nil || len(mm) != 1 || mm[0].Row != first.Row || mm[0].Rekeyed != "99999999" {
		t.Fatalf("mismatches %+v, %v", mm, err)
	}
	checkStateGate(t, a, st, u, c2, sub)
	if _, err := a.DecideMismatch(ctx, u.Boss, sub, first.Row, first.Key, "99999999", "用紙を確認した"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(ctx, c2, sub, nil, nil); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("the checker submitting: %v; want refused", err)
	}
	res, err := a.Submit(ctx, u.Clerk, sub, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := loadBatch(t, st, res.BatchID)
	if b.DoubleCheck == nil || b.DoubleCheck.Checker != "clerk2" || b.DoubleCheck.Mode != "blind" || len(b.DoubleCheck.Items) != 12 ||
		b.DoubleCheck.Items[0].State != "decided" || b.DoubleCheck.Items[0].DecidedBy != "boss" || b.DoubleCheck.Items[1].State != "matched" {
		t.Errorf("stored check %+v", b.DoubleCheck)
	}
	if got := b.Records[first.Row-1].Values[first.Key]; got != "99999999" {
		t.Errorf("decided value not submitted: %q", got)
	}
	if c := counts(t, st); c["pending_checks"] != 0 {
		t.Errorf("the check in progress (typed values) was kept: %v", c)
	}
}

func TestDoubleCheckConfirmMode(t *testing.T) {
	a, _ := newApp(t)
	a.DoubleCheckOff = false
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 2, Seed: 52})
	fixture.Clean(t, s)
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.StartDoubleCheck(ctx, u.Boss, sub, doublecheck.Confirm)
	if err != nil {
		t.Fatal(err)
	}
	if v.Items[0].First == "" {
		t.Error("confirm mode hides the value")
	}
	for _, it := range v.Items[:len(v.Items)-1] {
		if _, err := a.ConfirmField(ctx, u.Boss, sub, it.Row, it.Key); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); !errors.Is(err, app.ErrCheckPending) {
		t.Fatalf("one field left: %v", err)
	}
	last := v.Items[len(v.Items)-1]
	if v, err = a.ConfirmField(ctx, u.Boss, sub, last.Row, last.Key); err != nil || !v.Complete {
		t.Fatal(v, err)
	}
	if _, err := a.Submit(ctx, u.Clerk, sub, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAuditSample(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 30, Seed: 61})
	fixture.Clean(t, s)
	sm, err := a.DrawSample(ctx, u.Clerk, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := sampling.Size(len(sampling.Unflagged(s))); len(sm.Cells) != want || want < sampling.MinCells {
		t.Fatalf("%d cells drawn; want %d", len(sm.Cells), want)
	}
	sub, err := a.PrepareSubmit(ctx, u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AttachSample(u.Clerk, sub, sm); !errors.Is(err, sampling.ErrIncomplete) {
		t.Errorf("unmarked sample: %v", err)
	}
	for i := range sm.Cells {
		if err := a.MarkSample(ctx, u.Clerk, s, sm, i, i == 3); err != nil {
			t.Fatal(err)
		}
	}
	est, err := a.AttachSample(u.Clerk, sub, sm)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Submit(ctx, u.Clerk, sub, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := loadBatch(t, st, res.BatchID).Sample
	if got == nil || got.Summary != est.String() || got.Errors != 1 || got.N != len(sm.Cells) || len(got.Wrong) != 1 ||
		got.Wrong[0] != (submission.SampleCell{Row: sm.Cells[3].Row, Key: sm.Cells[3].Key}) || got.Seed != sm.Seed {
		t.Errorf("stored sample %+v; estimate %v", got, est)
	}
	if ev := events(t, st, app.KindSampleDrawn); len(ev) != 1 {
		t.Errorf("entries %+v", ev)
	}
}

func TestConfirmGroup(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 20, Seed: 71})
	v := a.GroupView(s, "sex", nil)
	if v == nil || len(v.Groups) == 0 {
		t.Fatalf("view %+v", v)
	}
	if a.GroupView(s, "no-such-field", nil) != nil {
		t.Error("a view of a field the form lacks")
	}
	if _, err := a.ConfirmGroup(ctx, u.Admin, s, v, 0, "用紙と一致"); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("an admin confirming: %v", err)
	}
	res, err := a.ConfirmGroup(ctx, u.Clerk, s, v, 0, "用紙と一致")
	if err != nil || res.Confirmed != v.Groups[0].Count || res.Refused != 0 {
		t.Fatalf("confirmed %+v, %v; want the group's %d", res, err, v.Groups[0].Count)
	}
	idx := s.Batch.Form.Field("sex").Index
	for _, r := range v.Groups[0].Rows {
		if c, ok := s.Confirmed(r-1, idx); !ok || c.Reason != "用紙と一致" {
			t.Errorf("row %d not confirmed", r)
		}
	}
	if res, err := a.ConfirmGroup(ctx, u.Clerk, s, v, 0, "用紙と一致"); err != nil || res.Confirmed != 0 || res.Already != v.Groups[0].Count {
		t.Errorf("again: %+v, %v; want nothing new, all already", res, err)
	}
}

// TestConfirmGroupRule: the one rule of a group confirmation — ● and the
// reason that blanks cells are refused for a whole group, cells with an
// open error are skipped and counted, nothing else is touched.
func TestConfirmGroupRule(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	for _, tt := range []struct {
		name, value, reason string
		want                error
		confirmed, refused  int
	}{
		{"unreadable value", "●", "用紙と一致", app.ErrGroupUnreadable, 0, 0},
		{"unreadable value, another reason", "●", "記入者に確認済み", app.ErrGroupUnreadable, 0, 0},
		{"blanking reason", "7.5", "用紙でも判読不能", app.ErrGroupBlank, 0, 0},
		{"open errors", "99.9", "用紙と一致", nil, 0, 3},
		{"plain value", "7.5", "用紙と一致", nil, 3, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 10, Seed: 72})
			w := s.Batch.Form.Field("weight").Index
			for r := range 3 {
				if err := s.Edit(ctx, r, w, tt.value, ""); err != nil {
					t.Fatal(err)
				}
			}
			v := a.GroupView(s, "weight", nil)
			g := -1
			for i, x := range v.Groups {
				if x.Value == tt.value {
					g = i
				}
			}
			if g < 0 {
				t.Fatalf("no group %q in %+v", tt.value, v.Groups)
			}
			before := make([]string, 3)
			for r := range 3 {
				before[r] = s.Value(r, w)
			}
			res, err := a.ConfirmGroup(ctx, u.Clerk, s, v, g, tt.reason)
			if !errors.Is(err, tt.want) || res.Confirmed != tt.confirmed || res.Refused != tt.refused {
				t.Fatalf("%+v, %v; want %v, %d confirmed, %d refused", res, err, tt.want, tt.confirmed, tt.refused)
			}
			for r := range 3 {
				_, ok := s.Confirmed(r, w)
				if s.Value(r, w) != before[r] || ok != (tt.confirmed > 0) {
					t.Errorf("row %d: %q confirmed %v after the group confirmation", r, s.Value(r, w), ok)
				}
			}
		})
	}
}

// checkStateGate: the stored check with its values is for the supervisor
// only, behind the gate, and the read is logged; the checker gets the
// counts without a value; a locked session gets nothing.
func checkStateGate(t *testing.T, a *app.App, st *store.Store, u fixture.Users, checker *app.Session, sub *app.Submission) {
	t.Helper()
	denied := len(events(t, st, audit.Denied))
	if ds, err := a.DoubleCheckState(ctx, checker, sub); !errors.Is(err, auth.ErrDenied) || ds != nil {
		t.Errorf("the checker reads every value: %v; want ErrDenied", err)
	}
	if d := events(t, st, audit.Denied); len(d) != denied+1 || d[len(d)-1].User != "clerk2" || d[len(d)-1].Object != string(auth.DecideMismatch) {
		t.Errorf("the refusal is not logged: %+v", d)
	}
	before := len(events(t, st, audit.FileOpened))
	ds, err := a.DoubleCheckState(ctx, u.Boss, sub)
	if err != nil || ds == nil || ds.Checker != "clerk2" {
		t.Fatalf("supervisor: %v, %v", ds, err)
	}
	opened := events(t, st, audit.FileOpened)
	if len(opened) != before+1 || opened[len(opened)-1].User != "boss" || !strings.Contains(opened[len(opened)-1].Detail, "double_check_values") {
		t.Errorf("the supervisor's read of the values is not logged: %+v", opened[before:])
	}
	pv, err := a.DoubleCheckProgress(ctx, checker, sub)
	if err != nil || pv == nil || pv.Items != nil || pv.Checker != "clerk2" || pv.Total != 12 || pv.Open != 1 {
		t.Errorf("the checker's progress: %+v, %v; want the counts, no items", pv, err)
	}
	if _, err := a.DoubleCheckProgress(ctx, u.Admin, sub); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("an administrator reads the check: %v; want ErrDenied", err)
	}
	locked := &app.Session{User: u.Boss.User, Terminal: "T9"}
	locked.MarkLocked()
	if _, err := a.DoubleCheckState(ctx, locked, sub); !errors.Is(err, app.ErrLocked) {
		t.Errorf("a locked session reads the check: %v; want ErrLocked", err)
	}
}

// Walkthrough 3: the second person checks the values to be submitted, so a
// checked field with an open error (●, a misread) is settled first; the
// refusal names the place by label.
func TestCheckTargetWaitsForOpenErrors(t *testing.T) {
	a, _ := newApp(t)
	u := fixture.SetUp(t, a)
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 5, Seed: 52})
	fixture.Clean(t, s)
	j := s.Batch.Form.Field("judgement")
	if err := s.Edit(ctx, 2, j.Index, "●", "test"); err != nil {
		t.Fatal(err)
	}
	_, err := a.CheckTarget(ctx, u.Boss, s)
	if !errors.Is(err, app.ErrCheckFieldsOpen) || !strings.Contains(err.Error(), "3 件目「"+j.Label+"」") {
		t.Fatalf("check with ● in 判定: %v", err)
	}
	if err := s.Edit(ctx, 2, j.Index, "1", "用紙を見て入力"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckTarget(ctx, u.Boss, s); err != nil {
		t.Fatalf("after the fix: %v", err)
	}
}
