package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/recordjson"
	"kenshin/internal/submission"
)

// tx is one transaction: it implements app.Tx.
type tx struct {
	tx pgx.Tx
	s  *Store
}

func (t *tx) wrap(msg string, err error) error { return t.s.wrap(msg, err) }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func isUnique(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && (constraint == "" || pe.ConstraintName == constraint)
}

// ---- users

const userCols = `name, roles, hash, disabled, failures, COALESCE(locked_until, ''), created_at`

func scanUser(row pgx.Row) (*auth.User, error) {
	var u auth.User
	var roles, locked, created string
	if err := row.Scan(&u.Name, &roles, &u.Hash, &u.Disabled, &u.Failures, &locked, &created); err != nil {
		return nil, err
	}
	u.Roles = strings.Split(roles, ",")
	u.LockedUntil, u.CreatedAt = parseStamp(locked), parseStamp(created)
	return &u, nil
}

// UserCount is the number of users (0 on first run).
func (t *tx) UserCount(ctx context.Context) (int, error) {
	var n int
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, t.wrap("利用者を読めません", err)
	}
	return n, nil
}

// User loads a user.
func (t *tx) User(ctx context.Context, name string) (*auth.User, error) {
	u, err := scanUser(t.tx.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: user %s", app.ErrNotFound, name)
	}
	if err != nil {
		return nil, t.wrap("利用者を読めません", err)
	}
	return u, nil
}

// Users lists every user by name.
func (t *tx) Users(ctx context.Context) ([]*auth.User, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, t.wrap("利用者を読めません", err)
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, t.wrap("利用者を読めません", err)
		}
		out = append(out, u)
	}
	return out, t.wrap("利用者を読めません", rows.Err())
}

func lockedArg(u *auth.User) any {
	if u.LockedUntil.IsZero() {
		return nil
	}
	return stamp(u.LockedUntil)
}

// InsertUser creates a user; a taken name is app.ErrExists.
func (t *tx) InsertUser(ctx context.Context, u *auth.User, at time.Time) error {
	// ON CONFLICT keeps the transaction usable after a taken name, as in SQLite
	tag, err := t.tx.Exec(ctx, `INSERT INTO users (name, roles, hash, disabled, failures, locked_until, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (name) DO NOTHING`,
		u.Name, strings.Join(u.Roles, ","), u.Hash, u.Disabled, u.Failures, lockedArg(u), stamp(at))
	if err != nil {
		return t.wrap("利用者を追加できません", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: user %s", app.ErrExists, u.Name)
	}
	return nil
}

// UpdateUser saves roles, hash, disabled, failures and lock.
func (t *tx) UpdateUser(ctx context.Context, u *auth.User, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE users SET roles = $1, hash = $2, disabled = $3, failures = $4, locked_until = $5, updated_at = $6 WHERE name = $7`,
		strings.Join(u.Roles, ","), u.Hash, u.Disabled, u.Failures, lockedArg(u), stamp(at), u.Name)
	if err != nil {
		return t.wrap("利用者を保存できません", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: user %s", app.ErrNotFound, u.Name)
	}
	return nil
}

// ---- batches

// current loads the current (not superseded) records of b's form that share
// a 宛名番号 with one of b's records, keyed by 宛名番号 and 受診日.
func (t *tx) current(ctx context.Context, b *submission.Batch) (map[[2]string]submission.Current, error) {
	atenas := make([]string, 0, len(b.Records))
	seen := make(map[string]bool, len(b.Records))
	for _, r := range b.Records {
		if r.Atena != "" && !seen[r.Atena] {
			seen[r.Atena] = true
			atenas = append(atenas, r.Atena)
		}
	}
	out := map[[2]string]submission.Current{}
	if len(atenas) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, `SELECT r.id, r.atena, r.exam_date, b.id, b.file, b.submitted_at, b.submitter
		FROM records r JOIN batches b ON b.id = r.batch_id
		WHERE r.form = $1 AND r.superseded_by IS NULL AND r.atena = ANY($2)`, b.Form, atenas)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r submission.Current
		c := &r.Conflict
		var at string
		if err := rows.Scan(&r.ID, &c.Atena, &c.ExamDate, &c.BatchID, &c.File, &at, &c.SubmittedBy); err != nil {
			return nil, err
		}
		c.SubmittedAt = parseStamp(at)
		out[[2]string{c.Atena, c.ExamDate}] = r
	}
	return out, rows.Err()
}

// Conflicts lists the records of b the store already holds.
func (t *tx) Conflicts(ctx context.Context, b *submission.Batch) ([]submission.Conflict, error) {
	existing, err := t.current(ctx, b)
	if err != nil {
		return nil, t.wrap("登録済みの記録を確認できません", err)
	}
	c, _ := submission.Match(b, existing)
	return c, nil
}

// InsertBatch stores a batch within the transaction: the new records and
// the trail go in by COPY (one round trip per 25,000 records, not one per
// record); a replacement is inserted on its own because the superseded
// record must point at its id.
func (t *tx) InsertBatch(ctx context.Context, b *submission.Batch, decisions map[int]submission.Decision) (submission.Result, error) {
	var res submission.Result
	var dup int64
	switch err := t.tx.QueryRow(ctx, `SELECT id FROM batches WHERE batch_key = $1`, b.Key).Scan(&dup); {
	case err == nil:
		return res, fmt.Errorf("%w（バッチ番号 %d）", submission.ErrDuplicate, dup)
	case !errors.Is(err, pgx.ErrNoRows):
		return res, t.wrap("送信済みか確認できません", err)
	}
	existing, err := t.current(ctx, b)
	if err != nil {
		return res, t.wrap("登録済みの記録を確認できません", err)
	}
	conflicts, recIDs := submission.Match(b, existing)
	if err := submission.Unresolved(conflicts, decisions); err != nil {
		return res, err
	}
	var ovUser, ovReason any
	if b.Override != nil {
		ovUser, ovReason = b.Override.User, b.Override.Reason
	}
	st := b.Stats
	err = t.tx.QueryRow(ctx, `INSERT INTO batches (batch_key, file_hash, file, form, checkup, centre, reviewer, submitter, submitted_at,
		row_count, stored, skipped, replaced, errors, warnings, corrected, confirmed, override_user, override_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, 0, $11, $12, $13, $14, $15, $16) RETURNING id`,
		b.Key, b.FileHash, b.File, b.Form, b.Checkup, b.Centre, b.Reviewer, b.Submitter, stamp(b.SubmittedAt),
		len(b.Records), st.Errors, st.Warnings, st.Corrected, st.Confirmed, ovUser, ovReason).Scan(&res.BatchID)
	if isUnique(err, "batches_batch_key_key") {
		// only without the write lock (a store opened by another tool)
		return res, fmt.Errorf("%w", submission.ErrDuplicate)
	}
	if err != nil {
		return res, t.wrap("バッチを登録できません", err)
	}
	// Conflicting rows first, one by one (a replacement's id goes into the
	// record it supersedes); then every other row streams into COPY,
	// encoded as it is sent, so no copy of the batch is held in memory.
	var sb strings.Builder
	for _, rec := range b.Records {
		old, conflict := recIDs[rec.Row]
		if !conflict {
			continue
		}
		d := decisions[rec.Row]
		if !d.Replace {
			res.Skipped++
			if err := t.decide(ctx, res.BatchID, rec, old, "skip", d.Reason); err != nil {
				return res, t.wrap("判断を記録できません", err)
			}
			continue
		}
		var id int64
		if err := t.tx.QueryRow(ctx, `INSERT INTO records (batch_id, row_no, line, form, atena, exam_date, centre, vals, ocr)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, t.recordRow(&sb, b, res.BatchID, rec)...).Scan(&id); err != nil {
			return res, t.wrap("記録を登録できません", err)
		}
		if _, err := t.tx.Exec(ctx, `UPDATE records SET superseded_by = $1, supersede_reason = $2 WHERE id = $3`, id, d.Reason, old); err != nil {
			return res, t.wrap("置き換えを記録できません", err)
		}
		if err := t.decide(ctx, res.BatchID, rec, old, "replace", d.Reason); err != nil {
			return res, t.wrap("判断を記録できません", err)
		}
		res.Stored++
		res.Replaced++
	}
	i := 0
	n, err := t.tx.CopyFrom(ctx, pgx.Identifier{"records"},
		[]string{"batch_id", "row_no", "line", "form", "atena", "exam_date", "centre", "vals", "ocr"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for ; i < len(b.Records); i++ {
				if _, conflict := recIDs[b.Records[i].Row]; !conflict {
					i++
					return t.recordRow(&sb, b, res.BatchID, b.Records[i-1]), nil
				}
			}
			return nil, nil
		}))
	if err != nil {
		return res, t.wrap("記録を登録できません", err)
	}
	res.Stored += int(n)
	j := 0
	row := make([]any, 15)
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"trail"},
		[]string{"batch_id", "row_no", "field", "ocr", "final", "findings", "confidence", "edited", "edited_by", "edited_at",
			"confirmed", "confirmed_by", "confirm_reason", "overridden", "confirmed_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if j == len(b.Trail) {
				return nil, nil
			}
			c := &b.Trail[j]
			j++
			var conf, editedAt, editedBy any
			if c.HasConfidence {
				conf = c.Confidence
			}
			if c.Edited {
				editedAt = stamp(c.EditedAt)
			}
			if c.EditedBy != "" {
				editedBy = c.EditedBy
			}
			findings, err := json.Marshal(c.Findings)
			if err != nil {
				return nil, err
			}
			row[0], row[1], row[2], row[3], row[4], row[5], row[6] = res.BatchID, int32(c.Row), c.Key, c.OCR, c.Final, string(findings), conf // #nosec G115 -- a row number
			row[7], row[8], row[9], row[10], row[11], row[12], row[13] = c.Edited, editedBy, editedAt, c.Confirmed, c.ConfirmedBy, c.ConfirmReason, c.Overridden
			row[14] = nil
			if !c.ConfirmedAt.IsZero() {
				row[14] = stamp(c.ConfirmedAt)
			}
			return row, nil
		})); err != nil {
		return res, t.wrap("修正履歴を登録できません", err)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE batches SET stored = $1, skipped = $2, replaced = $3 WHERE id = $4`,
		res.Stored, res.Skipped, res.Replaced, res.BatchID); err != nil {
		return res, t.wrap("バッチを登録できません", err)
	}
	return res, t.saveTools(ctx, res.BatchID, b)
}

// recordRow is one records row to insert; the values are encoded here.
func (t *tx) recordRow(sb *strings.Builder, b *submission.Batch, batchID int64, rec submission.Record) []any {
	vals := encodeValues(sb, b.Keys, rec.Values)
	ocr := encodeDiff(sb, b.Keys, rec.OCR, rec.Values)
	return []any{batchID, int32(rec.Row), int32(rec.Line), b.Form, rec.Atena, rec.ExamDate, int32(b.Centre), vals, ocr} // #nosec G115 -- rows, lines and centre codes are small
}

func (t *tx) decide(ctx context.Context, batchID int64, rec submission.Record, existing int64, decision, reason string) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO decisions (batch_id, row_no, atena, exam_date, existing_id, decision, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		batchID, rec.Row, rec.Atena, rec.ExamDate, existing, decision, reason)
	return err
}

// Batches lists stored batches, newest first.
func (t *tx) Batches(ctx context.Context) ([]submission.Info, error) {
	rows, err := t.tx.Query(ctx, `SELECT id, file_hash, form, file, centre, reviewer, submitter, submitted_at, row_count, stored, skipped, replaced,
		errors, corrected, confirmed, COALESCE(override_user, ''), COALESCE(override_reason, ''), COALESCE(exported_at, ''), COALESCE(exported_by, ''),
		COALESCE(imported_at, ''), COALESCE(imported_by, ''), COALESCE(purged_at, '')
		FROM batches ORDER BY id DESC`)
	if err != nil {
		return nil, t.wrap("バッチの一覧を読めません", err)
	}
	defer rows.Close()
	var out []submission.Info
	for rows.Next() {
		var b submission.Info
		var at string
		if err := rows.Scan(&b.ID, &b.FileHash, &b.Form, &b.File, &b.Centre, &b.Reviewer, &b.Submitter, &at, &b.Rows, &b.Stored, &b.Skipped, &b.Replaced,
			&b.Errors, &b.Corrected, &b.Confirmed, &b.OverrideUser, &b.OverrideReason, &b.ExportedAt, &b.ExportedBy,
			&b.ImportedAt, &b.ImportedBy, &b.PurgedAt); err != nil {
			return nil, t.wrap("バッチの一覧を読めません", err)
		}
		b.SubmittedAt = parseStamp(at)
		out = append(out, b)
	}
	return out, t.wrap("バッチの一覧を読めません", rows.Err())
}

// LoadBatch reads a submitted batch back: its records (as submitted, even
// if later replaced) and its trail, for the correction report.
func (t *tx) LoadBatch(ctx context.Context, id int64) (*submission.Batch, error) {
	b := &submission.Batch{ID: id}
	var at string
	var ovUser, ovReason *string
	err := t.tx.QueryRow(ctx, `SELECT batch_key, file_hash, file, form, checkup, centre, reviewer, submitter, submitted_at,
		row_count, errors, warnings, corrected, confirmed, override_user, override_reason FROM batches WHERE id = $1`, id).Scan(
		&b.Key, &b.FileHash, &b.File, &b.Form, &b.Checkup, &b.Centre, &b.Reviewer, &b.Submitter, &at,
		&b.Stats.Rows, &b.Stats.Errors, &b.Stats.Warnings, &b.Stats.Corrected, &b.Stats.Confirmed, &ovUser, &ovReason)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: batch %d", app.ErrNotFound, id)
	}
	if err != nil {
		return nil, t.wrap("バッチを読めません", err)
	}
	b.SubmittedAt = parseStamp(at)
	if ovUser != nil {
		b.Override = &submission.Override{User: *ovUser}
		if ovReason != nil {
			b.Override.Reason = *ovReason
		}
	}
	rows, err := t.tx.Query(ctx, `SELECT row_no, line, atena, exam_date, vals, ocr FROM records WHERE batch_id = $1 ORDER BY row_no, id`, id)
	if err != nil {
		return nil, t.wrap("記録を読めません", err)
	}
	for rows.Next() {
		r := submission.Record{Values: map[string]string{}, OCR: map[string]string{}}
		var vals, ocr string
		if err := rows.Scan(&r.Row, &r.Line, &r.Atena, &r.ExamDate, &vals, &ocr); err != nil {
			rows.Close()
			return nil, t.wrap("記録を読めません", err)
		}
		err1 := decodeValues(vals, func(k, v string) { r.Values[k] = v; r.OCR[k] = v })
		err2 := decodeValues(ocr, func(k, v string) { r.OCR[k] = v }) // only where OCR read something else
		if err := errors.Join(err1, err2); err != nil {
			rows.Close()
			return nil, fmt.Errorf("バッチ %d の %d 行目（宛名番号 %s）の値が壊れています: %w", id, r.Row, r.Atena, err)
		}
		b.Records = append(b.Records, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, t.wrap("記録を読めません", err)
	}
	trail, err := t.tx.Query(ctx, `SELECT row_no, field, ocr, final, findings, confidence, edited, COALESCE(edited_by, ''), COALESCE(edited_at, ''),
		confirmed, COALESCE(confirmed_by, ''), COALESCE(confirm_reason, ''), overridden, COALESCE(confirmed_at, '') FROM trail WHERE batch_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, t.wrap("修正履歴を読めません", err)
	}
	defer trail.Close()
	for trail.Next() {
		var c submission.Cell
		var findings, editedAt string
		var conf *float64
		var confirmedAt string
		if err := trail.Scan(&c.Row, &c.Key, &c.OCR, &c.Final, &findings, &conf, &c.Edited, &c.EditedBy, &editedAt,
			&c.Confirmed, &c.ConfirmedBy, &c.ConfirmReason, &c.Overridden, &confirmedAt); err != nil {
			return nil, t.wrap("修正履歴を読めません", err)
		}
		if err := json.Unmarshal([]byte(findings), &c.Findings); err != nil {
			return nil, fmt.Errorf("バッチ %d の修正履歴（%d 行目 %s）が壊れています: %w", id, c.Row, c.Key, err)
		}
		if conf != nil {
			c.Confidence, c.HasConfidence = *conf, true
		}
		c.EditedAt = parseStamp(editedAt)
		c.ConfirmedAt = parseStamp(confirmedAt)
		b.Trail = append(b.Trail, c)
	}
	trail.Close()
	if err := trail.Err(); err != nil {
		return nil, t.wrap("修正履歴を読めません", err)
	}
	return b, t.loadTools(ctx, b)
}

// ExportRecords calls fn for each current record of a form matching flt,
// ordered by 受診日, 宛名番号, id. The values map is reused between calls.
func (t *tx) ExportRecords(ctx context.Context, formID string, flt submission.Filter, fn func(submission.Stored) error) error {
	q := `SELECT batch_id, atena, vals FROM records WHERE form = $1 AND superseded_by IS NULL`
	args := []any{formID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND %s $%d", cond, len(args))
	}
	if flt.From != "" {
		add("exam_date >=", flt.From)
	}
	if flt.To != "" {
		add("exam_date <=", flt.To)
	}
	if flt.Centre != 0 {
		add("centre =", flt.Centre)
	}
	if flt.BatchID != 0 {
		add("batch_id =", flt.BatchID)
	}
	// COLLATE "C": byte order, as SQLite compares, whatever the server's locale
	rows, err := t.tx.Query(ctx, q+` ORDER BY exam_date COLLATE "C", atena COLLATE "C", id`, args...)
	if err != nil {
		return t.wrap("記録を読めません", err)
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
			return t.wrap("記録を読めません", err)
		}
		if err := fn(r); err != nil {
			return err
		}
		if bad != nil {
			return bad
		}
	}
	return t.wrap("記録を読めません", rows.Err())
}

// MarkExported records that an import file was written from these batches.
func (t *tx) MarkExported(ctx context.Context, e submission.Export) error {
	at := stamp(e.At)
	if _, err := t.tx.Exec(ctx, `UPDATE batches SET exported_at = $1, exported_by = $2 WHERE id = ANY($3)`, at, e.By, e.Batches); err != nil {
		return t.wrap("出力の記録に失敗しました", err)
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO exports (form, file, exported_at, exported_by, filter, records) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.Form, e.File, at, e.By, e.Filter.String(), e.Records); err != nil {
		return t.wrap("出力の記録に失敗しました", err)
	}
	return nil
}

// ---- audit log

const auditCols = `seq, at, user_name, terminal, kind, object, detail, prev, hash, COALESCE(spool_id, ''), COALESCE(arrived, '')`

func scanAudit(row pgx.Row) (audit.Event, error) {
	var e audit.Event
	var at, arrived string
	err := row.Scan(&e.Seq, &at, &e.User, &e.Terminal, &e.Kind, &e.Object, &e.Detail, &e.Prev, &e.Hash, &e.SpoolID, &arrived)
	e.At = parseStamp(at)
	if arrived != "" {
		e.Arrived = parseStamp(arrived)
	}
	return e, err
}

// LastAudit is the newest log entry, nil for an empty log.
func (t *tx) LastAudit(ctx context.Context) (*audit.Event, error) {
	e, err := scanAudit(t.tx.QueryRow(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq DESC LIMIT 1`))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, t.wrap("操作記録を読めません", err)
	}
	return &e, nil
}

// AppendAudit stores an entry sealed by the caller.
func (t *tx) AppendAudit(ctx context.Context, e audit.Event) error {
	var spool, arrived *string
	if e.SpoolID != "" {
		a := stamp(e.Arrived)
		spool, arrived = &e.SpoolID, &a
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO audit (seq, at, user_name, terminal, kind, object, detail, prev, hash, spool_id, arrived)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, stamp(e.At), e.User, e.Terminal, e.Kind, e.Object, e.Detail, e.Prev, e.Hash, spool, arrived); err != nil {
		return t.wrap("操作記録を書けません", err)
	}
	return nil
}

// AuditSpooled lists which of the spool ids the log holds already.
func (t *tx) AuditSpooled(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, `SELECT spool_id FROM audit WHERE spool_id = ANY($1)`, ids)
	if err != nil {
		return nil, t.wrap("操作記録を読めません", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, t.wrap("操作記録を読めません", err)
		}
		out[id] = true
	}
	return out, t.wrap("操作記録を読めません", rows.Err())
}

// Audit reads the log in stored order, filtered.
func (t *tx) Audit(ctx context.Context, f audit.Filter) ([]audit.Event, error) {
	q := `SELECT ` + auditCols + ` FROM audit WHERE true`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND %s $%d", cond, len(args))
	}
	if f.User != "" {
		add("user_name =", f.User)
	}
	if f.Kind != "" {
		add("kind =", f.Kind)
	}
	if !f.From.IsZero() {
		add(`at COLLATE "C" >=`, stamp(f.From))
	}
	if !f.To.IsZero() {
		add(`at COLLATE "C" <`, stamp(f.To))
	}
	rows, err := t.tx.Query(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, t.wrap("操作記録を読めません", err)
	}
	defer rows.Close()
	var out []audit.Event
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, t.wrap("操作記録を読めません", err)
		}
		out = append(out, e)
	}
	return out, t.wrap("操作記録を読めません", rows.Err())
}
