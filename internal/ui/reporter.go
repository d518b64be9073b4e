package ui

import (
	"context"
	"time"

	"kenshin/internal/report"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

// ExcelReporter writes the correction report of the open review.
type ExcelReporter struct {
	Now func() time.Time
}

// WriteReport writes the report (discrepancy list while findings are open).
func (r ExcelReporter) WriteReport(_ context.Context, s *review.Session, path, password string) error {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	b := submission.Describe(s, submission.MajorityVenue(s), now())
	return report.Write(path, b, s.Batch.Form, report.Options{Password: password, Now: now()})
}
