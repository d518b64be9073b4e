package form

import (
	"sort"
	"strings"
)

// Column name suffixes and meta columns of the OCR CSV contract (domain.md §3).
const (
	SuffixConfidence = "_確信度"
	SuffixImage      = "_画像"
)

// MetaColumns are per-sheet columns that belong to no field.
var MetaColumns = []string{"ファイル名", "ページ", "帳票画像"}

// Columns maps the columns of one CSV header onto a form. Every slice indexed
// by field holds a CSV column index or -1 when the CSV lacks that column.
type Columns struct {
	Value   []int
	Conf    []int
	Image   []int
	Meta    map[string]int
	Unknown []int // columns that match nothing: kept and shown, never dropped
}

// Map matches a header against the form's headers and aliases.
func (f *Form) Map(header []string) Columns {
	n := len(f.Fields)
	c := Columns{Value: fill(n), Conf: fill(n), Image: fill(n), Meta: map[string]int{}}
	lookup := make(map[string]int, n*2)
	for i, fd := range f.Fields {
		lookup[Fold(fd.Header)] = i
		for _, a := range fd.Aliases {
			lookup[Fold(a)] = i
		}
	}
	for col, h := range header {
		k := Fold(h)
		target := c.Value
		switch {
		case strings.HasSuffix(k, SuffixConfidence):
			k, target = strings.TrimSuffix(k, SuffixConfidence), c.Conf
		case strings.HasSuffix(k, SuffixImage):
			k, target = strings.TrimSuffix(k, SuffixImage), c.Image
		}
		if i, ok := lookup[k]; ok && target[i] < 0 {
			target[i] = col
			continue
		}
		if isMeta(k) {
			if _, dup := c.Meta[k]; !dup {
				c.Meta[k] = col
				continue
			}
		}
		c.Unknown = append(c.Unknown, col)
	}
	return c
}

func isMeta(k string) bool {
	for _, m := range MetaColumns {
		if k == m {
			return true
		}
	}
	return false
}

func fill(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// Candidate is how well one form fits a header.
type Candidate struct {
	Form            *Form
	Columns         Columns
	Matched         int      // form fields found in the header
	MissingRequired []string // labels of required fields with no column
	MissingOptional []string // labels of optional fields with no column
}

// Score ranks candidates: matched fields count, columns nobody claims count against.
func (c Candidate) Score() int { return c.Matched - len(c.Columns.Unknown) }

// Usable reports whether the form can read the file at all.
func (c Candidate) Usable() bool {
	return len(c.MissingRequired) == 0 && c.Matched*2 >= len(c.Form.Fields)
}

// Candidates scores every form against a header, best first: usable before
// unusable, then by score, then by fewer missing optional columns.
func (s *Set) Candidates(header []string) []Candidate {
	out := make([]Candidate, 0, len(s.Forms))
	for _, f := range s.Forms {
		c := Candidate{Form: f, Columns: f.Map(header)}
		for i, fd := range f.Fields {
			switch {
			case c.Columns.Value[i] >= 0:
				c.Matched++
			case fd.Required:
				c.MissingRequired = append(c.MissingRequired, fd.Label)
			default:
				c.MissingOptional = append(c.MissingOptional, fd.Label)
			}
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Usable() != b.Usable() {
			return a.Usable()
		}
		if a.Score() != b.Score() {
			return a.Score() > b.Score()
		}
		return len(a.MissingOptional) < len(b.MissingOptional)
	})
	return out
}

// Tied returns the leading candidates that score the same as the best one:
// forms the header alone cannot tell apart (the two dental exam forms share
// every column, for example).
func Tied(cands []Candidate) []Candidate {
	if len(cands) == 0 || !cands[0].Usable() {
		return nil
	}
	n := 1
	for n < len(cands) && cands[n].Usable() && cands[n].Score() == cands[0].Score() &&
		len(cands[n].MissingOptional) == len(cands[0].MissingOptional) {
		n++
	}
	return cands[:n]
}
