package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"kenshin/internal/app"
	"kenshin/internal/pgstore"
	"kenshin/internal/storetest"
	"kenshin/internal/submission"
)

func TestMain(m *testing.M) {
	storetest.Main(m, func(ctx context.Context, loc string) (app.Store, error) {
		return pgstore.OpenDSN(ctx, loc+"?sslmode=disable", pgstore.Options{})
	})
}

// adminDSN is the throwaway cluster's superuser DSN (.ci/pg start sets it).
func adminDSN(t testing.TB) string {
	dsn := os.Getenv("KENSHIN_TEST_PG")
	if dsn == "" {
		t.Skip("KENSHIN_TEST_PG is not set: run `make test-pg` (it starts a throwaway PostgreSQL with .ci/pg)")
	}
	return dsn
}

var dbSeq atomic.Int64

// withDB returns dsn with another database name.
func withDB(t testing.TB, dsn, db string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}

// freshDB creates an empty database for one test and drops it afterwards;
// it returns its superuser DSN.
func freshDB(t testing.TB) string {
	admin := adminDSN(t)
	ctx := context.Background()
	name := fmt.Sprintf("kt_%d_%d", os.Getpid(), dbSeq.Add(1))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Error(err)
			return
		}
		defer func() { _ = c.Close(ctx) }()
		if _, err := c.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	return withDB(t, admin, name)
}

func migrate(t testing.TB, dsn string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if err := pgstore.Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
}

// openFresh is a migrated, empty store in its own database.
func openFresh(t testing.TB) *pgstore.Store {
	dsn := freshDB(t)
	migrate(t, dsn)
	st, err := pgstore.OpenDSN(context.Background(), dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestContract(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) app.Store { return openFresh(t) })
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func exec(t *testing.T, dsn string, sql ...string) error {
	t.Helper()
	ctx := ctxT(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	for _, q := range sql {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func withUser(t testing.TB, dsn, user string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(user)
	return u.String()
}

// TestSetupLeastPrivilege: the owner runs Setup; the application role can
// submit and log but cannot change or remove the audit log, nor any table.
func TestSetupLeastPrivilege(t *testing.T) {
	ctx := ctxT(t)
	admin := adminDSN(t)
	n := fmt.Sprintf("%d_%d", os.Getpid(), dbSeq.Add(1))
	owner, appRole, db := "kt_owner_"+n, "kt_app_"+n, "kt_setup_"+n
	if err := exec(t, admin, "CREATE ROLE "+owner+" LOGIN", "CREATE ROLE "+appRole+" LOGIN", "CREATE DATABASE "+db+" OWNER "+owner); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = exec(t, admin, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)", "DROP ROLE IF EXISTS "+appRole, "DROP ROLE IF EXISTS "+owner)
	})
	ownerDSN := withUser(t, withDB(t, admin, db), owner)
	appDSN := withUser(t, withDB(t, admin, db), appRole)

	if _, err := pgstore.OpenDSN(ctx, appDSN, pgstore.Options{}); err == nil || !strings.Contains(err.Error(), "セットアップ") {
		t.Errorf("Open before setup = %v; want a message asking for the setup", err)
	}
	if err := pgstore.Setup(ctx, ownerDSN, "kt_nosuchrole"); err == nil || !strings.Contains(err.Error(), "CREATE ROLE") {
		t.Errorf("Setup for a missing role = %v; want the CREATE ROLE hint", err)
	}
	if err := pgstore.Setup(ctx, ownerDSN, owner); err == nil {
		t.Error("Setup with the owner as the application role succeeded")
	}
	for range 2 { // a second run changes nothing
		if err := pgstore.Setup(ctx, ownerDSN, appRole); err != nil {
			t.Fatal(err)
		}
	}
	st, err := pgstore.OpenDSN(ctx, appDSN, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	if _, err := storetest.Submit(ctx, st, storetest.NewBatch("lp", "m4-exam", 1, 1, 10, "2026-04-10"), nil, "clerk1"); err != nil {
		t.Fatalf("the application role cannot submit: %v", err)
	}
	if probs, err := st.Check(ctx, true); err != nil || len(probs) > 0 {
		t.Errorf("Check as the application role = %v, %v", probs, err)
	}
	var backup bytes.Buffer
	if m, err := st.Backup(ctx, &backup, []byte("最小権限のバックアップ")); err != nil || m.Counts["records"] != 10 {
		t.Errorf("Backup as the application role: %+v, %v", m, err)
	}
	if _, err := pgstore.Verify(ctx, ownerDSN, &backup, []byte("最小権限のバックアップ")); err != nil {
		t.Errorf("Verify as the owner: %v", err)
	}
	for _, q := range []string{
		"UPDATE audit SET detail = 'x'",
		"UPDATE audit SET spool_id = NULL", // a cleared spool id would let the entry arrive twice
		"DELETE FROM audit",
		"TRUNCATE audit",
		"DROP TABLE audit",
		"ALTER TABLE audit DISABLE TRIGGER audit_no_change",
		"ALTER TABLE audit ADD COLUMN x int",
		"DELETE FROM batches",
		"DELETE FROM users",
		"DELETE FROM exports",
		"UPDATE audit_key SET key = '\\x00112233445566778899aabbccddeeff'",
		"DROP TABLE batches",
		"CREATE TABLE scratch (x int)",
	} {
		if err := exec(t, appDSN, q); err == nil {
			t.Errorf("the application role may run %q", q)
		}
	}
	// the owner is refused by the triggers too
	for _, q := range []string{"UPDATE audit SET detail = 'x'", "UPDATE audit SET spool_id = NULL", "DELETE FROM audit", "TRUNCATE audit"} {
		if err := exec(t, ownerDSN, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("the owner may run %q: %v", q, err)
		}
	}
	// and a removed trigger shows in the store check
	if err := exec(t, ownerDSN, "ALTER TABLE audit DISABLE TRIGGER audit_no_change"); err != nil {
		t.Fatal(err)
	}
	if probs, err := st.Check(ctx, false); err != nil || len(probs) != 1 {
		t.Errorf("Check with a disabled trigger = %v, %v; want one problem", probs, err)
	}
}

// TestVersionCheck: a store newer than the program is refused.
func TestVersionCheck(t *testing.T) {
	ctx := ctxT(t)
	dsn := freshDB(t)
	migrate(t, dsn)
	migrate(t, dsn) // idempotent
	if err := exec(t, dsn, fmt.Sprintf("INSERT INTO schema_migrations (version, name) VALUES (%d, 'future')", pgstore.SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{}); err == nil || !strings.Contains(err.Error(), "新しい形式") {
		t.Errorf("Open of a newer store = %v; want a refusal asking to update the app", err)
	}
}

// TestRetry: a serialization failure or deadlock reported inside the
// transaction runs fn again, a bounded number of times; then a Japanese
// message. Other errors are returned at once.
func TestRetry(t *testing.T) {
	ctx := ctxT(t)
	st := openFresh(t)
	for _, c := range []struct {
		name      string
		failFirst int
		err       error
		calls     int
		ok, busy  bool
	}{
		{"serialization failure twice", 2, &pgconn.PgError{Code: "40001"}, 3, true, false},
		{"deadlock once", 1, &pgconn.PgError{Code: "40P01"}, 2, true, false},
		{"always", 100, &pgconn.PgError{Code: "40001"}, pgstore.DefaultRetries + 1, false, true},
		{"other error", 100, &pgconn.PgError{Code: "23505"}, 1, false, false},
	} {
		calls := 0
		err := st.Update(ctx, func(tx app.Tx) error {
			calls++
			if err := tx.InsertUser(ctx, storetest.User(fmt.Sprintf("u%d", calls), "clerk"), storetest.Base); err != nil {
				return err
			}
			if calls <= c.failFirst {
				return c.err
			}
			return nil
		})
		if calls != c.calls || (err == nil) != c.ok || errors.Is(err, pgstore.ErrBusy) != c.busy {
			t.Errorf("%s: %d calls, %v; want %d calls, ok %v, busy %v", c.name, calls, err, c.calls, c.ok, c.busy)
		}
		if c.busy && !strings.Contains(err.Error(), "何も登録していません") {
			t.Errorf("%s: %v; want a Japanese message", c.name, err)
		}
		// only the last run's writes remain
		var n int
		_ = st.View(ctx, func(tx app.Tx) error { n, _ = tx.UserCount(ctx); return nil })
		want := 0
		if c.ok {
			want = 1
		}
		if n != want {
			t.Errorf("%s: %d users; want %d", c.name, n, want)
		}
		_ = exec(t, withDB(t, adminDSN(t), dbName(st)), "DELETE FROM users")
	}
}

func dbName(st *pgstore.Store) string {
	u, _ := url.Parse(st.Location())
	return strings.TrimPrefix(u.Path, "/")
}

// TestDocsShowGrants: docs/postgres.md prints exactly the grants Setup runs.
func TestDocsShowGrants(t *testing.T) {
	doc, err := os.ReadFile("../../docs/postgres.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range pgstore.Grants("kenshin_app") {
		if !strings.Contains(string(doc), q+";") {
			t.Errorf("docs/postgres.md does not show %q", q)
		}
	}
}

// TestReadOnlyServer: a read-only server is ErrReadOnly before fn runs;
// reading still works.
func TestReadOnlyServer(t *testing.T) {
	ctx := ctxT(t)
	dsn := freshDB(t)
	migrate(t, dsn)
	u, _ := url.Parse(dsn)
	if err := exec(t, dsn, "ALTER DATABASE "+strings.TrimPrefix(u.Path, "/")+" SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	st, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	called := false
	err = st.Update(ctx, func(app.Tx) error { called = true; return nil })
	if !errors.Is(err, app.ErrReadOnly) || called || !strings.Contains(err.Error(), "読み取り専用") {
		t.Errorf("Update on a read-only server: %v, fn called %v; want ErrReadOnly before fn", err, called)
	}
	if err := st.View(ctx, func(tx app.Tx) error { _, err := tx.UserCount(ctx); return err }); err != nil {
		t.Errorf("View on a read-only server: %v", err)
	}
}

// TestUnreachable: a server that is not there is told apart from one that
// refuses (the offline outbox keeps the batch only in the first case).
func TestUnreachable(t *testing.T) {
	ctx := ctxT(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	_, err = pgstore.OpenDSN(ctx, "postgres://app@"+addr+"/kenshin?sslmode=disable&connect_timeout=2", pgstore.Options{})
	if err == nil || !pgstore.Unreachable(err) {
		t.Errorf("Open of a closed port: %v; want Unreachable", err)
	}
	st := openFresh(t)
	_, err = storetest.Submit(ctx, st, storetest.NewBatch("u", "m4-exam", 1, 1, 1, "2026-04-10"), map[int]submission.Decision{}, "c")
	if err != nil {
		t.Fatal(err)
	}
	_, err = storetest.Submit(ctx, st, storetest.NewBatch("u", "m4-exam", 1, 1, 1, "2026-04-10"), nil, "c")
	if err == nil || pgstore.Unreachable(err) {
		t.Errorf("a refused duplicate: %v; want not Unreachable", err)
	}
	if pgstore.Unreachable(nil) || pgstore.Unreachable(errors.New("x")) {
		t.Error("nil or a plain error counted as Unreachable")
	}
}
