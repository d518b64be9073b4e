package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/check"
	"kenshin/internal/doublecheck"
	"kenshin/internal/form"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

// ErrCheckPending: Submit waits for the second-person check.
var ErrCheckPending = errors.New("ダブルチェックが終わっていません。別の利用者が対象の項目を確認し、不一致は確認者が判断してから送信してください")

// pendingCheck is a check in progress as the store keeps it (typed values
// included; deleted on submit).
type pendingCheck struct {
	Reviewer string             `json:"reviewer"`
	Checker  string             `json:"checker"`
	Mode     doublecheck.Mode   `json:"mode"`
	Items    []doublecheck.Item `json:"items"`
}

// form is the definition of id, nil when the App has no form set.
func (a *App) form(id string) *form.Form {
	if a.Forms == nil {
		return nil
	}
	return a.Forms.Form(id)
}

// CheckKeys are the fields of form f a second person checks.
func CheckKeys(f *form.Form) []string {
	if f == nil {
		return doublecheck.DefaultKeys
	}
	return doublecheck.Keys(f.DoubleCheck)
}

// normalizer folds typed values the way the rules read them (全角, 和暦 …),
// so 「R7.4.1」 re-keyed for 2025-04-01 matches.
func normalizer(f *form.Form) doublecheck.Normalizer {
	return func(key, v string) string {
		v = strings.TrimSpace(v)
		if f == nil {
			return v
		}
		if fd := f.Field(key); fd != nil {
			if c, ok := check.Canonical(fd, v); ok {
				return c
			}
		}
		return v
	}
}

func (a *App) checkSession(b *submission.Batch, p *pendingCheck) (*doublecheck.Session, error) {
	return doublecheck.New(p.Reviewer, p.Checker, p.Mode, p.Items, normalizer(a.Forms.Form(b.Form)), a.now)
}

// loadCheck reads the check of b in progress (nil: none).
func (a *App) loadCheck(ctx context.Context, tx Tx, b *submission.Batch) (*pendingCheck, *doublecheck.Session, error) {
	data, err := tx.PendingCheck(ctx, b.Key)
	if err != nil || data == nil {
		return nil, nil, err
	}
	var p pendingCheck
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, nil, fmt.Errorf("ダブルチェックの途中経過が壊れています: %w", err)
	}
	ds, err := a.checkSession(b, &p)
	return &p, ds, err
}

func (a *App) saveCheck(ctx context.Context, tx Tx, b *submission.Batch, p *pendingCheck, ds *doublecheck.Session) error {
	p.Items = ds.Items()
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.SavePendingCheck(ctx, b.Key, data, a.now())
}

// CheckView is a second-person check as the checker may see it: in blind
// mode Items hides every first value not yet re-keyed.
type CheckView struct {
	Reviewer, Checker string
	Mode              doublecheck.Mode
	Items             []doublecheck.Item
	Settled, Open     int // settled fields, open mismatches
	Total             int
	Complete          bool
}

func view(ds *doublecheck.Session) *CheckView {
	v := &CheckView{Reviewer: ds.Reviewer, Checker: ds.Checker, Mode: ds.Mode, Complete: ds.Complete()}
	v.Settled, v.Open, v.Total = ds.Progress()
	for i := range ds.Len() {
		v.Items = append(v.Items, ds.Item(i))
	}
	return v
}

// CheckTarget is the batch a review would submit, for a second person to
// check before the submitter prepares it (errors may still be open: a
// supervisor's override comes at submit). The check is stored under its
// key, the same key PrepareSubmit gives while nothing changes.
func (a *App) CheckTarget(ctx context.Context, s *Session, rv *review.Session) (*Submission, error) {
	if err := a.allow(ctx, s, auth.DoubleCheck); err != nil {
		return nil, err
	}
	if err := a.checkFieldsSettled(rv); err != nil {
		return nil, err
	}
	b := submission.Describe(rv, submission.MajorityVenue(rv), a.now())
	if b.Reviewer == s.name() {
		// the checker opened a working copy no one else has changed: who
		// reviewed it is not known here; Submit refuses the checker instead
		b.Reviewer = ""
	}
	return &Submission{Batch: b}, nil
}

// ErrCheckFieldsOpen: a field the second person checks still has an open
// error (●, a misread): the check is of the values to be submitted, so
// they are settled first; else the checker would confirm a value the
// table still marks wrong.
var ErrCheckFieldsOpen = errors.New("ダブルチェックの前に、対象の項目のエラーを表で直してください")

func (a *App) checkFieldsSettled(rv *review.Session) error {
	f := rv.Batch.Form
	var open []string
	n := 0
	for i := range rv.Len() {
		for _, k := range CheckKeys(a.form(f.ID)) {
			fd := f.Field(k)
			if fd == nil || !rv.HasOpenError(i, fd.Index) {
				continue
			}
			n++
			if len(open) < 3 {
				open = append(open, fmt.Sprintf("%d 件目「%s」", i+1, fd.Label))
			}
		}
	}
	if n == 0 {
		return nil
	}
	more := ""
	if n > len(open) {
		more = fmt.Sprintf(" ほか %d 件", n-len(open))
	}
	return fmt.Errorf("%w（%s%s）", ErrCheckFieldsOpen, strings.Join(open, "、"), more)
}

// StartDoubleCheck starts (or resumes) the second-person check of a
// prepared submission by the user logged in as s, who must not be the
// reviewer. The check is stored under the batch key, so any later edit
// (a new key) needs a new check, and another terminal or kenshinctl can
// carry on with it.
func (a *App) StartDoubleCheck(ctx context.Context, s *Session, sub *Submission, mode doublecheck.Mode) (*CheckView, error) {
	b := sub.Batch
	var out *CheckView
	err := a.updateAs(ctx, s, auth.DoubleCheck, func(tx Tx) error {
		p, ds, err := a.loadCheck(ctx, tx, b)
		if err != nil {
			return err
		}
		if p != nil {
			if p.Checker != s.name() {
				return fmt.Errorf("このバッチは「%s」がダブルチェック中です", p.Checker)
			}
			if p.Mode != mode {
				return fmt.Errorf("このバッチのダブルチェックは別の方式（%s）で始まっています", modeLabel(p.Mode))
			}
			out = view(ds)
			return nil
		}
		for _, c := range b.Trail {
			if c.EditedBy == s.name() || c.ConfirmedBy == s.name() {
				label := c.Key
				if fm := a.form(b.Form); fm != nil && fm.Field(c.Key) != nil {
					label = fm.Field(c.Key).Label
				}
				return fmt.Errorf("ダブルチェックは修正・確認をした人以外が行ってください（%s は %d 件目「%s」を修正・確認しています）: %w", s.name(), c.Row, label, auth.ErrDenied)
			}
		}
		p = &pendingCheck{Reviewer: b.Reviewer, Checker: s.name(), Mode: mode,
			Items: doublecheck.FromBatch(b, CheckKeys(a.Forms.Form(b.Form)))}
		if ds, err = a.checkSession(b, p); errors.Is(err, doublecheck.ErrSameUser) {
			return fmt.Errorf("ダブルチェックは確認した人（%s）以外が行ってください: %w", b.Reviewer, auth.ErrDenied)
		} else if err != nil {
			return err
		}
		if err := a.saveCheck(ctx, tx, b, p, ds); err != nil {
			return err
		}
		out = view(ds)
		_, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), KindCheckStarted, "file " + short(b.FileHash),
			fmt.Sprintf("mode=%s fields=%d reviewer=%s", modeName(mode), ds.Len(), b.Reviewer)})
		return err
	})
	return out, err
}

func modeName(m doublecheck.Mode) string {
	if m == doublecheck.Blind {
		return "blind"
	}
	return "confirm"
}

func modeLabel(m doublecheck.Mode) string {
	if m == doublecheck.Blind {
		return "見ずに再入力"
	}
	return "見て確認"
}

// checkStep applies one step of the check as s, the checker, and stores it
// with its audit entry (the field's place only, never the value).
//
// The gate is checked inside the step's transaction (one round trip per
// field, not two).
func (a *App) checkStep(ctx context.Context, s *Session, act auth.Action, sub *Submission, kind, detail string, step func(ds *doublecheck.Session) error) (*CheckView, error) {
	b := sub.Batch
	var out *CheckView
	err := a.updateAs(ctx, s, act, func(tx Tx) error {
		p, ds, err := a.loadCheck(ctx, tx, b)
		if err != nil {
			return err
		}
		if p == nil {
			return errors.New("このバッチのダブルチェックは始まっていません")
		}
		if kind == KindCheckField && p.Checker != s.name() {
			return fmt.Errorf("このバッチは「%s」がダブルチェック中です: %w", p.Checker, auth.ErrDenied)
		}
		if err := step(ds); err != nil {
			return checkErr(err)
		}
		if err := a.saveCheck(ctx, tx, b, p, ds); err != nil {
			return err
		}
		out = view(ds)
		_, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), kind, "file " + short(b.FileHash), detail})
		return err
	})
	return out, err
}

// ConfirmField records that the checker saw row's key and it matches the
// paper (confirm mode).
func (a *App) ConfirmField(ctx context.Context, s *Session, sub *Submission, row int, key string) (*CheckView, error) {
	return a.checkStep(ctx, s, auth.DoubleCheck, sub, KindCheckField, fmt.Sprintf("row=%d field=%s confirmed", row, key), func(ds *doublecheck.Session) error {
		return ds.Confirm(row, key)
	})
}

// RekeyField records the value the checker typed from the paper (blind
// mode) and reports whether it matches the reviewer's.
func (a *App) RekeyField(ctx context.Context, s *Session, sub *Submission, row int, key, typed string) (bool, *CheckView, error) {
	var match bool
	v, err := a.checkStep(ctx, s, auth.DoubleCheck, sub, KindCheckField, fmt.Sprintf("row=%d field=%s rekeyed", row, key), func(ds *doublecheck.Session) error {
		var err error
		match, err = ds.Rekey(row, key, typed)
		return err
	})
	return match, v, err
}

// Mismatches lists the fields whose re-keyed value differs, with both
// values, for a supervisor's decision.
func (a *App) Mismatches(ctx context.Context, s *Session, sub *Submission) ([]doublecheck.Item, error) {
	if err := a.allow(ctx, s, auth.DecideMismatch); err != nil {
		return nil, err
	}
	var out []doublecheck.Item
	err := a.Store.View(ctx, func(tx Tx) error {
		_, ds, err := a.loadCheck(ctx, tx, sub.Batch)
		if ds != nil {
			out = ds.Mismatches()
		}
		return err
	})
	return out, err
}

// DecideMismatch settles a mismatch: the supervisor, having looked at the
// paper, sets the value to submit, with a reason.
func (a *App) DecideMismatch(ctx context.Context, s *Session, sub *Submission, row int, key, value, reason string) (*CheckView, error) {
	return a.checkStep(ctx, s, auth.DecideMismatch, sub, KindCheckDecided, fmt.Sprintf("row=%d field=%s", row, key), func(ds *doublecheck.Session) error {
		return ds.Decide(row, key, s.name(), value, reason)
	})
}

// DoubleCheckState is the check of sub as it stands (nil: not started),
// with every value, first and re-keyed: for the supervisor (and the
// report), not the checker. The gate (DecideMismatch) is checked inside
// the read's transaction, and the read is logged with the file's place,
// as an opened file is, since it shows the children's values.
func (a *App) DoubleCheckState(ctx context.Context, s *Session, sub *Submission) (*doublecheck.Session, error) {
	var out *doublecheck.Session
	b := sub.Batch
	err := a.updateAs(ctx, s, auth.DecideMismatch, func(tx Tx) error {
		var err error
		if _, out, err = a.loadCheck(ctx, tx, b); err != nil || out == nil {
			return err
		}
		_, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.FileOpened, "file " + short(b.FileHash),
			"double_check_values mode=" + modeName(out.Mode)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DoubleCheckProgress is the check of sub as it stands (nil: not started)
// without any value: who checks, the mode and the counts, for the
// checker's screen (DoubleCheck). Items is empty.
func (a *App) DoubleCheckProgress(ctx context.Context, s *Session, sub *Submission) (*CheckView, error) {
	var out *CheckView
	var denied error
	err := a.Store.View(ctx, func(tx Tx) error {
		if denied = a.checkIn(ctx, tx, s, auth.DoubleCheck); denied != nil {
			return denied
		}
		_, ds, err := a.loadCheck(ctx, tx, sub.Batch)
		if ds != nil {
			out = view(ds)
			out.Items = nil // the counts only
		}
		return err
	})
	if denied != nil {
		_ = a.note(ctx, s, audit.Denied, string(auth.DoubleCheck), "") // the refusal is returned either way
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// settleCheck, inside Submit's transaction: with the check required, a
// batch with fields to check needs a complete check; its decided values
// are applied and who checked what goes with the batch. The check in
// progress (typed values) is deleted.
//
// b itself is not changed (a retried transaction starts again from it):
// the batch to insert is returned.
func (a *App) settleCheck(ctx context.Context, tx Tx, b *submission.Batch, submitter string) (*submission.Batch, error) {
	p, ds, err := a.loadCheck(ctx, tx, b)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		if !a.DoubleCheckOff && len(doublecheck.FromBatch(b, CheckKeys(a.form(b.Form)))) > 0 {
			return nil, ErrCheckPending
		}
		return b, nil
	}
	if !a.DoubleCheckOff && p.Checker == submitter {
		return nil, fmt.Errorf("ダブルチェックをした人（%s）は、そのバッチを送信できません: %w", submitter, auth.ErrDenied)
	}
	if !ds.Complete() {
		if a.DoubleCheckOff {
			return b, tx.DeletePendingCheck(ctx, b.Key)
		}
		settled, open, total := ds.Progress()
		return nil, fmt.Errorf("%w（%d / %d 項目、判断待ちの不一致 %d）", ErrCheckPending, settled, total, open)
	}
	out := *b
	if ch := ds.Changes(); len(ch) > 0 {
		out.Records, out.Trail = slices.Clone(b.Records), slices.Clone(b.Trail)
		for _, c := range ch {
			if c.Row < 1 || c.Row > len(out.Records) {
				return nil, fmt.Errorf("ダブルチェックの行 %d がバッチにありません", c.Row)
			}
			r := &out.Records[c.Row-1]
			r.Values = maps.Clone(r.Values)
			r.Values[c.Key] = c.To
			out.Trail = append(out.Trail, submission.Cell{Row: c.Row, Key: c.Key, OCR: r.OCR[c.Key], Final: c.To,
				Edited: true, EditedBy: c.DecidedBy, EditedAt: a.now(), Findings: []string{"ダブルチェック: " + c.Reason}})
		}
	}
	dc := &submission.DoubleCheck{Reviewer: p.Reviewer, Checker: p.Checker, Mode: modeName(p.Mode)}
	for _, it := range ds.Items() {
		dc.Items = append(dc.Items, submission.CheckItem{Row: it.Row, Key: it.Key, State: stateName(it.State), CheckedBy: it.CheckedBy, CheckedAt: it.CheckedAt,
			DecidedBy: it.DecidedBy, DecidedAt: it.DecidedAt, Reason: it.Reason})
	}
	out.DoubleCheck = dc
	return &out, tx.DeletePendingCheck(ctx, b.Key)
}

func stateName(st doublecheck.State) string {
	return map[doublecheck.State]string{doublecheck.Pending: "pending", doublecheck.Confirmed: "confirmed", doublecheck.Matched: "matched",
		doublecheck.Mismatch: "mismatch", doublecheck.Decided: "decided"}[st]
}

// checkErr says a refused step in Japanese; the cause stays wrapped.
func checkErr(err error) error {
	msg := "ダブルチェックを記録できません"
	switch {
	case errors.Is(err, doublecheck.ErrNotFound):
		msg = "その行・項目はダブルチェックの対象ではありません"
	case errors.Is(err, doublecheck.ErrWrongMode):
		msg = "このダブルチェックの方式（見て確認／見ずに再入力）ではできない操作です"
	case errors.Is(err, doublecheck.ErrNoMismatch):
		msg = "その項目は判断待ちの不一致ではありません"
	}
	return fmt.Errorf("%s: %w", msg, err)
}
