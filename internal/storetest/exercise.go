package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/submission"
)

// Exercise runs the contract against the backend that open makes: each
// subtest gets a fresh, empty store (open registers its own cleanup).
func Exercise(t *testing.T, open func(t *testing.T) app.Store) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, st app.Store)
	}{
		{"Empty", testEmpty},
		{"Users", testUsers},
		{"BatchRoundTrip", testBatchRoundTrip},
		{"Duplicate", testDuplicate},
		{"Conflicts", testConflicts},
		{"Export", testExport},
		{"MarkExported", testMarkExported},
		{"Atomic", testAtomic},
		{"Audit", testAudit},
		{"ConcurrentLockout", testConcurrentLockout},
		{"ConcurrentSubmits", testConcurrentSubmits},
		{"Transactions", testTransactions},
		{"PortUsers", testPortUsers},
		{"AuditChain", testAuditChain},
		{"PortBatches", testPortBatches},
		{"Health", testHealth},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
	for _, c := range toolCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
	t.Run("Processes", func(t *testing.T) { testProcesses(t, open(t)) })
	t.Run("ShipSpool", func(t *testing.T) { testShipSpool(t, open(t)) })
	t.Run("ShipKilled", func(t *testing.T) { testShipKilled(t, open(t)) })
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testEmpty(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	if st.Location() == "" || hasPassword(st.Location()) {
		t.Errorf("Location() = %q: want an address without a password", st.Location())
	}
	k1, err := st.AuditKey(ctx)
	must(t, err)
	k2, err := st.AuditKey(ctx)
	must(t, err)
	if len(k1) < 16 || string(k1) != string(k2) {
		t.Errorf("AuditKey: %d bytes, stable %v; want ≥ 16 bytes, the same each time", len(k1), string(k1) == string(k2))
	}
	probs, err := st.Check(ctx, true)
	must(t, err)
	if len(probs) > 0 {
		t.Errorf("Check on a new store: %v", probs)
	}
	counts, err := st.Counts(ctx)
	must(t, err)
	for _, tb := range []string{"batches", "records", "trail", "decisions", "exports", "users", "audit"} {
		if n, ok := counts[tb]; !ok || n != 0 {
			t.Errorf("Counts[%s] = %d, %v; want 0, present", tb, n, ok)
		}
	}
	must(t, st.View(ctx, func(tx app.Tx) error {
		if n, err := tx.UserCount(ctx); err != nil || n != 0 {
			t.Errorf("UserCount = %d, %v", n, err)
		}
		if e, err := tx.LastAudit(ctx); err != nil || e != nil {
			t.Errorf("LastAudit on an empty log = %v, %v; want nil, nil", e, err)
		}
		if _, err := tx.LoadBatch(ctx, 1); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("LoadBatch(1) = %v; want ErrNotFound", err)
		}
		if b, err := tx.Batches(ctx); err != nil || len(b) != 0 {
			t.Errorf("Batches = %v, %v", b, err)
		}
		return nil
	}))
}

func testUsers(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	at := Base.Add(time.Hour)
	must(t, st.Update(ctx, func(tx app.Tx) error {
		for _, u := range []string{"suzuki", "abe", "kato"} {
			if err := tx.InsertUser(ctx, User(u, "clerk"), at); err != nil {
				return err
			}
		}
		if err := tx.InsertUser(ctx, User("abe", "admin"), at); !errors.Is(err, app.ErrExists) {
			t.Errorf("InsertUser of a taken name = %v; want ErrExists", err)
		}
		// the transaction stays usable after a taken name
		return tx.InsertUser(ctx, User("admin1", "admin", "supervisor"), at)
	}))
	u := User("kato", "clerk", "supervisor")
	u.Hash, u.Disabled, u.Failures = "$argon2id$new", true, 3
	u.LockedUntil = at.Add(15*time.Minute + 7)
	must(t, st.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(ctx, u, at) }))
	must(t, st.View(ctx, func(tx app.Tx) error {
		if n, err := tx.UserCount(ctx); err != nil || n != 4 {
			t.Errorf("UserCount = %d, %v; want 4", n, err)
		}
		got, err := tx.User(ctx, "kato")
		if err != nil {
			return err
		}
		want := *u
		want.CreatedAt = at // the store stamps creation itself
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("User(kato) = %+v\nwant %+v", *got, want)
		}
		if _, err := tx.User(ctx, "nobody"); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("User(nobody) = %v; want ErrNotFound", err)
		}
		all, err := tx.Users(ctx)
		if err != nil {
			return err
		}
		var names []string
		for _, u := range all {
			names = append(names, u.Name)
		}
		if want := []string{"abe", "admin1", "kato", "suzuki"}; !reflect.DeepEqual(names, want) {
			t.Errorf("Users = %v; want %v (by name)", names, want)
		}
		return nil
	}))
	// clearing the lock stores "not locked"
	u.LockedUntil, u.Failures = time.Time{}, 0
	must(t, st.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(ctx, u, at) }))
	must(t, st.View(ctx, func(tx app.Tx) error {
		got, err := tx.User(ctx, "kato")
		if err == nil && (!got.LockedUntil.IsZero() || got.Failures != 0) {
			t.Errorf("after unlock: LockedUntil %v, Failures %d", got.LockedUntil, got.Failures)
		}
		return err
	}))
	err := st.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(ctx, User("ghost", "clerk"), at) })
	if !errors.Is(err, app.ErrNotFound) {
		t.Errorf("UpdateUser(ghost) = %v; want ErrNotFound", err)
	}
}

func testBatchRoundTrip(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	b := NewBatch("rt", "m4-exam", 1, 1000, 7, "2026-04-10")
	b.Override = &submission.Override{User: "kakunin", Reason: "用紙を確認済み"}
	b.Stats.Errors = 1
	res, err := Submit(ctx, st, b, nil, "clerk1")
	must(t, err)
	if res.BatchID == 0 || res.Stored != 7 || res.Skipped != 0 || res.Replaced != 0 {
		t.Fatalf("Result = %+v; want a batch id and 7 stored", res)
	}
	must(t, st.View(ctx, func(tx app.Tx) error {
		got, err := tx.LoadBatch(ctx, res.BatchID)
		if err != nil {
			return err
		}
		want := *b
		want.ID, want.Keys = res.BatchID, nil
		want.Stats.RowsDone = 0
		got.Keys = nil
		if !reflect.DeepEqual(got.Records, want.Records) {
			t.Errorf("records differ:\n got %+v\nwant %+v", got.Records[0], want.Records[0])
		}
		if !reflect.DeepEqual(got.Trail, want.Trail) {
			t.Errorf("trail differs:\n got %+v\nwant %+v", got.Trail, want.Trail)
		}
		got.Records, got.Trail, want.Records, want.Trail = nil, nil, nil, nil
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("batch differs:\n got %+v\nwant %+v", *got, want)
		}
		infos, err := tx.Batches(ctx)
		if err != nil {
			return err
		}
		if len(infos) != 1 {
			t.Fatalf("Batches = %d; want 1", len(infos))
		}
		i := infos[0]
		if i.ID != res.BatchID || i.FileHash != b.FileHash || i.FileHash == "" || i.Rows != 7 || i.Stored != 7 || i.Errors != 1 || i.OverrideUser != "kakunin" ||
			i.OverrideReason != "用紙を確認済み" || !i.SubmittedAt.Equal(b.SubmittedAt) || i.ExportedAt != "" {
			t.Errorf("Info = %+v", i)
		}
		return nil
	}))
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["batches"] != 1 || counts["records"] != 7 || counts["trail"] != int64(len(b.Trail)) || counts["audit"] != 1 {
		t.Errorf("Counts = %v", counts)
	}
}

func testDuplicate(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	b := NewBatch("dup", "m4-exam", 1, 1, 5, "2026-04-10")
	_, err := Submit(ctx, st, b, nil, "clerk1")
	must(t, err)
	// the same review again, even with decisions for every row
	d := map[int]submission.Decision{}
	for _, r := range b.Records {
		d[r.Row] = submission.Decision{Replace: true, Reason: "再送"}
	}
	_, err = Submit(ctx, st, b, d, "clerk1")
	if !errors.Is(err, submission.ErrDuplicate) {
		t.Fatalf("resubmission = %v; want submission.ErrDuplicate", err)
	}
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["batches"] != 1 || counts["records"] != 5 || counts["audit"] != 1 || counts["decisions"] != 0 {
		t.Errorf("after a refused resubmission: %v; want 1 batch, 5 records, 1 audit entry, no decision", counts)
	}
}

func testConflicts(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	first := NewBatch("c1", "m4-exam", 1, 100, 4, "2026-04-10") // 100..103
	r1, err := Submit(ctx, st, first, nil, "clerk1")
	must(t, err)
	// another form and another date never conflict
	_, err = Submit(ctx, st, NewBatch("c-survey", "m4-survey", 1, 100, 4, "2026-04-10"), nil, "clerk1")
	must(t, err)
	_, err = Submit(ctx, st, NewBatch("c-date", "m4-exam", 1, 100, 1, "2026-04-11"), nil, "clerk1")
	must(t, err)

	second := NewBatch("c2", "m4-exam", 2, 102, 4, "2026-04-10") // 102..105: rows 1, 2 conflict
	second.Records[0].Values["weight"] = "7.77"
	must(t, st.View(ctx, func(tx app.Tx) error {
		cs, err := tx.Conflicts(ctx, second)
		if err != nil {
			return err
		}
		if len(cs) != 2 || cs[0].Row != 1 || cs[0].Atena != "00000102" || cs[1].Row != 2 || cs[0].BatchID != r1.BatchID ||
			cs[0].File != first.File || cs[0].SubmittedBy != "clerk1" || !cs[0].SubmittedAt.Equal(first.SubmittedAt) || cs[0].ExamDate != "2026-04-10" {
			t.Errorf("Conflicts = %+v", cs)
		}
		return nil
	}))
	for _, c := range []struct {
		name string
		d    map[int]submission.Decision
		open int
	}{
		{"no decision", nil, 2},
		{"one missing", map[int]submission.Decision{1: {}}, 1},
		{"replace without reason", map[int]submission.Decision{1: {}, 2: {Replace: true, Reason: "  "}}, 1},
	} {
		_, err := Submit(ctx, st, second, c.d, "clerk1")
		var ue *submission.UnresolvedError
		if !errors.As(err, &ue) || !errors.Is(err, submission.ErrUnresolved) || len(ue.Conflicts) != c.open {
			t.Errorf("%s: %v; want an UnresolvedError with %d conflicts", c.name, err, c.open)
		}
	}
	// row 1 replaces the stored 00000102, row 2 is skipped
	res, err := Submit(ctx, st, second, map[int]submission.Decision{1: {Replace: true, Reason: "再検査"}, 2: {Reason: "重複"}}, "clerk1")
	must(t, err)
	if res.Stored != 3 || res.Skipped != 1 || res.Replaced != 1 {
		t.Errorf("Result = %+v; want 3 stored (1 replacing), 1 skipped", res)
	}
	rows, err := Rows(ctx, st, "m4-exam")
	must(t, err)
	for atena, want := range map[string]int{"00000100": 2, "00000101": 1, "00000102": 1, "00000103": 1, "00000104": 1, "00000105": 1} {
		if rows[atena] != want {
			t.Errorf("current records of %s: %d; want %d (all: %v)", atena, rows[atena], want, rows)
		}
	}
	must(t, st.View(ctx, func(tx app.Tx) error {
		var weight string
		if err := tx.ExportRecords(ctx, "m4-exam", submission.Filter{From: "2026-04-10", To: "2026-04-10"}, func(r submission.Stored) error {
			if r.Atena == "00000102" {
				weight = storedValues(r)["weight"]
				if r.BatchID != res.BatchID {
					t.Errorf("00000102 comes from batch %d; want the replacing batch %d", r.BatchID, res.BatchID)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if weight != "7.77" {
			t.Errorf("replaced record's weight = %q; want the new 7.77", weight)
		}
		// the first batch still loads whole, as submitted
		old, err := tx.LoadBatch(ctx, r1.BatchID)
		if err == nil && len(old.Records) != 4 {
			t.Errorf("the first batch loads %d records; want 4", len(old.Records))
		}
		// the replaced record no longer conflicts; the new one does
		cs, err := tx.Conflicts(ctx, NewBatch("c3", "m4-exam", 1, 102, 1, "2026-04-10"))
		if err == nil && (len(cs) != 1 || cs[0].BatchID != res.BatchID) {
			t.Errorf("conflicts after replacement = %+v; want one with batch %d", cs, res.BatchID)
		}
		return err
	}))
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["decisions"] != 2 {
		t.Errorf("decisions = %d; want 2 (one skip, one replace)", counts["decisions"])
	}
}

func testExport(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	b1 := NewBatch("e1", "m4-exam", 1, 500, 3, "2026-05-02") // 500..502
	b2 := NewBatch("e2", "m4-exam", 2, 400, 3, "2026-05-01") // 400..402
	b3 := NewBatch("e3", "m4-exam", 2, 300, 2, "2026-05-03") // 300..301
	var ids []int64
	for _, b := range []*submission.Batch{b1, b2, b3} {
		r, err := Submit(ctx, st, b, nil, "clerk1")
		must(t, err)
		ids = append(ids, r.BatchID)
	}
	_, err := Submit(ctx, st, NewBatch("e-other", "m4-survey", 1, 1, 3, "2026-05-01"), nil, "clerk1")
	must(t, err)
	for _, c := range []struct {
		name string
		flt  submission.Filter
		want []string
	}{
		{"all, by date then 宛名番号", submission.Filter{}, []string{"00000400", "00000401", "00000402", "00000500", "00000501", "00000502", "00000300", "00000301"}},
		{"from", submission.Filter{From: "2026-05-02"}, []string{"00000500", "00000501", "00000502", "00000300", "00000301"}},
		{"to (inclusive)", submission.Filter{To: "2026-05-02"}, []string{"00000400", "00000401", "00000402", "00000500", "00000501", "00000502"}},
		{"centre", submission.Filter{Centre: 2}, []string{"00000400", "00000401", "00000402", "00000300", "00000301"}},
		{"batch", submission.Filter{BatchID: ids[0]}, []string{"00000500", "00000501", "00000502"}},
		{"nothing", submission.Filter{From: "2027-01-01"}, nil},
	} {
		var got []string
		must(t, st.View(ctx, func(tx app.Tx) error {
			return tx.ExportRecords(ctx, "m4-exam", c.flt, func(r submission.Stored) error {
				got = append(got, r.Atena)
				if vals := storedValues(r); vals["atena"] != r.Atena || vals["note"] != `メモ "引用" \ と改行`+"\n" {
					t.Errorf("%s: values of %s = %v", c.name, r.Atena, vals)
				}
				return nil
			})
		}))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
	stop := errors.New("stop")
	n := 0
	err = st.View(ctx, func(tx app.Tx) error {
		return tx.ExportRecords(ctx, "m4-exam", submission.Filter{}, func(submission.Stored) error { n++; return stop })
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("an error from fn: %v after %d calls; want it returned after 1", err, n)
	}
}

func testMarkExported(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	r1, err := Submit(ctx, st, NewBatch("x1", "m4-exam", 1, 1, 2, "2026-04-10"), nil, "clerk1")
	must(t, err)
	r2, err := Submit(ctx, st, NewBatch("x2", "m4-exam", 1, 10, 2, "2026-04-10"), nil, "clerk1")
	must(t, err)
	at := Base.Add(48 * time.Hour)
	must(t, st.Update(ctx, func(tx app.Tx) error {
		return tx.MarkExported(ctx, submission.Export{Form: "m4-exam", File: "import.csv", At: at, By: "kakunin",
			Filter: submission.Filter{Centre: 1}, Records: 2, Batches: []int64{r1.BatchID}})
	}))
	must(t, st.View(ctx, func(tx app.Tx) error {
		infos, err := tx.Batches(ctx)
		if err != nil {
			return err
		}
		if len(infos) != 2 || infos[0].ID != r2.BatchID || infos[1].ID != r1.BatchID {
			t.Fatalf("Batches = %+v; want newest first", infos)
		}
		if infos[1].ExportedBy != "kakunin" || infos[1].ExportedAt == "" || infos[0].ExportedAt != "" {
			t.Errorf("export marks: %+v / %+v", infos[0], infos[1])
		}
		return nil
	}))
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["exports"] != 1 {
		t.Errorf("exports = %d; want 1", counts["exports"])
	}
}

func testAtomic(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	key, err := st.AuditKey(ctx)
	must(t, err)
	boom := errors.New("boom")
	err = st.Update(ctx, func(tx app.Tx) error {
		if _, err := tx.InsertBatch(ctx, NewBatch("a1", "m4-exam", 1, 1, 50, "2026-04-10"), nil); err != nil {
			return err
		}
		if err := tx.InsertUser(ctx, User("ghost", "clerk"), Base); err != nil {
			return err
		}
		if err := appendEntry(ctx, tx, key, "clerk1", audit.Submitted, "batch"); err != nil {
			return err
		}
		return boom // e.g. the audit entry could not be written
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v; want fn's error", err)
	}
	counts, err := st.Counts(ctx)
	must(t, err)
	for tb, n := range counts {
		if n != 0 {
			t.Errorf("after a failed Update %s has %d rows; want none", tb, n)
		}
	}
	// the same batch goes in afterwards: the failed one left no key behind
	if _, err := Submit(ctx, st, NewBatch("a1", "m4-exam", 1, 1, 50, "2026-04-10"), nil, "clerk1"); err != nil {
		t.Errorf("submit after a rolled-back one: %v", err)
	}
	// a cancelled context writes nothing
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Submit(cctx, st, NewBatch("a2", "m4-exam", 1, 100, 5, "2026-04-10"), nil, "clerk1"); err == nil {
		t.Error("submit with a cancelled context succeeded")
	}
	counts, err = st.Counts(ctx)
	must(t, err)
	if counts["batches"] != 1 || counts["records"] != 50 {
		t.Errorf("counts = %v; want just the one batch", counts)
	}
}

func testAudit(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	key, err := st.AuditKey(ctx)
	must(t, err)
	var sealed []audit.Event
	for i, who := range []string{"suzuki", "abe", "suzuki", "kato"} {
		must(t, st.Update(ctx, func(tx app.Tx) error {
			last, err := tx.LastAudit(ctx)
			if err != nil {
				return err
			}
			e := audit.Event{At: Base.Add(time.Duration(i)*time.Hour + 1), User: who, Terminal: "PC-" + who, Kind: []string{audit.Login, audit.FileOpened, audit.Submitted, audit.Login}[i],
				Object: fmt.Sprintf("obj %d", i), Detail: "詳細"}
			audit.Seal(key, last, &e)
			sealed = append(sealed, e)
			return tx.AppendAudit(ctx, e)
		}))
	}
	must(t, st.View(ctx, func(tx app.Tx) error {
		last, err := tx.LastAudit(ctx)
		if err != nil {
			return err
		}
		if last == nil || !reflect.DeepEqual(*last, sealed[3]) {
			t.Errorf("LastAudit = %+v\nwant %+v", last, sealed[3])
		}
		all, err := tx.Audit(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(all, sealed) {
			t.Errorf("Audit = %+v\nwant %+v", all, sealed)
		}
		if p := audit.Verify(key, all); p != nil {
			t.Errorf("the stored chain does not verify: %v", p)
		}
		for _, c := range []struct {
			f    audit.Filter
			want []int64
		}{
			{audit.Filter{User: "suzuki"}, []int64{1, 3}},
			{audit.Filter{Kind: audit.Login}, []int64{1, 4}},
			{audit.Filter{From: Base.Add(time.Hour)}, []int64{2, 3, 4}},
			{audit.Filter{To: Base.Add(2*time.Hour + 1)}, []int64{1, 2}},
			{audit.Filter{User: "suzuki", From: Base.Add(time.Hour)}, []int64{3}},
		} {
			got, err := tx.Audit(ctx, c.f)
			if err != nil {
				return err
			}
			var seqs []int64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
			}
			if !reflect.DeepEqual(seqs, c.want) {
				t.Errorf("Audit(%+v) = %v; want %v", c.f, seqs, c.want)
			}
		}
		return nil
	}))
	// a second entry with a taken number is refused (the chain has one tail)
	err = st.Update(ctx, func(tx app.Tx) error { return tx.AppendAudit(ctx, sealed[1]) })
	if err == nil {
		t.Error("appending an entry with a taken number succeeded")
	}
}

// testConcurrentLockout: 20 wrong passwords at once each read, increment
// and save the failure count in one Update; none may be lost, and each
// audit entry must chain after the one before.
func testConcurrentLockout(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	key, err := st.AuditKey(ctx)
	must(t, err)
	must(t, st.Update(ctx, func(tx app.Tx) error { return tx.InsertUser(ctx, User("target", "clerk"), Base) }))
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- st.Update(ctx, func(tx app.Tx) error {
				u, err := tx.User(ctx, "target")
				if err != nil {
					return err
				}
				u.Failures++
				if err := tx.UpdateUser(ctx, u, time.Now()); err != nil {
					return err
				}
				return appendEntry(ctx, tx, key, "target", audit.LoginFailed, "user target")
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	must(t, st.View(ctx, func(tx app.Tx) error {
		u, err := tx.User(ctx, "target")
		if err != nil {
			return err
		}
		if u.Failures != n {
			t.Errorf("failures = %d after %d concurrent attempts; want %d", u.Failures, n, n)
		}
		all, err := tx.Audit(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		if len(all) != n {
			t.Errorf("%d audit entries; want %d", len(all), n)
		}
		if p := audit.Verify(key, all); p != nil {
			t.Errorf("chain after concurrent appends: %v", p)
		}
		return nil
	}))
}

// testConcurrentSubmits: four goroutines submit the same batch and one
// batch of their own each; the shared one lands once.
func testConcurrentSubmits(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	shared := NewBatch("shared", "m4-exam", 1, 1, 100, "2026-04-10")
	var wg sync.WaitGroup
	var mu sync.Mutex
	landed, dups := 0, 0
	for g := range 4 {
		wg.Go(func() {
			own := NewBatch(fmt.Sprintf("own-%d", g), "m4-exam", 1, 10000*(g+1), 100, "2026-04-10")
			for _, b := range []*submission.Batch{shared, own} {
				_, err := Submit(ctx, st, b, nil, fmt.Sprintf("clerk%d", g))
				mu.Lock()
				switch {
				case err == nil:
					landed++
				case errors.Is(err, submission.ErrDuplicate):
					dups++
				default:
					t.Errorf("goroutine %d: %v", g, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if landed != 5 || dups != 3 {
		t.Errorf("landed %d, refused as duplicate %d; want 5 and 3", landed, dups)
	}
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["batches"] != 5 || counts["records"] != 500 || counts["audit"] != 5 {
		t.Errorf("counts = %v; want 5 batches, 500 records, 5 audit entries", counts)
	}
}

// storedValues collects a stored record's values, valid only during the
// export callback, into a map.
func storedValues(r submission.Stored) map[string]string {
	m := map[string]string{}
	for k, v := range r.Values {
		m[k] = v
	}
	return m
}
