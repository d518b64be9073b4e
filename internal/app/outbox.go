package app

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"kenshin/internal/review"
	"kenshin/internal/submission"
)

// OutboxStore is where a terminal keeps the batches it could not send
// (internal/workspace implements it in the workspace database).
type OutboxStore interface {
	OutboxPut(ctx context.Context, key, summary string, payload []byte) error
	OutboxList(ctx context.Context) (keys, summaries, notes []string, err error)
	OutboxGet(ctx context.Context, key string) ([]byte, error)
	OutboxNote(ctx context.Context, key, note string) error
	OutboxDone(ctx context.Context, key string) error
}

// QueuedMessage is what the clerk is told when a batch waits in the outbox.
const QueuedMessage = "サーバーにつながらないため、送信を待っています"

// IsUnreachable reports an error that means the server could not be
// reached (a backend's error says so through an Unreachable() method), as
// opposed to a refusal: the batch may be kept and sent later.
func IsUnreachable(err error) bool {
	var u interface{ Unreachable() bool }
	if errors.As(err, &u) {
		return u.Unreachable()
	}
	// not net.Error: syscall.Errno satisfies it, and a missing file is no outage
	var oe *net.OpError
	var de *net.DNSError
	return errors.As(err, &oe) || errors.As(err, &de)
}

// Waiting is a batch in the outbox, for the status bar and kenshinctl outbox.
type Waiting struct {
	Key    string
	File   string
	Form   string
	Rows   int
	Queued time.Time
	Note   string // why the last attempt did not deliver it ("" none yet)
}

type waitingSummary struct {
	File   string    `json:"file"`
	Form   string    `json:"form"`
	Rows   int       `json:"rows"`
	Queued time.Time `json:"queued"`
}

// outboxItem is a queued batch: everything Submit needs again.
type outboxItem struct {
	Batch     *submission.Batch           `json:"batch"`
	Decisions map[int]submission.Decision `json:"decisions,omitempty"`
}

// Delivery is the outcome of SubmitOrQueue.
type Delivery struct {
	SubmitResult
	Queued bool // the server was unreachable: the batch waits in the outbox
}

// PrepareSubmitOffline is PrepareSubmit that, with the server unreachable,
// still returns the batch: its conflicts are unknown until it is sent (a
// conflict found then keeps it in the outbox with a note).
func (a *App) PrepareSubmitOffline(ctx context.Context, s *Session, rv *review.Session, req SubmitRequest) (*Submission, error) {
	sub, err := a.PrepareSubmit(ctx, s, rv, req)
	if err != nil && IsUnreachable(err) && sub != nil && sub.Batch != nil {
		return &Submission{Batch: sub.Batch}, nil
	}
	return sub, err
}

// SubmitOrQueue is Submit that, when the server cannot be reached, keeps
// the batch (with its idempotency key) in ob and keeps the working copy:
// Delivery.Queued is set and QueuedMessage is what to tell the clerk.
// Nothing is lost and nothing is sent twice: SendOutbox sends it later
// under the same key.
func (a *App) SubmitOrQueue(ctx context.Context, s *Session, sub *Submission, decisions map[int]submission.Decision, ws Workspace, ob OutboxStore) (Delivery, error) {
	res, err := a.Submit(ctx, s, sub, decisions, ws)
	if err == nil || !IsUnreachable(err) || ob == nil {
		return Delivery{SubmitResult: res}, err
	}
	if qerr := a.queue(ctx, ob, sub.Batch, decisions); qerr != nil {
		return Delivery{}, fmt.Errorf("%w（送信待ちにも保存できませんでした: %v）", err, qerr)
	}
	return Delivery{Queued: true}, nil
}

func (a *App) queue(ctx context.Context, ob OutboxStore, b *submission.Batch, decisions map[int]submission.Decision) error {
	var buf bytes.Buffer
	// gob, not JSON: a 25,000-record batch encodes and decodes several
	// times faster, and the payload is only ever read back by this package
	if err := gob.NewEncoder(&buf).Encode(outboxItem{Batch: b, Decisions: decisions}); err != nil {
		return err
	}
	payload := buf.Bytes()
	sum, _ := json.Marshal(waitingSummary{File: b.File, Form: b.Form, Rows: len(b.Records), Queued: a.now()})
	return ob.OutboxPut(ctx, b.Key, string(sum), payload)
}

// Outbox lists the batches waiting to be sent (no health data: file name,
// form, row count), oldest first.
func Outbox(ctx context.Context, ob OutboxStore) ([]Waiting, error) {
	keys, sums, notes, err := ob.OutboxList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Waiting, len(keys))
	for i, k := range keys {
		var w waitingSummary
		_ = json.Unmarshal([]byte(sums[i]), &w) // written by queue; a bad summary only blanks the listing
		out[i] = Waiting{Key: k, File: w.File, Form: w.Form, Rows: w.Rows, Queued: w.Queued, Note: notes[i]}
	}
	return out, nil
}

// SendReport is what SendOutbox did.
type SendReport struct {
	Delivered []SubmitResult // sent now
	Already   []string       // keys the server held already (an earlier send that was not confirmed)
	Waiting   int            // still in the outbox
	Failed    map[string]error
}

// SendOutbox sends the waiting batches as s, oldest first, each under its
// own key: a batch the server already holds is refused there as a
// duplicate, which counts as delivered. It stops at the first sign that the
// server is unreachable again; a batch the server refuses (a conflict to
// decide, a permission) stays with a note. After delivery the file's
// working copy is deleted (ws nil: kept).
func (a *App) SendOutbox(ctx context.Context, s *Session, ob OutboxStore, ws Workspace) (SendReport, error) {
	rep := SendReport{Failed: map[string]error{}}
	keys, _, _, err := ob.OutboxList(ctx)
	if err != nil {
		return rep, err
	}
	for i, key := range keys {
		payload, err := ob.OutboxGet(ctx, key)
		if err != nil {
			return rep, err
		}
		if payload == nil {
			continue // delivered by another sender meanwhile
		}
		var it outboxItem
		if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&it); err != nil || it.Batch == nil {
			rep.Failed[key] = fmt.Errorf("送信待ちのバッチを読めません: %v", err)
			continue
		}
		res, err := a.Submit(ctx, s, &Submission{Batch: it.Batch}, it.Decisions, ws)
		switch {
		case err == nil:
			rep.Delivered = append(rep.Delivered, res)
		case errors.Is(err, submission.ErrDuplicate):
			rep.Already = append(rep.Already, key)
			if ws != nil {
				_ = ws.Forget(ctx, it.Batch.FileHash) // delivered before; a kept working copy is only disk space
			}
		case IsUnreachable(err):
			rep.Waiting = len(keys) - i
			return rep, err
		default:
			rep.Failed[key] = err
			_ = ob.OutboxNote(ctx, key, err.Error()) // the note only explains; the batch stays either way
			continue
		}
		if err := ob.OutboxDone(ctx, key); err != nil {
			// delivered, but still listed: the next send finds it a duplicate
			return rep, err
		}
	}
	rep.Waiting = len(rep.Failed)
	return rep, nil
}

// Offline reports whether the last contact with the central store found it
// unreachable: the status bar then counts the audit entries that wait.
func (a *App) Offline() bool { return a.sh().down.Load() }
