package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

// Centres are the health centres (会場 codes and names) from common.json.
func (a *App) Centres() []form.Option {
	for _, f := range a.Forms.Forms {
		if v := f.Field(form.KeyVenue); v != nil {
			return v.Options
		}
	}
	return nil
}

// SubmitRequest is what the submitter chose.
type SubmitRequest struct {
	Centre         int    // 0: the 会場 most sheets name
	OverrideReason string // lets errors through; supervisors only
}

// Submission is a batch ready to go, with the stored records it overlaps.
type Submission struct {
	Batch     *submission.Batch
	Conflicts []submission.Conflict
}

// PrepareSubmit builds the batch of a review under the submission rules and
// lists the records the store already holds. Nothing is written.
func (a *App) PrepareSubmit(ctx context.Context, s *Session, rv *review.Session, req SubmitRequest) (*Submission, error) {
	act := auth.Submit
	if strings.TrimSpace(req.OverrideReason) != "" {
		act = auth.Override
	}
	if err := a.allow(ctx, s, act); err != nil {
		return nil, err
	}
	if req.Centre == 0 {
		req.Centre = submission.MajorityVenue(rv)
	}
	opt := submission.Options{Centre: req.Centre, Submitter: s.name(), MayOverride: s.User.Can(auth.Override), Now: a.now()}
	if r := strings.TrimSpace(req.OverrideReason); r != "" {
		opt.Override = &submission.Override{User: s.name(), Reason: r}
	}
	b, err := submission.Build(rv, opt)
	if err != nil {
		return nil, err
	}
	out := &Submission{Batch: b}
	err = a.Store.View(ctx, func(tx Tx) error {
		out.Conflicts, err = tx.Conflicts(ctx, b)
		return err
	})
	return out, err
}

// SubmitResult is what a submission stored, and the audit head after it.
type SubmitResult struct {
	submission.Result
	Head      audit.Head
	ForgetErr error // the batch is stored, but the working copy was kept
	// DeletionRecord is the record of the deleted working copy (see
	// App.DeletionRecords); DeletionErr why it could not be written.
	DeletionRecord string
	DeletionErr    error
}

// Submit stores a prepared batch and its 「送信」 entry in one transaction;
// decisions resolve the conflicts (keyed by row). Afterwards the working
// copy of the file is deleted (ws nil: nothing to delete).
func (a *App) Submit(ctx context.Context, s *Session, sub *Submission, decisions map[int]submission.Decision, ws Workspace) (SubmitResult, error) {
	var out SubmitResult
	b := sub.Batch
	act := auth.Submit
	if b.Override != nil {
		act = auth.Override
	}
	// The changes reviewed go onto the chain before their 「送信」 entry;
	// the gate is checked inside the submit's own transaction.
	err := a.shipFirst(ctx, ws)
	if err == nil {
		err = a.updateAs(ctx, s, act, func(tx Tx) error { return a.submitIn(ctx, tx, s, b, decisions, &out) })
	}
	if err != nil && IsUnreachable(err) {
		// Offline the user as last read decides whether the batch may
		// wait in the outbox; SendOutbox submits it anew through the gate.
		if derr := a.allowLocal(ctx, s, act, ws); derr != nil {
			return out, derr
		}
	}
	if err != nil {
		return out, err
	}
	if ws != nil {
		out.ForgetErr = ws.Forget(ctx, b.FileHash)
		if out.ForgetErr == nil && a.DeletionRecords != "" {
			out.DeletionRecord, out.DeletionErr = a.WorkingCopyDeleted(ctx, s, b, out.BatchID, a.DeletionRecords, "")
		}
	}
	return out, nil
}

// submitIn stores b and its 「送信」 entry inside tx.
func (a *App) submitIn(ctx context.Context, tx Tx, s *Session, b *submission.Batch, decisions map[int]submission.Decision, out *SubmitResult) error {
	cur, err := a.settleCheck(ctx, tx, b, s.name())
	if err != nil {
		return err
	}
	res, err := tx.InsertBatch(ctx, cur, decisions)
	if err != nil {
		return err
	}
	out.Result = res
	reason := ""
	if b.Override != nil {
		reason = " override=yes"
	}
	if cur.DoubleCheck != nil {
		reason += fmt.Sprintf(" checked_by=%s(%s)", cur.DoubleCheck.Checker, cur.DoubleCheck.Mode)
	}
	if cur.Sample != nil {
		reason += fmt.Sprintf(" sample=%d/%d", cur.Sample.Errors, cur.Sample.N)
	}
	out.Head, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.Submitted, fmt.Sprintf("batch %d file %s", res.BatchID, short(b.FileHash)),
		fmt.Sprintf("form=%s rows=%d stored=%d skipped=%d replaced=%d%s", b.Form, len(b.Records), res.Stored, res.Skipped, res.Replaced, reason)})
	return err
}

// Batches lists the stored batches (metadata only, no health data).
func (a *App) Batches(ctx context.Context, s *Session) ([]submission.Info, error) {
	if s.user() == nil {
		return nil, auth.Check(nil, auth.OpenFile)
	}
	var out []submission.Info
	err := a.Store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Batches(ctx)
		return err
	})
	return out, err
}

// IsConflict reports the unresolved conflicts of a Submit error.
func IsConflict(err error) ([]submission.Conflict, bool) {
	var ue *submission.UnresolvedError
	if errors.As(err, &ue) {
		return ue.Conflicts, true
	}
	return nil, false
}
