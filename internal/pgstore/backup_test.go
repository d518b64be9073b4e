package pgstore_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"kenshin/internal/app"
	"kenshin/internal/backupfile"
	"kenshin/internal/pgstore"
	"kenshin/internal/storetest"
	"kenshin/internal/submission"
)

var passphrase = []byte("バックアップの合言葉 2026")

// dump is every table's rows as COPY text, in key order.
func dump(t *testing.T, dsn string) map[string]string {
	t.Helper()
	ctx := ctxT(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	out := map[string]string{}
	for _, tb := range pgstore.Tables {
		var b bytes.Buffer
		key := map[string]string{"users": "name", "audit": "seq", "pending_checks": "batch_key"}[tb]
		if key == "" {
			key = "id"
		}
		if _, err := conn.PgConn().CopyTo(ctx, &b, fmt.Sprintf("COPY (SELECT * FROM %s ORDER BY %s) TO STDOUT", tb, key)); err != nil {
			t.Fatal(err)
		}
		out[tb] = b.String()
	}
	return out
}

// fill submits, replaces, skips, exports and logs in: every table has rows.
func fill(t *testing.T, st app.Store) {
	ctx := ctxT(t)
	if _, err := storetest.Submit(ctx, st, storetest.NewBatch("b1", "m4-exam", 1, 1, 300, "2026-04-10"), nil, "clerk1"); err != nil {
		t.Fatal(err)
	}
	b2 := storetest.NewBatch("b2", "m4-exam", 2, 299, 3, "2026-04-10")
	if _, err := storetest.Submit(ctx, st, b2, map[int]submission.Decision{1: {Replace: true, Reason: "再検査"}, 2: {Reason: "重複"}}, "clerk2"); err != nil {
		t.Fatal(err)
	}
	if err := st.Update(ctx, func(tx app.Tx) error {
		if err := tx.InsertUser(ctx, storetest.User("kanri", "admin"), storetest.Base); err != nil {
			return err
		}
		if err := tx.SavePendingCheck(ctx, "key-b3", []byte(`{"checker":"clerk2"}`), storetest.Base); err != nil {
			return err
		}
		if err := tx.MarkImported(ctx, 1, submission.Imported{At: storetest.Base, By: "kanri"}); err != nil {
			return err
		}
		return tx.MarkExported(ctx, submission.Export{Form: "m4-exam", File: "x.csv", At: storetest.Base, By: "kanri", Records: 300, Batches: []int64{1}})
	}); err != nil {
		t.Fatal(err)
	}
}

// TestBackupRestore backs up, destroys the database, restores into a new
// one and compares every row of every table; the restored store takes new
// submissions (its id sequences were moved on).
func TestBackupRestore(t *testing.T) {
	ctx := ctxT(t)
	dsn := freshDB(t)
	migrate(t, dsn)
	st, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, st)
	before := dump(t, dsn)
	var file bytes.Buffer
	m, err := st.Backup(ctx, &file, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	if m.Counts["records"] != 302 || m.Counts["audit"] != 2 || m.Counts["audit_key"] != 1 || m.Head.Count != 2 {
		t.Errorf("manifest = %+v", m)
	}
	if bytes.Contains(file.Bytes(), []byte("ダミー")) || bytes.Contains(file.Bytes(), []byte("00000001")) {
		t.Error("the backup file shows health data in plain text")
	}
	// destroy: the whole database goes
	if err := exec(t, adminDSN(t), "DROP DATABASE "+dbName(st)+" WITH (FORCE)", "CREATE DATABASE "+dbName(st)); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Restore(ctx, dsn, bytes.NewReader(file.Bytes()), []byte("違う合言葉です!!")); !errors.Is(err, backupfile.ErrPassphrase) {
		t.Errorf("restore with a wrong passphrase: %v", err)
	}
	got, err := pgstore.Restore(ctx, dsn, bytes.NewReader(file.Bytes()), passphrase)
	if err != nil {
		t.Fatal(err)
	}
	if got.Head != m.Head {
		t.Errorf("restored head %v; want %v", got.Head, m.Head)
	}
	after := dump(t, dsn)
	for _, tb := range pgstore.Tables {
		if before[tb] != after[tb] {
			t.Errorf("table %s differs after restore:\nbefore %.300q\nafter  %.300q", tb, before[tb], after[tb])
		}
		if before[tb] == "" {
			t.Errorf("table %s was empty: the test does not cover it", tb)
		}
	}
	st2, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st2.Close() }()
	if _, err := storetest.Submit(ctx, st2, storetest.NewBatch("b1", "m4-exam", 1, 1, 300, "2026-04-10"), nil, "clerk1"); !errors.Is(err, submission.ErrDuplicate) {
		t.Errorf("resubmitting a restored batch: %v; want ErrDuplicate", err)
	}
	if r, err := storetest.Submit(ctx, st2, storetest.NewBatch("b3", "m4-exam", 1, 5000, 10, "2026-04-10"), nil, "clerk1"); err != nil || r.BatchID != 3 {
		t.Errorf("a new submission after restore: %+v, %v; want batch 3", r, err)
	}
	// a second restore into the now non-empty store is refused, and changes nothing
	if _, err := pgstore.Restore(ctx, dsn, bytes.NewReader(file.Bytes()), passphrase); err == nil || !strings.Contains(err.Error(), "空ではありません") {
		t.Errorf("restore into a non-empty store: %v", err)
	}
}

// TestVerify restores into a scratch schema and compares; a damaged file
// fails, and the scratch schema is gone afterwards.
func TestVerify(t *testing.T) {
	ctx := ctxT(t)
	st := openFresh(t)
	fill(t, st)
	var file bytes.Buffer
	m, err := st.Backup(ctx, &file, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	scratch := freshDB(t)
	got, err := pgstore.Verify(ctx, scratch, bytes.NewReader(file.Bytes()), passphrase)
	if err != nil {
		t.Fatal(err)
	}
	if got.Head != m.Head || got.Counts["records"] != m.Counts["records"] || !strings.Contains(got.Summary(), "records: 302 行") {
		t.Errorf("Verify = %+v\n%s", got, got.Summary())
	}
	b := file.Bytes()
	for name, bad := range map[string][]byte{
		"truncated": b[:len(b)-40],
		"flipped":   flip(b, len(b)/2),
	} {
		if _, err := pgstore.Verify(ctx, scratch, bytes.NewReader(bad), passphrase); err == nil {
			t.Errorf("%s backup verified", name)
		}
	}
	var n int
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'kenshin_verify_%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d scratch schemas left, %v", n, err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

// TestVerifyFindsEditedLog: a log edited around the triggers before the
// backup restores, but does not verify.
func TestVerifyFindsEditedLog(t *testing.T) {
	ctx := ctxT(t)
	dsn := freshDB(t)
	migrate(t, dsn)
	st, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	fill(t, st)
	if err := exec(t, dsn, "ALTER TABLE audit DISABLE TRIGGER audit_no_change", "UPDATE audit SET object = 'batch 9' WHERE seq = 1"); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if _, err := st.Backup(ctx, &file, passphrase); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.Verify(ctx, freshDB(t), &file, passphrase); err == nil || !strings.Contains(err.Error(), "書き換えられています") {
		t.Errorf("Verify of an edited log: %v; want the chain break named", err)
	}
}
