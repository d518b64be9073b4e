package synth

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// The oracle decides, from the domain alone, whether an injected error left
// something a reviewer could notice: a low confidence, a value that is not a
// valid entry for its field, a value outside the plausible range for the
// child, or a contradiction with another cell of the sheet. "In the future"
// is left out: it depends on the day the file is checked. It is written
// apart from the checker on purpose, so that the evaluation does not grade
// the checker against itself.
type oracle struct {
	f      *form.Form
	growth *form.Growth
}

// detectable reports whether the error in field fd of row ocr (fixed is the
// same row with only this error undone) leaves a trace.
func (o *oracle) detectable(fd *form.Field, ocr, fixed []string, conf float64, hasConf bool, c *Child) bool {
	v := ocr[fd.Index]
	if hasConf && conf < float64(fd.Confidence) {
		return true
	}
	if strings.Contains(v, "●") {
		return true
	}
	if strings.TrimSpace(v) == "" {
		return fd.Required || o.conditionallyRequired(fd, ocr)
	}
	if !o.validEntry(fd, v) || !o.plausible(fd, v, c) {
		return true
	}
	return o.relations(ocr) > o.relations(fixed)
}

func (o *oracle) conditionallyRequired(fd *form.Field, row []string) bool {
	for _, r := range o.f.Rules {
		if r.Type == form.RuleRequires && r.Required && r.Then == fd.Key {
			if slices.Contains(r.In, row[o.f.Field(r.If).Index]) {
				return true
			}
		}
	}
	return false
}

// validEntry: the exact spellings a correct reading produces.
func (o *oracle) validEntry(fd *form.Field, v string) bool {
	switch fd.Type {
	case form.TypeID:
		return len(v) == fd.Length && allDigits(v)
	case form.TypeDate:
		p := jpdate.Parse(v, jpdate.Reiwa)
		return p.Problem == jpdate.OK && !p.Lookalike
	case form.TypeInteger:
		return allDigits(v)
	case form.TypeDecimal:
		whole, frac, _ := strings.Cut(strings.TrimPrefix(v, "-"), ".")
		return allDigits(whole) && (frac == "" || allDigits(frac)) && len(frac) <= fd.Decimals
	case form.TypeCode:
		_, ok := fd.Code(form.Fold(v))
		return ok
	case form.TypeCheck:
		return v == "○" || v == "1"
	case form.TypeTime:
		c := normalize.ReadClock(v)
		return c.OK && !c.Lookalike && !c.FullWidth
	case form.TypeKana:
		k := normalize.ReadKana(v)
		return !k.Fixed() && !k.Other
	}
	return true
}

// plausible: inside hard and soft ranges and, for body measurements, inside
// the 3rd–97th percentile for the child's true age and sex.
func (o *oracle) plausible(fd *form.Field, v string, c *Child) bool {
	if fd.Type == form.TypeTime {
		m, ok := form.ParseClock(normalize.ReadClock(v).Text)
		if ok && m < 5*60 {
			m += 24 * 60
		}
		return !ok || fd.Soft == nil || fd.Soft.Contains(float64(m))
	}
	if !fd.Type.Numeric() {
		return true
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	for _, r := range []*form.Range{fd.Hard, fd.Soft} {
		if r != nil && !r.Contains(x) {
			return false
		}
	}
	if fd.Growth != "" {
		if lo, hi, ok := o.growth.Band(fd.Growth, c.Sex, c.Months, c.Months+1); ok && (x < lo || x > hi) {
			return false
		}
	}
	return true
}

// relations counts the contradictions between cells of a row.
func (o *oracle) relations(row []string) int {
	f := o.f
	get := func(key string) string {
		if fd := f.Field(key); fd != nil {
			return strings.TrimSpace(row[fd.Index])
		}
		return ""
	}
	numOf := func(key string) (float64, bool) {
		x, err := strconv.ParseFloat(get(key), 64)
		return x, err == nil
	}
	n := 0
	b := jpdate.Parse(get(form.KeyBirth), jpdate.Reiwa)
	e := jpdate.Parse(get(form.KeyExamDate), jpdate.Reiwa)
	if b.Problem == jpdate.OK && b.Era == jpdate.Heisei {
		n++
	}
	if b.Problem == jpdate.OK && e.Problem == jpdate.OK {
		age := jpdate.MonthsBetween(b.Date, e.Date)
		if e.Date.Before(b.Date) || age < f.AgeMonths[0] || age >= f.AgeMonths[1] {
			n++
		}
	}
	for _, r := range f.Rules {
		switch r.Type {
		case form.RuleJudgement:
			if get(r.Judgement) == r.Normal {
				for key, codes := range r.Abnormal {
					if slices.Contains(codes, get(key)) {
						n++
					}
				}
			}
		case form.RuleRequires:
			cond, then := get(r.If), get(r.Then)
			if cond != "" && !slices.Contains(r.In, cond) && then != "" {
				n++
			}
		case form.RuleExclusive:
			if get(r.Only) != "" {
				for _, key := range r.Fields {
					if get(key) != "" {
						n++
					}
				}
			}
		case form.RuleDental:
			p, ok1 := numOf(r.Present)
			u, ok2 := numOf(r.Untreated)
			t, ok3 := numOf(r.Treated)
			if ok1 && ok2 && ok3 {
				if u+t > p {
					n++
				}
				if ct := get(r.Caries); ct != "" && slices.Contains(r.NoCaries, ct) != (u+t == 0) {
					n++
				}
			}
		case form.RuleBodyRatio:
			h, ok1 := numOf(r.Height)
			w, ok2 := numOf(r.Weight)
			if ok1 && ok2 && h > 0 && !r.Range.Contains(w/(h*h)*1e4) {
				n++
			}
		case form.RuleObesity:
			h, ok1 := numOf(r.Height)
			w, ok2 := numOf(r.Weight)
			ob, ok3 := numOf(r.Obesity)
			if ok1 && ok2 && ok3 && h >= 70 && h <= 120 {
				std := 0.002706*h*h - 0.2326*h + 11.4427
				if get(r.Sex) == "1" {
					std = 0.002961*h*h - 0.2900*h + 14.7527
				}
				if math.Abs(ob-(w-std)/std*100) > r.Tolerance {
					n++
				}
			}
		}
	}
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
