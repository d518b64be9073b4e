package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"kenshin/internal/app"
	"kenshin/internal/submission"
)

// MarkImported sets the 取込済み mark of a batch.
func (t *tx) MarkImported(ctx context.Context, id int64, m submission.Imported) error {
	tag, err := t.tx.Exec(ctx, `UPDATE batches SET imported_at = $1, imported_by = $2 WHERE id = $3`, stamp(m.At), m.By, id)
	if err != nil {
		return t.wrap("取込済みの印を付けられません", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: batch %d", app.ErrNotFound, id)
	}
	return nil
}

// PurgeBatches deletes the records, trail and decisions of ids.
func (t *tx) PurgeBatches(ctx context.Context, ids []int64, at time.Time, by string) (map[int64]submission.PurgeCount, []int64, error) {
	set := slices.Clone(ids)
	var kept []int64
	// a batch whose records are referred to from outside the set stays;
	// dropping it may block another, so repeat until nothing changes
	for len(set) > 0 {
		rows, err := t.tx.Query(ctx, `SELECT DISTINCT r.batch_id FROM records r WHERE r.batch_id = ANY($1) AND (
			EXISTS (SELECT 1 FROM records o WHERE o.superseded_by = r.id AND NOT o.batch_id = ANY($1))
			OR EXISTS (SELECT 1 FROM decisions d WHERE d.existing_id = r.id AND NOT d.batch_id = ANY($1)))`, set)
		if err != nil {
			return nil, nil, t.wrap("削除できるか確認できません", err)
		}
		blocked, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, nil, t.wrap("削除できるか確認できません", err)
		}
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
	for _, id := range set {
		var c submission.PurgeCount
		if err := t.tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM records WHERE batch_id = $1), (SELECT count(*) FROM trail WHERE batch_id = $1)`, id).Scan(&c.Records, &c.Cells); err != nil {
			return nil, nil, t.wrap("削除する件数を数えられません", err)
		}
		out[id] = c
	}
	for _, q := range []string{
		`DELETE FROM decisions WHERE batch_id = ANY($1)`,
		`DELETE FROM trail WHERE batch_id = ANY($1)`,
		`DELETE FROM records WHERE batch_id = ANY($1)`,
	} {
		if _, err := t.tx.Exec(ctx, q, set); err != nil {
			return nil, nil, t.wrap("記録を削除できません（何も削除していません）", err)
		}
	}
	if _, err := t.tx.Exec(ctx, `UPDATE batches SET purged_at = $1, purged_by = $2 WHERE id = ANY($3)`, stamp(at), by, set); err != nil {
		return nil, nil, t.wrap("削除の印を付けられません", err)
	}
	return out, kept, nil
}

// PendingCheck reads a saved second-person check.
func (t *tx) PendingCheck(ctx context.Context, key string) ([]byte, error) {
	var data string
	err := t.tx.QueryRow(ctx, `SELECT data FROM pending_checks WHERE batch_key = $1`, key).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, t.wrap("ダブルチェックの途中経過を読めません", err)
	}
	return []byte(data), nil
}

// SavePendingCheck stores (or replaces) a check in progress.
func (t *tx) SavePendingCheck(ctx context.Context, key string, data []byte, at time.Time) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO pending_checks (batch_key, data, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (batch_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, key, string(data), stamp(at)); err != nil {
		return t.wrap("ダブルチェックの途中経過を保存できません", err)
	}
	return nil
}

// DeletePendingCheck removes a check in progress (none: no error).
func (t *tx) DeletePendingCheck(ctx context.Context, key string) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM pending_checks WHERE batch_key = $1`, key); err != nil {
		return t.wrap("ダブルチェックの途中経過を削除できません", err)
	}
	return nil
}

// saveTools stores the check and the sample with a batch just inserted.
func (t *tx) saveTools(ctx context.Context, id int64, b *submission.Batch) error {
	var dc, sm *string
	if b.DoubleCheck != nil {
		j, err := json.Marshal(b.DoubleCheck)
		if err != nil {
			return err
		}
		s := string(j)
		dc = &s
	}
	if b.Sample != nil {
		j, err := json.Marshal(b.Sample)
		if err != nil {
			return err
		}
		s := string(j)
		sm = &s
	}
	if _, err := t.tx.Exec(ctx, `UPDATE batches SET double_check = $1, sample = $2 WHERE id = $3`, dc, sm, id); err != nil {
		return t.wrap("ダブルチェックと抜き取り検査の結果を登録できません", err)
	}
	return nil
}

// loadTools reads them back.
func (t *tx) loadTools(ctx context.Context, b *submission.Batch) error {
	var dc, sm *string
	if err := t.tx.QueryRow(ctx, `SELECT double_check, sample FROM batches WHERE id = $1`, b.ID).Scan(&dc, &sm); err != nil {
		return t.wrap("バッチを読めません", err)
	}
	if dc != nil {
		b.DoubleCheck = &submission.DoubleCheck{}
		if err := json.Unmarshal([]byte(*dc), b.DoubleCheck); err != nil {
			return fmt.Errorf("バッチ %d のダブルチェック記録が壊れています: %w", b.ID, err)
		}
	}
	if sm != nil {
		b.Sample = &submission.Sample{}
		if err := json.Unmarshal([]byte(*sm), b.Sample); err != nil {
			return fmt.Errorf("バッチ %d の抜き取り検査記録が壊れています: %w", b.ID, err)
		}
	}
	return nil
}
