package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/submission"
)

// LoadBatch reads a submitted batch back: its records (as submitted, even
// if later replaced) and its trail, for the correction report.
func (t *tx) LoadBatch(ctx context.Context, id int64) (*submission.Batch, error) {
	b := &submission.Batch{ID: id}
	var at string
	var ovUser, ovReason sql.NullString
	err := t.tx.QueryRowContext(ctx, `SELECT batch_key, file_hash, file, form, checkup, centre, reviewer, submitter, submitted_at,
		rows, errors, warnings, corrected, confirmed, override_user, override_reason FROM batches WHERE id = ?`, id).Scan(
		&b.Key, &b.FileHash, &b.File, &b.Form, &b.Checkup, &b.Centre, &b.Reviewer, &b.Submitter, &at,
		&b.Stats.Rows, &b.Stats.Errors, &b.Stats.Warnings, &b.Stats.Corrected, &b.Stats.Confirmed, &ovUser, &ovReason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: batch %d", app.ErrNotFound, id)
	}
	if err != nil {
		return nil, t.db.Wrap("バッチを読めません", err)
	}
	b.SubmittedAt, _ = time.Parse(time.RFC3339Nano, at)
	if ovUser.Valid {
		b.Override = &submission.Override{User: ovUser.String, Reason: ovReason.String}
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT row, line, atena, exam_date, vals, ocr FROM records WHERE batch_id = ? ORDER BY row`, id)
	if err != nil {
		return nil, t.db.Wrap("記録を読めません", err)
	}
	for rows.Next() {
		r := submission.Record{Values: map[string]string{}, OCR: map[string]string{}}
		var vals, ocr string
		if err := rows.Scan(&r.Row, &r.Line, &r.Atena, &r.ExamDate, &vals, &ocr); err != nil {
			_ = rows.Close() // read-only
			return nil, t.db.Wrap("記録を読めません", err)
		}
		if err := decodeValues(vals, func(k, v string) { r.Values[k] = v; r.OCR[k] = v }); err != nil {
			_ = rows.Close() // read-only
			return nil, fmt.Errorf("記録（宛名番号 %s）の値が壊れています: %w", r.Atena, err)
		}
		// only where OCR read something else
		if err := decodeValues(ocr, func(k, v string) { r.OCR[k] = v }); err != nil {
			_ = rows.Close() // read-only
			return nil, fmt.Errorf("記録（宛名番号 %s）の読み取り値が壊れています: %w", r.Atena, err)
		}
		b.Records = append(b.Records, r)
	}
	_ = rows.Close() // read-only
	trail, err := t.tx.QueryContext(ctx, `SELECT row, field, ocr, final, findings, confidence, edited, COALESCE(edited_by, ''), COALESCE(edited_at, ''),
		confirmed, COALESCE(confirmed_by, ''), COALESCE(confirm_reason, ''), overridden, COALESCE(confirmed_at, '') FROM trail WHERE batch_id = ? ORDER BY rowid`, id)
	if err != nil {
		return nil, t.db.Wrap("修正履歴を読めません", err)
	}
	defer trail.Close()
	for trail.Next() {
		var c submission.Cell
		var findings, editedAt, confirmedAt string
		var conf sql.NullFloat64
		if err := trail.Scan(&c.Row, &c.Key, &c.OCR, &c.Final, &findings, &conf, &c.Edited, &c.EditedBy, &editedAt,
			&c.Confirmed, &c.ConfirmedBy, &c.ConfirmReason, &c.Overridden, &confirmedAt); err != nil {
			return nil, t.db.Wrap("修正履歴を読めません", err)
		}
		if err := json.Unmarshal([]byte(findings), &c.Findings); err != nil {
			return nil, fmt.Errorf("修正履歴（%d 行目 %s）の指摘が壊れています: %w", c.Row, c.Key, err)
		}
		c.Confidence, c.HasConfidence = conf.Float64, conf.Valid
		c.EditedAt, _ = time.Parse(time.RFC3339Nano, editedAt)       // "" (not edited) stays the zero time
		c.ConfirmedAt, _ = time.Parse(time.RFC3339Nano, confirmedAt) // "" (not confirmed, or stored before 0004) likewise
		b.Trail = append(b.Trail, c)
	}
	if err := trail.Err(); err != nil {
		return nil, t.db.Wrap("修正履歴を読めません", err)
	}
	return b, t.loadTools(ctx, b)
}
