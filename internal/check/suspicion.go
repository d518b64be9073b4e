package check

import (
	"cmp"
	"math"
	"slices"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// Evidence-adjusted suspicion. OCR confidence is read as the engine's own
// estimate that the reading is right, so a cell below its field's threshold
// starts with odds (100-c)/c of being misread. Each piece of domain evidence
// multiplies those odds by a likelihood ratio: how much likelier the
// observation is for a misread than for a correct reading. The ratios below
// are derived from the domain (how many values a misread could land on), not
// fitted to generated data; the batch supplies the base rates it knows
// (session days, the share of a code's usual answer).
const (
	// warnAt is the suspicion from which a cell asks for a look: one look in
	// ten finds a misread. A look at the paper costs seconds, a misread left
	// in a child's record costs far more. Below it a low-confidence cell is
	// info (参考).
	warnAt = 0.1

	// lrAgeInWindow: a misread birth or exam date still gives an age in the
	// checkup's window about half the time (a day or month digit changed
	// stays inside, a year digit does not).
	lrAgeInWindow = 0.5
	// lrInLine: a body measurement inside p3–p97 and in line with the
	// child's other measures. A misread of a leading digit or the point
	// moves it by several SD, but one of the last digit stays in line: of
	// the three or four digits, about one misread in two lands there, while
	// a correct value is there nearly always.
	lrInLine = 0.5
	// lrObesity: the written 肥満度 agrees with height and weight within
	// the form's tolerance; a misread of a leading digit of any of the three
	// breaks that, one of the last digit keeps it (about half of them).
	lrObesity = 0.5
	// lrDental: dental counts agree with the caries type and with the
	// number of teeth present; a misread count often still does (3 ↔ 8).
	lrDental = 0.5
	// lrFloor bounds a batch-derived ratio: a batch says little below it.
	lrFloor = 0.05

	// modeShare: a code field whose usual answer has at least this share
	// has a strong prior, which confirms a reading of that answer.
	modeShare = 0.8
	// learnRows caps the rows read to learn the batch's priors.
	learnRows = 5000
)

// Fixed scores of findings that are not weighed per cell: how sure a finding
// of that kind is to sit on a misread.
const (
	scoreInvalid = 0.95 // no valid reading, ●, required and blank
	scoreRule    = 0.7  // a contradiction the subject is the likelier cause of
	scoreFormat  = 0.6  // a readable value in a wrong spelling
	scoreSoft    = 0.5  // outside the usual range
)

// learnPriors counts, on up to learnRows rows, the answers of every code
// and check-mark field, so that the usual answer of a field with a strong
// prior confirms a low-confidence reading of it.
func (c *Checker) learnPriors(src Source) {
	c.mode = make([]string, len(c.form.Fields))
	c.hasMode = make([]bool, len(c.form.Fields))
	c.modeLR = make([]float64, len(c.form.Fields))
	step := max(1, src.Len()/learnRows)
	// A medical finding or judgement read as the usual 「所見なし」「異常なし」
	// is the costliest misread (an abnormal result lost): its prior never
	// silences it.
	medical := map[string]bool{}
	for _, r := range c.form.Rules {
		if r.Type == form.RuleJudgement {
			medical[r.Judgement] = true
			for key := range r.Abnormal {
				medical[key] = true
			}
		}
	}
	for f, fd := range c.form.Fields {
		c.modeLR[f] = 1
		if fd.Type != form.TypeCode && fd.Type != form.TypeCheck || medical[fd.Key] {
			continue
		}
		counts := map[string]int{}
		n := 0
		for i := 0; i < src.Len(); i += step {
			counts[answer(fd, src.Value(i, f))]++
			n++
		}
		best, bestN := "", 0
		for v, k := range counts {
			if k > bestN || k == bestN && v < best {
				best, bestN = v, k
			}
		}
		if n < 20 || best == "\x00" {
			continue // too few rows to know a prior, or no usual answer
		}
		if s := float64(bestN) / float64(n); s >= modeShare {
			c.mode[f], c.hasMode[f] = best, true
			// a misread lands on the usual answer at most as often as the
			// true answer is another one
			c.modeLR[f] = max(lrFloor, (1-s)/s)
		}
	}
	c.learnExclusive(src, step)
	// the usual spelling of the exam date: one printed form, one spelling
	styles := map[jpdate.Style]int{}
	n := 0
	for i := 0; i < src.Len(); i += step {
		if st, ok := c.styleOf(src.Value(i, c.exam)); ok {
			styles[st]++
		}
		n++
	}
	c.examStyle, c.hasExamStyle = 0, false
	for st, k := range styles {
		if n >= 20 && float64(k) >= modeShare*float64(n) {
			c.examStyle, c.hasExamStyle = st, true
		}
	}
	// session days: a misread exam date lands on one about as often as
	// session days are among the days the batch spans
	c.sessionLR = 1
	var first, last jpdate.Date
	days := 0
	for d, n := range c.sessions {
		if n < c.sessionAt {
			continue
		}
		days++
		if first == (jpdate.Date{}) || d.Before(first) {
			first = d
		}
		if last == (jpdate.Date{}) || last.Before(d) {
			last = d
		}
	}
	if c.clustered && days > 0 {
		span := int(last.Time().Sub(first.Time()).Hours()/24) + 1
		c.sessionLR = max(lrFloor, min(1, float64(days)/float64(span)))
	}
}

// styleOf returns the spelling style a date is written in, if it is one.
func (c *Checker) styleOf(v string) (jpdate.Style, bool) {
	v = normalize.Trim(v)
	p := c.parseDate(v)
	if p.Problem != jpdate.OK {
		return 0, false
	}
	for _, st := range jpdate.Styles {
		if p.Date.Format(st) == v {
			return st, true
		}
	}
	return 0, false
}

// answer is the canonical answer of a code or check-mark cell for counting;
// "\x00" stands for anything that is not a valid answer.
func answer(fd *form.Field, raw string) string {
	v := form.Fold(raw)
	switch fd.Type {
	case form.TypeCheck:
		switch v {
		case "":
			return ""
		case "○", "1":
			return "1"
		}
		return "\x00"
	}
	if v == "" {
		return ""
	}
	if code, ok := fd.Code(v); ok {
		return code
	}
	return "\x00"
}

// weigh scores the findings of the current row and turns a low-confidence
// warning into info when the evidence confirms the value.
func (k *Checker) weigh(fs []batch.Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Score != 0 {
			continue
		}
		switch {
		case f.Code == CodeLowConfidence:
			k.weighLowConfidence(fs, f)
		case f.Severity == batch.Error && (f.Code == CodeDentalSum || f.Code == CodeDentalType || f.Code == CodeAgeWindow || f.Code == CodeBeforeBirth):
			f.Score = scoreRule
		case f.Severity == batch.Error:
			f.Score = scoreInvalid
		case f.Code == CodeRangeSoft || f.Code == CodeRangeGrowth:
			f.Score = scoreSoft
		case len(f.Related) > 0:
			f.Score = scoreRule
		default:
			f.Score = scoreFormat
		}
	}
}

func (k *Checker) weighLowConfidence(fs []batch.Finding, f *batch.Finding) {
	c := &k.cells[f.Field]
	conf := min(99, max(1, c.conf))
	odds := (100 - conf) / conf * k.evidence(f.Field)
	f.Score = odds / (1 + odds)
	if f.Score >= warnAt {
		return
	}
	// another finding on the same cell speaks against the value: keep asking
	for _, o := range fs {
		if o.Field == f.Field && o.Code != CodeLowConfidence && o.Severity.Asks() {
			return
		}
	}
	f.Severity = batch.Info
	f.Message += "（他の記入内容と整合するため参考扱い）"
}

// evidence is the likelihood ratio of the domain evidence about cell f of
// the current row: below 1 when it confirms the value.
func (k *Checker) evidence(f int) float64 {
	fd, c := k.form.Fields[f], &k.cells[f]
	if !c.usable {
		return 1
	}
	lr := 1.0
	if k.hasMode != nil && k.hasMode[f] {
		v := ""
		switch {
		case c.blank:
		case fd.Type == form.TypeCheck:
			v = "1"
		default:
			v = c.code
		}
		if v == k.mode[f] {
			lr *= k.modeLR[f]
		}
	}
	if c.blank {
		return lr
	}
	// A session day confirms an exam date only together with an age in the
	// window: a misread date still in the window on a session day needs both
	// coincidences.
	// ... and only when it is spelt as the batch spells it: the reading,
	// not only the date, is what the low confidence is about (full-width
	// digits folded, a digit lost from 04).
	if f == k.exam && k.ageOK && k.isSession(c.date) && (!k.hasExamStyle || c.date.Format(k.examStyle) == normalize.Trim(c.raw)) {
		lr *= k.sessionLR * lrAgeInWindow
	}
	if z := k.z[f]; !math.IsNaN(z) && fd.Growth != "" && k.zpeers[f] > 0 &&
		math.Abs(z) <= k.growth.Rules.BandZ && math.Abs(z-k.zexp[f]) <= k.growth.Rules.InLineZ {
		lr *= lrInLine
	}
	return lr * k.ruleLR[f]
}

// confirm records that a rule of the form found the cells consistent.
func (k *Checker) confirm(lr float64, fields ...int) {
	for _, f := range fields {
		k.ruleLR[f] *= lr
	}
}

// SortBySuspicion orders findings for a 「疑わしい順」 walk: asking findings
// first (errors and warnings), by score, highest first; ties in reading
// order. Info findings go last.
func SortBySuspicion(fs []batch.Finding) {
	slices.SortStableFunc(fs, func(a, b batch.Finding) int {
		if a.Severity.Asks() != b.Severity.Asks() {
			if a.Severity.Asks() {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Field - b.Field
	})
}
