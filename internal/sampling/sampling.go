// Package sampling owns the audit sample taken before submission: a random
// sample of cells that no rule flagged, each marked right or wrong by the
// clerk against the paper, and from the marks the estimated residual error
// rate with an exact (Clopper–Pearson) 95 % upper bound.
package sampling

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"kenshin/internal/review"
)

// Defaults from the product brief: at least 20 cells or 2 %, whichever is larger.
const (
	MinCells   = 20
	Fraction   = 0.02
	Confidence = 0.95
)

// Cell is one sampled cell: a 1-based data row and a field key.
type Cell struct {
	Row int
	Key string
}

// Mark is the clerk's verdict on one sampled cell.
type Mark int

// Marks.
const (
	Unmarked Mark = iota
	Right         // the value matches the paper
	Wrong         // the value differs from the paper: a residual error
)

// ErrIncomplete is returned by Estimate while cells are unmarked.
var ErrIncomplete = errors.New("sampling: not every sampled cell is marked")

// Size is the default sample size for a population of unflagged cells:
// max(20, ⌈2 %⌉), never more than there are.
func Size(population int) int {
	n := max(MinCells, int(math.Ceil(Fraction*float64(population))))
	return max(0, min(n, population))
}

// Sample is a drawn audit sample and its marks.
type Sample struct {
	Seed       uint64
	Population int      // unflagged cells it was drawn from
	Cells      []Cell   // in row order, then the order the cells were given
	Marks      []Mark   // parallel to Cells
	By         []string // who marked each cell ("" unmarked); nil: nobody yet
}

// Draw takes the default-size sample (Size) from the unflagged cells.
func Draw(unflagged []Cell, seed uint64) *Sample {
	return DrawN(unflagged, Size(len(unflagged)), seed)
}

// DrawN takes n cells without replacement, uniformly; the same cells and
// seed always give the same sample, so it can be redrawn for an audit.
func DrawN(unflagged []Cell, n int, seed uint64) *Sample {
	n = max(0, min(n, len(unflagged)))
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) // #nosec G404 -- a reproducible audit draw, not a secret: the seed is recorded on purpose
	idx := make([]int, len(unflagged))
	for i := range idx {
		idx[i] = i
	}
	// Partial Fisher–Yates: the first n slots end up a uniform n-subset.
	for i := range n {
		j := i + rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	chosen := idx[:n]
	// The clerk walks the paper forms in order, so show the cells in row order.
	slices.SortFunc(chosen, func(a, b int) int {
		if c := unflagged[a].Row - unflagged[b].Row; c != 0 {
			return c
		}
		return a - b
	})
	s := &Sample{Seed: seed, Population: len(unflagged), Cells: make([]Cell, n), Marks: make([]Mark, n)}
	for i, k := range chosen {
		s.Cells[i] = unflagged[k]
	}
	return s
}

// Set records the verdict on sampled cell i.
func (s *Sample) Set(i int, m Mark) error {
	if i < 0 || i >= len(s.Cells) {
		return fmt.Errorf("sampling: cell %d is not in the sample of %d", i, len(s.Cells))
	}
	if m < Unmarked || m > Wrong {
		return fmt.Errorf("sampling: unknown mark %d", m)
	}
	s.Marks[i] = m
	return nil
}

// SetBy records the verdict on sampled cell i and who gave it.
func (s *Sample) SetBy(i int, m Mark, by string) error {
	if err := s.Set(i, m); err != nil {
		return err
	}
	if len(s.By) != len(s.Cells) {
		s.By = append(s.By, make([]string, len(s.Cells)-len(s.By))...)
	}
	s.By[i] = by
	return nil
}

// MarkedBy lists who marked cells, each once, in the order of the cells.
func (s *Sample) MarkedBy() []string {
	var out []string
	for i, b := range s.By {
		if b != "" && i < len(s.Marks) && s.Marks[i] != Unmarked && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// Counts returns how many cells are marked and how many of them wrong.
func (s *Sample) Counts() (marked, wrong int) {
	for _, m := range s.Marks {
		if m != Unmarked {
			marked++
		}
		if m == Wrong {
			wrong++
		}
	}
	return marked, wrong
}

// Complete reports whether every sampled cell is marked.
func (s *Sample) Complete() bool {
	marked, _ := s.Counts()
	return marked == len(s.Cells)
}

// Estimate is the result of a marked sample.
type Estimate struct {
	N          int     // cells marked
	Errors     int     // of them wrong
	Population int     // unflagged cells in the batch
	Rate       float64 // Errors / N, the point estimate
	Upper      float64 // one-sided 95 % upper bound (Clopper–Pearson)
	Lower2     float64 // two-sided 95 % interval (Clopper–Pearson)
	Upper2     float64
}

// ExpectedErrors and MaxErrors scale the rate and its bound to the batch:
// the number of wrong cells estimated to remain among the unflagged ones.
func (e Estimate) ExpectedErrors() float64 { return e.Rate * float64(e.Population) }

// MaxErrors is the 95 % upper bound on the wrong cells left in the batch.
func (e Estimate) MaxErrors() float64 { return e.Upper * float64(e.Population) }

// String is the Japanese one-line summary for the report's 概要 sheet.
func (e Estimate) String() string {
	return fmt.Sprintf("抜き取り %d セル中 誤り %d（推定残存誤り率 %.1f %%、95 %% 上限 %.1f %%）",
		e.N, e.Errors, 100*e.Rate, 100*e.Upper)
}

// Estimate computes the residual error rate once every cell is marked.
func (s *Sample) Estimate() (Estimate, error) {
	if len(s.Cells) == 0 {
		return Estimate{}, errors.New("sampling: the sample is empty")
	}
	if !s.Complete() {
		return Estimate{}, ErrIncomplete
	}
	n, k := s.Counts()
	return Compute(k, n, s.Population)
}

// Compute is the estimate for k wrong cells among n marked, drawn from a
// population of unflagged cells.
func Compute(k, n, population int) (Estimate, error) {
	up, err := UpperBound(k, n, Confidence)
	if err != nil {
		return Estimate{}, err
	}
	lo2, up2, err := Interval(k, n, Confidence)
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{N: n, Errors: k, Population: population, Rate: float64(k) / float64(n), Upper: up, Lower2: lo2, Upper2: up2}, nil
}

// Unflagged lists the cells of a review that no rule flagged and the clerk
// did not correct: the cells the rules vouch for, whose error rate the
// sample measures. Order: row by row, then form field order.
func Unflagged(s *review.Session) []Cell {
	fields := s.Batch.Form.Fields
	out := make([]Cell, 0, s.Len()*len(fields))
	for i := range s.Len() {
		if s.Problem(i) != nil {
			continue // a row that did not parse was looked at as a whole
		}
		for _, fd := range fields {
			if len(s.CellFindings(i, fd.Index)) > 0 || s.Edited(i, fd.Index) {
				continue
			}
			out = append(out, Cell{Row: i + 1, Key: fd.Key})
		}
	}
	return out
}
