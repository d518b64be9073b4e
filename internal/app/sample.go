package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/sampling"
	"kenshin/internal/submission"
)

// DrawSample draws the audit sample of a review before submission: the
// default size (20 cells or 2 %, whichever is larger) from the cells no
// rule flagged and the clerk did not correct. The seed is random and
// logged, so the same sample can be drawn again for an audit.
func (a *App) DrawSample(ctx context.Context, s *Session, rv *review.Session) (*sampling.Sample, error) {
	if err := a.allow(ctx, s, auth.EditCell); err != nil {
		return nil, err
	}
	var seed [8]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, err
	}
	sm := sampling.Draw(sampling.Unflagged(rv), binary.LittleEndian.Uint64(seed[:]))
	if _, err := a.record(ctx, s, KindSampleDrawn, "file "+short(rv.Batch.Hash),
		fmt.Sprintf("cells=%d population=%d seed=%d", len(sm.Cells), sm.Population, sm.Seed)); err != nil {
		return nil, err
	}
	return sm, nil
}

// MarkSample records the clerk's verdict on sampled cell i, checked
// against the paper: wrong means the value differs from the paper.
func (a *App) MarkSample(sm *sampling.Sample, i int, wrong bool) error {
	m := sampling.Right
	if wrong {
		m = sampling.Wrong
	}
	return sm.Set(i, m)
}

// AttachSample computes the estimate of a fully marked sample and puts it
// on the prepared batch: Submit stores it, and the report's 概要 sheet
// prints Summary (sampling.Estimate.String()).
func (a *App) AttachSample(s *Session, sub *Submission, sm *sampling.Sample) (sampling.Estimate, error) {
	est, err := sm.Estimate()
	if err != nil {
		return est, err
	}
	out := &submission.Sample{Seed: sm.Seed, Population: est.Population, N: est.N, Errors: est.Errors, Rate: est.Rate, Upper: est.Upper,
		By: s.name(), At: a.now(), Summary: est.String()}
	for i, c := range sm.Cells {
		if sm.Marks[i] == sampling.Wrong {
			out.Wrong = append(out.Wrong, submission.SampleCell{Row: c.Row, Key: c.Key})
		}
	}
	sub.Batch.Sample = out
	return est, nil
}
