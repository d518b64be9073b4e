package submission_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kenshin/internal/fixture"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

var ctx = context.Background()
var now = fixture.T0

func open(t *testing.T) *review.Session {
	t.Helper()
	return fixture.Session(t, fixture.File{Form: "m4-exam", Rows: 20, Seed: 5, ErrorRate: 0.05, Confidence: true})
}

func TestKeyFollowsContentAndReview(t *testing.T) {
	a, b := open(t), open(t)
	if submission.Describe(a, 1, now).Key != submission.Describe(b, 1, now).Key {
		t.Fatal("the same file and review must give the same key")
	}
	var p review.Pos // a warning: 用紙と一致 does not close an error
	for _, p = range a.OpenCells() {
		if !a.HasOpenError(p.Row, p.Field) {
			break
		}
	}
	if err := a.Confirm(ctx, p.Row, p.Field, review.ReasonMatchesPaper); err != nil {
		t.Fatal(err)
	}
	ka := submission.Describe(a, 1, now).Key
	if ka == submission.Describe(b, 1, now).Key {
		t.Fatal("a confirmation must change the key")
	}
	b.Confirm(ctx, p.Row, p.Field, review.ReasonMatchesPaper)
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
	fixture.Clean(t, s)
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

// A ● a supervisor lets through is no value: the record holds a blank
// (that is what the import file gets), and the OCR's ● stays in OCR.
func TestOverriddenUnreadableIsBlank(t *testing.T) {
	s := open(t)
	weight := s.Batch.Form.Field("weight").Index
	if err := s.Edit(ctx, 2, weight, "●", "test"); err != nil {
		t.Fatal(err)
	}
	if !s.HasOpenError(2, weight) {
		t.Fatal("● must be an open error")
	}
	if err := s.Confirm(ctx, 2, weight, review.ReasonMatchesPaper); !errors.Is(err, review.ErrNotConfirmable) {
		t.Fatalf("● confirmed as read: %v", err)
	}
	b, err := submission.Build(s, submission.Options{Centre: 1, Submitter: "boss", MayOverride: true,
		Override: &submission.Override{User: "boss", Reason: "用紙を後日確認"}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if b.Override == nil {
		t.Fatal("the override was not recorded")
	}
	r := b.Records[2]
	if got := r.Values["weight"]; got != "" {
		t.Errorf("stored weight %q, want blank", got)
	}
	for _, rec := range b.Records {
		for k, v := range rec.Values {
			if strings.Contains(v, "●") {
				t.Errorf("row %d %s holds ●", rec.Row, k)
			}
		}
	}
}

// Unresolved: a conflict needs a decision, and a replacement a reason.
func TestUnresolved(t *testing.T) {
	cs := []submission.Conflict{{Row: 1}, {Row: 2}, {Row: 3}}
	for _, tc := range []struct {
		name string
		dec  map[int]submission.Decision
		open []int
	}{
		{"none decided", nil, []int{1, 2, 3}},
		{"all skipped or replaced with a reason", map[int]submission.Decision{1: {}, 2: {Replace: true, Reason: "訂正"}, 3: {}}, nil},
		{"a replacement without a reason", map[int]submission.Decision{1: {}, 2: {Replace: true, Reason: " "}, 3: {}}, []int{2}},
		{"one left out", map[int]submission.Decision{1: {}, 2: {}}, []int{3}},
	} {
		err := submission.Unresolved(cs, tc.dec)
		var ue *submission.UnresolvedError
		if tc.open == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.As(err, &ue) || !errors.Is(err, submission.ErrUnresolved) {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var rows []int
		for _, c := range ue.Conflicts {
			rows = append(rows, c.Row)
		}
		if fmt.Sprint(rows) != fmt.Sprint(tc.open) {
			t.Errorf("%s: open %v, want %v", tc.name, rows, tc.open)
		}
	}
}
