package store

import (
	"bytes"
	"context"

	"kenshin/internal/app"
	"kenshin/internal/form"
	"kenshin/internal/importfile"
	"kenshin/internal/submission"
)

// Test shorthands: one transaction per call, as the application layer would.

func (s *Store) Submit(ctx context.Context, b *submission.Batch, d map[int]submission.Decision) (res submission.Result, err error) {
	err = s.Update(ctx, func(tx app.Tx) error { res, err = tx.InsertBatch(ctx, b, d); return err })
	return res, err
}

func (s *Store) Conflicts(ctx context.Context, b *submission.Batch) (cs []submission.Conflict, err error) {
	err = s.View(ctx, func(tx app.Tx) error { cs, err = tx.Conflicts(ctx, b); return err })
	return cs, err
}

func (s *Store) Batches(ctx context.Context) (out []submission.Info, err error) {
	err = s.View(ctx, func(tx app.Tx) error { out, err = tx.Batches(ctx); return err })
	return out, err
}

func (s *Store) LoadBatch(ctx context.Context, id int64) (b *submission.Batch, err error) {
	err = s.View(ctx, func(tx app.Tx) error { b, err = tx.LoadBatch(ctx, id); return err })
	return b, err
}

type exportResult struct {
	Records int
	Batches []int64
}

func (s *Store) Export(ctx context.Context, f *form.Form, flt submission.Filter, enc string) ([]byte, exportResult, error) {
	var res exportResult
	r, err := importfile.New(f, enc)
	if err != nil {
		return nil, res, err
	}
	seen := map[int64]bool{}
	err = s.View(ctx, func(tx app.Tx) error {
		return tx.ExportRecords(ctx, f.ID, flt, func(rec submission.Stored) error {
			r.Add(rec.Atena, rec.Values)
			if !seen[rec.BatchID] {
				seen[rec.BatchID] = true
				res.Batches = append(res.Batches, rec.BatchID)
			}
			return nil
		})
	})
	if err != nil {
		return nil, res, err
	}
	res.Records = r.Records
	var buf bytes.Buffer
	if _, err := r.WriteTo(&buf); err != nil {
		return nil, res, err
	}
	return buf.Bytes(), res, nil
}
