// Package doublecheck owns the second-person check before submission: a
// different user confirms, or blind re-keys, the fields that must not be
// wrong (宛名番号, 生年月日, 受診日, 判定 by default); mismatches wait for a
// supervisor, and submission waits until every field is settled.
package doublecheck

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kenshin/internal/form"
	"kenshin/internal/submission"
)

// KeyJudgement is the 判定 field of the checkup forms.
const KeyJudgement = "judgement"

// DefaultKeys are checked when a form lists none.
var DefaultKeys = []string{form.KeyAtena, form.KeyBirth, form.KeyExamDate, KeyJudgement}

// Keys returns listed, or DefaultKeys when the form lists none.
func Keys(listed []string) []string {
	if len(listed) == 0 {
		return slices.Clone(DefaultKeys)
	}
	return slices.Clone(listed)
}

// Mode is how the second person checks.
type Mode int

// Modes.
const (
	Confirm Mode = iota // sees the value and confirms it
	Blind               // types the value from the paper without seeing it
)

// State of one checked field.
type State int

// States.
const (
	Pending   State = iota
	Confirmed       // confirmed as shown (Confirm mode)
	Matched         // blind re-key equal after normalisation
	Mismatch        // blind re-key differs: waits for a supervisor
	Decided         // a supervisor chose the value of a mismatch
)

// Errors callers branch on.
var (
	ErrSameUser   = errors.New("doublecheck: the second person must not be the reviewer")
	ErrWrongMode  = errors.New("doublecheck: not allowed in this mode")
	ErrNotFound   = errors.New("doublecheck: no such field to check")
	ErrNoMismatch = errors.New("doublecheck: this field has no mismatch to decide")
)

// Item is one field of one record to be checked, and what became of it.
type Item struct {
	Row   int    // 1-based data row
	Atena string // 宛名番号 of the record, to find the paper form
	Key   string
	First string // the value the reviewer left; hidden in blind mode until checked

	State     State
	Rekeyed   string // what the second person typed (Blind)
	CheckedBy string
	CheckedAt time.Time

	Final     string // the value to submit once settled
	DecidedBy string
	DecidedAt time.Time
	Reason    string
}

// FromBatch lists the fields to check in a batch about to be submitted:
// for each record, each of keys the form has, in record then key order.
func FromBatch(b *submission.Batch, keys []string) []Item {
	var out []Item
	for _, r := range b.Records {
		for _, k := range keys {
			if !slices.Contains(b.Keys, k) {
				continue
			}
			out = append(out, Item{Row: r.Row, Atena: r.Atena, Key: k, First: r.Values[k]})
		}
	}
	return out
}

// Normalizer folds a typed value before comparison (width, spaces, date
// notation); key is the field, so dates and codes can fold differently.
type Normalizer func(key, value string) string

// Session is the second-person check of one batch by one user.
type Session struct {
	Reviewer string
	Checker  string
	Mode     Mode

	items []Item
	norm  Normalizer
	now   func() time.Time
}

// New starts a check of items by checker; reviewer did the review and may
// not check it. norm nil compares after trimming spaces; now nil is time.Now.
func New(reviewer, checker string, mode Mode, items []Item, norm Normalizer, now func() time.Time) (*Session, error) {
	if strings.TrimSpace(checker) == "" {
		return nil, errors.New("doublecheck: no second person is logged in")
	}
	if checker == reviewer {
		return nil, ErrSameUser
	}
	if mode != Confirm && mode != Blind {
		return nil, fmt.Errorf("doublecheck: unknown mode %d", mode)
	}
	if norm == nil {
		norm = func(_, v string) string { return strings.TrimSpace(v) }
	}
	if now == nil {
		now = time.Now
	}
	return &Session{Reviewer: reviewer, Checker: checker, Mode: mode, items: slices.Clone(items), norm: norm, now: now}, nil
}

// Len is the number of fields to check.
func (s *Session) Len() int { return len(s.items) }

// Item is field i as the checker may see it: in blind mode the first value
// stays hidden until the field has been re-keyed.
func (s *Session) Item(i int) Item {
	it := s.items[i]
	if s.Mode == Blind && it.State == Pending {
		it.First = ""
	}
	return it
}

// Items is every field as recorded, first values included: for the
// supervisor, the report and the store, never for the blind checker.
func (s *Session) Items() []Item { return slices.Clone(s.items) }

func (s *Session) find(row int, key string) (*Item, error) {
	for i := range s.items {
		if s.items[i].Row == row && s.items[i].Key == key {
			return &s.items[i], nil
		}
	}
	return nil, fmt.Errorf("%w: row %d %s", ErrNotFound, row, key)
}

// Confirm records that the checker saw the value and it matches the paper.
func (s *Session) Confirm(row int, key string) error {
	if s.Mode != Confirm {
		return fmt.Errorf("%w: blind mode needs the value typed", ErrWrongMode)
	}
	it, err := s.find(row, key)
	if err != nil {
		return err
	}
	it.State, it.CheckedBy, it.CheckedAt, it.Final = Confirmed, s.Checker, s.now(), it.First
	return nil
}

// Rekey records the value the checker typed from the paper and compares it
// with the first value after normalisation. It reports whether they match.
// A field may be typed again while no supervisor has decided it.
func (s *Session) Rekey(row int, key, typed string) (bool, error) {
	if s.Mode != Blind {
		return false, fmt.Errorf("%w: re-keying is for blind mode", ErrWrongMode)
	}
	it, err := s.find(row, key)
	if err != nil {
		return false, err
	}
	if it.State == Decided {
		return false, fmt.Errorf("doublecheck: row %d %s was already decided by %s", row, key, it.DecidedBy)
	}
	it.Rekeyed, it.CheckedBy, it.CheckedAt = typed, s.Checker, s.now()
	if s.norm(key, typed) == s.norm(key, it.First) {
		it.State, it.Final = Matched, it.First
		return true, nil
	}
	it.State, it.Final = Mismatch, ""
	return false, nil
}

// Mismatches lists the fields waiting for a supervisor, in check order.
func (s *Session) Mismatches() []Item {
	var out []Item
	for _, it := range s.items {
		if it.State == Mismatch {
			out = append(out, it)
		}
	}
	return out
}

// Decide settles a mismatch: the supervisor, having looked at the paper,
// sets the value to submit (usually the first or the re-keyed one). The
// caller checks the role; here only the reason is required.
func (s *Session) Decide(row int, key, supervisor, value, reason string) error {
	it, err := s.find(row, key)
	if err != nil {
		return err
	}
	if it.State != Mismatch {
		return fmt.Errorf("%w: row %d %s", ErrNoMismatch, row, key)
	}
	if strings.TrimSpace(supervisor) == "" || strings.TrimSpace(reason) == "" {
		return errors.New("doublecheck: a supervisor decision needs a name and a reason")
	}
	it.State, it.Final, it.DecidedBy, it.DecidedAt, it.Reason = Decided, value, supervisor, s.now(), reason
	return nil
}

// Progress counts settled fields (confirmed, matched or decided) and open
// mismatches.
func (s *Session) Progress() (settled, mismatches, total int) {
	for _, it := range s.items {
		switch it.State {
		case Confirmed, Matched, Decided:
			settled++
		case Mismatch:
			mismatches++
		}
	}
	return settled, mismatches, len(s.items)
}

// Complete says whether submission may proceed: every field is settled.
func (s *Session) Complete() bool {
	settled, _, total := s.Progress()
	return settled == total
}

// Change is a value the supervisor's decision changes before submission.
type Change struct {
	Row       int
	Key       string
	From, To  string
	DecidedBy string
	Reason    string
}

// Changes lists the decided fields whose value differs from the first, for
// the application to apply as corrections before submitting.
func (s *Session) Changes() []Change {
	var out []Change
	for _, it := range s.items {
		if it.State == Decided && it.Final != it.First {
			out = append(out, Change{Row: it.Row, Key: it.Key, From: it.First, To: it.Final, DecidedBy: it.DecidedBy, Reason: it.Reason})
		}
	}
	return out
}

// Label is the Japanese name of a state.
func (st State) Label() string {
	switch st {
	case Confirmed:
		return "確認済み"
	case Matched:
		return "一致"
	case Mismatch:
		return "不一致（責任者の判断待ち）"
	case Decided:
		return "責任者が決定"
	}
	return "未確認"
}
