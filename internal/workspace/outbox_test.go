package workspace

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// TestOutboxDurable: a queued batch survives closing and reopening the
// workspace; queuing the same key again is one entry; done removes it.
func TestOutboxDurable(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "workspace.db")
	clock := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	ws, err := Open(ctx, p, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct{ key, sum, payload string }{{"k1", "s1", "p1"}, {"k2", "s2", "p2"}, {"k1", "s1b", "p1b"}} {
		if err := ws.OutboxPut(ctx, e.key, e.sum, []byte(e.payload)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.OutboxNote(ctx, "k2", "重なる記録があります"); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	ws, err = Open(ctx, p, now)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ws.Close() }()
	keys, sums, notes, err := ws.OutboxList(ctx)
	if err != nil || !reflect.DeepEqual(keys, []string{"k1", "k2"}) || !reflect.DeepEqual(sums, []string{"s1b", "s2"}) || notes[1] != "重なる記録があります" {
		t.Fatalf("after reopen: %v %v %v %v", keys, sums, notes, err)
	}
	if got, err := ws.OutboxGet(ctx, "k1"); err != nil || string(got) != "p1b" {
		t.Fatalf("get k1 = %q, %v", got, err)
	}
	if err := ws.OutboxDone(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if got, err := ws.OutboxGet(ctx, "k1"); err != nil || got != nil {
		t.Fatalf("k1 after done = %q, %v", got, err)
	}
}
