package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/storeaddr"
	"kenshin/internal/storetest"
	"kenshin/internal/workspace"
)

type offline struct{}

func (offline) Error() string     { return "サーバーに接続できません" }
func (offline) Unreachable() bool { return true }

// downStore fails every write as an unreachable server does.
type downStore struct{ app.Store }

func (downStore) Update(context.Context, func(app.Tx) error) error { return offline{} }

// TestOutboxCommand: a batch queued while the store was unreachable is
// listed by `kenshinctl outbox` (no login, no server) and delivered once by
// `outbox send`; a second send finds nothing.
func TestOutboxCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	p := filepath.Join(dir, "central.db")
	setupUsers(t, dir, p)
	st, _, err := storeaddr.OpenConfigured(ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Open(ctx, filepath.Join(dir, "ws.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(downStore{st}, nil)
	s := &app.Session{User: storetest.User("clerk1", "clerk"), Terminal: "PC"}
	d, err := a.SubmitOrQueue(ctx, s, &app.Submission{Batch: storetest.NewBatch("cli-ob", "m4-exam", 1, 1, 30, "2026-05-01")}, nil, nil, ws)
	_ = ws.Close()
	_ = st.Close()
	if err != nil || !d.Queued {
		t.Fatalf("queue: %+v %v", d, err)
	}
	if code, out, e := runIn(t, dir, "", "outbox"); code != 0 || !strings.Contains(out, "ダミー_cli-ob.csv") || !strings.Contains(out, "30 件") || !strings.Contains(out, "送信待ち: 1 件") {
		t.Fatalf("outbox: %d %s %s", code, out, e)
	}
	if code, out, e := runIn(t, dir, clerkPW, "outbox", "send", "--as", "clerk1", "--store", p); code != 0 || !strings.Contains(out, "登録 30 件") || !strings.Contains(out, "送信待ち: 0 件") {
		t.Fatalf("outbox send: %d %s %s", code, out, e)
	}
	if code, out, e := runIn(t, dir, clerkPW, "outbox", "send", "--as", "clerk1", "--store", p); code != 0 || strings.Contains(out, "登録") {
		t.Fatalf("second send: %d %s %s", code, out, e)
	}
	if code, out, _ := runIn(t, dir, "", "check-store", "--store", p); code != 0 || !strings.Contains(out, "batches: 1") || !strings.Contains(out, "records: 30") {
		t.Fatalf("store after sends: %s", out)
	}
}
