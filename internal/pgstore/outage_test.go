package pgstore_test

import (
	"context"
	"errors"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kenshin/internal/pgstore"
	"kenshin/internal/storetest"
	"kenshin/internal/submission"
)

// ownCluster starts a cluster of the test's own (.ci/pg), so it can be
// stopped and started again; it returns its DSN and .ci/pg's folder.
func ownCluster(t *testing.T) (dsn, dir string) {
	adminDSN(t) // skip without a test server
	script, _ := filepath.Abs("../../.ci/pg")
	out, err := osexec.Command(script, "start").CombinedOutput() // #nosec G204 -- the repository's own script
	if err != nil {
		t.Fatalf(".ci/pg start: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "export KENSHIN_TEST_PGDIR="); ok {
			dir = strings.Trim(v, "'")
		}
		if v, ok := strings.CutPrefix(line, "export KENSHIN_TEST_PG="); ok {
			dsn = strings.Trim(v, "'")
		}
	}
	t.Cleanup(func() { _ = osexec.Command(script, "stop", dir).Run() }) // #nosec G204 -- the repository's own script
	return dsn, dir
}

func pg(t *testing.T, cmd, dir string) {
	script, _ := filepath.Abs("../../.ci/pg")
	if out, err := osexec.Command(script, cmd, dir).CombinedOutput(); err != nil { // #nosec G204 -- the repository's own script
		t.Fatalf(".ci/pg %s: %v\n%s", cmd, err, out)
	}
}

// TestServerOutage: while the server is down a submit fails as
// Unreachable and stores nothing; once it is back the same batch lands
// once, and a second send of it is refused as a duplicate.
func TestServerOutage(t *testing.T) {
	if os.Getenv("KENSHIN_TEST_PG") == "" {
		t.Skip("KENSHIN_TEST_PG is not set: run `make test-pg`")
	}
	ctx := ctxT(t)
	dsn, dir := ownCluster(t)
	migrate(t, dsn)
	st, err := pgstore.OpenDSN(ctx, dsn+"&connect_timeout=3", pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	if _, err := storetest.Submit(ctx, st, storetest.NewBatch("before", "m4-exam", 1, 1, 100, "2026-04-10"), nil, "clerk1"); err != nil {
		t.Fatal(err)
	}
	pg(t, "pause", dir)
	b := storetest.NewBatch("during", "m4-exam", 1, 1000, 100, "2026-04-10")
	for range 2 { // a stale pooled connection, then a refused new one
		_, err = storetest.Submit(ctx, st, b, nil, "clerk1")
		if err == nil || !pgstore.Unreachable(err) || !strings.Contains(err.Error(), "サーバーに接続できません") {
			t.Fatalf("submit while the server is down: %v; want Unreachable, said in Japanese", err)
		}
	}
	pg(t, "resume", dir)
	var res submission.Result
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err = storetest.Submit(ctx, st, b, nil, "clerk1")
		if err == nil || !pgstore.Unreachable(err) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil || res.Stored != 100 {
		t.Fatalf("submit after the server is back: %+v, %v", res, err)
	}
	if _, err := storetest.Submit(ctx, st, b, nil, "clerk1"); !errors.Is(err, submission.ErrDuplicate) {
		t.Errorf("second send: %v; want ErrDuplicate", err)
	}
	counts, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts["batches"] != 2 || counts["records"] != 200 || counts["audit"] != 2 {
		t.Errorf("counts = %v; want 2 batches, 200 records, 2 audit entries", counts)
	}
}
