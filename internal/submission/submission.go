// Package submission turns a reviewed batch into what the central store
// keeps — one record per examinee with its final values, and the trail of
// every cell that was flagged, corrected or confirmed — and states the rules
// of submitting: whole or nothing, once, and not with errors left unless a
// supervisor overrides with a reason.
package submission

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/normalize"
	"kenshin/internal/review"
)

// Errors callers branch on.
var (
	ErrErrorsRemain = errors.New("submission: errors remain")
	ErrNotAllowed   = errors.New("submission: only a supervisor may override errors")
	ErrDuplicate    = errors.New("submission: this batch was submitted before")
	ErrUnresolved   = errors.New("submission: records already in the store need a decision")
)

// Override lets a batch with errors through; only a user whose role may
// override (auth.Override, decided by the caller) may give one.
type Override struct {
	User   string
	Reason string
}

// Record is one examinee's sheet as it goes to the store.
type Record struct {
	Row      int // 1-based data row in the file
	Line     int
	Atena    string
	ExamDate string            // ISO date, "" when unreadable
	Values   map[string]string // field key → final value, canonical where it can be read
	OCR      map[string]string // field key → the text OCR read, never changed
}

// Cell is the trail of one cell: what was read, what it became, and why.
type Cell struct {
	Row           int
	Key           string
	OCR           string
	Final         string
	Findings      []string // "code: message" of every finding at submission, open or not
	Confidence    float64
	HasConfidence bool
	Edited        bool
	EditedBy      string
	EditedAt      time.Time
	Confirmed     bool
	ConfirmedBy   string
	ConfirmReason string
	ConfirmedAt   time.Time
	Overridden    bool // an error left open and let through by the override
}

// Batch is everything one submission stores.
type Batch struct {
	ID          int64  // the store's batch number; 0 before submission
	Key         string // same file and same review → same key
	FileHash    string
	File        string
	Form        string
	Checkup     string
	Centre      int
	Reviewer    string
	Submitter   string
	SubmittedAt time.Time
	Stats       review.Stats
	Override    *Override
	Keys        []string // field keys in form order
	Records     []Record
	Trail       []Cell
	DoubleCheck *DoubleCheck // nil: no second-person check
	Sample      *Sample      // nil: no audit sample
}

// Options for Build.
type Options struct {
	Centre      int
	Submitter   string
	MayOverride bool // the submitter's role may let errors through
	Now         time.Time
	Override    *Override
}

// Build makes the batch from a review. With open errors it needs an
// override by a supervisor, with a reason.
func Build(s *review.Session, opt Options) (*Batch, error) {
	st := s.Stats()
	if st.Errors > 0 {
		switch {
		case opt.Override == nil:
			return nil, fmt.Errorf("%w: %d", ErrErrorsRemain, st.Errors)
		case !opt.MayOverride:
			return nil, ErrNotAllowed
		case strings.TrimSpace(opt.Override.Reason) == "":
			return nil, fmt.Errorf("%w: a reason is required", ErrNotAllowed)
		}
	} else {
		opt.Override = nil
	}
	if CentreName(s.Batch.Form, opt.Centre) == "" {
		return nil, fmt.Errorf("submission: health centre %d is not one of the form's 会場 codes", opt.Centre)
	}
	return describe(s, opt), nil
}

// Describe is the batch as it stands in a review, whatever is still open:
// the discrepancy list printed before submission is made from it.
func Describe(s *review.Session, centre int, now time.Time) *Batch {
	return describe(s, Options{Centre: centre, Now: now})
}

// reviewers are the users who made the review's changes, in the order they
// first appear ("、" between them); the session's user when nobody changed
// anything. Whoever submits is recorded apart, as Submitter.
func reviewers(s *review.Session) string {
	var names []string
	for _, c := range s.Changes() {
		if c.User != "" && !slices.Contains(names, c.User) {
			names = append(names, c.User)
		}
	}
	if len(names) == 0 {
		return s.User
	}
	return strings.Join(names, "、")
}

func describe(s *review.Session, opt Options) *Batch {
	st := s.Stats()
	b := s.Batch
	f := b.Form
	out := &Batch{
		FileHash: b.Hash, File: filepath.Base(b.File), Form: f.ID, Checkup: f.Checkup, Centre: opt.Centre,
		Reviewer: reviewers(s), Submitter: opt.Submitter, SubmittedAt: opt.Now, Stats: st, Override: opt.Override,
	}
	key := sha256.New()
	fmt.Fprintln(key, b.Hash)
	for _, fd := range f.Fields {
		out.Keys = append(out.Keys, fd.Key)
	}
	atena, exam := f.Field(form.KeyAtena), f.Field(form.KeyExamDate)
	out.Records = make([]Record, len(b.Rows))
	for i := range b.Rows {
		r := Record{Row: i + 1, Line: b.Rows[i].Line, Values: make(map[string]string, len(f.Fields)), OCR: make(map[string]string, len(f.Fields))}
		for _, fd := range f.Fields {
			final := s.Value(i, fd.Index)
			if normalize.IsUnreadable(final) {
				// ● let through by a supervisor is no value: the record and
				// the import file hold a blank (the trail keeps the OCR's ●)
				final = ""
			}
			if c, ok := check.Canonical(fd, final); ok {
				final = c
			}
			r.Values[fd.Key] = final
			r.OCR[fd.Key] = s.OCR(i, fd.Index)
			fmt.Fprintf(key, "%d\t%s\t%s\n", i, fd.Key, final)
		}
		r.Atena = r.Values[atena.Key]
		if _, ok := check.Canonical(exam, s.Value(i, exam.Index)); ok {
			r.ExamDate = r.Values[exam.Key]
		}
		out.Records[i] = r
		out.Trail = append(out.Trail, trail(s, i, opt.Override != nil, key)...)
	}
	out.Key = hex.EncodeToString(key.Sum(nil))
	return out
}

// trail lists the cells of row i worth keeping: flagged, edited or confirmed.
func trail(s *review.Session, i int, override bool, key interface{ Write([]byte) (int, error) }) []Cell {
	byField := map[int][]batch.Finding{}
	for _, fd := range s.RowFindings(i) {
		byField[fd.Field] = append(byField[fd.Field], fd)
	}
	var fields []int
	for f := range byField {
		fields = append(fields, f)
	}
	for f := range s.Batch.Form.Fields {
		if _, ok := byField[f]; !ok && (s.Edited(i, f) || confirmed(s, i, f)) {
			fields = append(fields, f)
		}
	}
	if _, ok := s.Confirmed(i, -1); ok {
		if _, seen := byField[-1]; !seen {
			fields = append(fields, -1)
		}
	}
	sort.Ints(fields)
	var out []Cell
	for _, f := range fields {
		c := Cell{Row: i + 1}
		if f >= 0 {
			c.Key = s.Batch.Form.Fields[f].Key
			c.OCR, c.Final = s.OCR(i, f), s.Value(i, f)
			c.Confidence, c.HasConfidence = s.Batch.Confidence(i, f)
			c.Edited = s.Edited(i, f)
			if h := s.History(i, f); c.Edited && len(h) > 0 {
				c.EditedBy, c.EditedAt = h[len(h)-1].User, h[len(h)-1].At
			}
		}
		for _, fd := range byField[f] {
			c.Findings = append(c.Findings, fd.Code+": "+fd.Message)
			if override && fd.Severity == batch.Error && s.IsOpen(fd) {
				c.Overridden = true
			}
		}
		if cf, ok := s.Confirmed(i, f); ok {
			c.Confirmed, c.ConfirmedBy, c.ConfirmReason, c.ConfirmedAt = true, cf.User, cf.Reason, cf.At
			fmt.Fprintf(key, "confirm\t%d\t%d\t%s\n", i, f, cf.Reason)
		}
		out = append(out, c)
	}
	return out
}

func confirmed(s *review.Session, i, f int) bool { _, ok := s.Confirmed(i, f); return ok }

// Current is a record a store holds now (not superseded): its id, and what
// a conflict with it reports. Stores key them by 宛名番号 and 受診日.
type Current struct {
	ID       int64
	Conflict Conflict
}

// Match lists the records of b that a store already holds (cur, keyed by
// 宛名番号 and 受診日) as conflicts, and the stored record's id by row. A
// record without 宛名番号 matches nothing.
func Match(b *Batch, cur map[[2]string]Current) (conflicts []Conflict, ids map[int]int64) {
	ids = map[int]int64{}
	for _, r := range b.Records {
		if s, ok := cur[[2]string{r.Atena, r.ExamDate}]; ok && r.Atena != "" {
			ids[r.Row] = s.ID
			c := s.Conflict
			c.Row = r.Row
			conflicts = append(conflicts, c)
		}
	}
	return conflicts, ids
}

// Conflict is a record of the batch that the store already holds: same
// 宛名番号, same form, same 受診日.
type Conflict struct {
	Row         int
	Atena       string
	ExamDate    string
	BatchID     int64
	File        string
	SubmittedAt time.Time
	SubmittedBy string
}

// Decision resolves a conflict: skip the new record, or replace the stored
// one (with a reason, which is kept).
type Decision struct {
	Replace bool
	Reason  string
}

// Result says what a submission stored.
type Result struct {
	BatchID  int64
	Stored   int
	Skipped  int
	Replaced int
}

// MajorityVenue is the 会場 most sheets of the batch name: the health
// centre a batch is submitted for unless the clerk says otherwise; 0 if none.
func MajorityVenue(s *review.Session) int {
	f := s.Batch.Form.Field(form.KeyVenue)
	if f == nil {
		return 0
	}
	counts := map[string]int{}
	for i := range s.Batch.Rows {
		if c, ok := f.Code(form.Fold(s.Value(i, f.Index))); ok {
			counts[c]++
		}
	}
	best, n := "", 0
	for c, k := range counts {
		if k > n || k == n && c < best {
			best, n = c, k
		}
	}
	v, err := strconv.Atoi(best)
	if err != nil {
		return 0 // no readable 会場 code
	}
	return v
}

// CentreName is the label of health centre code c in the form's 会場 list
// (from common.json), "" when the form has no such code.
func CentreName(f *form.Form, c int) string {
	v := f.Field(form.KeyVenue)
	if v == nil {
		return ""
	}
	return v.OptionLabel(fmt.Sprint(c))
}
