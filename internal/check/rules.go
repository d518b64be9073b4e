package check

import (
	"math"
	"slices"
	"strings"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// crossField runs the checks that need more than one cell of the row: dates
// against each other and today, growth bands by age and sex, and the form's
// rules. A cell that already has an error is not used, so that one misread
// does not raise a cascade of findings.
func (k *Checker) crossField(out []batch.Finding) []batch.Finding {
	cs := k.cells
	at := func(i int, sev batch.Severity, code, text string, related ...int) {
		out = append(out, batch.Finding{Field: i, Related: related, Severity: sev, Code: code, Message: text})
	}
	birth, exam := &cs[k.birth], &cs[k.exam]
	okB, okE := birth.usable && !birth.blank, exam.usable && !exam.blank
	if okB {
		if birth.era == jpdate.Heisei {
			at(k.birth, batch.Warning, CodeHeiseiBirth, "生年月日が平成です。対象児はすべて令和生まれのため、元号か年の読み誤りを確認してください")
		}
		if k.today.Before(birth.date) {
			at(k.birth, batch.Error, CodeFuture, msg("生年月日 %s が今日（%s）より後です", birth.date.Japanese(), k.today.Japanese()))
			okB = false
		}
	}
	if okE && k.today.Before(exam.date) {
		at(k.exam, batch.Error, CodeFuture, msg("受診日 %s が今日（%s）より後です", exam.date.Japanese(), k.today.Japanese()))
		okE = false
	}
	win := k.form.AgeMonths
	from, to := win[0], win[1]
	k.ageOK = false
	if okB && okE {
		subject, related := k.dateSubject()
		switch age := jpdate.MonthsBetween(birth.date, exam.date); {
		case exam.date.Before(birth.date):
			at(subject, batch.Error, CodeBeforeBirth, msg("受診日 %s が生年月日 %s より前です", exam.date.Japanese(), birth.date.Japanese()), related...)
		case age < win[0] || age >= win[1]:
			at(subject, batch.Error, CodeAgeWindow, msg("受診日の月齢が %s です。%sの対象（%s以上%s未満）から外れています。生年月日か受診日の読み誤りを確認してください",
				months(age), k.form.CheckupName, months(win[0]), months(win[1])), related...)
		default:
			from, to = age, age+1
			k.ageOK = true
		}
	}
	sex := ""
	if k.sex >= 0 && cs[k.sex].usable {
		sex = cs[k.sex].code
	}
	k.ageFrom, k.ageTo, k.rowSex = from, to, sex
	out = k.growthChecks(out, from, to, sex)
	for _, r := range k.form.Rules {
		out = k.rule(r, out)
	}
	return out
}

// growthChecks places each body measurement of the row in its band and
// warns, per domain.md §5, only where a misread is the likelier story:
// beyond about ±3 SD, out of line with the same child's other measures, or
// outside p3–p97 with a typical misread landing where the child's other
// measures predict. Low confidence is weighed in weigh.
func (k *Checker) growthChecks(out []batch.Finding, from, to int, sex string) []batch.Finding {
	cs, fields, rules := k.cells, k.form.Fields, k.growth.Rules
	n := 0
	for i, f := range fields {
		c := &cs[i]
		k.z[i] = math.NaN()
		if f.Growth == "" || c.blank || (!c.usable && c.hardIdx < 0) {
			continue
		}
		lo, hi, ok := k.growth.Band(f.Growth, sex, from, to)
		if !ok {
			continue
		}
		if c.hardIdx >= 0 {
			if r := repairs(c.num, f.Decimals, lo, hi); len(r) > 0 {
				out[c.hardIdx] = suggest(out[c.hardIdx], normalize.FormatFixed(r[0], f.Decimals))
			}
			continue
		}
		k.mid[i], k.sd[i] = (lo+hi)/2, (hi-lo)/(2*rules.BandZ)
		k.z[i] = (c.num - k.mid[i]) / k.sd[i]
		n++
	}
	if n == 0 {
		return out
	}
	// expected z of each measure: the mean of the child's other measures
	worst, worstGap := -1, rules.OutOfLineZ
	for i := range fields {
		k.zexp[i], k.zpeers[i] = 0, 0
		if math.IsNaN(k.z[i]) {
			continue
		}
		sum := 0.0
		for j := range fields {
			if j != i && !math.IsNaN(k.z[j]) {
				sum += k.z[j]
				k.zpeers[i]++
			}
		}
		if k.zpeers[i] > 0 {
			k.zexp[i] = sum / float64(k.zpeers[i])
			if gap := math.Abs(k.z[i] - k.zexp[i]); gap > worstGap {
				worst, worstGap = i, gap
			}
		}
	}
	for i, f := range fields {
		z := k.z[i]
		if math.IsNaN(z) {
			continue
		}
		c := &cs[i]
		lo, hi := k.mid[i]-rules.BandZ*k.sd[i], k.mid[i]+rules.BandZ*k.sd[i]
		// built only for a warning: this loop runs for every measure of every row
		band := func() string {
			return msg("%s%sの標準範囲（3〜97パーセンタイル %s〜%s%s）", ageText(from, to), sexText(sex), num(lo), num(hi), f.Unit)
		}
		add := func(text string) *batch.Finding {
			out = append(out, batch.Finding{Field: i, Severity: batch.Warning, Code: CodeRangeGrowth, Message: text})
			return &out[len(out)-1]
		}
		switch {
		case math.Abs(z) > rules.BeyondZ:
			fd := add(msg("%s %s%s は%sから大きく外れています（標準偏差の %.1f 倍）。読み誤りの可能性が高い値です", f.Label, num(c.num), f.Unit, band(), math.Abs(z)))
			fd.Score = 0.9
			if r := k.nearRepair(i, f, rules.BandZ); !math.IsNaN(r) {
				*fd = suggest(*fd, normalize.FormatFixed(r, f.Decimals))
			}
		case i == worst:
			fd := add(msg("%s %s%s はこの子の他の計測値と釣り合いません（%s）。読み誤りでないか用紙と照合してください", f.Label, num(c.num), f.Unit, band()))
			fd.Score = 0.6
			if r := k.nearRepair(i, f, rules.NearZ); !math.IsNaN(r) {
				*fd = suggest(*fd, normalize.FormatFixed(r, f.Decimals))
			}
		case math.Abs(z) > rules.BandZ && k.growth.Soft(f.Growth):
			// no percentile table, a soft band (§5): outside it asks, as
			// outside any soft range does
			fd := add(msg("%s %s%s は%s%sの目安の範囲（%s〜%s%s）を外れています。用紙と照合してください", f.Label, num(c.num), f.Unit, ageText(from, to), sexText(sex), num(lo), num(hi), f.Unit))
			fd.Score = scoreSoft
			if r := k.nearRepair(i, f, rules.NearZ); !math.IsNaN(r) {
				*fd = suggest(*fd, normalize.FormatFixed(r, f.Decimals))
			}
		case math.Abs(z) > rules.BandZ:
			r := k.nearRepair(i, f, rules.NearZ)
			if math.IsNaN(r) && k.zpeers[i] > 0 && math.Abs(z-k.zexp[i]) > rules.GapZ {
				r = k.inLineRepair(i, f, rules.NearZ)
			}
			if !math.IsNaN(r) {
				fd := add(msg("%s %s%s は%sを外れ、%s の読み誤りとも考えられます。用紙と照合してください", f.Label, num(c.num), f.Unit, band(), normalize.FormatFixed(r, f.Decimals)))
				fd.Score = 0.5
				*fd = suggest(*fd, normalize.FormatFixed(r, f.Decimals))
			}
		}
	}
	return out
}

// nearRepair returns the typical misread source of measure i nearest to
// the middle of its band, if it lies within near SD of the middle and, when
// the child has other measures, within near SD of what they predict too:
// a small child's small value is not blamed on a misread of a middle one.
func (k *Checker) nearRepair(i int, f *form.Field, near float64) float64 {
	lo, hi := k.mid[i]-k.growth.Rules.BeyondZ*k.sd[i], k.mid[i]+k.growth.Rules.BeyondZ*k.sd[i]
	best, bestGap := math.NaN(), near
	for _, r := range repairs(k.cells[i].num, f.Decimals, lo, hi) {
		z := (r - k.mid[i]) / k.sd[i]
		if k.zpeers[i] > 0 && math.Abs(z-k.zexp[i]) > near {
			continue
		}
		if gap := math.Abs(z); gap < bestGap {
			best, bestGap = r, gap
		}
	}
	return best
}

// inLineRepair returns the typical misread source of measure i that lands
// inside p3–p97 and within near SD of what the child's other measures
// predict, nearest to that prediction; NaN if none does.
func (k *Checker) inLineRepair(i int, f *form.Field, near float64) float64 {
	bz := k.growth.Rules.BandZ
	best, bestGap := math.NaN(), near
	for _, r := range repairs(k.cells[i].num, f.Decimals, k.mid[i]-bz*k.sd[i], k.mid[i]+bz*k.sd[i]) {
		if gap := math.Abs((r-k.mid[i])/k.sd[i] - k.zexp[i]); gap < bestGap {
			best, bestGap = r, gap
		}
	}
	return best
}

func months(m int) string {
	switch {
	case m < 0:
		return msg("%d か月", m)
	case m%12 == 0 && m >= 12:
		return msg("%d 歳", m/12)
	case m >= 12:
		return msg("%d 歳 %d か月", m/12, m%12)
	}
	return msg("%d か月", m)
}

func ageText(from, to int) string {
	if to == from+1 {
		return months(from) + "・"
	}
	return months(from) + "〜" + months(to) + "未満・"
}

func sexText(sex string) string {
	switch sex {
	case "1":
		return "男児"
	case "2":
		return "女児"
	}
	return "男女"
}

// rule evaluates one cross-field rule of the form.
func (k *Checker) rule(r form.Rule, out []batch.Finding) []batch.Finding {
	f := k.form
	cell := func(key string) *cell { return &k.cells[f.Field(key).Index] }
	idx := func(key string) int { return f.Field(key).Index }
	has := func(key string) bool { c := cell(key); return c.usable && !c.blank }
	at := func(key string, sev batch.Severity, code, text string, others ...int) []batch.Finding {
		subject, related := k.pick(idx(key), others...)
		return append(out, batch.Finding{Field: subject, Related: related, Severity: sev, Code: code, Message: text})
	}
	// atPrior makes a finding about the cells anchor and involved, blaming
	// the prior suspect unless confidence points elsewhere.
	atPrior := func(prior string, anchor int, sev batch.Severity, code, text string, involved []int) []batch.Finding {
		p := idx(prior)
		others := []int{}
		for _, i := range append([]int{anchor}, involved...) {
			if i != p && !slices.Contains(others, i) {
				others = append(others, i)
			}
		}
		subject, related := k.pick(p, others...)
		return append(out, batch.Finding{Field: subject, Related: related, Severity: sev, Code: code, Message: text})
	}
	switch r.Type {
	case form.RuleJudgement:
		if !has(r.Judgement) || cell(r.Judgement).code != r.Normal {
			return out
		}
		var related []int
		var labels []string
		for _, fd := range f.Fields { // field order, not map order: stable output
			codes, ok := r.Abnormal[fd.Key]
			if ok && has(fd.Key) && slices.Contains(codes, cell(fd.Key).code) {
				related = append(related, fd.Index)
				labels = append(labels, fd.Label)
			}
		}
		if len(related) > 0 {
			// Abnormal findings are rare: a single one beside 異常なし is more
			// likely a misread mark than a misread judgement.
			prior := r.Judgement
			if len(related) == 1 {
				prior = f.Fields[related[0]].Key
			}
			return atPrior(prior, idx(r.Judgement), batch.Warning, CodeJudgement, msg("「%s」に所見があるのに判定が「%s」です。どちらかの読み誤りでないか確認してください",
				strings.Join(labels, "」「"), f.Field(r.Judgement).OptionLabel(r.Normal)), related)
		}
	case form.RuleRequires:
		cond, then := cell(r.If), cell(r.Then)
		if !has(r.If) || !then.usable && !then.blank {
			return out
		}
		condLabel := f.Field(r.If).OptionLabel(cond.code)
		switch {
		// A neighbouring box read as marked is likelier than a number
		// appearing in, or vanishing from, its own box: blame the condition.
		case slices.Contains(r.In, cond.code) && then.blank && r.Required:
			return at(r.If, batch.Error, CodeRequiresBlank, msg("「%s」が「%s」なのに「%s」が空欄です。どちらかの読み誤りでないか確認してください", f.Field(r.If).Label, condLabel, f.Field(r.Then).Label), idx(r.Then))
		case !slices.Contains(r.In, cond.code) && !then.blank:
			return at(r.If, batch.Warning, CodeRequiresExtra, msg("「%s」が「%s」なのに「%s」に記入があります。どちらかの読み誤りでないか確認してください",
				f.Field(r.If).Label, condLabel, f.Field(r.Then).Label), idx(r.Then))
		}
	case form.RuleExclusive:
		return k.exclusive(r, out)
	case form.RuleDental:
		if !has(r.Present) || !has(r.Untreated) || !has(r.Treated) {
			return out
		}
		p, u, t := cell(r.Present).num, cell(r.Untreated).num, cell(r.Treated).num
		larger := r.Untreated // decay is rare at these ages: the larger count is the suspect
		if t > u {
			larger = r.Treated
		}
		if u+t > p {
			prior := larger
			if pf := f.Field(r.Present); pf.Soft != nil && p < pf.Soft.Min {
				prior = r.Present
			}
			out = atPrior(prior, idx(r.Present), batch.Error, CodeDentalSum, msg("未処置歯数 %s + 処置歯数 %s が現在歯数 %s を超えています", num(u), num(t), num(p)), []int{idx(r.Untreated), idx(r.Treated)})
		}
		if has(r.Caries) {
			ct := cell(r.Caries).code
			none := slices.Contains(r.NoCaries, ct)
			if u+t <= p && none == (u+t == 0) {
				k.confirm(lrDental, idx(r.Untreated), idx(r.Treated), idx(r.Caries))
			}
			switch {
			case none && u+t > 0:
				out = atPrior(larger, idx(r.Caries), batch.Error, CodeDentalType, msg("う蝕罹患型 %s（う蝕なし）なのに未処置歯・処置歯が %s 本あります", ct, num(u+t)), []int{idx(r.Untreated), idx(r.Treated)})
			case !none && u+t == 0:
				out = at(r.Caries, batch.Error, CodeDentalType, msg("う蝕罹患型 %s なのに未処置歯・処置歯が 0 本です", ct), idx(r.Untreated), idx(r.Treated))
			}
		}
	case form.RuleBodyRatio:
		if !has(r.Height) || !has(r.Weight) {
			return out
		}
		h, w := cell(r.Height).num, cell(r.Weight).num
		kaup := w / (h * h) * 1e4
		if !r.Range.Contains(kaup) {
			return atPrior(k.furthest(r.Weight, r.Height), idx(r.Weight), batch.Warning, CodeBodyRatio, msg("身長 %scm と体重 %skg の組み合わせが不自然です（カウプ指数 %.1f、通常 %s〜%s）。どちらかの読み誤りを確認してください",
				num(h), num(w), kaup, num(r.Range.Min), num(r.Range.Max)), []int{idx(r.Height)})
		}
	case form.RuleObesity:
		if !has(r.Obesity) || !has(r.Height) || !has(r.Weight) {
			return out
		}
		h, w, written := cell(r.Height).num, cell(r.Weight).num, cell(r.Obesity).num
		if h < 70 || h > 120 {
			return out
		}
		sex := ""
		if has(r.Sex) {
			sex = cell(r.Sex).code
		}
		nearest := math.Inf(1)
		for _, std := range StandardWeights(h, sex) {
			nearest = min(nearest, math.Abs(written-(w-std)/std*100))
		}
		if nearest <= r.Tolerance {
			k.confirm(lrObesity, idx(r.Height), idx(r.Weight), idx(r.Obesity))
		}
		if nearest > r.Tolerance {
			calc := Obesity(h, w, sex)
			prior := r.Obesity // unless height or weight is itself out of the ordinary
			if z := k.furthest(r.Weight, r.Height); k.absZ(z) > 2 {
				prior = z
			}
			return atPrior(prior, idx(r.Obesity), batch.Warning, CodeObesity, msg("記入された肥満度 %s%% が身長・体重から計算した値（約 %.1f%%）と大きく違います。身長・体重・肥満度の読み誤りを確認してください",
				num(written), calc), []int{idx(r.Height), idx(r.Weight)})
		}
	}
	return out
}

// StandardWeights returns the standard weight for a height in cm by the
// 2023 and the older 2012 formulas (domain.md §4.7); for an unknown sex,
// those of both sexes.
func StandardWeights(h float64, sex string) []float64 {
	boys := []float64{0.002961*h*h - 0.2900*h + 14.7527, 0.00206*h*h - 0.1166*h + 6.5273}
	girls := []float64{0.002706*h*h - 0.2326*h + 11.4427, 0.00249*h*h - 0.1858*h + 9.0360}
	switch sex {
	case "1":
		return boys
	case "2":
		return girls
	}
	return append(boys, girls...)
}

// Obesity is 肥満度 in percent by the 2023 formula (boys' when sex is unknown).
func Obesity(h, w float64, sex string) float64 {
	std := StandardWeights(h, sex)[0]
	return (w - std) / std * 100
}

// furthest returns whichever of two body measurements lies further from the
// middle of its growth band for this row (the likelier misread).
func (k *Checker) furthest(a, b string) string {
	if k.absZ(b) > k.absZ(a) {
		return b
	}
	return a
}

func (k *Checker) absZ(key string) float64 {
	z, ok := k.zscore(k.form.Field(key).Index, k.ageFrom, k.ageTo, k.rowSex)
	if !ok {
		return 0
	}
	return math.Abs(z)
}
