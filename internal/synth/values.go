package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// writer holds one file's habits: an OCR setup writes dates, marks and urine
// results the same way on every sheet, with the odd exception.
type writer struct {
	f         *form.Form
	growth    *form.Growth
	r         *rand.Rand
	dateStyle jpdate.Style
	mark      string            // "○" or "1" for a ticked multi-select option
	urine     map[string]string // code → how this OCR setup writes it
}

func newWriter(f *form.Form, g *form.Growth, r *rand.Rand) *writer {
	w := &writer{f: f, growth: g, r: r}
	styles := []jpdate.Style{jpdate.StyleImplied, jpdate.StyleKanji, jpdate.StyleEraDot, jpdate.StyleSlash, jpdate.StyleEraPadded, jpdate.StyleCompact}
	w.dateStyle = styles[r.IntN(len(styles))]
	w.mark = []string{"○", "1"}[r.IntN(2)]
	w.urine = map[string]string{"-": "-", "±": "±", "+": "+", "2+": "2+", "3+": "3+"}
	if r.IntN(2) == 0 {
		w.urine["-"] = "(-)"
		w.urine["±"] = "(±)"
		w.urine["+"] = "(+)"
	}
	return w
}

func (w *writer) date(d jpdate.Date) string {
	if w.r.IntN(40) == 0 { // an occasional sheet written another way
		return d.Format(jpdate.Styles[w.r.IntN(len(jpdate.Styles))])
	}
	return d.Format(w.dateStyle)
}

// row writes the clean values of one child's sheet, one per field.
func (w *writer) row(c *Child) []string {
	f := w.f
	out := make([]string, len(f.Fields))
	set := func(key, v string) {
		if fd := f.Field(key); fd != nil {
			out[fd.Index] = v
		}
	}
	pick := func(weights ...int) string { return fmt.Sprint(1 + weighted(w.r, weights)) }
	for _, fd := range f.Fields {
		out[fd.Index] = w.generic(fd, c)
	}
	set(form.KeyAtena, c.Atena)
	set(form.KeyKana, c.Kana)
	set(form.KeySex, c.Sex)
	set(form.KeyBirth, w.date(c.Birth))
	set(form.KeyExamDate, w.date(c.Exam))
	set(form.KeyVenue, c.Venue)

	// Body measurements share one latent size, so weight and height agree.
	var height, weight float64
	for _, key := range []string{"height", "weight", "head", "chest"} {
		fd := f.Field(key)
		if fd == nil {
			continue
		}
		metric, offset := fd.Growth, 0.0
		if key == "chest" { // no chest table: chest follows head, a little larger with age
			metric, offset = "head", map[string]float64{"m4": -0.3, "m18": 0.8, "y3": 2.0}[f.Checkup]
		}
		lo, hi, ok := w.growth.Band(metric, c.Sex, c.Months, c.Months+1)
		if !ok {
			lo, hi, _ = w.growth.Band(metric, c.Sex, f.AgeMonths[0], f.AgeMonths[1])
		}
		// real children beyond ±3 SD exist but are rarer than the misreads the
		// hard limits are there to catch
		z := max(-3, min(3, 0.75*c.Size+0.66*w.r.NormFloat64()))
		v := (lo+hi)/2 + z*(hi-lo)/3.76 + offset
		v = math.Round(v*math.Pow10(fd.Decimals)) / math.Pow10(fd.Decimals)
		text := normalize.FormatFixed(v, fd.Decimals)
		if !fd.Required && w.r.IntN(10) < 3 {
			text = ""
		}
		out[fd.Index] = text
		switch key {
		case "height":
			height = v
		case "weight":
			weight = v
		}
	}
	if fd := f.Field("obesity"); fd != nil {
		out[fd.Index] = ""
		if w.r.IntN(10) < 6 {
			std := 0.0
			if c.Sex == "1" {
				std = 0.002961*height*height - 0.2900*height + 14.7527
			} else {
				std = 0.002706*height*height - 0.2326*height + 11.4427
			}
			out[fd.Index] = normalize.FormatFixed((weight-std)/std*100, 1)
		}
	}

	// Exam findings: mostly none; the judgement follows them.
	if j := f.Field("judgement"); j != nil {
		abnormal := false
		for _, r := range f.Rules {
			if r.Type != form.RuleJudgement {
				continue
			}
			for key := range r.Abnormal {
				if fd := f.Field(key); fd != nil && out[fd.Index] == "2" {
					abnormal = true
				}
			}
		}
		if abnormal {
			set("judgement", []string{"3", "4", "5", "6", "2"}[w.r.IntN(5)])
			set("detail", []string{"経過観察", "専門医紹介", "次回健診で再確認", "保健師訪問予定"}[w.r.IntN(4)])
		} else {
			set("judgement", pick(90, 2, 5, 0, 0, 3))
		}
	}
	set("doctor", doctors[w.r.IntN(len(doctors))])
	set("dentist", doctors[w.r.IntN(len(doctors))])

	// Smoking: the count only when the answer is あり.
	for _, p := range [][2]string{{"preg_smoke", "preg_smoke_count"}, {"mother_smoke", "mother_smoke_count"}, {"father_smoke", "father_smoke_count"}} {
		if f.Field(p[0]) == nil {
			continue
		}
		share := map[string]int{"preg_smoke": 3, "mother_smoke": 5, "father_smoke": 25}[p[0]]
		if w.r.IntN(100) < share {
			set(p[0], "2")
			set(p[1], fmt.Sprint(1+w.r.IntN(20)))
		} else {
			set(p[0], "1")
			set(p[1], "")
		}
	}
	if f.Field("difficulty") != nil {
		d := pick(5, 30, 65)
		set("difficulty", d)
		if d == "3" {
			set("difficulty_consult", "")
		} else {
			set("difficulty_consult", pick(85, 15))
		}
	}
	if f.Field("events_8") != nil {
		for i := 1; i <= 8; i++ {
			set(fmt.Sprintf("events_%d", i), "")
		}
		switch n := w.r.IntN(100); {
		case n < 75:
			set("events_8", w.mark)
		case n < 90: // 無回答
		default:
			set(fmt.Sprintf("events_%d", 1+w.r.IntN(7)), w.mark)
			if w.r.IntN(3) == 0 {
				set(fmt.Sprintf("events_%d", 1+w.r.IntN(7)), w.mark)
			}
		}
	}

	// Teeth: counts and caries type agree.
	if fd := f.Field("teeth"); fd != nil {
		var teeth, decayed, filled int
		var caries string
		if f.Checkup == "m18dental" {
			teeth = clamp(int(math.Round(14+2*w.r.NormFloat64())), 8, 20)
			caries = "O1"
			if w.r.IntN(100) < 15 {
				caries = "O2"
			}
			if w.r.IntN(100) < 3 {
				caries = []string{"A", "B", "C"}[w.r.IntN(3)]
				decayed = 1 + w.r.IntN(3)
			}
		} else {
			teeth = 20
			if w.r.IntN(100) < 8 {
				teeth = 18 + w.r.IntN(2)
			}
			caries = "O"
			if w.r.IntN(100) < 12 {
				caries = []string{"A", "B", "C1", "C2"}[w.r.IntN(4)]
				decayed = w.r.IntN(4)
				filled = w.r.IntN(3)
				if decayed+filled == 0 {
					decayed = 1
				}
			}
		}
		set("teeth", fmt.Sprint(teeth))
		set("decayed", fmt.Sprint(decayed))
		set("filled", fmt.Sprint(filled))
		set("caries_type", caries)
	}
	for _, key := range []string{"urine_protein", "urine_sugar", "urine_blood"} {
		if fd := f.Field(key); fd != nil {
			code := "-"
			if w.r.IntN(100) < 4 {
				code = "±"
			}
			out[fd.Index] = w.urine[code]
		}
	}
	if f.Field("bedtime") != nil {
		m := 19*60 + 30 + 15*w.r.IntN(13)
		set("bedtime", fmt.Sprintf("%d:%02d", m/60, m%60))
	}
	if f.Field("media_hours") != nil {
		set("media_hours", normalize.FormatFixed(float64(1+w.r.IntN(8))/2, 1))
	}
	return out
}

// generic fills a field by its type: every field gets a value, including
// fields a municipality adds to a definition.
func (w *writer) generic(fd *form.Field, c *Child) string {
	switch fd.Type {
	case form.TypeCode:
		if fd.Required || w.r.IntN(100) >= 3 { // 3 % 無回答 on optional items
			if len(fd.Options) == 2 && fd.Options[0].Label == "所見なし" {
				if w.r.IntN(100) < 4 {
					return "2"
				}
				return "1"
			}
			return fd.Options[weightedFirst(w.r, len(fd.Options))].Code
		}
	case form.TypeInteger, form.TypeDecimal:
		rg := fd.Soft
		if rg == nil {
			rg = fd.Hard
		}
		if rg != nil && fd.Required {
			v := rg.Min + w.r.Float64()*(rg.Max-rg.Min)
			return normalize.FormatFixed(v, fd.Decimals)
		}
	case form.TypeText:
		return ""
	}
	return ""
}

// weightedFirst picks an option index, earlier options more often.
func weightedFirst(r *rand.Rand, n int) int {
	ws := make([]int, n)
	for i := range ws {
		ws[i] = n - i + 1
	}
	return weighted(r, ws)
}

func weighted(r *rand.Rand, ws []int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	x := r.IntN(total)
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }
