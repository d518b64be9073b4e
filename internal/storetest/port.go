package storetest

// The port cases: transactions, users, the keyed audit chain, batches and
// store health, written with the application layer and run by Exercise on
// every backend.

import (
	"context"
	"errors"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/submission"
)

var ctx = context.Background() // the port cases run on a fresh store each, without a deadline

func mustUpdate(t *testing.T, st app.Store, fn func(tx app.Tx) error) {
	t.Helper()
	if err := st.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func userCount(t *testing.T, st app.Store) int {
	t.Helper()
	var n int
	if err := st.View(ctx, func(tx app.Tx) error {
		var err error
		n, err = tx.UserCount(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func testTransactions(t *testing.T, st app.Store) {
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx app.Tx) error {
		if err := tx.InsertUser(ctx, &auth.User{Name: "a", Roles: []string{auth.Clerk}, Hash: "h"}, fixture.T0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || userCount(t, st) != 0 {
		t.Fatalf("a failed Update must leave nothing: %v, %d users", err, userCount(t, st))
	}
	mustUpdate(t, st, func(tx app.Tx) error {
		return tx.InsertUser(ctx, &auth.User{Name: "a", Roles: []string{auth.Clerk}, Hash: "h"}, fixture.T0)
	})
	if userCount(t, st) != 1 {
		t.Fatal("a committed Update must stay")
	}
}

func testPortUsers(t *testing.T, st app.Store) {
	u := &auth.User{Name: "clerk1", Roles: []string{auth.Clerk, auth.Supervisor}, Hash: "$argon2id$x"}
	mustUpdate(t, st, func(tx app.Tx) error { return tx.InsertUser(ctx, u, fixture.T0) })
	err := st.Update(ctx, func(tx app.Tx) error { return tx.InsertUser(ctx, u, fixture.T0) })
	if !errors.Is(err, app.ErrExists) {
		t.Fatalf("a taken name: %v", err)
	}
	lock := fixture.T0.Add(15 * time.Minute)
	mustUpdate(t, st, func(tx app.Tx) error {
		got, err := tx.User(ctx, "clerk1")
		if err != nil {
			return err
		}
		got.Failures, got.LockedUntil, got.Disabled = 3, lock, true
		return tx.UpdateUser(ctx, got, fixture.T0)
	})
	mustUpdate(t, st, func(tx app.Tx) error {
		got, err := tx.User(ctx, "clerk1")
		if err != nil {
			return err
		}
		if got.Failures != 3 || !got.LockedUntil.Equal(lock) || !got.Disabled || len(got.Roles) != 2 || got.Hash != u.Hash {
			t.Fatalf("user read back as %+v", got)
		}
		if _, err := tx.User(ctx, "nobody"); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("missing user: %v", err)
		}
		if err := tx.UpdateUser(ctx, &auth.User{Name: "nobody"}, fixture.T0); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("update of a missing user: %v", err)
		}
		list, err := tx.Users(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("users %v %v", list, err)
		}
		return nil
	})
}

func testAuditChain(t *testing.T, st app.Store) {
	key, err := st.AuditKey(ctx)
	if err != nil || len(key) < 16 {
		t.Fatalf("key %d bytes, %v", len(key), err)
	}
	again, _ := st.AuditKey(ctx)
	if string(again) != string(key) {
		t.Fatal("the audit key must not change")
	}
	kinds := []string{audit.Login, audit.FileOpened, audit.CellChanged, audit.Logout}
	for i, k := range kinds {
		mustUpdate(t, st, func(tx app.Tx) error {
			last, err := tx.LastAudit(ctx)
			if err != nil {
				return err
			}
			if (last == nil) != (i == 0) {
				t.Fatalf("entry %d: last %+v", i, last)
			}
			e := audit.Event{At: fixture.T0.Add(time.Duration(i) * time.Hour), User: "clerk1", Terminal: "T", Kind: k, Object: "o", Detail: "d"}
			audit.Seal(key, last, &e)
			return tx.AppendAudit(ctx, e)
		})
	}
	var all, some []audit.Event
	if err := st.View(ctx, func(tx app.Tx) error {
		var err error
		if all, err = tx.Audit(ctx, audit.Filter{}); err != nil {
			return err
		}
		some, err = tx.Audit(ctx, audit.Filter{Kind: audit.CellChanged, From: fixture.T0.Add(time.Hour), To: fixture.T0.Add(3 * time.Hour)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || audit.Verify(key, all) != nil || !all[0].At.Equal(fixture.T0) {
		t.Fatalf("log %+v: %v", all, audit.Verify(key, all))
	}
	if len(some) != 1 || some[0].Seq != 3 {
		t.Fatalf("filtered %+v", some)
	}
}

func testPortBatches(t *testing.T, st app.Store) {
	s := fixture.Session(t, fixture.File{Form: "y3-exam", Rows: 6, Seed: 2})
	fixture.Clean(t, s)
	b, err := submission.Build(s, submission.Options{Centre: 3, Submitter: "clerk1", Now: fixture.T0})
	if err != nil {
		t.Fatal(err)
	}
	var res submission.Result
	mustUpdate(t, st, func(tx app.Tx) error {
		var err error
		res, err = tx.InsertBatch(ctx, b, nil)
		return err
	})
	if res.BatchID == 0 || res.Stored != 6 {
		t.Fatalf("result %+v", res)
	}
	if err := st.Update(ctx, func(tx app.Tx) error { _, err := tx.InsertBatch(ctx, b, nil); return err }); !errors.Is(err, submission.ErrDuplicate) {
		t.Fatalf("the same batch again: %v", err)
	}
	// the same records in another batch: listed, refused undecided, replaced with a reason
	s2 := fixture.Session(t, fixture.File{Form: "y3-exam", Rows: 6, Seed: 2})
	fixture.Clean(t, s2)
	_ = s2.Confirm(ctx, 0, 0, "再確認")
	b2, err := submission.Build(s2, submission.Options{Centre: 3, Submitter: "clerk1", Now: fixture.T0})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx app.Tx) error {
		cs, err := tx.Conflicts(ctx, b2)
		if err != nil || len(cs) != 6 || cs[0].BatchID != res.BatchID {
			t.Fatalf("conflicts %+v %v", cs, err)
		}
		_, err = tx.InsertBatch(ctx, b2, nil)
		return err
	})
	var ue *submission.UnresolvedError
	if !errors.As(err, &ue) || len(ue.Conflicts) != 6 {
		t.Fatalf("undecided: %v", err)
	}
	dec := map[int]submission.Decision{}
	for i := 1; i <= 6; i++ {
		dec[i] = submission.Decision{Replace: i%2 == 0, Reason: "読み直し"}
	}
	mustUpdate(t, st, func(tx app.Tx) error {
		r, err := tx.InsertBatch(ctx, b2, dec)
		if err == nil && (r.Replaced != 3 || r.Skipped != 3) {
			t.Fatalf("decisions %+v", r)
		}
		return err
	})
	mustUpdate(t, st, func(tx app.Tx) error {
		list, err := tx.Batches(ctx)
		if err != nil || len(list) != 2 || list[0].ID <= list[1].ID {
			t.Fatalf("batches %+v %v", list, err)
		}
		// the file each batch came from, by its bytes (the GUI's 送信済み notice)
		for _, tt := range []struct {
			got  submission.Info
			want *submission.Batch
		}{{list[1], b}, {list[0], b2}} {
			if tt.got.FileHash == "" || tt.got.FileHash != tt.want.FileHash {
				t.Errorf("batch %d: FileHash %q, want %q", tt.got.ID, tt.got.FileHash, tt.want.FileHash)
			}
		}
		got, err := tx.LoadBatch(ctx, res.BatchID)
		if err != nil || len(got.Records) != 6 || got.Form != "y3-exam" || got.Centre != 3 {
			t.Fatalf("load %+v %v", got, err)
		}
		if _, err := tx.LoadBatch(ctx, 999); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("missing batch: %v", err)
		}
		n, ids := 0, map[int64]bool{}
		if err := tx.ExportRecords(ctx, "y3-exam", submission.Filter{Centre: 3}, func(r submission.Stored) error {
			n++
			ids[r.BatchID] = true
			fields := 0
			for k, v := range r.Values {
				if k == "" {
					t.Fatalf("empty key (value %q)", v)
				}
				fields++
			}
			if r.Atena == "" || fields == 0 {
				t.Fatalf("record %+v with %d fields", r, fields)
			}
			return nil
		}); err != nil {
			return err
		}
		if n != 6 || len(ids) != 2 {
			t.Fatalf("export saw %d records of %d batches, want 6 current records of 2", n, len(ids))
		}
		none := 0
		if err := tx.ExportRecords(ctx, "y3-exam", submission.Filter{Centre: 1}, func(submission.Stored) error { none++; return nil }); err != nil || none != 0 {
			t.Fatalf("centre filter: %d %v", none, err)
		}
		return tx.MarkExported(ctx, submission.Export{Form: "y3-exam", File: "x.csv", At: fixture.T0, By: "boss", Records: n, Batches: []int64{res.BatchID}})
	})
	_ = st.View(ctx, func(tx app.Tx) error {
		list, _ := tx.Batches(ctx)
		if list[1].ExportedBy != "boss" || list[0].ExportedBy != "" {
			t.Fatalf("export mark %+v", list)
		}
		return nil
	})
}

func testHealth(t *testing.T, st app.Store) {
	for _, full := range []bool{false, true} {
		if problems, err := st.Check(ctx, full); err != nil || len(problems) > 0 {
			t.Fatalf("a new store: %v %v", problems, err)
		}
	}
	counts, err := st.Counts(ctx)
	if err != nil || counts["users"] != 0 || counts["audit"] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
	if st.Location() == "" {
		t.Fatal("no location for messages")
	}
}
