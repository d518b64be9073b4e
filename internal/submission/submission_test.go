package submission_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/submission"
	"kenshin/internal/synth"
)

var ctx = context.Background()
var now = time.Date(2026, 4, 30, 10, 0, 0, 0, time.UTC)

func open(t *testing.T) *review.Session {
	t.Helper()
	set, _ := form.Default()
	data, _, _ := synth.Generate(synth.Options{Form: set.Form("m4-exam"), Growth: set.Growth, Rows: 20, Seed: 5, ErrorRate: 0.05, Confidence: true})
	b, err := ocrcsv.Read("x.csv", data, set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := review.Open(b, review.Options{User: "clerk1", Growth: set.Growth, Now: func() time.Time { return now }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestKeyFollowsContentAndReview(t *testing.T) {
	a, b := open(t), open(t)
	if submission.Describe(a, 1, now).Key != submission.Describe(b, 1, now).Key {
		t.Fatal("the same file and review must give the same key")
	}
	p := a.OpenCells()[0]
	a.Confirm(ctx, p.Row, p.Field, "用紙と一致")
	ka := submission.Describe(a, 1, now).Key
	if ka == submission.Describe(b, 1, now).Key {
		t.Fatal("a confirmation must change the key")
	}
	b.Confirm(ctx, p.Row, p.Field, "用紙と一致")
	if submission.Describe(b, 1, now).Key != ka {
		t.Fatal("the same confirmation gives the same key again")
	}
	b.Edit(ctx, 0, b.Batch.Form.Field("head").Index, "41.3", "")
	if submission.Describe(b, 1, now).Key == ka {
		t.Fatal("an edit must change the key")
	}
}

func TestBuildRules(t *testing.T) {
	s := open(t)
	if s.Stats().Errors == 0 {
		t.Fatal("want errors")
	}
	if _, err := submission.Build(s, submission.Options{Centre: 1, Now: now}); !errors.Is(err, submission.ErrErrorsRemain) {
		t.Fatalf("errors left: %v", err)
	}
	for _, p := range s.OpenCells() {
		s.Confirm(ctx, p.Row, p.Field, "用紙と一致")
	}
	if _, err := submission.Build(s, submission.Options{Centre: 9, Now: now}); err == nil {
		t.Fatal("centre 9 accepted")
	}
	b, err := submission.Build(s, submission.Options{Centre: submission.MajorityVenue(s), Submitter: "clerk1", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if b.Override != nil || len(b.Records) != 20 || b.Centre < 1 {
		t.Fatalf("batch %+v", b.Stats)
	}
	for _, r := range b.Records {
		if len(r.Atena) != 15 || r.Values["birth_date"] == "" {
			t.Fatalf("record %+v", r)
		}
	}
	confirmed := 0
	for _, c := range b.Trail {
		if c.Confirmed && c.ConfirmedBy == "clerk1" {
			confirmed++
		}
	}
	if confirmed == 0 {
		t.Fatal("confirmations missing from the trail")
	}
}
