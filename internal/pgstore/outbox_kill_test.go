package pgstore_test

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/pgstore"
	"kenshin/internal/storetest"
	"kenshin/internal/workspace"
)

const (
	envKillDSN = "KENSHIN_OUTBOX_KILL_DSN"
	envKillWS  = "KENSHIN_OUTBOX_KILL_WS"
)

// TestOutboxKillHelper is the sending terminal of TestOutboxKilledMidSend,
// run in its own process so that it can be killed; alone it does nothing.
func TestOutboxKillHelper(t *testing.T) {
	dsn, wsPath := os.Getenv(envKillDSN), os.Getenv(envKillWS)
	if dsn == "" {
		t.Skip("helper process only")
	}
	ctx := context.Background()
	st, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Open(ctx, wsPath, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s := &app.Session{User: storetest.User("clerk1", "clerk"), Terminal: "PC-kill"}
	a := app.New(st, nil)
	a.DoubleCheckOff = true // no forms here: the outbox, not the second-person check
	if _, err := a.SendOutbox(ctx, s, ws, nil); err != nil {
		t.Fatal(err)
	}
}

// TestOutboxKilledMidSend: the sending process is killed (SIGKILL) at
// different moments of sending a 10,000-record batch — before, during or
// after the server's commit, before or after the outbox entry is removed.
// Whatever the moment, the next send leaves the batch on the server exactly
// once and the outbox empty.
func TestOutboxKilledMidSend(t *testing.T) {
	st := openFresh(t)
	ctx := ctxT(t)
	up := app.New(st, nil)
	up.DoubleCheckOff = true
	if err := up.Setup(ctx, "PC", "kanri", "kanri-password-1"); err != nil {
		t.Fatal(err)
	}
	down := app.New(downStore{st}, nil)
	down.DoubleCheckOff = true // no forms here: the outbox, not the second-person check
	s := &app.Session{User: storetest.User("clerk1", "clerk"), Terminal: "PC"}
	// the gate looks the session's user up in the store
	if err := st.Update(ctx, func(tx app.Tx) error { return tx.InsertUser(ctx, s.User, storetest.Base) }); err != nil {
		t.Fatal(err)
	}
	const records = 10000
	for i, delay := range []time.Duration{100 * time.Millisecond, 250 * time.Millisecond, 400 * time.Millisecond, 10 * time.Second} {
		wsPath := filepath.Join(t.TempDir(), "workspace.db")
		ws, err := workspace.Open(ctx, wsPath, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := down.SubmitOrQueue(ctx, s, &app.Submission{Batch: storetest.NewBatch(fmt.Sprintf("kill-%d", i), "m4-exam", 1, i*records, records, "2026-08-01")}, nil, nil, ws); err != nil || !d.Queued {
			t.Fatalf("queue: %+v %v", d, err)
		}
		_ = ws.Close()
		cmd := osexec.Command(os.Args[0], "-test.run=^TestOutboxKillHelper$") // #nosec G204 G702 -- re-executes this test binary itself
		cmd.Env = append(os.Environ(), envKillDSN+"="+st.Location(), envKillWS+"="+wsPath)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killed := false
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("helper: %v", err)
			}
		case <-time.After(delay):
			_ = cmd.Process.Kill()
			<-done
			killed = true
		}
		ws, err = workspace.Open(ctx, wsPath, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := up.SendOutbox(ctx, s, ws, nil)
		list, _ := app.Outbox(ctx, ws)
		_ = ws.Close()
		if err != nil || len(list) != 0 {
			t.Fatalf("send after kill at %v (killed %v): %+v %v; %d still waiting", delay, killed, rep, err, len(list))
		}
		b, r := batchCount(t, ctx, st)
		if b != int64(i+1) || r != int64((i+1)*records) {
			t.Fatalf("after kill at %v (killed %v): %d batches, %d records; want %d, %d (each once)", delay, killed, b, r, i+1, (i+1)*records)
		}
		t.Logf("kill at %v: killed=%v, resend delivered %d, already there %d", delay, killed, len(rep.Delivered), len(rep.Already))
	}
}
