package app

import (
	"context"
	"fmt"
	"path/filepath"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
)

// Review is an open file under review, with where the clerk left off.
type Review struct {
	*review.Session
	Path             string
	CurRow, CurField int
	Resumed          int // changes replayed from the working copy
}

// OpenReview reads a CSV (formID "" lets the header decide), resumes the
// work saved for it in the terminal's working copy (ws nil: memory only),
// and logs the opening. Every later change and confirmation goes through
// the log before the working copy (see journal).
func (a *App) OpenReview(ctx context.Context, s *Session, ws Workspace, path, formID string) (*Review, error) {
	if err := a.allow(ctx, s, auth.OpenFile); err != nil {
		return nil, err
	}
	b, err := ocrcsv.ReadFile(path, a.Forms, ocrcsv.Options{FormID: formID})
	if err != nil {
		return nil, err
	}
	rv := &Review{Path: path}
	var saved []review.Change
	var inner review.Journal
	if ws != nil {
		f, changes, err := ws.Resume(ctx, File{Hash: b.Hash, Path: path, Form: b.Form.ID, Rows: len(b.Rows)}, s.name())
		if err != nil {
			return nil, err
		}
		saved, inner, rv.CurRow, rv.CurField = changes, ws.Journal(b.Hash), f.CurRow, f.CurField
	}
	atena := b.Form.Field(form.KeyAtena)
	j := &journal{a: a, s: s, inner: inner, hash: b.Hash, atena: func(row int) string {
		if atena == nil {
			return ""
		}
		return b.Value(row, atena.Index)
	}}
	rv.Session, err = review.Open(b, review.Options{User: s.name(), Journal: j, Now: a.Now, Growth: a.Forms.Growth}, saved)
	if err != nil {
		return nil, fmt.Errorf("保存されていた作業を再現できません: %w", err)
	}
	rv.Resumed = len(saved)
	if _, err := a.record(ctx, s, audit.FileOpened, fmt.Sprintf("file %s %s", short(b.Hash), filepath.Base(path)),
		fmt.Sprintf("form=%s rows=%d resumed=%d", b.Form.ID, len(b.Rows), len(saved))); err != nil {
		return nil, err
	}
	return rv, nil
}

func short(hash string) string { return hash[:min(12, len(hash))] }

// Pair runs the 受診票/アンケート partner check between two open reviews of
// the same checkup (nothing happens for files that are not partners).
func Pair(x, y *review.Session) bool {
	if x == nil || y == nil || x == y || !x.Batch.Form.Partner(y.Batch.Form) {
		return false
	}
	fx, fy := check.Partners(x.Checker(), x, y.Checker(), y)
	x.SetPartnerFindings(fx)
	y.SetPartnerFindings(fy)
	return true
}

// journal logs every change and confirmation before it reaches the working
// copy: if the entry cannot be written, the change is refused. The entry
// holds identifiers only — file hash, row, field key, 宛名番号 and the kind
// of operation — never the old or new text (a 氏名カナ is personal data).
type journal struct {
	a     *App
	s     *Session
	inner review.Journal
	hash  string
	atena func(row int) string
}

func (j *journal) Append(ctx context.Context, cs ...review.Change) error {
	if err := j.a.check(ctx, j.s, auth.EditCell); err != nil {
		return err
	}
	err := j.a.update(ctx, func(tx Tx) error {
		for _, c := range cs {
			kind := audit.CellChanged
			switch c.Op {
			case review.OpConfirm:
				kind = audit.Confirmed
			case review.OpUnconfirm:
				kind = audit.Unconfirmed
			}
			obj := fmt.Sprintf("file %s row %d field %s 宛名番号 %s", short(j.hash), c.Row+1, c.Key, j.atena(c.Row))
			if _, err := j.a.appendAudit(ctx, tx, entry{j.s.name(), j.s.terminal(), kind, obj, "step=" + string(c.Step)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("操作記録を書けないため変更しません: %w", err)
	}
	if j.inner == nil {
		return nil
	}
	return j.inner.Append(ctx, cs...)
}
