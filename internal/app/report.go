package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/safefile"
	"kenshin/internal/submission"
)

// ReportSource is what a report is made of: an open review (the
// discrepancy list before submission) or a stored batch.
type ReportSource struct {
	Review  *review.Session
	BatchID int64
}

// ReportResult says what the report holds, and the audit head after it.
type ReportResult struct {
	Rows, Trail int
	Head        audit.Head
}

// Report writes the correction report and logs it in one transaction: the
// report is prepared under a temporary name inside the transaction and
// named only after the commit, so a failed commit leaves neither an
// entry-less report nor a damaged earlier one.
func (a *App) Report(ctx context.Context, s *Session, src ReportSource, path, password string) (ReportResult, error) {
	var out ReportResult
	if err := a.allow(ctx, s, auth.ExportReport); err != nil {
		return out, err
	}
	if a.Reports == nil {
		return out, errors.New("修正レポートを書く機能が設定されていません")
	}
	var b *submission.Batch
	switch {
	case src.Review != nil:
		b = submission.Describe(src.Review, submission.MajorityVenue(src.Review), a.now())
	case src.BatchID != 0:
		err := a.Store.View(ctx, func(tx Tx) error {
			var err error
			b, err = tx.LoadBatch(ctx, src.BatchID)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return out, fmt.Errorf("バッチ %d は中央データにありません", src.BatchID)
		}
		if err != nil {
			return out, err
		}
	default:
		return out, errors.New("レポートにするファイルかバッチを指定してください")
	}
	f := a.Forms.Form(b.Form)
	if f == nil {
		return out, fmt.Errorf("帳票「%s」の定義がありません", b.Form)
	}
	var prep *safefile.Prepared
	err := a.update(ctx, func(tx Tx) error {
		prep.Abort() // a store that re-runs fn: the earlier attempt's file goes
		prep = nil
		var err error
		out.Head, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.ReportWritten,
			fmt.Sprintf("batch %d file %s %s", b.ID, short(b.FileHash), filepath.Base(path)), fmt.Sprintf("password=%v", password != "")})
		if err != nil {
			return err
		}
		head := out.Head
		prep, err = safefile.PrepareWith(path, func(stage string) error {
			return a.Reports(stage, b, f, ReportOptions{Password: password, Now: a.now(), Head: head})
		})
		return err
	})
	out.Rows, out.Trail = len(b.Records), len(b.Trail)
	return out, commitFile(prep, err)
}
