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
	if !o.validEntry(fd, v) || !o.plausible(fd, v, ocr, c) {
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

// plausible: inside hard and soft ranges and, for body measurements, no
// growth trace (growthTrace). row is the sheet as read, for the child's
// other measures.
func (o *oracle) plausible(fd *form.Field, v string, row []string, c *Child) bool {
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
		return !o.growthTrace(fd, v, x, row, c)
	}
	return true
}

// Growth traces, from domain.md §5 as revised. A value outside p3–p97 is
// not by itself a trace of a misread: 6 % of real children are there. The
// section names what is: a value beyond about ±3 SD, one out of line with
// the same child's other measures, or one outside p3–p97 that a typical
// misread (§3) of a value near the median explains. Low confidence is
// counted in detectable. The SD comes from the table, reading p3/p97 as
// ±1.88 SD of a normal distribution, as §5 suggests.
const (
	oracleBandZ = 1.88 // p3 and p97 of a normal distribution
	// oracleBeyondZ: "beyond about ±3 SD".
	oracleBeyondZ = 3.0
	// oracleOutOfLineZ: "one measure far from the others". Read as the same
	// distance as the ±3 SD rule, measured from where the child's other
	// measures put the child instead of from the median.
	oracleOutOfLineZ = 3.0
	// oracleNearZ: "near the median", read as within half an SD of it
	// (the 31st to 69th percentile).
	oracleNearZ = 0.5
)

// growthTrace reports whether body measurement fd, read as v (x), leaves a
// trace §5 names, for a child of c's true age and sex. 胸囲 has no table:
// its band is §5's soft band (頭囲 ± 4 cm), and outside it stays a trace as
// for any soft range.
func (o *oracle) growthTrace(fd *form.Field, v string, x float64, row []string, c *Child) bool {
	lo, hi, ok := o.growth.Band(fd.Growth, c.Sex, c.Months, c.Months+1)
	if !ok {
		return false
	}
	if !o.tabled(fd.Growth) {
		return x < lo || x > hi
	}
	mid, sd := (lo+hi)/2, (hi-lo)/(2*oracleBandZ)
	z := (x - mid) / sd
	if math.Abs(z) > oracleBeyondZ {
		return true
	}
	// the child's own level: the mean z of its other tabled measures as read
	sum, n := 0.0, 0
	for _, other := range o.f.Fields {
		if other == fd || other.Growth == "" || !o.tabled(other.Growth) {
			continue
		}
		y, err := strconv.ParseFloat(strings.TrimSpace(row[other.Index]), 64)
		if err != nil || other.Hard != nil && !other.Hard.Contains(y) {
			continue
		}
		if l, h, ok := o.growth.Band(other.Growth, c.Sex, c.Months, c.Months+1); ok {
			sum += (y - (l+h)/2) / ((h - l) / (2 * oracleBandZ))
			n++
		}
	}
	if n > 0 && math.Abs(z-sum/float64(n)) > oracleOutOfLineZ {
		return true
	}
	if math.Abs(z) <= oracleBandZ {
		return false
	}
	for _, s := range typicalSources(v, fd.Decimals) {
		if math.Abs((s-mid)/sd) <= oracleNearZ {
			return true
		}
	}
	return false
}

// tabled reports whether metric has a percentile table of its own.
func (o *oracle) tabled(metric string) bool {
	for _, b := range o.growth.Bands {
		if b.Metric == metric {
			return true
		}
	}
	return false
}

// typicalSources lists the values a reading v could have been misread from
// by one typical OCR failure of domain.md §3: a digit confusion (1↔7, 0↔6,
// 3↔8, 5↔6, 4↔9), a lost or moved decimal point, a dropped or doubled
// digit, or grams for kilograms. Only spellings with at most decimals
// places are sources: the paper has no other.
func typicalSources(v string, decimals int) []float64 {
	var out []float64
	add := func(s string) {
		if s == v || s == "" || s[0] == '.' || s[len(s)-1] == '.' {
			return
		}
		if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > decimals {
			return
		}
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			out = append(out, x)
		}
	}
	pairs := map[byte]string{'1': "7", '7': "1", '0': "6", '6': "05", '3': "8", '8': "3", '5': "6", '4': "9", '9': "4"}
	for i := 0; i < len(v); i++ {
		for _, d := range []byte(pairs[v[i]]) {
			add(v[:i] + string(d) + v[i+1:])
		}
	}
	digits := strings.Replace(v, ".", "", 1)
	for i := 1; i < len(digits); i++ { // the point lost or moved
		add(digits[:i] + "." + digits[i:])
	}
	add(digits)
	for i := 0; i <= len(v); i++ { // a digit dropped
		for d := byte('0'); d <= '9'; d++ {
			add(v[:i] + string(d) + v[i:])
		}
	}
	for i := 1; i < len(v); i++ { // a digit doubled
		if v[i] == v[i-1] && v[i] != '.' {
			add(v[:i] + v[i+1:])
		}
	}
	if x, err := strconv.ParseFloat(v, 64); err == nil {
		out = append(out, x/1000) // grams for kilograms
	}
	return out
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
