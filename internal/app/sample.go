package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/sampling"
	"kenshin/internal/submission"
)

// SampleKeeper is a working copy that keeps the audit sample of a file and
// the clerk's marks (internal/workcopy), so that quitting before submit
// loses neither. Each call is one transaction; the audit entries passed
// with a call are spooled in it.
type SampleKeeper interface {
	SaveSample(ctx context.Context, hash string, sm *sampling.Sample, by string, es []Spooled) error
	// LoadSample is nil, nil when no sample was drawn for the file.
	LoadSample(ctx context.Context, hash string) (*sampling.Sample, error)
	MarkSample(ctx context.Context, hash string, c sampling.Cell, m sampling.Mark, by string) error
	DropSampleCells(ctx context.Context, hash string, cs []sampling.Cell, es []Spooled) error
}

// ErrSampleCellEdited refuses marking a sampled cell that was corrected
// after the draw: a mark judges the value as read.
var ErrSampleCellEdited = errors.New("このセルは抜き取りのあとで修正されたため、判定を付けられません（判定は修正前の読み取り値に対するものです）")

// sampleKeeper is the working copy OpenReview opened rv's file in, when it
// keeps samples; nil: the sample lives in memory only (tests, the demo).
func (a *App) sampleKeeper(rv *review.Session) (Workspace, SampleKeeper) {
	ws := a.workspaceOf(rv.Batch.Hash)
	if k, ok := ws.(SampleKeeper); ok {
		return ws, k
	}
	return ws, nil
}

// KeptSample is the sample kept in the working copy for rv's file, with its
// marks (nil when none was drawn, or the file has no working copy).
func (a *App) KeptSample(ctx context.Context, s *Session, rv *review.Session) (*sampling.Sample, error) {
	ws, k := a.sampleKeeper(rv)
	if k == nil {
		return nil, nil
	}
	if err := a.allowSample(ctx, s, ws); err != nil {
		return nil, err
	}
	return k.LoadSample(ctx, rv.Batch.Hash)
}

// DrawSample is the audit sample of a review before submission. One sample
// a file: the one kept in the working copy (with its marks, after
// ReconcileSample) is returned when there is one; otherwise the default
// size (20 cells or 2 %, whichever is larger) is drawn from the cells no
// rule flagged and the clerk did not correct, and saved with its audit
// entry in one transaction. The seed is random and logged, so the same
// sample can be drawn again for an audit.
func (a *App) DrawSample(ctx context.Context, s *Session, rv *review.Session) (*sampling.Sample, error) {
	ws, k := a.sampleKeeper(rv)
	if err := a.allowSample(ctx, s, ws); err != nil {
		return nil, err
	}
	if k != nil {
		sm, err := k.LoadSample(ctx, rv.Batch.Hash)
		if err != nil || sm != nil {
			return sm, err
		}
	}
	var seed [8]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, err
	}
	sm := sampling.Draw(sampling.Unflagged(rv), binary.LittleEndian.Uint64(seed[:]))
	drawn := entry{s.name(), s.terminal(), KindSampleDrawn, "file " + short(rv.Batch.Hash),
		fmt.Sprintf("cells=%d population=%d seed=%d", len(sm.Cells), sm.Population, sm.Seed)}
	if k == nil {
		if _, err := a.record(ctx, s, drawn.kind, drawn.object, drawn.detail); err != nil {
			return nil, err
		}
		return sm, nil
	}
	es, err := a.spooled(drawn)
	if err == nil {
		err = k.SaveSample(ctx, rv.Batch.Hash, sm, s.name(), es)
	}
	if err != nil {
		return nil, fmt.Errorf("抜き取りを保存できないため、抜き取りを始めません: %w", err)
	}
	a.attach(ws)
	a.kick()
	return sm, nil
}

// ReconcileSample brings a sample up to date with the review before it is
// shown or attached. A sampled cell the clerk corrected after the draw and
// before marking it is dropped from the sample — its value as read can no
// longer be judged on the screen, and a mark on the corrected value would
// not measure the OCR — and the drop is logged; the sample goes on with
// the other cells. A cell corrected after it was marked keeps its mark
// (the clerk is told to correct the cells found wrong; that must not
// erase them from the estimate). dropped lists the cells removed now.
func (a *App) ReconcileSample(ctx context.Context, s *Session, rv *review.Session, sm *sampling.Sample) (dropped []sampling.Cell, err error) {
	var keep []int
	for i, c := range sm.Cells {
		if sm.Marks[i] == sampling.Unmarked && edited(rv, c) {
			dropped = append(dropped, c)
			continue
		}
		keep = append(keep, i)
	}
	if len(dropped) == 0 {
		return nil, nil
	}
	ws, k := a.sampleKeeper(rv)
	if err := a.allowSample(ctx, s, ws); err != nil {
		return nil, err
	}
	places := make([]string, len(dropped))
	for i, c := range dropped {
		places[i] = fmt.Sprintf("row %d field %s", c.Row, c.Key)
	}
	e := entry{s.name(), s.terminal(), KindSampleDrawn, "file " + short(rv.Batch.Hash),
		fmt.Sprintf("dropped=%d edited after the draw: %s", len(dropped), strings.Join(places, ", "))}
	if k == nil {
		if _, err := a.record(ctx, s, e.kind, e.object, e.detail); err != nil {
			return nil, err
		}
	} else {
		es, err := a.spooled(e)
		if err == nil {
			err = k.DropSampleCells(ctx, rv.Batch.Hash, dropped, es)
		}
		if err != nil {
			return nil, fmt.Errorf("抜き取りを更新できません: %w", err)
		}
		a.attach(ws)
		a.kick()
	}
	cells, marks := make([]sampling.Cell, 0, len(keep)), make([]sampling.Mark, 0, len(keep))
	var by []string
	for _, i := range keep {
		cells, marks = append(cells, sm.Cells[i]), append(marks, sm.Marks[i])
		if i < len(sm.By) {
			by = append(by, sm.By[i])
		}
	}
	sm.Cells, sm.Marks = cells, marks
	if len(by) == len(cells) {
		sm.By = by
	} else {
		sm.By = nil
	}
	return dropped, nil
}

// DroppedNote is the clerk's message for cells ReconcileSample dropped.
func DroppedNote(dropped []sampling.Cell, left int) string {
	if len(dropped) == 0 {
		return ""
	}
	return fmt.Sprintf("抜き取ったあとで修正されたセル %d 件を、判定前だったため抜き取りから外しました（残り %d セルで推定します）", len(dropped), left)
}

func edited(rv *review.Session, c sampling.Cell) bool {
	f := rv.Batch.Form.Field(c.Key)
	return f != nil && c.Row >= 1 && c.Row <= rv.Len() && rv.Edited(c.Row-1, f.Index)
}

// allowSample is the gate of the sample's actions (the clerk's work on the
// file): local, without a round trip, when there is a working copy.
func (a *App) allowSample(ctx context.Context, s *Session, ws Workspace) error {
	if ws == nil {
		return a.allow(ctx, s, auth.EditCell)
	}
	return a.allowLocal(ctx, s, auth.EditCell, ws)
}

// MarkSample records the clerk's verdict on sampled cell i of rv's sample,
// checked against the paper: wrong means the value differs from the
// paper. It is saved in the working copy before it takes effect in sm; a
// cell corrected after it was marked keeps its mark (ErrSampleCellEdited).
func (a *App) MarkSample(ctx context.Context, s *Session, rv *review.Session, sm *sampling.Sample, i int, wrong bool) error {
	ws, k := a.sampleKeeper(rv)
	if err := a.allowSample(ctx, s, ws); err != nil {
		return err
	}
	if i < 0 || i >= len(sm.Cells) {
		return sm.Set(i, sampling.Unmarked) // its error names the index
	}
	m := sampling.Right
	if wrong {
		m = sampling.Wrong
	}
	c := sm.Cells[i]
	if edited(rv, c) {
		if sm.Marks[i] == m {
			return nil
		}
		return ErrSampleCellEdited
	}
	if k != nil {
		if err := k.MarkSample(ctx, rv.Batch.Hash, c, m, s.name()); err != nil {
			return err
		}
	}
	return sm.SetBy(i, m, s.name())
}

// AttachSample computes the estimate of a fully marked sample and puts it
// on the prepared batch: Submit stores it, and the report's 概要 sheet
// prints Summary (sampling.Estimate.String()).
func (a *App) AttachSample(s *Session, sub *Submission, sm *sampling.Sample) (sampling.Estimate, error) {
	est, err := sm.Estimate()
	if err != nil {
		return est, err
	}
	// By is who marked the cells (the report's 抜き取り検査をした人), not
	// whoever submits; a sample marked before who-marked was kept names
	// the submitter
	by := strings.Join(sm.MarkedBy(), "、")
	if by == "" {
		by = s.name()
	}
	out := &submission.Sample{Seed: sm.Seed, Population: est.Population, N: est.N, Errors: est.Errors, Rate: est.Rate, Upper: est.Upper,
		By: by, At: a.now(), Summary: est.String()}
	for i, c := range sm.Cells {
		if sm.Marks[i] == sampling.Wrong {
			out.Wrong = append(out.Wrong, submission.SampleCell{Row: c.Row, Key: c.Key})
		}
	}
	sub.Batch.Sample = out
	return est, nil
}
