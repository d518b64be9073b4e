package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/submission"
)

// Reopen opens an existing store by its Location, in a helper process.
type Reopen func(ctx context.Context, location string) (app.Store, error)

var reopen Reopen

// The helper processes are told what to do through the environment.
const (
	envLoc   = "KENSHIN_STORETEST_HELPER"
	envID    = "KENSHIN_STORETEST_ID"
	envCount = "KENSHIN_STORETEST_BATCHES"
	marker   = "STORETEST-HELPER-RESULT "
)

// Main is the backend test's TestMain: in a helper process it submits and
// exits; otherwise it remembers reopen for the multi-process test and runs
// the tests.
func Main(m *testing.M, r Reopen) {
	if loc := os.Getenv(envLoc); loc != "" {
		if ws := os.Getenv(envShipWS); ws != "" {
			os.Exit(shipHelper(r, loc, ws))
		}
		os.Exit(helper(r, loc))
	}
	reopen = r
	os.Exit(m.Run())
}

type helperResult struct {
	ID, Landed, Duplicate int
	Records               int
}

// helper submits its own batches and one batch every helper shares, and
// prints what landed.
func helper(r Reopen, loc string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	id, _ := strconv.Atoi(os.Getenv(envID))
	n, _ := strconv.Atoi(os.Getenv(envCount))
	st, err := r(ctx, loc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: open:", err)
		return 3
	}
	defer func() { _ = st.Close() }() // the results are committed or reported
	res := helperResult{ID: id}
	batches := []*submission.Batch{NewBatch("proc-shared", "m4-exam", 1, 900000, 200, "2026-06-01")}
	for i := range n {
		batches = append(batches, NewBatch(fmt.Sprintf("proc-%d-%d", id, i), "m4-exam", 1, 1000000*(id+1)+1000*i, 200, "2026-06-01"))
	}
	for _, b := range batches {
		out, err := Submit(ctx, st, b, nil, fmt.Sprintf("proc%d", id))
		switch {
		case err == nil:
			res.Landed++
			res.Records += out.Stored
		case errors.Is(err, submission.ErrDuplicate):
			res.Duplicate++
		default:
			fmt.Fprintln(os.Stderr, "helper: submit:", err)
			return 4
		}
	}
	j, _ := json.Marshal(res)
	fmt.Println(marker + string(j))
	return 0
}

// testProcesses: several processes submit to one store at once. Every
// helper must really run (exit 0 and print its result); no batch may land
// twice and no record may be lost.
func testProcesses(t *testing.T, st app.Store) {
	if reopen == nil {
		t.Skip("the backend's TestMain does not call storetest.Main: no helper processes")
	}
	ctx := ctxT(t)
	const procs, each = 4, 5
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*bytes.Buffer, procs)
	for i := range procs {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$") // #nosec G204 G702 -- re-executes this test binary itself
		cmd.Env = append(os.Environ(), envLoc+"="+st.Location(), envID+"="+strconv.Itoa(i), envCount+"="+strconv.Itoa(each))
		outs[i] = &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		must(t, cmd.Start())
		cmds[i] = cmd
	}
	landed, dups, records := 0, 0, 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, outs[i])
		}
		var r helperResult
		_, line, ok := strings.Cut(outs[i].String(), marker)
		if !ok || json.Unmarshal([]byte(strings.TrimSpace(line)), &r) != nil || r.ID != i {
			t.Fatalf("helper %d did not report (did it run?):\n%s", i, outs[i])
		}
		landed, dups, records = landed+r.Landed, dups+r.Duplicate, records+r.Records
	}
	if landed != procs*each+1 || dups != procs-1 || records != (procs*each+1)*200 {
		t.Errorf("helpers report %d landed, %d duplicate, %d records; want %d, %d, %d", landed, dups, records, procs*each+1, procs-1, (procs*each+1)*200)
	}
	counts, err := st.Counts(ctx)
	must(t, err)
	if counts["batches"] != int64(procs*each+1) || counts["records"] != int64(records) || counts["audit"] != int64(landed) {
		t.Errorf("store holds %v; want %d batches, %d records, %d audit entries", counts, procs*each+1, records, landed)
	}
	rows, err := Rows(ctx, st, "m4-exam")
	must(t, err)
	if len(rows) != records {
		t.Errorf("%d distinct current records; want %d", len(rows), records)
	}
	for a, n := range rows {
		if n != 1 {
			t.Errorf("record %s is stored %d times", a, n)
		}
	}
	key, err := st.AuditKey(ctx)
	must(t, err)
	must(t, st.View(ctx, func(tx app.Tx) error {
		all, err := tx.Audit(ctx, audit.Filter{})
		if err == nil {
			if p := audit.Verify(key, all); p != nil {
				t.Errorf("chain after concurrent processes: %v", p)
			}
		}
		return err
	}))
}
