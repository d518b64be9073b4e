package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auditreport"
	"kenshin/internal/auth"
	"kenshin/internal/safefile"
)

// AuditReportResult is the analysis of the log for one period.
type AuditReportResult struct {
	Report *auditreport.Report
	Head   audit.Head
}

// AuditReport analyses the operation log for p (logins by user and hour,
// failures and lockouts, off-hours actions, exports, refusals, user
// changes) with the verification of the whole chain. Admins and
// supervisors may run it (auth.AuditReport): the admin reads the log
// already, and a supervisor must be able to review the admin's own user
// changes; the report holds identifiers, no health data. With out
// non-empty the workbook is written inside the transaction of its audit
// entry.
func (a *App) AuditReport(ctx context.Context, s *Session, p Period, out, password string) (*AuditReportResult, error) {
	if err := a.allow(ctx, s, auth.AuditReport); err != nil {
		return nil, err
	}
	if p.From.IsZero() || p.To.IsZero() || !p.From.Before(p.To) {
		return nil, errors.New("期間の開始日と終了日を指定してください")
	}
	key, err := a.chainKey(ctx)
	if err != nil {
		return nil, err
	}
	res := &AuditReportResult{}
	var prep *safefile.Prepared
	err = a.update(ctx, func(tx Tx) error {
		prep.Abort() // a store that re-runs fn starts afresh
		prep = nil
		*res = AuditReportResult{}
		all, err := tx.Audit(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		chain := auditreport.Chain{Checked: true, Entries: len(all), Problem: audit.Verify(key, all)}
		if len(all) > 0 {
			chain.Head = audit.HeadOf(&all[len(all)-1]).String()
		}
		var in []audit.Event
		for _, e := range all {
			if p.Contains(e.At) {
				in = append(in, e)
			}
		}
		res.Report = auditreport.Build(in, p.From, p.To, auditreport.Options{Location: time.Local, Chain: chain})
		object := "view"
		if out != "" {
			object = "file " + filepath.Base(out)
		}
		if res.Head, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), KindAuditReport, object,
			fmt.Sprintf("from=%s to=%s events=%d chain_ok=%v", stamp(p.From), stamp(p.To), len(in), chain.Problem == nil)}); err != nil {
			return err
		}
		if out == "" {
			return nil
		}
		prep, err = safefile.PrepareWith(out, func(stage string) error {
			return a.Workbooks.audit()(stage, res.Report, auditreport.WriteOptions{Now: a.now(), By: s.name(), Password: password})
		})
		if err != nil {
			return fmt.Errorf("操作記録の分析レポート %s を書けません（記録していません）: %w", out, err)
		}
		return nil
	})
	if err := commitFile(prep, err); err != nil {
		return nil, err
	}
	return res, nil
}
