package review

import (
	"context"
	"errors"
	"fmt"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/normalize"
)

// ErrNothing is returned when an action has nothing to do (no suggestion to
// accept, nothing to undo …).
var ErrNothing = errors.New("review: nothing to do")

// ErrNotConfirmable is returned when a value cannot be confirmed as read: a
// cell holding ● (there is no reading to confirm), or 「用紙と一致」 on a cell
// with an open error (a value outside hard limits, an invalid code or date
// is almost surely a misread, so "it matches the paper" is not enough).
var ErrNotConfirmable = errors.New("review: this value cannot be confirmed as read")

// Confirmation reasons offered to the clerk.
const (
	// ReasonMatchesPaper: the value is what the paper says (F6). It closes
	// warnings, never an error.
	ReasonMatchesPaper = "用紙と一致"
	// ReasonUnreadable: the paper cannot be read either; the cell is blanked
	// (MarkUnreadable). An error of the blank itself (a required field)
	// stays open for the supervisor.
	ReasonUnreadable = "用紙でも判読不能"
	// ReasonAskedWriter: the clerk asked whoever filled in the form. Like any
	// reason other than the two above it may close an error; it is recorded
	// and printed in the report.
	ReasonAskedWriter = "記入者に確認済み"
)

// Reasons lists the reasons offered in the reason dialog, in order.
var Reasons = []string{ReasonMatchesPaper, ReasonUnreadable, ReasonAskedWriter}

// closesErrors reports whether a confirmation with reason closes error
// findings: 「用紙と一致」 and 「用紙でも判読不能」 do not (see ErrNotConfirmable).
func closesErrors(reason string) bool {
	return reason != ReasonMatchesPaper && reason != ReasonUnreadable
}

func (s *Session) key(field int) string {
	if field < 0 {
		return ""
	}
	return s.Batch.Form.Fields[field].Key
}

// commit journals a group of changes, then applies them.
func (s *Session) commit(ctx context.Context, step Step, cs []Change) error {
	group := 1
	if n := len(s.history); n > 0 {
		group = s.history[n-1].Group + 1
	}
	for i := range cs {
		cs[i].Seq = len(s.history) + i + 1
		cs[i].Group = group
		cs[i].Step = step
		cs[i].User = s.User
		cs[i].At = s.now()
		cs[i].Key = s.key(cs[i].Field)
	}
	if s.journal != nil {
		if err := s.journal.Append(ctx, cs...); err != nil {
			return fmt.Errorf("review: save change: %w", err)
		}
	}
	for _, c := range cs {
		if err := s.replay(c); err != nil {
			return err
		}
	}
	return nil
}

// replay applies a journaled change and keeps the undo and redo stacks.
func (s *Session) replay(c Change) error {
	if c.Row < 0 || c.Row >= len(s.Batch.Rows) || c.Field < -1 || c.Field >= len(s.Batch.Form.Fields) {
		return fmt.Errorf("cell %d/%d outside the batch", c.Row, c.Field)
	}
	if c.Field >= 0 && c.Key != "" && c.Key != s.key(c.Field) {
		return fmt.Errorf("field %d is %q, the change was for %q", c.Field, s.key(c.Field), c.Key)
	}
	last := len(s.history) - 1
	sameGroup := last >= 0 && s.history[last].Group == c.Group && s.history[last].Step == c.Step
	s.history = append(s.history, c)
	switch c.Step {
	case StepDo:
		if sameGroup {
			s.undo[len(s.undo)-1] = append(s.undo[len(s.undo)-1], c)
		} else {
			s.undo = append(s.undo, []Change{c})
		}
		s.redo = nil
	case StepUndo:
		if !sameGroup && len(s.undo) > 0 {
			s.redo = append(s.redo, s.undo[len(s.undo)-1])
			s.undo = s.undo[:len(s.undo)-1]
		}
	case StepRedo:
		if !sameGroup && len(s.redo) > 0 {
			s.undo = append(s.undo, s.redo[len(s.redo)-1])
			s.redo = s.redo[:len(s.redo)-1]
		}
	}
	s.apply(c)
	return nil
}

func (s *Session) apply(c Change) {
	s.invalidate()
	k := cellKey{c.Row, c.Field}
	switch c.Op {
	case OpEdit:
		if c.New == s.Batch.Value(c.Row, c.Field) {
			delete(s.edits, k) // back to what OCR read
		} else {
			s.edits[k] = c.New
		}
	case OpConfirm:
		s.confirms[k] = Confirmation{User: c.User, Reason: c.New, At: c.At}
	case OpUnconfirm:
		delete(s.confirms, k)
	}
	if !s.replaying { // Open checks everything once the replay is done
		s.recheckRow(c.Row, c.Field)
	}
}

func (s *Session) recheckRow(row, field int) {
	if field >= 0 && s.Batch.Form.Fields[field].Key == form.KeyExamDate {
		s.checker.LearnSessions(s)
	}
	s.rows[row] = s.checker.Row(s, row, nil)
	if field >= 0 && s.Batch.Form.Fields[field].Key == form.KeyAtena {
		s.dups = s.checker.Duplicates(s)
		s.indexExtra()
	}
}

// Edit sets a cell's value. Confirming a value and then changing it
// withdraws the confirmation in the same undoable step.
func (s *Session) Edit(ctx context.Context, row, field int, value, reason string) error {
	if field < 0 {
		return fmt.Errorf("review: a row has no value to edit")
	}
	old := s.Value(row, field)
	if old == value {
		return ErrNothing
	}
	var cs []Change
	if c, ok := s.confirms[cellKey{row, field}]; ok {
		cs = append(cs, Change{Row: row, Field: field, Op: OpUnconfirm, Old: c.Reason})
	}
	cs = append(cs, Change{Row: row, Field: field, Op: OpEdit, Old: old, New: value, Reason: reason})
	return s.commit(ctx, StepDo, cs)
}

// Confirm records that the cell (Field -1: the row) was checked against the
// paper and is right as it stands, with the reason. It returns
// ErrNotConfirmable for a cell holding ● (whatever the reason: correct it or
// use MarkUnreadable) and for ReasonMatchesPaper on a cell with an open
// error; ReasonUnreadable blanks the cell (MarkUnreadable).
func (s *Session) Confirm(ctx context.Context, row, field int, reason string) error {
	if reason == ReasonUnreadable && field >= 0 {
		return s.MarkUnreadable(ctx, row, field)
	}
	if err := s.confirmable(row, field, reason); err != nil {
		return err
	}
	if c, ok := s.confirms[cellKey{row, field}]; ok && c.Reason == reason {
		return ErrNothing
	}
	old := ""
	if c, ok := s.confirms[cellKey{row, field}]; ok {
		old = c.Reason
	}
	return s.commit(ctx, StepDo, []Change{{Row: row, Field: field, Op: OpConfirm, Old: old, New: reason, Reason: reason}})
}

// confirmable says why (row, field) cannot be confirmed with reason, or nil.
func (s *Session) confirmable(row, field int, reason string) error {
	if row < 0 || row >= len(s.rows) || field < -1 || field >= len(s.Batch.Form.Fields) {
		return fmt.Errorf("review: cell %d/%d outside the batch", row, field)
	}
	if field >= 0 && normalize.IsUnreadable(s.Value(row, field)) {
		return fmt.Errorf("%w: the cell holds %s", ErrNotConfirmable, normalize.Unreadable)
	}
	if !closesErrors(reason) && s.HasOpenError(row, field) {
		return fmt.Errorf("%w: an error is open and %q does not close it", ErrNotConfirmable, reason)
	}
	if code, ok := s.NotAValue(row, field); ok {
		return fmt.Errorf("%w: the cell holds no usable value (%s)", ErrNotConfirmable, code)
	}
	return nil
}

// NotAValue reports an open error on (row, field) saying the cell holds no
// value that could be submitted (check.NotAValue: a letter for a digit, an
// unreadable date, a code not in the list …), and its code. Such a cell is
// corrected, never confirmed, whatever the reason.
func (s *Session) NotAValue(row, field int) (string, bool) {
	if field < 0 {
		return "", false
	}
	for _, f := range s.CellFindings(row, field) {
		if f.Severity == batch.Error && s.IsOpen(f) && check.NotAValue(f.Code) {
			return f.Code, true
		}
	}
	return "", false
}

// HasOpenError reports whether cell (row, field) has an open error finding.
func (s *Session) HasOpenError(row, field int) bool {
	for _, f := range s.CellFindings(row, field) {
		if f.Severity == batch.Error && s.IsOpen(f) {
			return true
		}
	}
	return false
}

// MarkUnreadable resolves a cell the paper does not make readable either:
// the value becomes blank and the cell is confirmed with ReasonUnreadable,
// in one undoable step. If the blank is itself an error (a required field),
// that error stays open for the supervisor: check HasOpenError afterwards.
func (s *Session) MarkUnreadable(ctx context.Context, row, field int) error {
	if row < 0 || row >= len(s.rows) || field < 0 || field >= len(s.Batch.Form.Fields) {
		return fmt.Errorf("review: cell %d/%d outside the batch", row, field)
	}
	c, confirmed := s.confirms[cellKey{row, field}]
	old := s.Value(row, field)
	if old == "" && confirmed && c.Reason == ReasonUnreadable {
		return ErrNothing
	}
	var cs []Change
	if confirmed {
		cs = append(cs, Change{Row: row, Field: field, Op: OpUnconfirm, Old: c.Reason})
	}
	if old != "" {
		cs = append(cs, Change{Row: row, Field: field, Op: OpEdit, Old: old, New: "", Reason: ReasonUnreadable})
	}
	cs = append(cs, Change{Row: row, Field: field, Op: OpConfirm, New: ReasonUnreadable, Reason: ReasonUnreadable})
	return s.commit(ctx, StepDo, cs)
}

// Unconfirm withdraws a confirmation.
func (s *Session) Unconfirm(ctx context.Context, row, field int) error {
	c, ok := s.confirms[cellKey{row, field}]
	if !ok {
		return ErrNothing
	}
	return s.commit(ctx, StepDo, []Change{{Row: row, Field: field, Op: OpUnconfirm, Old: c.Reason}})
}

// Suggestion returns the first suggestion of an open finding on a cell.
func (s *Session) Suggestion(row, field int) (string, bool) {
	for _, f := range s.CellFindings(row, field) {
		if f.Suggest && s.IsOpen(f) {
			return f.Suggestion, true
		}
	}
	return "", false
}

// AcceptSuggestion sets a cell to the suggested value.
func (s *Session) AcceptSuggestion(ctx context.Context, row, field int) error {
	v, ok := s.Suggestion(row, field)
	if !ok {
		return ErrNothing
	}
	return s.Edit(ctx, row, field, v, "候補を採用")
}

// CanUndo and CanRedo report whether there is a step to undo or redo.
func (s *Session) CanUndo() bool { return len(s.undo) > 0 }

// CanRedo reports whether there is a step to redo.
func (s *Session) CanRedo() bool { return len(s.redo) > 0 }

// Undo reverts the last step; it returns the cell it touched.
func (s *Session) Undo(ctx context.Context) (row, field int, err error) {
	if len(s.undo) == 0 {
		return 0, 0, ErrNothing
	}
	group := s.undo[len(s.undo)-1]
	inv := make([]Change, 0, len(group))
	for i := len(group) - 1; i >= 0; i-- {
		inv = append(inv, inverse(group[i]))
	}
	return group[0].Row, group[0].Field, s.commit(ctx, StepUndo, inv)
}

// Redo applies the last undone step again.
func (s *Session) Redo(ctx context.Context) (row, field int, err error) {
	if len(s.redo) == 0 {
		return 0, 0, ErrNothing
	}
	group := s.redo[len(s.redo)-1]
	again := make([]Change, len(group))
	for i, c := range group {
		again[i] = Change{Row: c.Row, Field: c.Field, Op: c.Op, Old: c.Old, New: c.New, Reason: c.Reason}
	}
	return group[0].Row, group[0].Field, s.commit(ctx, StepRedo, again)
}

func inverse(c Change) Change {
	r := Change{Row: c.Row, Field: c.Field, Reason: "元に戻す"}
	switch c.Op {
	case OpEdit:
		r.Op, r.Old, r.New = OpEdit, c.New, c.Old
	case OpConfirm:
		if c.Old != "" {
			r.Op, r.Old, r.New = OpConfirm, c.New, c.Old
		} else {
			r.Op, r.Old = OpUnconfirm, c.New
		}
	case OpUnconfirm:
		r.Op, r.New = OpConfirm, c.Old
	}
	return r
}

// History returns the changes of one cell, oldest first.
func (s *Session) History(row, field int) []Change {
	var out []Change
	for _, c := range s.history {
		if c.Row == row && c.Field == field {
			out = append(out, c)
		}
	}
	return out
}

// Changes returns every change made in this review, oldest first.
func (s *Session) Changes() []Change { return append([]Change(nil), s.history...) }
