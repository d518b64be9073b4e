package workspace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"kenshin/internal/sampling"
)

// The audit sample of a file is kept here with the clerk's marks, so that a
// reopened file resumes it. Each write is one transaction committed before
// the screen shows its effect, as a change is, and the audit entry that goes
// with it (sample drawn, cells dropped) is spooled in the same transaction.

// ErrSampleExists refuses a second sample for a file.
var ErrSampleExists = errors.New("このファイルの抜き取りは引いてあります")

// SaveSample keeps a newly drawn sample of the file hash (registered by
// Resume) with its audit entries: both or neither.
func (s *Store) SaveSample(ctx context.Context, hash string, sm *sampling.Sample, by string, entries []SpoolEntry) error {
	fail := func(err error) error { return s.wrap("抜き取りを保存できません", err) }
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM samples WHERE hash = ?`, hash).Scan(&n); err != nil {
		return fail(err)
	}
	if n > 0 {
		return ErrSampleExists
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO samples (hash, seed, population, drawn_at, drawn_by) VALUES (?, ?, ?, ?, ?)`,
		hash, int64(sm.Seed), sm.Population, s.now().UTC().Format(time.RFC3339Nano), by); err != nil { // #nosec G115 -- the seed's bits are kept as they are and read back with uint64
		return fail(err)
	}
	for i, c := range sm.Cells {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sample_cells (hash, ord, row, key, mark) VALUES (?, ?, ?, ?, ?)`,
			hash, i, c.Row, c.Key, int(sm.Marks[i])); err != nil {
			return fail(err)
		}
	}
	if err := spoolIn(ctx, tx, entries); err != nil {
		return s.wrap("操作記録を保存できないため、抜き取りは保存しませんでした", err)
	}
	return fail0(fail, tx.Commit())
}

func fail0(fail func(error) error, err error) error {
	if err != nil {
		return fail(err)
	}
	return nil
}

// LoadSample is the sample kept for the file hash with its marks, nil when
// none was drawn.
func (s *Store) LoadSample(ctx context.Context, hash string) (*sampling.Sample, error) {
	fail := func(err error) error { return s.wrap("抜き取りを読めません", err) }
	var seed int64
	sm := &sampling.Sample{}
	err := s.db.QueryRowContext(ctx, `SELECT seed, population FROM samples WHERE hash = ?`, hash).Scan(&seed, &sm.Population)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fail(err)
	}
	sm.Seed = uint64(seed) // #nosec G115 -- the bits SaveSample stored
	rows, err := s.db.QueryContext(ctx, `SELECT row, key, mark, marked_by FROM sample_cells WHERE hash = ? ORDER BY ord`, hash)
	if err != nil {
		return nil, fail(err)
	}
	defer func() { _ = rows.Close() }() // read-only
	for rows.Next() {
		var c sampling.Cell
		var m int
		var by string
		if err := rows.Scan(&c.Row, &c.Key, &m, &by); err != nil {
			return nil, fail(err)
		}
		if sampling.Mark(m) < sampling.Unmarked || sampling.Mark(m) > sampling.Wrong {
			return nil, fail(fmt.Errorf("unknown mark %d at row %d %s", m, c.Row, c.Key))
		}
		sm.Cells = append(sm.Cells, c)
		sm.Marks = append(sm.Marks, sampling.Mark(m))
		sm.By = append(sm.By, by)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(err)
	}
	if !slices.ContainsFunc(sm.By, func(b string) bool { return b != "" }) {
		sm.By = nil // nobody marked yet: as a freshly drawn sample
	}
	return sm, nil
}

// MarkSample saves the mark of one sampled cell, in its own transaction.
func (s *Store) MarkSample(ctx context.Context, hash string, c sampling.Cell, m sampling.Mark, by string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE sample_cells SET mark = ?, marked_by = ? WHERE hash = ? AND row = ? AND key = ?`, int(m), by, hash, c.Row, c.Key)
	if err != nil {
		return s.wrap("抜き取りの判定を保存できません", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return s.wrap("抜き取りの判定を保存できません", fmt.Errorf("cell row %d %s is not in the sample kept for the file (%d rows, %v)", c.Row, c.Key, n, err))
	}
	return nil
}

// DropSampleCells removes cells from the kept sample (cells edited after
// the draw, before they were marked) with the audit entries saying so: both
// or neither.
func (s *Store) DropSampleCells(ctx context.Context, hash string, cells []sampling.Cell, entries []SpoolEntry) error {
	fail := func(err error) error { return s.wrap("抜き取りを更新できません", err) }
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	for _, c := range cells {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sample_cells WHERE hash = ? AND row = ? AND key = ?`, hash, c.Row, c.Key); err != nil {
			return fail(err)
		}
	}
	if err := spoolIn(ctx, tx, entries); err != nil {
		return s.wrap("操作記録を保存できないため、抜き取りは変えませんでした", err)
	}
	return fail0(fail, tx.Commit())
}
