package review

import (
	"slices"

	"kenshin/internal/batch"
	"kenshin/internal/check"
)

// RowFindings returns every finding of row i: the row's own, duplicates and
// partner findings.
func (s *Session) RowFindings(i int) []batch.Finding {
	if extra := s.extra[i]; len(extra) > 0 {
		return append(s.rows[i][:len(s.rows[i]):len(s.rows[i])], extra...)
	}
	return s.rows[i]
}

// indexExtra files the batch-level findings under their rows.
func (s *Session) indexExtra() {
	s.extra = map[int][]batch.Finding{}
	for _, list := range [][]batch.Finding{s.dups, s.partner} {
		for _, f := range list {
			s.extra[f.Row-1] = append(s.extra[f.Row-1], f)
		}
	}
}

// CellFindings returns the findings whose subject is cell (i, f); f = -1
// gives the findings about the row as a whole.
func (s *Session) CellFindings(i, f int) []batch.Finding {
	var out []batch.Finding
	for _, fd := range s.RowFindings(i) {
		if fd.Field == f {
			out = append(out, fd)
		}
	}
	return out
}

// IsOpen reports whether a finding still needs the clerk: it asks (an error
// or a warning, not info) and its subject cell has not been confirmed. Info
// findings are therefore outside F8 and the open counts. An error stays open
// under a confirmation whose reason does not close errors (「用紙と一致」,
// 「用紙でも判読不能」): only a reasoned confirm, a fix or the supervisor's
// override gets it through. An error saying the cell holds no usable value
// (check.NotAValue) stays open under any confirmation, also one replayed
// from a working copy written before that rule.
func (s *Session) IsOpen(f batch.Finding) bool {
	if f.Row <= 0 || !f.Severity.Asks() {
		return false
	}
	c, ok := s.confirms[cellKey{f.Row - 1, f.Field}]
	if ok && f.Severity == batch.Error && (!closesErrors(c.Reason) || check.NotAValue(f.Code)) {
		return true
	}
	return !ok
}

// Status is the worst open state of a cell, for colouring it.
type Status int

// Cell statuses, from nothing to say to worst.
const (
	StatusClean     Status = iota
	StatusConfirmed        // confirmed as read correctly
	StatusCorrected        // changed by the clerk, nothing open
	StatusInfo             // only info (参考): OCR unsure, the evidence confirms
	StatusLowConf          // only a low-confidence warning is open
	StatusWarning
	StatusError
)

// CellStatus sums up a cell for display.
func (s *Session) CellStatus(i, f int) Status {
	st := StatusClean
	for _, fd := range s.RowFindings(i) {
		if fd.Field != f || !s.IsOpen(fd) {
			continue
		}
		switch {
		case fd.Severity == batch.Error:
			return StatusError
		case fd.Code == "ocr.low_confidence":
			st = max(st, StatusLowConf)
		default:
			st = StatusWarning
		}
	}
	if st != StatusClean {
		return st
	}
	if _, ok := s.confirms[cellKey{i, f}]; ok {
		return StatusConfirmed
	}
	if s.Edited(i, f) {
		return StatusCorrected
	}
	for _, fd := range s.RowFindings(i) {
		if fd.Field == f && fd.Severity == batch.Info {
			return StatusInfo
		}
	}
	return StatusClean
}

// Pos is a cell position.
type Pos struct{ Row, Field int }

// OpenCells lists every cell with an open finding, in reading order (row by
// row, then field order; the row itself before its cells).
func (s *Session) OpenCells() []Pos {
	if s.open != nil {
		return s.open
	}
	out := []Pos{}
	var fields []int
	for i := range s.rows {
		fields = fields[:0]
		for _, f := range s.RowFindings(i) {
			if s.IsOpen(f) && !slices.Contains(fields, f.Field) {
				fields = append(fields, f.Field)
			}
		}
		slices.Sort(fields)
		for _, f := range fields {
			out = append(out, Pos{i, f})
		}
	}
	s.open = out
	return out
}

// Next returns the next (dir = +1) or previous (dir = -1) cell with an open
// finding after p, wrapping around; its index among all open cells (0-based)
// and their count. ok is false when nothing is open.
func (s *Session) Next(p Pos, dir int) (next Pos, index, total int, ok bool) {
	open := s.OpenCells()
	i, ok := NextIn(open, p, dir)
	if !ok {
		return p, 0, 0, false
	}
	return open[i], i, len(open), true
}

// NextIn returns the index in open (cells in reading order) of the next
// (dir = +1) or previous (dir = -1) cell after p, wrapping around; ok is
// false when open is empty.
func NextIn(open []Pos, p Pos, dir int) (int, bool) {
	if len(open) == 0 {
		return 0, false
	}
	less := func(a, b Pos) bool { return a.Row < b.Row || a.Row == b.Row && a.Field < b.Field }
	if dir >= 0 {
		for i, o := range open {
			if less(p, o) {
				return i, true
			}
		}
		return 0, true
	}
	for i := len(open) - 1; i >= 0; i-- {
		if less(open[i], p) {
			return i, true
		}
	}
	return len(open) - 1, true
}

// Stats sum up the review for the status bar.
type Stats struct {
	Rows      int
	RowsDone  int // rows with nothing open
	Errors    int // open error findings
	Warnings  int // open warnings
	Infos     int // info findings (参考): shown, never open
	Corrected int // cells whose value the clerk changed
	Confirmed int // cells confirmed as read correctly
}

// Stats computes the current counts.
func (s *Session) Stats() Stats {
	if s.stats != nil {
		return *s.stats
	}
	st := Stats{Rows: len(s.rows)}
	for i := range s.rows {
		open := false
		for _, f := range s.RowFindings(i) {
			if f.Severity == batch.Info {
				st.Infos++
			}
			if !s.IsOpen(f) {
				continue
			}
			open = true
			if f.Severity == batch.Error {
				st.Errors++
			} else {
				st.Warnings++
			}
		}
		if !open {
			st.RowsDone++
		}
	}
	for k, v := range s.edits {
		if v != s.Batch.Value(k.row, k.field) {
			st.Corrected++
		}
	}
	st.Confirmed = len(s.confirms)
	s.stats = &st
	return st
}
