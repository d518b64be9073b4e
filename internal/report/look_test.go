package report

import (
	"flag"
	"testing"

	"kenshin/internal/submission"
)

var look = flag.String("look", "", "write a sample reviewed report (corrections, confirmations, an override, an audit sample, a second-person check) to this path, to view in LibreOffice (.ci/report-pdf)")

func TestWriteSampleToLookAt(t *testing.T) {
	if *look == "" {
		t.Skip("-look PATH not given")
	}
	s, f := reviewed(t, 120, 0.05)
	n := 0
	for _, p := range s.OpenCells() {
		if p.Field < 0 {
			continue
		}
		if sug, ok := s.Suggestion(p.Row, p.Field); ok {
			s.Edit(ctx, p.Row, p.Field, sug, "候補を採用")
		} else if n%3 == 0 {
			s.Confirm(ctx, p.Row, p.Field, "用紙と一致")
		} else if n%3 == 1 {
			s.Confirm(ctx, p.Row, p.Field, "用紙でも判読不能")
		}
		n++
	}
	b := submission.Describe(s, 1, now)
	b.ID = 7
	b.Submitter = "super1"
	b.Override = &submission.Override{User: "super1", Reason: "保護者に電話で確認済み"}
	b.Sample, b.DoubleCheck = toolSample(t), toolCheck()
	if err := Write(*look, b, f, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
}
