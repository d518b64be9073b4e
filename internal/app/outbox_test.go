package app_test

import (
	"context"
	"slices"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/review"
)

type unreachable struct{}

func (unreachable) Error() string     { return "サーバーに接続できません" }
func (unreachable) Unreachable() bool { return true }

// offlineStore is a server store while the server is down.
type offlineStore struct{ app.Store }

func (offlineStore) Update(context.Context, func(app.Tx) error) error { return unreachable{} }
func (offlineStore) View(context.Context, func(app.Tx) error) error   { return unreachable{} }

// memOutbox is an in-memory outbox (the workspace's is tested in
// internal/workspace and against a real server in internal/pgstore).
type memOutbox struct {
	keys           []string
	sums, payloads map[string]string
	notes          map[string]string
}

func newMemOutbox() *memOutbox {
	return &memOutbox{sums: map[string]string{}, payloads: map[string]string{}, notes: map[string]string{}}
}

func (m *memOutbox) OutboxPut(_ context.Context, key, summary string, payload []byte) error {
	if _, ok := m.payloads[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.sums[key], m.payloads[key] = summary, string(payload)
	return nil
}

func (m *memOutbox) OutboxList(context.Context) (keys, sums, notes []string, err error) {
	for _, k := range m.keys {
		keys, sums, notes = append(keys, k), append(sums, m.sums[k]), append(notes, m.notes[k])
	}
	return keys, sums, notes, nil
}

func (m *memOutbox) OutboxGet(_ context.Context, key string) ([]byte, error) {
	p, ok := m.payloads[key]
	if !ok {
		return nil, nil
	}
	return []byte(p), nil
}

func (m *memOutbox) OutboxNote(_ context.Context, key, note string) error {
	m.notes[key] = note
	return nil
}

func (m *memOutbox) OutboxDone(_ context.Context, key string) error {
	delete(m.payloads, key)
	m.keys = slices.DeleteFunc(m.keys, func(k string) bool { return k == key })
	return nil
}

// forgetful counts the working copies deleted.
type forgetful struct {
	memWS
	forgot []string
}

func (f *forgetful) Forget(_ context.Context, hash string) error {
	f.forgot = append(f.forgot, hash)
	return nil
}

// TestSubmitOrQueue: offline, a clean review is prepared (conflicts
// unknown) and queued, the working copy kept; a refusal is not queued;
// online again it is sent once and its working copy deleted; a batch whose
// conflicts need a decision stays queued with a note.
func TestSubmitOrQueue(t *testing.T) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	down := over(a, offlineStore{st})
	ob, ws := newMemOutbox(), &forgetful{}

	dirty := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 10, Seed: 5, ErrorRate: 0.1})
	if _, err := down.PrepareSubmitOffline(ctx, u.Clerk, dirty, app.SubmitRequest{}); err == nil || app.IsUnreachable(err) {
		t.Fatalf("a review with errors offline: %v; want the submission rules' refusal", err)
	}
	queue := func(rv *review.Session) {
		t.Helper()
		sub, err := down.PrepareSubmitOffline(ctx, u.Clerk, rv, app.SubmitRequest{})
		if err != nil || sub.Conflicts != nil {
			t.Fatalf("prepare offline: %+v %v", sub, err)
		}
		d, err := down.SubmitOrQueue(ctx, u.Clerk, sub, nil, ws, ob)
		if err != nil || !d.Queued {
			t.Fatalf("submit offline: %+v %v; want queued", d, err)
		}
	}
	first := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 6, Seed: 6})
	fixture.Clean(t, first)
	queue(first)
	if len(ws.forgot) != 0 {
		t.Fatal("the working copy was deleted while the batch waits")
	}
	list, err := app.Outbox(ctx, ob)
	if err != nil || len(list) != 1 || list[0].Rows != 6 || list[0].Form != "m4-exam" {
		t.Fatalf("outbox %+v %v", list, err)
	}
	rep, err := a.SendOutbox(ctx, u.Clerk, ob, ws)
	if err != nil || len(rep.Delivered) != 1 || rep.Waiting != 0 || len(ws.forgot) != 1 {
		t.Fatalf("send: %+v %v, forgot %v", rep, err, ws.forgot)
	}
	if list, _ := a.Batches(ctx, u.Clerk); len(list) != 1 {
		t.Fatalf("%d batches stored; want 1", len(list))
	}

	// the same sheets reviewed again offline: the store holds them already
	again := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 6, Seed: 6})
	fixture.Clean(t, again)
	_ = again.Confirm(ctx, 0, 0, "再確認")
	queue(again)
	rep, err = a.SendOutbox(ctx, u.Clerk, ob, ws)
	if err != nil || len(rep.Delivered) != 0 || rep.Waiting != 1 || len(rep.Failed) != 1 {
		t.Fatalf("send of a conflicting batch: %+v %v; want it kept", rep, err)
	}
	if list, _ := app.Outbox(ctx, ob); len(list) != 1 || list[0].Note == "" {
		t.Fatalf("outbox %+v; want the batch with a note", list)
	}
}
