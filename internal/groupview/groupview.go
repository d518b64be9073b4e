// Package groupview owns the column view of a batch: for one field, every
// value sorted and grouped with its count, confidence, findings and rows,
// values far from the rest of the batch or outside a reference band
// flagged, and a whole group confirmable at once.
package groupview

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"kenshin/internal/form"
	"kenshin/internal/review"
)

// Threshold is the robust z-score beyond which a value is far from the
// batch (Iglewicz and Hoaglin's 3.5 for the modified z-score).
const Threshold = 3.5

// Cell is one row's value of the field.
type Cell struct {
	Row           int // 1-based data row
	Value         string
	Confidence    float64
	HasConfidence bool
	Findings      int // findings on the cell, open or not
}

// Band is the reference range of a row (for instance the growth-curve
// band for the child's age and sex); ok false when there is none.
type Band func(row int) (lo, hi float64, ok bool)

// Options for Build.
type Options struct {
	Numeric   bool    // compare and sort as numbers where they read as numbers
	Band      Band    // nil: no reference
	Threshold float64 // 0: Threshold
}

// Group is every cell holding one identical value.
type Group struct {
	Value         string
	Number        float64 // the value as a number, when Numeric
	Numeric       bool
	Count         int
	Rows          []int // 1-based, ascending
	MinConf       float64
	MaxConf       float64
	HasConfidence bool // at least one cell has a confidence
	Findings      int
	Z             float64 // robust z-score against the batch (numeric groups)
	Far           bool    // |Z| beyond the threshold
	OutOfBand     []int   // rows whose value lies outside their reference band
}

// Outlier reports whether the group should stand out.
func (g *Group) Outlier() bool { return g.Far || len(g.OutOfBand) > 0 }

// View is one field of a batch, grouped.
type View struct {
	Key    string
	Groups []Group // numbers ascending first, then other text in string order
	Median float64 // over numeric cells, each cell counted
	MAD    float64 // median absolute deviation from Median
}

// Target is one cell to confirm.
type Target struct {
	Row int
	Key string
}

// Confirm lists the cells of group i, for the caller to confirm in one step.
func (v *View) Confirm(i int) []Target {
	g := v.Groups[i]
	out := make([]Target, len(g.Rows))
	for j, r := range g.Rows {
		out[j] = Target{Row: r, Key: v.Key}
	}
	return out
}

// Outliers returns the indexes of the groups that stand out.
func (v *View) Outliers() []int {
	var out []int
	for i := range v.Groups {
		if v.Groups[i].Outlier() {
			out = append(out, i)
		}
	}
	return out
}

// Number reads a value as a number after folding full-width digits and spaces.
func Number(s string) (float64, bool) {
	f, err := strconv.ParseFloat(form.Fold(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Build groups the cells of field key.
func Build(key string, cells []Cell, opt Options) *View {
	if opt.Threshold <= 0 {
		opt.Threshold = Threshold
	}
	byValue := map[string]*Group{}
	var order []*Group
	var nums []float64
	for _, c := range cells {
		g := byValue[c.Value]
		if g == nil {
			g = &Group{Value: c.Value}
			if opt.Numeric {
				g.Number, g.Numeric = Number(c.Value)
			}
			byValue[c.Value] = g
			order = append(order, g)
		}
		g.Count++
		g.Rows = append(g.Rows, c.Row)
		g.Findings += c.Findings
		if c.HasConfidence {
			if !g.HasConfidence {
				g.MinConf, g.MaxConf, g.HasConfidence = c.Confidence, c.Confidence, true
			}
			g.MinConf, g.MaxConf = min(g.MinConf, c.Confidence), max(g.MaxConf, c.Confidence)
		}
		if g.Numeric {
			nums = append(nums, g.Number)
			if opt.Band != nil {
				if lo, hi, ok := opt.Band(c.Row); ok && (g.Number < lo || g.Number > hi) {
					g.OutOfBand = append(g.OutOfBand, c.Row)
				}
			}
		}
	}
	v := &View{Key: key, Groups: make([]Group, 0, len(order))}
	if len(nums) > 0 {
		v.Median = median(nums)
		dev := make([]float64, len(nums))
		for i, x := range nums {
			dev[i] = math.Abs(x - v.Median)
		}
		v.MAD = median(dev)
		scale := 0.6745 / v.MAD // modified z-score: 0.6745 (x - median) / MAD
		if v.MAD == 0 {
			// Over half the cells are identical; fall back on the mean
			// absolute deviation (1.253314 makes it comparable to σ).
			mean := 0.0
			for _, d := range dev {
				mean += d
			}
			mean /= float64(len(dev))
			scale = 1 / (1.253314 * mean) // +Inf when every value is equal: then no Z is computed below
		}
		for _, g := range order {
			if g.Numeric && !math.IsInf(scale, 0) {
				g.Z = (g.Number - v.Median) * scale
				g.Far = math.Abs(g.Z) > opt.Threshold
			}
		}
	}
	for _, g := range order {
		slices.Sort(g.Rows)
		slices.Sort(g.OutOfBand)
		v.Groups = append(v.Groups, *g)
	}
	slices.SortFunc(v.Groups, func(a, b Group) int {
		switch {
		case a.Numeric && b.Numeric:
			if c := cmp.Compare(a.Number, b.Number); c != 0 {
				return c
			}
		case a.Numeric:
			return -1
		case b.Numeric:
			return 1
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return v
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// FromSession is the view of field key in a review: current values,
// confidences and findings; numeric fields compare as numbers. It returns
// nil when the form has no such field.
func FromSession(s *review.Session, key string, band Band) *View {
	fd := s.Batch.Form.Field(key)
	if fd == nil {
		return nil
	}
	cells := make([]Cell, s.Len())
	for i := range cells {
		conf, ok := s.Confidence(i, fd.Index)
		cells[i] = Cell{Row: i + 1, Value: s.Value(i, fd.Index), Confidence: conf, HasConfidence: ok, Findings: len(s.CellFindings(i, fd.Index))}
	}
	return Build(key, cells, Options{Numeric: fd.Type.Numeric(), Band: band})
}
