package review

import (
	"errors"
	"testing"

	"kenshin/internal/check"
)

// A cell whose error says it holds no usable value cannot be confirmed with
// any reason: it must be corrected. An error about a readable value (out of
// hard limits) may be closed by a reason other than 用紙と一致; a replayed
// confirmation written before the rule does not close a no-value error.
func TestNotAValueCannotBeConfirmed(t *testing.T) {
	for _, tc := range []struct {
		name, key, value string
		code             string
		reason           string
		ok               bool
	}{
		{"letter in a date", "exam_date", "R7.1O.1", check.CodeLookalike, ReasonAskedWriter, false},
		{"unreadable date", "exam_date", "R7.13.45", "", ReasonAskedWriter, false},
		{"code not in the list", "judgement", "9", check.CodeCodeUnknown, ReasonAskedWriter, false},
		{"free reason on a letter", "height", "6S.0", check.CodeLookalike, "記入者に電話で確認", false},
		{"out of hard limits, asked the writer", "weight", "65", check.CodeRangeHard, ReasonAskedWriter, true},
		{"out of hard limits, matches paper", "weight", "65", check.CodeRangeHard, ReasonMatchesPaper, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, nil, nil)
			f := field(s, tc.key)
			if err := s.Edit(ctx, 2, f, tc.value, "test"); err != nil {
				t.Fatal(err)
			}
			if tc.code != "" && !hasCode(s, 2, f, tc.code) {
				t.Fatalf("%q gives %s, want %s", tc.value, codes(s.CellFindings(2, f)), tc.code)
			}
			err := s.Confirm(ctx, 2, f, tc.reason)
			if tc.ok {
				if err != nil || s.HasOpenError(2, f) {
					t.Fatalf("confirm: %v, open error %v", err, s.HasOpenError(2, f))
				}
				return
			}
			if !errors.Is(err, ErrNotConfirmable) || !s.HasOpenError(2, f) {
				t.Fatalf("confirm %q with %q: %v, open error %v", tc.value, tc.reason, err, s.HasOpenError(2, f))
			}
		})
	}

	// a working copy from before the rule: the confirmation replays, the
	// error stays open
	s := open(t, nil, nil)
	f := field(s, "exam_date")
	saved := []Change{
		{Seq: 1, Group: 1, Step: StepDo, Row: 2, Field: f, Key: "exam_date", Op: OpEdit, Old: s.Value(2, f), New: "R7.1O.1", User: "clerk1"},
		{Seq: 2, Group: 2, Step: StepDo, Row: 2, Field: f, Key: "exam_date", Op: OpConfirm, New: ReasonAskedWriter, Reason: ReasonAskedWriter, User: "clerk1"},
	}
	r := open(t, nil, saved)
	if !r.HasOpenError(2, f) {
		t.Error("a replayed confirmation closed a letter-for-digit error")
	}
}

func hasCode(s *Session, row, f int, code string) bool {
	for _, fd := range s.CellFindings(row, f) {
		if fd.Code == code {
			return true
		}
	}
	return false
}
