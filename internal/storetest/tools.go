package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/submission"
)

// toolCases are the contract of the review-tool methods (issue 13).
var toolCases = []struct {
	name string
	run  func(t *testing.T, st app.Store)
}{
	{"MarkImported", testMarkImported},
	{"Purge", testPurge},
	{"PurgeLinked", testPurgeLinked},
	{"PendingCheck", testPendingCheck},
	{"ToolsRoundTrip", testToolsRoundTrip},
}

func info(t *testing.T, st app.Store, id int64) submission.Info {
	t.Helper()
	var out submission.Info
	must(t, st.View(ctxT(t), func(tx app.Tx) error {
		list, err := tx.Batches(ctxT(t))
		for _, b := range list {
			if b.ID == id {
				out = b
			}
		}
		return err
	}))
	return out
}

func testMarkImported(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	r, err := Submit(ctx, st, NewBatch("i1", "m4-exam", 1, 100, 2, "2026-04-10"), nil, "clerk1")
	must(t, err)
	at := Base.Add(48 * time.Hour)
	must(t, st.Update(ctx, func(tx app.Tx) error { return tx.MarkImported(ctx, r.BatchID, submission.Imported{At: at, By: "sup1"}) }))
	if got := info(t, st, r.BatchID); got.ImportedBy != "sup1" || got.ImportedAt != at.UTC().Format(time.RFC3339Nano) || got.PurgedAt != "" {
		t.Errorf("Info after MarkImported = %+v", got)
	}
	err = st.Update(ctx, func(tx app.Tx) error { return tx.MarkImported(ctx, 999, submission.Imported{At: at, By: "sup1"}) })
	if !errors.Is(err, app.ErrNotFound) {
		t.Errorf("MarkImported(999) = %v; want ErrNotFound", err)
	}
}

func testPurge(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	b1 := NewBatch("p1", "m4-exam", 1, 100, 6, "2026-04-10")
	b2 := NewBatch("p2", "m4-exam", 1, 200, 4, "2026-04-11")
	r1, err := Submit(ctx, st, b1, nil, "clerk1")
	must(t, err)
	r2, err := Submit(ctx, st, b2, nil, "clerk1")
	must(t, err)
	before, err := st.Counts(ctx)
	must(t, err)
	var keep *submission.Batch
	must(t, st.View(ctx, func(tx app.Tx) error { keep, err = tx.LoadBatch(ctx, r2.BatchID); return err }))
	at := Base.Add(72 * time.Hour)
	var deleted map[int64]submission.PurgeCount
	var kept []int64
	must(t, st.Update(ctx, func(tx app.Tx) error {
		deleted, kept, err = tx.PurgeBatches(ctx, []int64{r1.BatchID}, at, "sup1")
		return err
	}))
	if len(kept) != 0 || deleted[r1.BatchID] != (submission.PurgeCount{Records: 6, Cells: len(b1.Trail)}) || len(deleted) != 1 {
		t.Errorf("PurgeBatches = %v, kept %v; want batch %d: 6 records, %d cells", deleted, kept, r1.BatchID, len(b1.Trail))
	}
	after, err := st.Counts(ctx)
	must(t, err)
	want := map[string]int64{"records": before["records"] - 6, "trail": before["trail"] - int64(len(b1.Trail)), "batches": before["batches"], "audit": before["audit"], "users": before["users"]}
	for tb, n := range want {
		if after[tb] != n {
			t.Errorf("Counts[%s] after purge = %d; want %d", tb, after[tb], n)
		}
	}
	rows, err := Rows(ctx, st, "m4-exam")
	must(t, err)
	if len(rows) != 4 || rows["00000200"] != 1 || rows["00000100"] != 0 {
		t.Errorf("records left = %v; want only batch 2's four", rows)
	}
	must(t, st.View(ctx, func(tx app.Tx) error {
		gone, err := tx.LoadBatch(ctx, r1.BatchID)
		if err != nil {
			return err
		}
		if len(gone.Records) != 0 || len(gone.Trail) != 0 || gone.Key != b1.Key {
			t.Errorf("purged batch loads %d records, %d cells, key %q; want none, the row kept", len(gone.Records), len(gone.Trail), gone.Key)
		}
		other, err := tx.LoadBatch(ctx, r2.BatchID)
		if err == nil && !reflect.DeepEqual(other, keep) {
			t.Errorf("the other batch changed:\n%+v\nwant\n%+v", other, keep)
		}
		return err
	}))
	if got := info(t, st, r1.BatchID); got.PurgedAt != at.UTC().Format(time.RFC3339Nano) {
		t.Errorf("PurgedAt = %q", got.PurgedAt)
	}
	if got := info(t, st, r2.BatchID); got.PurgedAt != "" {
		t.Errorf("batch 2 PurgedAt = %q; want untouched", got.PurgedAt)
	}
	// a resubmission of the purged batch is still a duplicate
	if _, err := Submit(ctx, st, b1, nil, "clerk1"); !errors.Is(err, submission.ErrDuplicate) {
		t.Errorf("resubmitting a purged batch: %v; want ErrDuplicate", err)
	}
}

// testPurgeLinked: a batch whose record another batch replaced or decided
// against stays until that batch goes too.
func testPurgeLinked(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	r1, err := Submit(ctx, st, NewBatch("l1", "m4-exam", 1, 100, 3, "2026-04-10"), nil, "clerk1")
	must(t, err)
	r2, err := Submit(ctx, st, NewBatch("l2", "m4-exam", 1, 102, 2, "2026-04-10"), map[int]submission.Decision{1: {Replace: true, Reason: "再検査"}}, "clerk1")
	must(t, err)
	var deleted map[int64]submission.PurgeCount
	var kept []int64
	must(t, st.Update(ctx, func(tx app.Tx) error {
		deleted, kept, err = tx.PurgeBatches(ctx, []int64{r1.BatchID}, Base, "sup1")
		return err
	}))
	if len(deleted) != 0 || !slices.Equal(kept, []int64{r1.BatchID}) {
		t.Errorf("purging the replaced batch alone: deleted %v kept %v; want it kept", deleted, kept)
	}
	// batch 2 alone: batch 1's record points at its replacement
	must(t, st.Update(ctx, func(tx app.Tx) error {
		deleted, kept, err = tx.PurgeBatches(ctx, []int64{r2.BatchID}, Base, "sup1")
		return err
	}))
	if len(deleted) != 0 || !slices.Equal(kept, []int64{r2.BatchID}) {
		t.Errorf("purging the replacing batch alone: deleted %v kept %v; want it kept", deleted, kept)
	}
	must(t, st.Update(ctx, func(tx app.Tx) error {
		deleted, kept, err = tx.PurgeBatches(ctx, []int64{r1.BatchID, r2.BatchID}, Base, "sup1")
		return err
	}))
	if len(kept) != 0 || deleted[r1.BatchID].Records != 3 || deleted[r2.BatchID].Records != 2 {
		t.Errorf("purging both: deleted %v kept %v", deleted, kept)
	}
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["records"] != 0 || counts["decisions"] != 0 {
		t.Errorf("after purging both: %v", counts)
	}
}

func testPendingCheck(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	get := func() []byte {
		var out []byte
		must(t, st.View(ctx, func(tx app.Tx) error {
			var err error
			out, err = tx.PendingCheck(ctx, "key-x")
			return err
		}))
		return out
	}
	if got := get(); got != nil {
		t.Errorf("PendingCheck of none = %q; want nil", got)
	}
	for _, v := range []string{`{"a":1}`, `{"a":2}`} {
		must(t, st.Update(ctx, func(tx app.Tx) error { return tx.SavePendingCheck(ctx, "key-x", []byte(v), Base) }))
		if got := get(); string(got) != v {
			t.Errorf("PendingCheck = %q; want %q", got, v)
		}
	}
	must(t, st.Update(ctx, func(tx app.Tx) error { return tx.DeletePendingCheck(ctx, "key-x") }))
	if got := get(); got != nil {
		t.Errorf("after delete: %q", got)
	}
}

func testToolsRoundTrip(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	b := NewBatch("t1", "m4-exam", 1, 100, 2, "2026-04-10")
	b.DoubleCheck = &submission.DoubleCheck{Reviewer: "reviewer1", Checker: "clerk2", Mode: "blind", Items: []submission.CheckItem{
		{Row: 1, Key: "atena", State: "matched", CheckedBy: "clerk2", CheckedAt: Base},
		{Row: 2, Key: "atena", State: "decided", CheckedBy: "clerk2", CheckedAt: Base, DecidedBy: "sup1", DecidedAt: Base.Add(time.Minute), Reason: "用紙で確認"},
	}}
	b.Sample = &submission.Sample{Seed: 42, Population: 18, N: 20, Errors: 1, Rate: 0.05, Upper: 0.21, By: "clerk1", At: Base,
		Wrong: []submission.SampleCell{{Row: 2, Key: "height"}}, Summary: "抜き取り 20 セル中 1 セル誤り"}
	r, err := Submit(ctx, st, b, nil, "clerk1")
	must(t, err)
	plain, err := Submit(ctx, st, NewBatch("t2", "m4-exam", 1, 300, 1, "2026-04-10"), nil, "clerk1")
	must(t, err)
	must(t, st.View(ctx, func(tx app.Tx) error {
		got, err := tx.LoadBatch(ctx, r.BatchID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got.DoubleCheck, b.DoubleCheck) || !reflect.DeepEqual(got.Sample, b.Sample) {
			t.Errorf("round trip:\n%+v %+v\nwant\n%+v %+v", got.DoubleCheck, got.Sample, b.DoubleCheck, b.Sample)
		}
		none, err := tx.LoadBatch(ctx, plain.BatchID)
		if err == nil && (none.DoubleCheck != nil || none.Sample != nil) {
			t.Errorf("a batch without check or sample loads %+v %+v", none.DoubleCheck, none.Sample)
		}
		return err
	}))
}
