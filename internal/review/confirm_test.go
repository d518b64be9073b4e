package review

import (
	"errors"
	"testing"

	"kenshin/internal/batch"
)

// The rule of F6 lives in the core: ● has no reading to confirm, and
// 「用紙と一致」 does not close an error (almost surely a misread).
func TestConfirmRefusesWhatCannotBeRight(t *testing.T) {
	s := open(t, nil, nil)
	w, h, kana := field(s, "weight"), field(s, "height"), field(s, "kana_name")
	if err := s.Edit(ctx, 2, kana, "タナカ ●ウタ", ""); err != nil {
		t.Fatal(err)
	}
	if !s.HasOpenError(0, w) || !s.HasOpenError(2, kana) || s.HasOpenError(1, h) {
		t.Fatalf("fixture: open errors weight=%v kana=%v height=%v", s.HasOpenError(0, w), s.HasOpenError(2, kana), s.HasOpenError(1, h))
	}
	for _, tc := range []struct {
		name       string
		row, field int
		reason     string
		want       error // nil: confirmed
		stillOpen  bool  // an error remains open afterwards
		wantReason string
	}{
		{"● with 用紙と一致", 2, kana, ReasonMatchesPaper, ErrNotConfirmable, true, ""},
		{"● with another reason", 2, kana, ReasonAskedWriter, ErrNotConfirmable, true, ""},
		{"● with free text", 2, kana, "保護者に電話で確認", ErrNotConfirmable, true, ""},
		{"error with 用紙と一致", 0, w, ReasonMatchesPaper, ErrNotConfirmable, true, ""},
		{"warning with 用紙と一致", 1, h, ReasonMatchesPaper, nil, false, ReasonMatchesPaper},
		{"error with 記入者に確認済み", 0, w, ReasonAskedWriter, nil, false, ReasonAskedWriter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(s.Changes())
			err := s.Confirm(ctx, tc.row, tc.field, tc.reason)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Confirm: %v, want %v", err, tc.want)
			}
			if tc.want != nil && len(s.Changes()) != n {
				t.Fatal("a refused confirmation was journaled")
			}
			if got := s.HasOpenError(tc.row, tc.field); got != tc.stillOpen {
				t.Fatalf("open error afterwards: %v, want %v", got, tc.stillOpen)
			}
			c, ok := s.Confirmed(tc.row, tc.field)
			if ok != (tc.wantReason != "") || c.Reason != tc.wantReason {
				t.Fatalf("confirmation %+v %v, want reason %q", c, ok, tc.wantReason)
			}
		})
	}
}

// A confirmation that does not close errors must not hide one that appears
// later (or one replayed from a journal written before the rule).
func TestMatchesPaperNeverHidesAnError(t *testing.T) {
	w := field(open(t, nil, nil), "weight")
	saved := []Change{{Seq: 1, Group: 1, Row: 0, Field: w, Key: "weight", Op: OpConfirm, Step: StepDo, New: ReasonMatchesPaper, Reason: ReasonMatchesPaper}}
	s := open(t, nil, saved)
	if !s.HasOpenError(0, w) || s.CellStatus(0, w) != StatusError || s.Stats().Errors == 0 {
		t.Fatalf("an old 用紙と一致 closed the error: status %v stats %+v", s.CellStatus(0, w), s.Stats())
	}
}

func TestMarkUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name      string
		key       string
		value     string // set first ("" keeps the OCR value)
		stillOpen bool   // the blank itself is an error (a required field)
	}{
		{"optional field holding ●", "kana_name", "●", false},
		{"optional field partly ●", "kana_name", "サ●ウ ハルト", false},
		{"required field", "atena_no", "●", true},
		{"plain value, paper unreadable", "kana_name", "", false},
		{"required value, paper unreadable", "height", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := &memJournal{}
			s := open(t, j, nil)
			f := field(s, tc.key)
			row := 1
			if tc.value != "" {
				if err := s.Edit(ctx, row, f, tc.value, ""); err != nil {
					t.Fatal(err)
				}
			}
			before := s.Value(row, f)
			undoDepth := len(s.undo)
			if err := s.MarkUnreadable(ctx, row, f); err != nil {
				t.Fatal(err)
			}
			if s.Value(row, f) != "" {
				t.Fatalf("value %q, want blank", s.Value(row, f))
			}
			if c, ok := s.Confirmed(row, f); !ok || c.Reason != ReasonUnreadable {
				t.Fatalf("confirmation %+v %v", c, ok)
			}
			if len(s.undo) != undoDepth+1 {
				t.Fatalf("MarkUnreadable made %d undo steps, want one", len(s.undo)-undoDepth)
			}
			if got := s.HasOpenError(row, f); got != tc.stillOpen {
				t.Fatalf("open error %v, want %v (findings %q)", got, tc.stillOpen, codes(s.CellFindings(row, f)))
			}
			if err := s.MarkUnreadable(ctx, row, f); !errors.Is(err, ErrNothing) {
				t.Fatalf("twice: %v", err)
			}
			// one undo restores value and confirmation state
			if _, _, err := s.Undo(ctx); err != nil {
				t.Fatal(err)
			}
			if _, ok := s.Confirmed(row, f); ok || s.Value(row, f) != before {
				t.Fatalf("after one undo: %q confirmed=%v, want %q unconfirmed", s.Value(row, f), ok, before)
			}
			// Confirm with the reason does the same
			if err := s.Confirm(ctx, row, f, ReasonUnreadable); err != nil || s.Value(row, f) != "" {
				t.Fatalf("Confirm(ReasonUnreadable): %v, value %q", err, s.Value(row, f))
			}
			// the journal replays to the same state
			r := open(t, nil, j.got)
			if r.Value(row, f) != "" || r.CellStatus(row, f) != s.CellStatus(row, f) {
				t.Fatalf("replay: %q %v, want blank %v", r.Value(row, f), r.CellStatus(row, f), s.CellStatus(row, f))
			}
		})
	}
}

// A cell confirmed as matching the paper and then marked unreadable keeps
// one confirmation, the new one; the blank of a required field is an error
// that stays open for the supervisor.
func TestMarkUnreadableOverConfirmation(t *testing.T) {
	s := open(t, nil, nil)
	h := field(s, "height")
	if err := s.Confirm(ctx, 1, h, ReasonMatchesPaper); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkUnreadable(ctx, 1, h); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Confirmed(1, h); c.Reason != ReasonUnreadable {
		t.Fatalf("reason %q", c.Reason)
	}
	open := false
	for _, f := range s.CellFindings(1, h) {
		open = open || f.Severity == batch.Error && f.Code == "required.missing" && s.IsOpen(f)
	}
	if !open || s.CellStatus(1, h) != StatusError {
		t.Fatalf("blank required 身長: findings %q status %v, want an open required.missing", codes(s.CellFindings(1, h)), s.CellStatus(1, h))
	}
}
