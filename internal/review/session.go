// Package review is a clerk's review of one batch: corrections and
// confirmations laid over the raw OCR values (which are never overwritten),
// findings kept current as cells change, undo and redo, and navigation from
// one open finding to the next. Every change goes to a Journal before it
// takes effect, so that nothing a clerk did is lost.
package review

import (
	"context"
	"fmt"
	"slices"
	"time"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// Op is what a change does to a cell.
type Op string

// Change operations. Undo and redo are journaled as the change they apply,
// marked so that replaying the journal rebuilds the undo and redo stacks.
const (
	OpEdit      Op = "edit"      // the value changes
	OpConfirm   Op = "confirm"   // the value is confirmed as read correctly
	OpUnconfirm Op = "unconfirm" // a confirmation is withdrawn
)

// Step marks how a change came about.
type Step string

// Steps.
const (
	StepDo   Step = "do"
	StepUndo Step = "undo"
	StepRedo Step = "redo"
)

// Change is one journaled change of one cell. Field -1 addresses the row.
type Change struct {
	Seq    int
	Group  int // changes made by one action share a group and are undone together
	Row    int // 0-based data row
	Field  int
	Key    string // field key (stable across form versions), "" for the row
	Op     Op
	Step   Step
	Old    string // value before (edit) or reason before (confirm)
	New    string // value after (edit) or reason (confirm)
	Reason string // why: "候補を採用", "用紙と一致" …
	User   string
	At     time.Time
}

// Journal stores changes as they happen. Append stores all the changes or
// none, and must not return before they are durable: the review applies a
// change only after that.
type Journal interface {
	Append(ctx context.Context, cs ...Change) error
}

type cellKey struct{ row, field int }

// Confirmation records who confirmed a cell's value and why.
type Confirmation struct {
	User   string
	Reason string
	At     time.Time
}

// Session is the review of one batch by one user.
type Session struct {
	Batch *batch.Batch
	User  string

	checker  *check.Checker
	journal  Journal
	now      func() time.Time
	edits    map[cellKey]string
	confirms map[cellKey]Confirmation
	rows     [][]batch.Finding       // findings per row, subject cells and row problems
	dups     []batch.Finding         // batch-level duplicate findings
	partner  []batch.Finding         // findings from the other form of the checkup
	extra    map[int][]batch.Finding // dups and partner by 0-based row
	history  []Change
	undo     [][]Change // groups of changes that can be undone, last on top
	redo     [][]Change

	replaying bool

	// caches for the status bar and F8, dropped whenever anything changes
	stats *Stats
	open  []Pos
}

// invalidate drops what is derived from the findings.
func (s *Session) invalidate() {
	s.stats = nil
	s.open = nil
}

// Options configure a new session.
type Options struct {
	User    string
	Journal Journal // nil: changes are kept in memory only
	Now     func() time.Time
	Growth  *form.Growth
}

// Open starts a review of b, replaying changes saved earlier (in order).
func Open(b *batch.Batch, opt Options, saved []Change) (*Session, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Session{
		Batch: b, User: opt.User, journal: opt.Journal, now: opt.Now,
		checker:  check.New(b.Form, opt.Growth, jpdate.Of(opt.Now())),
		edits:    map[cellKey]string{},
		confirms: map[cellKey]Confirmation{},
		rows:     make([][]batch.Finding, len(b.Rows)),
	}
	s.replaying = true
	for _, c := range saved {
		if err := s.replay(c); err != nil {
			return nil, fmt.Errorf("review: replay change %d: %w", c.Seq, err)
		}
	}
	s.replaying = false
	s.Recheck()
	return s, nil
}

// Recheck recomputes every finding (after opening, or when the partner changes).
func (s *Session) Recheck() {
	s.checker.LearnSessions(s)
	var buf []batch.Finding
	for i := range s.rows {
		buf = s.checker.Row(s, i, buf[:0])
		s.rows[i] = slices.Clone(buf)
	}
	s.dups = s.checker.Duplicates(s)
	s.indexExtra()
	s.invalidate()
}

// Checker returns the session's checker (for comparing with a partner batch).
func (s *Session) Checker() *check.Checker { return s.checker }

// SetPartnerFindings replaces the findings that come from comparing this
// batch with the other form of its checkup.
func (s *Session) SetPartnerFindings(fs []batch.Finding) {
	s.partner = fs
	s.indexExtra()
	s.invalidate()
}

// --- check.Source: the values as corrected ---

// Len is the number of data rows.
func (s *Session) Len() int { return len(s.Batch.Rows) }

// Line is the physical line of row i.
func (s *Session) Line(i int) int { return s.Batch.Rows[i].Line }

// Problem is the parse problem of row i, if any.
func (s *Session) Problem(i int) *batch.RowProblem { return s.Batch.Rows[i].Problem }

// Value is the current value: the correction if there is one, else the OCR text.
func (s *Session) Value(i, f int) string {
	if v, ok := s.edits[cellKey{i, f}]; ok {
		return v
	}
	return s.Batch.Value(i, f)
}

// Confidence is the OCR confidence; a corrected cell has none, since a
// person wrote it.
func (s *Session) Confidence(i, f int) (float64, bool) {
	if _, ok := s.edits[cellKey{i, f}]; ok {
		return 0, false
	}
	return s.Batch.Confidence(i, f)
}

// OCR is the value as read, never changed.
func (s *Session) OCR(i, f int) string { return s.Batch.Value(i, f) }

// Edited reports whether a cell has a correction that differs from the OCR text.
func (s *Session) Edited(i, f int) bool {
	v, ok := s.edits[cellKey{i, f}]
	return ok && v != s.Batch.Value(i, f)
}

// Confirmed returns the confirmation of a cell (Field -1: the row), if any.
func (s *Session) Confirmed(i, f int) (Confirmation, bool) {
	c, ok := s.confirms[cellKey{i, f}]
	return c, ok
}
