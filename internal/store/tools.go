package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/submission"
)

// MarkImported sets the 取込済み mark of a batch.
func (t *tx) MarkImported(ctx context.Context, id int64, m submission.Imported) error {
	r, err := t.tx.ExecContext(ctx, `UPDATE batches SET imported_at = ?, imported_by = ? WHERE id = ?`, m.At.UTC().Format(time.RFC3339Nano), m.By, id)
	if err != nil {
		return t.db.Wrap("取込済みの印を付けられません", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: batch %d", app.ErrNotFound, id)
	}
	return nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// PurgeBatches deletes the records, trail and decisions of ids.
func (t *tx) PurgeBatches(ctx context.Context, ids []int64, at time.Time, by string) (map[int64]submission.PurgeCount, []int64, error) {
	set := slices.Clone(ids)
	var kept []int64
	// a batch whose records are referred to from outside the set stays;
	// dropping it may block another, so repeat until nothing changes
	for len(set) > 0 {
		in := placeholders(len(set))
		args := append(int64Args(set), int64Args(set)...)
		args = append(args, int64Args(set)...)
		rows, err := t.tx.QueryContext(ctx, `SELECT DISTINCT r.batch_id FROM records r WHERE r.batch_id IN (`+in+`) AND (
			EXISTS (SELECT 1 FROM records o WHERE o.superseded_by = r.id AND o.batch_id NOT IN (`+in+`))
			OR EXISTS (SELECT 1 FROM decisions d WHERE d.existing_id = r.id AND d.batch_id NOT IN (`+in+`)))`, args...) // #nosec G202 -- placeholders only
		if err != nil {
			return nil, nil, t.db.Wrap("削除できるか確認できません", err)
		}
		var blocked []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close() // read-only
				return nil, nil, t.db.Wrap("削除できるか確認できません", err)
			}
			blocked = append(blocked, id)
		}
		_ = rows.Close() // read-only
		if len(blocked) == 0 {
			break
		}
		kept = append(kept, blocked...)
		set = slices.DeleteFunc(set, func(id int64) bool { return slices.Contains(blocked, id) })
	}
	out := map[int64]submission.PurgeCount{}
	if len(set) == 0 {
		return out, kept, nil
	}
	stamp := at.UTC().Format(time.RFC3339Nano)
	for _, id := range set {
		var c submission.PurgeCount
		if err := t.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM records WHERE batch_id = ?), (SELECT count(*) FROM trail WHERE batch_id = ?)`, id, id).Scan(&c.Records, &c.Cells); err != nil {
			return nil, nil, t.db.Wrap("削除する件数を数えられません", err)
		}
		out[id] = c
	}
	in := placeholders(len(set))
	for _, q := range []string{
		`DELETE FROM decisions WHERE batch_id IN (` + in + `)`,
		`DELETE FROM trail WHERE batch_id IN (` + in + `)`,
		`DELETE FROM records WHERE batch_id IN (` + in + `)`,
	} {
		if _, err := t.tx.ExecContext(ctx, q, int64Args(set)...); err != nil {
			return nil, nil, t.db.Wrap("記録を削除できません（何も削除していません）", err)
		}
	}
	args := append([]any{stamp, by}, int64Args(set)...)
	if _, err := t.tx.ExecContext(ctx, `UPDATE batches SET purged_at = ?, purged_by = ? WHERE id IN (`+in+`)`, args...); err != nil { // #nosec G202 -- placeholders only
		return nil, nil, t.db.Wrap("削除の印を付けられません", err)
	}
	return out, kept, nil
}

// PendingCheck reads a saved second-person check.
func (t *tx) PendingCheck(ctx context.Context, key string) ([]byte, error) {
	var data string
	err := t.tx.QueryRowContext(ctx, `SELECT data FROM pending_checks WHERE batch_key = ?`, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, t.db.Wrap("ダブルチェックの途中経過を読めません", err)
	}
	return []byte(data), nil
}

// SavePendingCheck stores (or replaces) a check in progress.
func (t *tx) SavePendingCheck(ctx context.Context, key string, data []byte, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO pending_checks (batch_key, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (batch_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, key, string(data), at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return t.db.Wrap("ダブルチェックの途中経過を保存できません", err)
	}
	return nil
}

// DeletePendingCheck removes a check in progress (none: no error).
func (t *tx) DeletePendingCheck(ctx context.Context, key string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM pending_checks WHERE batch_key = ?`, key); err != nil {
		return t.db.Wrap("ダブルチェックの途中経過を削除できません", err)
	}
	return nil
}

// saveTools stores the check and the sample with a batch just inserted.
func (t *tx) saveTools(ctx context.Context, id int64, b *submission.Batch) error {
	dc, sm, err := toolsJSON(b)
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE batches SET double_check = ?, sample = ? WHERE id = ?`, dc, sm, id); err != nil {
		return t.db.Wrap("ダブルチェックと抜き取り検査の結果を登録できません", err)
	}
	return nil
}

// loadTools reads them back.
func (t *tx) loadTools(ctx context.Context, b *submission.Batch) error {
	var dc, sm sql.NullString
	if err := t.tx.QueryRowContext(ctx, `SELECT double_check, sample FROM batches WHERE id = ?`, b.ID).Scan(&dc, &sm); err != nil {
		return t.db.Wrap("バッチを読めません", err)
	}
	return fromToolsJSON(b, dc.String, sm.String)
}

func toolsJSON(b *submission.Batch) (dc, sm any, err error) {
	if b.DoubleCheck != nil {
		j, err := json.Marshal(b.DoubleCheck)
		if err != nil {
			return nil, nil, err
		}
		dc = string(j)
	}
	if b.Sample != nil {
		j, err := json.Marshal(b.Sample)
		if err != nil {
			return nil, nil, err
		}
		sm = string(j)
	}
	return dc, sm, nil
}

func fromToolsJSON(b *submission.Batch, dc, sm string) error {
	if dc != "" {
		b.DoubleCheck = &submission.DoubleCheck{}
		if err := json.Unmarshal([]byte(dc), b.DoubleCheck); err != nil {
			return fmt.Errorf("バッチ %d のダブルチェック記録が壊れています: %w", b.ID, err)
		}
	}
	if sm != "" {
		b.Sample = &submission.Sample{}
		if err := json.Unmarshal([]byte(sm), b.Sample); err != nil {
			return fmt.Errorf("バッチ %d の抜き取り検査記録が壊れています: %w", b.ID, err)
		}
	}
	return nil
}
