package app_test

import (
	"context"
	"errors"
	"slices"
	"sync"

	"kenshin/internal/app"
	"kenshin/internal/review"
)

// memWS is an in-memory working copy: it keeps the audit spool and counts
// the changes (the real one is internal/workspace, tested there and here
// through internal/workcopy).
type memWS struct {
	mu      sync.Mutex
	spool   []app.Spooled
	changes int
	failAt  int // AppendAudited fails on this call (1-based; 0 never)
	calls   int
	sentErr error // AuditSent fails with it once
	readErr error // UnsentAudit fails with it while set
}

var _ app.Workspace = (*memWS)(nil)

func (w *memWS) Resume(_ context.Context, f app.File, _ string) (app.File, []review.Change, error) {
	return f, nil, nil
}

func (w *memWS) AppendAudited(_ context.Context, _ string, cs []review.Change, es []app.Spooled) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	if w.calls == w.failAt {
		return errors.New("disk full")
	}
	w.changes += len(cs)
	w.spool = append(w.spool, es...)
	return nil
}

func (w *memWS) SaveCursor(context.Context, string, int, int) error { return nil }
func (w *memWS) Forget(context.Context, string) error               { return nil }

func (w *memWS) SpoolAudit(_ context.Context, es ...app.Spooled) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.spool = append(w.spool, es...)
	return nil
}

func (w *memWS) UnsentAudit(_ context.Context, n int) ([]app.Spooled, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.readErr != nil {
		return nil, w.readErr
	}
	return slices.Clone(w.spool[:min(n, len(w.spool))]), nil
}

func (w *memWS) AuditSent(_ context.Context, ids []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.sentErr; err != nil {
		w.sentErr = nil
		return err
	}
	w.spool = slices.DeleteFunc(w.spool, func(e app.Spooled) bool { return slices.Contains(ids, e.ID) })
	return nil
}

func (w *memWS) PendingAudit(context.Context) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.spool), nil
}
