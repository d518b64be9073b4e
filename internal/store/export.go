package store

import (
	"context"
	"fmt"
	"time"

	"kenshin/internal/recordjson"
	"kenshin/internal/submission"
)

// ExportRecords calls fn for each current record of a form matching flt,
// ordered by 受診日, 宛名番号, id. The values map is reused between calls.
func (t *tx) ExportRecords(ctx context.Context, formID string, flt submission.Filter, fn func(submission.Stored) error) error {
	q := `SELECT batch_id, atena, vals FROM records WHERE form = ? AND superseded_by IS NULL`
	args := []any{formID}
	if flt.From != "" {
		q += ` AND exam_date >= ?`
		args = append(args, flt.From)
	}
	if flt.To != "" {
		q += ` AND exam_date <= ?`
		args = append(args, flt.To)
	}
	if flt.Centre != 0 {
		q += ` AND centre = ?`
		args = append(args, flt.Centre)
	}
	if flt.BatchID != 0 {
		q += ` AND batch_id = ?`
		args = append(args, flt.BatchID)
	}
	rows, err := t.tx.QueryContext(ctx, q+` ORDER BY exam_date, atena, id`, args...)
	if err != nil {
		return t.db.Wrap("記録を読めません", err)
	}
	defer rows.Close()
	var r submission.Stored
	var raw string
	var bad error
	r.Values = recordjson.Seq(&raw, func(err error) {
		if bad == nil {
			bad = fmt.Errorf("記録（宛名番号 %s）の値が壊れています: %w", r.Atena, err)
		}
	})
	for rows.Next() {
		if err := rows.Scan(&r.BatchID, &r.Atena, &raw); err != nil {
			return t.db.Wrap("記録を読めません", err)
		}
		if err := fn(r); err != nil {
			return err
		}
		if bad != nil {
			return bad
		}
	}
	if err := rows.Err(); err != nil {
		return t.db.Wrap("記録を読めません", err)
	}
	return nil
}

// MarkExported records that an import file was written from these batches,
// when and by whom.
func (t *tx) MarkExported(ctx context.Context, e submission.Export) error {
	at := e.At.UTC().Format(time.RFC3339Nano)
	for _, id := range e.Batches {
		if _, err := t.tx.ExecContext(ctx, `UPDATE batches SET exported_at = ?, exported_by = ? WHERE id = ?`, at, e.By, id); err != nil {
			return t.db.Wrap("出力の記録に失敗しました", err)
		}
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO exports (form, file, exported_at, exported_by, filter, records) VALUES (?, ?, ?, ?, ?, ?)`,
		e.Form, e.File, at, e.By, e.Filter.String(), e.Records); err != nil {
		return t.db.Wrap("出力の記録に失敗しました", err)
	}
	return nil
}
