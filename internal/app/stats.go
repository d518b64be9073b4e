package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/ocrstats"
	"kenshin/internal/safefile"
	"kenshin/internal/submission"
)

// Audit entry kinds of the review tools; defined with their labels in
// internal/audit.
const (
	KindStatsExported   = audit.StatsExported
	KindImported        = audit.Imported
	KindPurged          = audit.Purged
	KindWorkCopyDeleted = audit.WorkCopyDeleted
	KindAuditReport     = audit.AuditReport
	KindCheckStarted    = audit.CheckStarted
	KindCheckField      = audit.CheckField
	KindCheckDecided    = audit.CheckDecided
	KindSampleDrawn     = audit.SampleDrawn
)

// Period is a half-open time range [From, To); a zero end is open.
type Period struct{ From, To time.Time }

// Contains reports whether t lies in the period.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

func (p Period) String() string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	return day(p.From) + "〜" + day(p.To.Add(-time.Nanosecond))
}

// StatsResult is the OCR error statistics of the batches submitted in a
// period.
type StatsResult struct {
	Stats   *ocrstats.Stats
	Batches int
	Head    audit.Head
}

// Labels maps every field key of the loaded forms to its Japanese label.
func (a *App) Labels() map[string]string {
	out := map[string]string{}
	for _, f := range a.Forms.Forms {
		for _, fd := range f.Fields {
			if _, ok := out[fd.Key]; !ok {
				out[fd.Key] = fd.Label
			}
		}
	}
	return out
}

// OCRStats computes the OCR error statistics from the correction trail of
// the batches submitted in p (a supervisor's; identifiers only). The GUI's
// chart draws Stats.ByField. With out non-empty the workbook is written
// (password: encrypted) inside the same transaction as its audit entry, so
// the entry stands only for a file that was written.
func (a *App) OCRStats(ctx context.Context, s *Session, p Period, out, password string) (*StatsResult, error) {
	res := &StatsResult{}
	var prep *safefile.Prepared
	err := a.updateAs(ctx, s, auth.OCRStats, func(tx Tx) error {
		prep.Abort() // a store that re-runs fn starts afresh
		prep = nil
		*res = StatsResult{}
		list, err := tx.Batches(ctx)
		if err != nil {
			return err
		}
		var entries []ocrstats.Entry
		for _, info := range list {
			if !p.Contains(info.SubmittedAt) || info.PurgedAt != "" {
				continue
			}
			b, err := tx.LoadBatch(ctx, info.ID)
			if err != nil {
				return err
			}
			b.Keys = a.formKeys(b) // the store keeps values by key, not the form's order
			entries = append(entries, ocrstats.FromBatch(b, time.Local)...)
			res.Batches++
		}
		res.Stats = ocrstats.Compute(entries, ocrstats.Options{})
		object := "view"
		if out != "" {
			object = "file " + filepath.Base(out)
		}
		if res.Head, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), KindStatsExported, object,
			fmt.Sprintf("from=%s to=%s batches=%d cells=%d", stamp(p.From), stamp(p.To), res.Batches, res.Stats.Cells)}); err != nil {
			return err
		}
		if out == "" {
			return nil
		}
		prep, err = safefile.PrepareWith(out, func(stage string) error {
			return a.Workbooks.stats()(stage, res.Stats, ocrstats.WriteOptions{Labels: a.Labels(), Period: p.String(), Now: a.now(), Password: password})
		})
		if err != nil {
			return fmt.Errorf("統計ファイル %s を書けません（記録していません）: %w", out, err)
		}
		return nil
	})
	if err := commitFile(prep, err); err != nil {
		return nil, err
	}
	return res, nil
}

// batchInfo finds one batch in a listing.
func batchInfo(list []submission.Info, id int64) (submission.Info, bool) {
	for _, b := range list {
		if b.ID == id {
			return b, true
		}
	}
	return submission.Info{}, false
}
