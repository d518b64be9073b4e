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
// work saved for it in the terminal's working copy, and logs the opening.
// With a working copy, the opening and every later change and confirmation
// are spooled there — the entry in the same transaction as the change —
// and shipped to the central store in the background (see ship.go), so
// review never waits for the server. With none (ws nil: tests, the demo)
// there is nowhere to spool, so the entries are written to the central
// store at once, as before.
func (a *App) OpenReview(ctx context.Context, s *Session, ws Workspace, path, formID string) (*Review, error) {
	if ws == nil {
		if err := a.allow(ctx, s, auth.OpenFile); err != nil {
			return nil, err
		}
	} else if err := a.allowLocal(ctx, s, auth.OpenFile, ws); err != nil {
		return nil, err
	}
	b, err := ocrcsv.ReadFile(path, a.Forms, ocrcsv.Options{FormID: formID})
	if err != nil {
		return nil, err
	}
	rv := &Review{Path: path}
	var saved []review.Change
	if ws != nil {
		f, changes, err := ws.Resume(ctx, File{Hash: b.Hash, Path: path, Form: b.Form.ID, Rows: len(b.Rows)}, s.name())
		if err != nil {
			return nil, err
		}
		saved, rv.CurRow, rv.CurField = changes, f.CurRow, f.CurField
	}
	atena := b.Form.Field(form.KeyAtena)
	j := &journal{a: a, s: s, ws: ws, hash: b.Hash, atena: func(row int) string {
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
	opened := entry{s.name(), s.terminal(), audit.FileOpened, fmt.Sprintf("file %s %s", short(b.Hash), filepath.Base(path)),
		fmt.Sprintf("form=%s rows=%d resumed=%d", b.Form.ID, len(b.Rows), len(saved))}
	if ws == nil {
		if _, err := a.record(ctx, s, opened.kind, opened.object, opened.detail); err != nil {
			return nil, err
		}
		return rv, nil
	}
	es, err := a.spooled(opened)
	if err == nil {
		err = ws.SpoolAudit(ctx, es...)
	}
	if err != nil {
		return nil, fmt.Errorf("操作記録を書けないため、ファイルを開きません: %w", err)
	}
	a.openedIn(b.Hash, ws)
	a.attach(ws)
	a.kick()
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

// journal logs every change and confirmation with the change itself: if
// the entry cannot be written, the change is refused. The entry holds
// identifiers only — file hash, row, field key, 宛名番号 and the kind of
// operation — never the old or new text (a 氏名カナ is personal data). It
// never touches the central store when there is a working copy: the entry
// is spooled in the same transaction as the change.
type journal struct {
	a     *App
	s     *Session
	ws    Workspace // nil: no working copy, entries go to the central store
	hash  string
	atena func(row int) string
}

func (j *journal) entries(cs []review.Change) []entry {
	out := make([]entry, len(cs))
	for i, c := range cs {
		kind := audit.CellChanged
		switch c.Op {
		case review.OpConfirm:
			kind = audit.Confirmed
		case review.OpUnconfirm:
			kind = audit.Unconfirmed
		}
		obj := fmt.Sprintf("file %s row %d field %s 宛名番号 %s", short(j.hash), c.Row+1, c.Key, j.atena(c.Row))
		out[i] = entry{j.s.name(), j.s.terminal(), kind, obj, "step=" + string(c.Step)}
	}
	return out
}

func (j *journal) Append(ctx context.Context, cs ...review.Change) error {
	a := j.a
	if j.ws == nil {
		return j.appendCentral(ctx, cs)
	}
	if err := a.allowLocal(ctx, j.s, auth.EditCell, j.ws); err != nil {
		return err
	}
	es, err := a.spooled(j.entries(cs)...)
	if err == nil {
		err = j.ws.AppendAudited(ctx, j.hash, cs, es)
	}
	if err != nil {
		return fmt.Errorf("操作記録を書けないため変更しません: %w", err)
	}
	a.attach(j.ws)
	a.kick()
	return nil
}

// appendCentral writes the entries to the central store when there is no
// working copy, the gate checked inside the same transaction.
func (j *journal) appendCentral(ctx context.Context, cs []review.Change) error {
	a := j.a
	var denied error
	err := a.update(ctx, func(tx Tx) error {
		if denied = a.checkIn(ctx, tx, j.s, auth.EditCell); denied != nil {
			return denied
		}
		for _, e := range j.entries(cs) {
			if _, err := a.appendAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if denied != nil {
		_ = a.note(ctx, j.s, audit.Denied, string(auth.EditCell), "") // the refusal is returned either way
		return denied
	}
	if err != nil {
		return fmt.Errorf("操作記録を書けないため変更しません: %w", err)
	}
	return nil
}
