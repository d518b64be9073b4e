package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/deletion"
	"kenshin/internal/safefile"
	"kenshin/internal/submission"
)

// ErrNothingToPurge: no batch meets the purge criterion.
var ErrNothingToPurge = errors.New("削除できるバッチはありません（取り込み用ファイルを出力し、取込済みの印を付けたものだけが対象です）")

// MarkImported sets the 取込済み mark on exported batches (a supervisor
// confirms the health management system took the import file in). Every
// batch is marked or none is.
func (a *App) MarkImported(ctx context.Context, s *Session, ids []int64) (audit.Head, error) {
	var h audit.Head
	if err := a.allow(ctx, s, auth.MarkImported); err != nil {
		return h, err
	}
	if len(ids) == 0 {
		return h, errors.New("バッチ番号を指定してください")
	}
	err := a.update(ctx, func(tx Tx) error {
		list, err := tx.Batches(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			info, ok := batchInfo(list, id)
			switch {
			case !ok:
				return fmt.Errorf("バッチ %d はありません: %w", id, ErrNotFound)
			case info.PurgedAt != "":
				return fmt.Errorf("バッチ %d の記録は削除済みです", id)
			case info.ExportedAt == "":
				return fmt.Errorf("バッチ %d はまだ取り込み用ファイルに出力していません。出力して取り込んでから印を付けてください", id)
			}
			if err := tx.MarkImported(ctx, id, submission.Imported{At: a.now(), By: s.name()}); err != nil {
				return err
			}
			if h, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), KindImported, fmt.Sprintf("batch %d", id), "exported=" + info.ExportedAt}); err != nil {
				return err
			}
		}
		return nil
	})
	return h, err
}

// PurgeRequest selects what a purge deletes and where its record goes.
type PurgeRequest struct {
	ExportedBefore time.Time // batches exported and marked imported before this instant
	Out            string    // the deletion record (.xlsx)
	Password       string    // non-empty: the record is encrypted
}

// PurgeResult is a completed purge.
type PurgeResult struct {
	Record *deletion.Record
	Kept   []int64 // eligible, but another batch still refers to their records
	Head   audit.Head
}

// Purge deletes the stored records and trail of the batches exported and
// marked imported before req.ExportedBefore, keeps the audit log and the
// batch rows, and writes the deletion record. The record is written inside
// the transaction, after the deletion's audit entry (its chain head is in
// the record): if it cannot be written, nothing is deleted; it gets its
// name only after the commit, so a failed commit leaves no record (and an
// earlier file of the same name untouched).
func (a *App) Purge(ctx context.Context, s *Session, req PurgeRequest) (*PurgeResult, error) {
	if err := a.allow(ctx, s, auth.Purge); err != nil {
		return nil, err
	}
	if req.Out == "" || req.ExportedBefore.IsZero() {
		return nil, errors.New("削除の基準日と削除記録の出力先を指定してください")
	}
	before := req.ExportedBefore
	res := &PurgeResult{}
	var prep *safefile.Prepared
	err := a.update(ctx, func(tx Tx) error {
		prep.Abort() // a store that re-runs fn starts afresh
		prep = nil
		*res = PurgeResult{}
		list, err := tx.Batches(ctx)
		if err != nil {
			return err
		}
		loaded := map[int64]*submission.Batch{}
		var ids []int64
		var imported = map[int64]time.Time{}
		for _, info := range list {
			exp, err1 := time.Parse(time.RFC3339Nano, info.ExportedAt)
			imp, err2 := time.Parse(time.RFC3339Nano, info.ImportedAt)
			if info.PurgedAt != "" || err1 != nil || err2 != nil || !exp.Before(before) || !imp.Before(before) {
				continue
			}
			b, err := tx.LoadBatch(ctx, info.ID)
			if err != nil {
				return err
			}
			loaded[info.ID], imported[info.ID] = b, imp
			ids = append(ids, info.ID)
		}
		if len(ids) == 0 {
			return ErrNothingToPurge
		}
		slices.Sort(ids)
		deleted, kept, err := tx.PurgeBatches(ctx, ids, a.now(), s.name())
		if err != nil {
			return err
		}
		res.Kept = kept
		if len(deleted) == 0 {
			return fmt.Errorf("%w（対象のバッチ %v は、まだ削除できない別のバッチが記録を参照しています）", ErrNothingToPurge, kept)
		}
		rec := &deletion.Record{Reason: deletion.ReasonPurge, At: a.now(), By: s.name(), Terminal: s.terminal(),
			Criterion: before.In(time.Local).Format("2006-01-02 15:04") + " より前に取り込み用ファイルを出力し、取込済みの印を付けたもの"}
		var done []string
		var recs, cells int
		for _, id := range ids {
			n, ok := deleted[id]
			if !ok {
				continue
			}
			b := loaded[id]
			db := a.deletedBatch(b, id)
			db.ImportedAt = imported[id]
			if db.Records != n.Records || db.Cells != n.Cells {
				// the rows hashed are not the rows deleted: no record, no deletion
				return fmt.Errorf("バッチ %d: 読んだ行（%d 件・%d セル）と削除した行（%d 件・%d セル）が合いません。何も削除していません", id, db.Records, db.Cells, n.Records, n.Cells)
			}
			rec.Batches = append(rec.Batches, db)
			done = append(done, strconv.FormatInt(id, 10))
			recs, cells = recs+n.Records, cells+n.Cells
		}
		h, err := a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), KindPurged, "batches " + strings.Join(done, ","),
			fmt.Sprintf("records=%d cells=%d before=%s kept=%v record=%s", recs, cells, stamp(before), kept, filepath.Base(req.Out))})
		if err != nil {
			return err
		}
		res.Head, rec.ChainHead = h, h.String()
		prep, err = safefile.PrepareWith(req.Out, func(stage string) error { return a.Workbooks.deletion()(stage, rec, req.Password) })
		if err != nil {
			return fmt.Errorf("削除記録 %s を書けないため、削除は行いませんでした: %w", req.Out, err)
		}
		res.Record = rec
		return nil
	})
	if err := commitFile(prep, err); err != nil {
		return nil, err
	}
	return res, nil
}

// deletedBatch describes what is deleted of b: its records (in stored row
// order) and its trail, hashed in that order with deletion's canonical
// encoding.
func (a *App) deletedBatch(b *submission.Batch, id int64) deletion.Batch {
	keys := a.formKeys(b)
	h := deletion.NewHasher()
	for _, r := range b.Records {
		h.Add(deletion.RecordRow(keys, r))
	}
	for _, c := range b.Trail {
		h.Add(deletion.CellRow(c))
	}
	return deletion.Batch{ID: id, Key: b.Key, File: filepath.Base(b.File), Form: b.Form, Centre: b.Centre, SubmittedAt: b.SubmittedAt,
		Records: len(b.Records), Cells: len(b.Trail), Hash: h.Sum()}
}

// DeletionHash is the hash a deletion record states for batch b: anyone
// holding a copy of the deleted rows can recompute it.
func (a *App) DeletionHash(b *submission.Batch) string { return a.deletedBatch(b, b.ID).Hash }

// formKeys are the field keys of b in form order: the batch's own list,
// else its form's, else every key its records hold, sorted.
func (a *App) formKeys(b *submission.Batch) []string {
	if len(b.Keys) > 0 {
		return b.Keys
	}
	if f := a.Forms.Form(b.Form); f != nil {
		var out []string
		for _, fd := range f.Fields {
			out = append(out, fd.Key)
		}
		return out
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range b.Records {
		for k := range r.Values {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// WorkingCopyDeleted writes the deletion record of a terminal's working
// copy of b, deleted after b was submitted as batch batchID, into dir
// (0700, created if missing), and logs it. Submit calls it when
// App.DeletionRecords names a folder; a front end that deletes a working
// copy by other means calls it itself. It returns the record's path.
func (a *App) WorkingCopyDeleted(ctx context.Context, s *Session, b *submission.Batch, batchID int64, dir, password string) (string, error) {
	db := a.deletedBatch(b, 0)
	db.Key = b.FileHash
	at := a.now()
	path := filepath.Join(dir, fmt.Sprintf("削除記録_作業データ_%s_%d.xlsx", at.Format("20060102-150405"), batchID))
	rec := &deletion.Record{Reason: deletion.ReasonWorkingCopy, At: at, By: s.name(), Terminal: s.terminal(),
		Criterion: fmt.Sprintf("バッチ %d として送信済みの作業データ", batchID), Batches: []deletion.Batch{db}}
	var prep *safefile.Prepared
	err := a.update(ctx, func(tx Tx) error {
		prep.Abort() // a store that re-runs fn starts afresh
		prep = nil
		h, err := a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), KindWorkCopyDeleted, "file " + short(b.FileHash),
			fmt.Sprintf("batch=%d records=%d cells=%d hash=%s", batchID, db.Records, db.Cells, db.Hash)})
		if err != nil {
			return err
		}
		rec.ChainHead = h.String()
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("削除記録のフォルダ %s を作れません: %w", dir, err)
		}
		prep, err = safefile.PrepareWith(path, func(stage string) error { return a.Workbooks.deletion()(stage, rec, password) })
		if err != nil {
			return fmt.Errorf("作業データの削除記録 %s を書けません: %w", path, err)
		}
		return nil
	})
	if err := commitFile(prep, err); err != nil {
		return "", err
	}
	return path, nil
}
