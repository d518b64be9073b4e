package doublecheck

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"kenshin/internal/submission"
)

var at = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return at }

// fold is the kind of normaliser the app passes: full-width digits and
// slashes in dates fold to the ASCII, hyphenated ISO form.
func fold(_, v string) string {
	v = strings.TrimSpace(v)
	v = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == '/' || r == '／' {
			return '-'
		}
		return r
	}, v)
	return v
}

func items() []Item {
	return []Item{
		{Row: 1, Atena: "100001", Key: "atena_no", First: "100001"},
		{Row: 1, Atena: "100001", Key: "birth_date", First: "2022-01-05"},
		{Row: 2, Atena: "100002", Key: "atena_no", First: "100002"},
		{Row: 2, Atena: "100002", Key: "judgement", First: "1"},
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name              string
		reviewer, checker string
		mode              Mode
		wantErr           error
		anyErr            bool
	}{
		{"different users", "clerk1", "clerk2", Confirm, nil, false},
		{"blind", "clerk1", "clerk2", Blind, nil, false},
		{"same user refused", "clerk1", "clerk1", Confirm, ErrSameUser, true},
		{"nobody logged in", "clerk1", " ", Blind, nil, true},
		{"unknown mode", "clerk1", "clerk2", Mode(9), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.reviewer, tt.checker, tt.mode, items(), fold, clock)
			if (err != nil) != tt.anyErr || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("New: %v, want error %v (%v)", err, tt.anyErr, tt.wantErr)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	if got := Keys(nil); !slices.Equal(got, []string{"atena_no", "birth_date", "exam_date", "judgement"}) {
		t.Errorf("Keys(nil) = %v", got)
	}
	if got := Keys([]string{"weight"}); !slices.Equal(got, []string{"weight"}) {
		t.Errorf("Keys([weight]) = %v", got)
	}
}

func TestFromBatch(t *testing.T) {
	b := &submission.Batch{Keys: []string{"atena_no", "birth_date", "weight"}, Records: []submission.Record{
		{Row: 1, Atena: "100001", Values: map[string]string{"atena_no": "100001", "birth_date": "2022-01-05", "weight": "9.1"}},
		{Row: 2, Atena: "100002", Values: map[string]string{"atena_no": "100002", "birth_date": "2022-02-11", "weight": "8.7"}},
	}}
	got := FromBatch(b, DefaultKeys) // exam_date and judgement are not on this form
	want := []Item{
		{Row: 1, Atena: "100001", Key: "atena_no", First: "100001"},
		{Row: 1, Atena: "100001", Key: "birth_date", First: "2022-01-05"},
		{Row: 2, Atena: "100002", Key: "atena_no", First: "100002"},
		{Row: 2, Atena: "100002", Key: "birth_date", First: "2022-02-11"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("FromBatch =\n%v\nwant\n%v", got, want)
	}
}

// step is one action in a check; the table runs a whole session per case.
type step struct {
	op       string // confirm, rekey, decide
	row      int
	key      string
	value    string // typed value, or decided value
	user     string // decide: supervisor
	match    bool   // rekey: expected result
	wantErr  bool
	complete bool // Complete() after the step
}

func TestSessions(t *testing.T) {
	tests := []struct {
		name        string
		mode        Mode
		steps       []step
		mismatches  int
		wantChanges []Change
	}{
		{"confirm everything", Confirm, []step{
			{op: "confirm", row: 1, key: "atena_no"},
			{op: "confirm", row: 1, key: "birth_date"},
			{op: "confirm", row: 2, key: "atena_no"},
			{op: "confirm", row: 2, key: "judgement", complete: true},
		}, 0, nil},
		{"confirm mode cannot re-key", Confirm, []step{
			{op: "rekey", row: 1, key: "atena_no", value: "100001", wantErr: true},
		}, 0, nil},
		{"blind mode cannot just confirm", Blind, []step{
			{op: "confirm", row: 1, key: "atena_no", wantErr: true},
		}, 0, nil},
		{"unknown field", Confirm, []step{
			{op: "confirm", row: 3, key: "atena_no", wantErr: true},
		}, 0, nil},
		{"blind all match after normalising", Blind, []step{
			{op: "rekey", row: 1, key: "atena_no", value: "１０００01", match: true},
			{op: "rekey", row: 1, key: "birth_date", value: "2022/01/05", match: true},
			{op: "rekey", row: 2, key: "atena_no", value: " 100002", match: true},
			{op: "rekey", row: 2, key: "judgement", value: "1", match: true, complete: true},
		}, 0, nil},
		{"blind mismatch waits for the supervisor", Blind, []step{
			{op: "rekey", row: 1, key: "atena_no", value: "100001", match: true},
			{op: "rekey", row: 1, key: "birth_date", value: "2022-01-05", match: true},
			{op: "rekey", row: 2, key: "atena_no", value: "100002", match: true},
			{op: "rekey", row: 2, key: "judgement", value: "7"},
			{op: "decide", row: 2, key: "judgement", value: "7", user: "", wantErr: true},
			{op: "decide", row: 1, key: "atena_no", value: "1", user: "chief", wantErr: true}, // no mismatch there
			{op: "decide", row: 2, key: "judgement", value: "7", user: "chief", complete: true},
			{op: "rekey", row: 2, key: "judgement", value: "1", wantErr: true, complete: true}, // decided is final
		}, 0, []Change{{Row: 2, Key: "judgement", From: "1", To: "7", DecidedBy: "chief", Reason: "紙を確認"}}},
		{"a mistyped mismatch can be typed again", Blind, []step{
			{op: "rekey", row: 2, key: "judgement", value: "2"},
			{op: "rekey", row: 2, key: "judgement", value: "1", match: true},
		}, 0, nil},
		{"open mismatch blocks", Blind, []step{
			{op: "rekey", row: 1, key: "atena_no", value: "100001", match: true},
			{op: "rekey", row: 1, key: "birth_date", value: "2022-01-06"},
			{op: "rekey", row: 2, key: "atena_no", value: "100002", match: true},
			{op: "rekey", row: 2, key: "judgement", value: "1", match: true},
		}, 1, nil},
		{"supervisor keeps the first value: no change", Blind, []step{
			{op: "rekey", row: 1, key: "birth_date", value: "2022-01-06"},
			{op: "decide", row: 1, key: "birth_date", value: "2022-01-05", user: "chief"},
		}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New("clerk1", "clerk2", tt.mode, items(), fold, clock)
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range tt.steps {
				var err error
				switch st.op {
				case "confirm":
					err = s.Confirm(st.row, st.key)
				case "rekey":
					var ok bool
					ok, err = s.Rekey(st.row, st.key, st.value)
					if err == nil && ok != st.match {
						t.Errorf("step %d: re-key %q matched %v, want %v", i, st.value, ok, st.match)
					}
				case "decide":
					err = s.Decide(st.row, st.key, st.user, st.value, "紙を確認")
				}
				if (err != nil) != st.wantErr {
					t.Errorf("step %d %s: err %v, want error %v", i, st.op, err, st.wantErr)
				}
				if got := s.Complete(); got != st.complete {
					t.Errorf("step %d %s: Complete() = %v, want %v", i, st.op, got, st.complete)
				}
			}
			if got := len(s.Mismatches()); got != tt.mismatches {
				t.Errorf("%d mismatches, want %d", got, tt.mismatches)
			}
			if got := s.Changes(); !slices.Equal(got, tt.wantChanges) {
				t.Errorf("Changes() = %+v, want %+v", got, tt.wantChanges)
			}
		})
	}
}

func TestBlindHidesTheFirstValue(t *testing.T) {
	s, _ := New("clerk1", "clerk2", Blind, items(), fold, clock)
	if v := s.Item(0).First; v != "" {
		t.Errorf("blind item shows %q before re-keying", v)
	}
	if _, err := s.Rekey(1, "atena_no", "100009"); err != nil {
		t.Fatal(err)
	}
	it := s.Item(0)
	if it.First != "100001" || it.Rekeyed != "100009" || it.State != Mismatch || it.CheckedBy != "clerk2" || !it.CheckedAt.Equal(at) {
		t.Errorf("after re-keying: %+v", it)
	}
	if s.Items()[1].First != "2022-01-05" {
		t.Error("the supervisor's list hides the first value")
	}
	c, _ := New("clerk1", "clerk2", Confirm, items(), fold, clock)
	if c.Item(0).First != "100001" {
		t.Error("confirm mode hides the value it asks to confirm")
	}
	if settled, mism, total := s.Progress(); settled != 0 || mism != 1 || total != 4 {
		t.Errorf("Progress() = %d, %d, %d", settled, mism, total)
	}
}

func TestStateLabels(t *testing.T) {
	seen := map[string]bool{}
	for st := Pending; st <= Decided; st++ {
		l := st.Label()
		if l == "" || seen[l] {
			t.Errorf("state %d: label %q empty or repeated", st, l)
		}
		seen[l] = true
	}
}
