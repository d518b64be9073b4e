// Package ocrstats owns the OCR error statistics for the vendor: from the
// correction trail, the error rate by field, form, health centre and month,
// and the most frequent character misreads (1→7 in 判定, 0→6 in 体重), by
// identifiers only — no names, no 宛名番号.
package ocrstats

import (
	"cmp"
	"slices"
	"strconv"

	"kenshin/internal/form"
)

// Entry is one cell of the correction trail, as the store produces it.
type Entry struct {
	Form   string // form ID
	Centre int    // health centre code
	Month  string // "2026-04", the month the batch was submitted
	Key    string // field key
	OCR    string // the text OCR read
	Final  string // the submitted value
	Edited bool   // the clerk corrected the cell: OCR got it wrong
}

// Rate is the error rate of one group of cells.
type Rate struct {
	Name   string // field key, form ID, centre code or month
	Cells  int
	Errors int
}

// Percent is the error rate in per cent.
func (r Rate) Percent() float64 {
	if r.Cells == 0 {
		return 0
	}
	return 100 * float64(r.Errors) / float64(r.Cells)
}

// Confusion is one character misread: OCR read From where the paper had To.
// An empty From is a character OCR missed; an empty To, one it invented.
type Confusion struct {
	Key      string
	From, To string
	Count    int
}

// Stats is the whole analysis.
type Stats struct {
	Cells, Errors int
	ByField       []Rate      // most errors first
	ByForm        []Rate      // by form ID
	ByCentre      []Rate      // by centre code
	ByMonth       []Rate      // chronological
	Confusions    []Confusion // most frequent first, at most Options.Top
	Rewrites      int         // corrections too different to align character by character
	Blanks        int         // corrections of a cell OCR left empty
}

// Options for Compute.
type Options struct {
	Top int // confusions to keep; 0: 30
}

type confKey struct{ key, from, to string }

// Compute analyses a correction trail.
func Compute(entries []Entry, opt Options) *Stats {
	if opt.Top <= 0 {
		opt.Top = 30
	}
	s := &Stats{}
	field, frm, centre, month := counter{}, counter{}, counter{}, counter{}
	conf := map[confKey]int{}
	var al aligner
	for i := range entries {
		e := &entries[i]
		s.Cells++
		if e.Edited {
			s.Errors++
		}
		field.add(e.Key, e.Edited)
		frm.add(e.Form, e.Edited)
		centre.add(strconv.Itoa(e.Centre), e.Edited)
		month.add(e.Month, e.Edited)
		if !e.Edited {
			continue
		}
		ocr, final := []rune(form.Fold(e.OCR)), []rune(form.Fold(e.Final))
		if len(ocr) == 0 {
			s.Blanks++
			continue
		}
		subs, ok := al.align(ocr, final)
		if !ok {
			s.Rewrites++
			continue
		}
		for _, p := range subs {
			conf[confKey{e.Key, p.from, p.to}]++
		}
	}
	s.ByField = field.rates(func(a, b Rate) int {
		return cmp.Or(cmp.Compare(b.Errors, a.Errors), cmp.Compare(a.Name, b.Name))
	})
	byName := func(a, b Rate) int { return cmp.Compare(a.Name, b.Name) }
	s.ByForm, s.ByMonth = frm.rates(byName), month.rates(byName)
	s.ByCentre = centre.rates(func(a, b Rate) int {
		x, _ := strconv.Atoi(a.Name)
		y, _ := strconv.Atoi(b.Name)
		return cmp.Compare(x, y)
	})
	for k, n := range conf {
		s.Confusions = append(s.Confusions, Confusion{Key: k.key, From: k.from, To: k.to, Count: n})
	}
	slices.SortFunc(s.Confusions, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	if len(s.Confusions) > opt.Top {
		s.Confusions = s.Confusions[:opt.Top]
	}
	return s
}

type counter map[string]*Rate

func (c counter) add(name string, bad bool) {
	r := c[name]
	if r == nil {
		r = &Rate{Name: name}
		c[name] = r
	}
	r.Cells++
	if bad {
		r.Errors++
	}
}

func (c counter) rates(order func(a, b Rate) int) []Rate {
	out := make([]Rate, 0, len(c))
	for _, r := range c {
		out = append(out, *r)
	}
	slices.SortFunc(out, order)
	return out
}
