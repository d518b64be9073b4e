package check

import (
	"slices"
	"strings"
	"testing"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

var today = jpdate.Date{Y: 2025, M: 12, D: 1}

// rows is a Source built from field-keyed maps.
type rows struct {
	f    *form.Form
	vals [][]string
	conf [][]float64 // -1 = none
}

func (r *rows) Len() int                            { return len(r.vals) }
func (r *rows) Line(i int) int                      { return i + 2 }
func (r *rows) Value(i, f int) string               { return r.vals[i][f] }
func (r *rows) Problem(int) *batch.RowProblem       { return nil }
func (r *rows) Confidence(i, f int) (float64, bool) { c := r.conf[i][f]; return c, c >= 0 }

func (r *rows) add(base map[string]string, over map[string]string) {
	v := make([]string, len(r.f.Fields))
	c := make([]float64, len(r.f.Fields))
	for i, fd := range r.f.Fields {
		v[i] = base[fd.Key]
		c[i] = -1
		if s, ok := over[fd.Key]; ok {
			v[i] = s
		}
		if s, ok := over[fd.Key+"%"]; ok { // "height%": confidence
			c[i] = float64(len(s))
		}
	}
	r.vals = append(r.vals, v)
	r.conf = append(r.conf, c)
}

func setup(t *testing.T, id string) (*Checker, *rows) {
	t.Helper()
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form(id)
	return New(f, set.Growth, today), &rows{f: f}
}

var bases = map[string]map[string]string{
	"m4-exam": {
		"atena_no": "000000123456789", "kana_name": "サトウ ハルト", "birth_date": "R7.6.10", "sex": "1",
		"exam_date": "R7.10.1", "venue": "1", "height": "62.5", "weight": "6.60", "head": "41.0", "chest": "40.8",
		"feeding": "1", "neck": "1", "tracking": "1", "hip": "1", "torticollis": "1", "murmur": "1", "skin": "1",
		"umbilical": "1", "other": "1", "judgement": "1", "doctor": "森田 健",
	},
	"y3-exam": {
		"atena_no": "000000123456789", "birth_date": "R4.6.10", "sex": "2", "exam_date": "R7.10.1",
		"height": "94.0", "weight": "14.00", "obesity": "2.3", "urine_protein": "(-)", "urine_sugar": "-", "urine_blood": "−",
		"vision": "1", "refraction": "1", "hearing": "1", "mental": "1", "language": "1", "skin": "1", "judgement": "1",
	},
	"m18-dental-exam": {
		"atena_no": "000000123456789", "birth_date": "R6.2.10", "sex": "1", "exam_date": "R7.10.1",
		"teeth": "14", "decayed": "0", "filled": "0", "caries_type": "O1", "plaque": "1", "gum": "1", "occlusion": "1",
		"fluoride": "1", "dental_judgement": "1",
	},
	"m4-survey": {
		"atena_no": "000000123456789", "birth_date": "R7.6.10", "exam_date": "R7.10.1",
		"preg_smoke": "1", "mother_smoke": "2", "mother_smoke_count": "5", "father_smoke": "1",
		"difficulty": "3", "events_8": "○",
	},
	"m18-survey": {
		"atena_no": "000000123456789", "birth_date": "R6.2.10", "exam_date": "R7.10.1", "bedtime": "21:00", "media_hours": "1.5",
	},
}

func findings(t *testing.T, id string, over map[string]string) ([]batch.Finding, *form.Form) {
	t.Helper()
	c, r := setup(t, id)
	r.add(bases[id], over)
	return c.All(r), r.f
}

func TestCleanRowsHaveNoFindings(t *testing.T) {
	for id := range bases {
		got, _ := findings(t, id, nil)
		for _, f := range got {
			t.Errorf("%s: clean row has %s: %s", id, f.Code, f.Message)
		}
	}
}

func TestCellFindings(t *testing.T) {
	tests := []struct {
		name, form string
		over       map[string]string
		field      string // subject field key
		code       string
		sev        batch.Severity
		suggestion string // "-" for none
	}{
		{"unreadable", "m4-exam", map[string]string{"height": "●"}, "height", CodeUnreadable, batch.Error, "-"},
		{"mojibake", "m4-exam", map[string]string{"doctor": "森\uFFFD 健"}, "doctor", CodeBadChar, batch.Error, "-"},
		{"required blank", "m4-exam", map[string]string{"weight": ""}, "weight", CodeRequired, batch.Error, "-"},
		{"low confidence", "m4-exam", map[string]string{"height%": strings.Repeat("x", 40)}, "height", CodeLowConfidence, batch.Warning, "-"},
		{"full-width number", "m4-exam", map[string]string{"weight": "６．６０"}, "weight", CodeFullWidth, batch.Warning, "6.60"},
		{"letter for digit", "m4-exam", map[string]string{"height": "6Z.5"}, "height", CodeLookalike, batch.Error, "62.5"},
		{"comma point", "m4-exam", map[string]string{"weight": "6,60"}, "weight", CodeDecimalPoint, batch.Warning, "6.60"},
		{"lost point", "m4-exam", map[string]string{"weight": "660"}, "weight", CodeRangeHard, batch.Error, "6.60"},
		{"moved point", "m4-exam", map[string]string{"height": "6.25"}, "height", CodeRangeHard, batch.Error, "62.5"},
		{"grams", "m4-exam", map[string]string{"weight": "6600"}, "weight", CodeGrams, batch.Error, "6.60"},
		{"grams with unit", "m4-exam", map[string]string{"weight": "6600g"}, "weight", CodeGrams, batch.Error, "6.60"},
		{"doubled digit", "m4-exam", map[string]string{"head": "441.0"}, "head", CodeRangeHard, batch.Error, "41.0"},
		{"growth band", "m4-exam", map[string]string{"weight": "9.50"}, "weight", CodeRangeGrowth, batch.Warning, "-"},
		{"chest outside its soft band (head ± 4 cm)", "m4-exam", map[string]string{"chest": "48.5"}, "chest", CodeRangeGrowth, batch.Warning, "-"},
		{"too many decimals", "m4-exam", map[string]string{"height": "62.55"}, "height", CodeDecimals, batch.Warning, "-"},
		{"not a number", "m4-exam", map[string]string{"chest": "不明"}, "chest", CodeNumber, batch.Error, "-"},
		{"code not in list", "m4-exam", map[string]string{"feeding": "7"}, "feeding", CodeCodeUnknown, batch.Error, "-"},
		{"code look-alike", "m4-exam", map[string]string{"neck": "l"}, "neck", CodeLookalike, batch.Error, "1"},
		{"code by label", "m4-exam", map[string]string{"feeding": "母乳"}, "", "", 0, "-"},
		{"full-width code accepted", "m4-exam", map[string]string{"feeding": "１"}, "", "", 0, "-"},
		{"id short", "m4-exam", map[string]string{"atena_no": "123456789"}, "atena_no", CodeIDLength, batch.Error, "000000123456789"},
		{"id long", "m4-exam", map[string]string{"atena_no": "0000001234567899"}, "atena_no", CodeIDLength, batch.Error, "-"},
		{"id letter", "m4-exam", map[string]string{"atena_no": "OOOOOO123456789"}, "atena_no", CodeLookalike, batch.Error, "000000123456789"},
		{"id full-width", "m4-exam", map[string]string{"atena_no": "０００００0123456789"}, "atena_no", CodeFullWidth, batch.Warning, "000000123456789"},
		{"id kana", "m4-exam", map[string]string{"atena_no": "00000012345678ア"}, "atena_no", CodeIDFormat, batch.Error, "-"},
		{"date garbage", "m4-exam", map[string]string{"birth_date": "R7.6"}, "birth_date", CodeDate, batch.Error, "-"},
		{"date no such day", "m4-exam", map[string]string{"birth_date": "R7.6.31"}, "birth_date", CodeDateCalendar, batch.Error, "-"},
		{"heisei after its end", "m4-exam", map[string]string{"exam_date": "H31.5.1"}, "exam_date", CodeDateEra, batch.Error, "令和元年5月1日"},
		{"date letter", "m4-exam", map[string]string{"exam_date": "R7.lO.1"}, "exam_date", CodeLookalike, batch.Error, "令和7年10月1日"},
		{"date full width accepted", "m4-exam", map[string]string{"exam_date": "７．１０．１"}, "", "", 0, "-"},
		{"heisei birth", "y3-exam", map[string]string{"birth_date": "H30.6.10", "exam_date": "R3.9.1", "height": "94.0"}, "birth_date", CodeHeiseiBirth, batch.Warning, "-"},
		{"future exam", "m4-exam", map[string]string{"exam_date": "R8.1.10"}, "exam_date", CodeFuture, batch.Error, "-"},
		{"exam before birth", "m4-exam", map[string]string{"exam_date": "R7.6.1"}, "exam_date", CodeBeforeBirth, batch.Error, "-"},
		{"outside age window", "m4-exam", map[string]string{"birth_date": "R7.1.10"}, "exam_date", CodeAgeWindow, batch.Error, "-"},
		{"half-width kana", "m4-exam", map[string]string{"kana_name": "ｻﾄｳ ﾊﾙﾄ"}, "kana_name", CodeKanaHalfWidth, batch.Warning, "サトウ ハルト"},
		{"kanji in kana", "m4-exam", map[string]string{"kana_name": "サトウ ハル卜"}, "kana_name", CodeKanaLookalike, batch.Warning, "サトウ ハルト"},
		{"small tsu at start", "m4-exam", map[string]string{"kana_name": "ッバサ ハルト"}, "kana_name", CodeKanaSmall, batch.Warning, "ツバサ ハルト"},
		{"latin in kana", "m4-exam", map[string]string{"kana_name": "SATO"}, "kana_name", CodeKanaChars, batch.Warning, "-"},
		{"urine alias", "y3-exam", map[string]string{"urine_protein": "（－）"}, "", "", 0, "-"},
		{"urine unknown", "y3-exam", map[string]string{"urine_protein": "4+"}, "urine_protein", CodeCodeUnknown, batch.Error, "-"},
		{"caries 01 means O1", "m18-dental-exam", map[string]string{"caries_type": "01"}, "caries_type", CodeCodeConfusion, batch.Error, "O1"},
		{"caries C1 not at 1.6y", "m18-dental-exam", map[string]string{"caries_type": "C1"}, "caries_type", CodeCodeUnknown, batch.Error, "-"},
		{"teeth over hard limit", "m18-dental-exam", map[string]string{"teeth": "144"}, "teeth", CodeRangeHard, batch.Error, "14"},
		{"integer with decimals", "m18-dental-exam", map[string]string{"teeth": "14.5"}, "teeth", CodeInteger, batch.Error, "-"},
		{"check mark look-alike", "m4-survey", map[string]string{"events_8": "〇"}, "events_8", CodeCheckMark, batch.Warning, "○"},
		{"check mark junk", "m4-survey", map[string]string{"events_8": "×"}, "events_8", CodeCheckMark, batch.Error, "-"},
		{"bedtime late", "m18-survey", map[string]string{"bedtime": "2:00"}, "bedtime", CodeRangeSoft, batch.Warning, "-"},
		{"bedtime after midnight ok", "m18-survey", map[string]string{"bedtime": "0:00"}, "", "", 0, "-"},
		{"bedtime look-alike", "m18-survey", map[string]string{"bedtime": "2l:00"}, "bedtime", CodeLookalike, batch.Error, "21:00"},
		{"bedtime junk", "m18-survey", map[string]string{"bedtime": "夜"}, "bedtime", CodeTime, batch.Error, "-"},
		{"media hours soft", "m18-survey", map[string]string{"media_hours": "15.0"}, "media_hours", CodeRangeSoft, batch.Warning, "-"},
		{"bare decimal point", "m18-survey", map[string]string{"media_hours": ".5"}, "media_hours", CodeDecimalPoint, batch.Warning, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := findings(t, tt.form, tt.over)
			if tt.code == "" {
				for _, g := range got {
					t.Errorf("want no findings, got %s on %s: %s", g.Code, f.Fields[max(g.Field, 0)].Key, g.Message)
				}
				return
			}
			var hit *batch.Finding
			for i := range got {
				if got[i].Code == tt.code {
					hit = &got[i]
				}
			}
			if hit == nil {
				t.Fatalf("no %s among %+v", tt.code, got)
			}
			if key := f.Fields[hit.Field].Key; key != tt.field {
				t.Errorf("%s on %s, want %s", tt.code, key, tt.field)
			}
			if hit.Severity != tt.sev {
				t.Errorf("severity %v, want %v", hit.Severity, tt.sev)
			}
			if tt.suggestion == "-" && hit.Suggest {
				t.Errorf("unexpected suggestion %q", hit.Suggestion)
			}
			if tt.suggestion != "-" && (!hit.Suggest || hit.Suggestion != tt.suggestion) {
				t.Errorf("suggestion %q (%v), want %q", hit.Suggestion, hit.Suggest, tt.suggestion)
			}
			if hit.Message == "" || hit.Row != 1 || hit.Line != 2 {
				t.Errorf("finding lacks message or position: %+v", hit)
			}
		})
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		name, form string
		over       map[string]string
		code       string
		subject    string
		related    []string
	}{
		{"one finding with normal judgement", "m4-exam", map[string]string{"murmur": "2"}, CodeJudgement, "murmur", []string{"judgement"}},
		{"two findings with normal judgement", "m4-exam", map[string]string{"murmur": "2", "skin": "2"}, CodeJudgement, "judgement", []string{"murmur", "skin"}},
		{"finding with other judgement is fine", "m4-exam", map[string]string{"murmur": "2", "judgement": "4"}, "", "", nil},
		{"count required when smoking", "m4-survey", map[string]string{"mother_smoke_count": ""}, CodeRequiresBlank, "mother_smoke", []string{"mother_smoke_count"}},
		{"count without smoking", "m4-survey", map[string]string{"father_smoke_count": "10"}, CodeRequiresExtra, "father_smoke", []string{"father_smoke_count"}},
		{"consult only when difficulty", "m4-survey", map[string]string{"difficulty_consult": "1"}, CodeRequiresExtra, "difficulty", []string{"difficulty_consult"}},
		{"consult may be blank", "m4-survey", map[string]string{"difficulty": "1"}, "", "", nil},
		{"decayed over present", "m18-dental-exam", map[string]string{"decayed": "10", "filled": "6", "caries_type": "B"}, CodeDentalSum, "decayed", []string{"teeth", "filled"}},
		{"present below its usual range", "m18-dental-exam", map[string]string{"teeth": "4", "decayed": "3", "filled": "2", "caries_type": "B"}, CodeDentalSum, "teeth", []string{"decayed", "filled"}},
		{"O type with decay", "m18-dental-exam", map[string]string{"decayed": "2"}, CodeDentalType, "decayed", []string{"caries_type", "filled"}},
		{"B type without decay", "m18-dental-exam", map[string]string{"caries_type": "B"}, CodeDentalType, "caries_type", []string{"decayed", "filled"}},
		{"kaup index blames the odder measurement", "m4-exam", map[string]string{"height": "58.2", "weight": "7.80", "sex": "1"}, CodeBodyRatio, "weight", []string{"height"}},
		{"obesity far from computed", "y3-exam", map[string]string{"obesity": "25.0"}, CodeObesity, "obesity", []string{"height", "weight"}},
		{"obesity by the older formula is fine", "y3-exam", map[string]string{"obesity": "4.0"}, "", "", nil},
		// the cell OCR was least sure of becomes the subject
		{"clearly lower confidence overrides the prior", "m4-exam", map[string]string{"murmur": "2", "murmur%": strings.Repeat("x", 95), "judgement%": strings.Repeat("x", 50)}, CodeJudgement, "judgement", []string{"murmur"}},
		{"a small confidence gap does not", "m4-exam", map[string]string{"murmur": "2", "murmur%": strings.Repeat("x", 95), "judgement%": strings.Repeat("x", 90)}, CodeJudgement, "murmur", []string{"judgement"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := findings(t, tt.form, tt.over)
			var codes []string
			var hit *batch.Finding
			for i := range got {
				if got[i].Code == CodeLowConfidence {
					continue
				}
				codes = append(codes, got[i].Code)
				if got[i].Code == tt.code {
					hit = &got[i]
				}
			}
			if tt.code == "" {
				if len(codes) > 0 {
					t.Fatalf("want no findings, got %v", codes)
				}
				return
			}
			rules := 0
			for _, c := range codes {
				if strings.HasPrefix(c, "rule.") {
					rules++
				}
			}
			if hit == nil || rules != 1 {
				t.Fatalf("want exactly one rule finding, %s, got %v", tt.code, codes)
			}
			if key := f.Fields[hit.Field].Key; key != tt.subject {
				t.Errorf("subject %s, want %s", key, tt.subject)
			}
			var rel []string
			for _, r := range hit.Related {
				rel = append(rel, f.Fields[r].Key)
			}
			if strings.Join(rel, ",") != strings.Join(tt.related, ",") {
				t.Errorf("related %v, want %v", rel, tt.related)
			}
		})
	}
}

func TestDuplicateIDs(t *testing.T) {
	c, r := setup(t, "m4-exam")
	r.add(bases["m4-exam"], nil)
	r.add(bases["m4-exam"], map[string]string{"atena_no": "000000999999999"})
	r.add(bases["m4-exam"], map[string]string{"atena_no": "００００００123456789"}) // same number, full width
	var dups []int
	for _, f := range c.All(r) {
		if f.Code == CodeDuplicateID {
			dups = append(dups, f.Row)
			if !strings.Contains(f.Message, "行目") {
				t.Errorf("message names no line: %s", f.Message)
			}
		}
	}
	if len(dups) != 2 || dups[0] != 1 || dups[1] != 3 {
		t.Fatalf("duplicate rows %v, want [1 3]", dups)
	}
}

func TestSessionDayPinsBirthDate(t *testing.T) {
	c, r := setup(t, "m4-exam")
	for i := 0; i < 12; i++ {
		r.add(bases["m4-exam"], map[string]string{"atena_no": strings.Repeat("0", 13) + string(rune('A' + i))[:0] + twoDigits(i)})
	}
	// One birth date misread: the exam day is shared by all, so the birth date is blamed.
	r.vals[5][r.f.Field("birth_date").Index] = "R7.1.10"
	var got []batch.Finding
	for _, f := range c.All(r) {
		if f.Code == CodeAgeWindow {
			got = append(got, f)
		}
	}
	if len(got) != 1 || r.f.Fields[got[0].Field].Key != "birth_date" || got[0].Row != 6 {
		t.Fatalf("got %+v", got)
	}
}

func twoDigits(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestPartners(t *testing.T) {
	ce, re := setup(t, "m4-exam")
	cs, rs := setup(t, "m4-survey")
	re.add(bases["m4-exam"], nil)
	re.add(bases["m4-exam"], map[string]string{"atena_no": "000000000000777"})
	rs.add(bases["m4-survey"], map[string]string{"exam_date": "R7.10.2"})
	fe, fs := Partners(ce, re, cs, rs)
	codes := func(fs []batch.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Code+"@"+twoDigits(f.Row))
		}
		return out
	}
	if got := strings.Join(codes(fe), " "); got != CodePartnerMismatch+"@01 "+CodePartnerMissing+"@02" {
		t.Errorf("exam side: %s", got)
	}
	if got := strings.Join(codes(fs), " "); got != CodePartnerMismatch+"@01" {
		t.Errorf("survey side: %s", got)
	}
}

func TestRepairs(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		lo, hi   float64
		want     float64
	}{
		{654, 2, 5.2, 7.8, 6.54},  // lost point
		{65.4, 2, 5.2, 7.8, 6.54}, // moved point
		{6.54, 1, 58, 66, 65.4},   // moved the other way
		{662.5, 1, 58, 66, 62.5},  // doubled digit

	}
	for _, tt := range tests[:4] {
		got := repairs(tt.v, tt.decimals, tt.lo, tt.hi)
		if len(got) == 0 || got[0] != tt.want {
			t.Errorf("repairs(%v) = %v, want first %v", tt.v, got, tt.want)
		}
	}
	if got := repairs(12.5, 1, 58, 66); len(got) != 0 {
		t.Errorf("no plausible repair of 12.5 into 58–66, got %v", got)
	}
}

func TestCanonical(t *testing.T) {
	set, _ := form.Default()
	m4 := set.Form("m4-exam")
	y3 := set.Form("y3-exam")
	sv := set.Form("m4-survey")
	tests := []struct {
		f        *form.Field
		in, want string
		ok       bool
	}{
		{m4.Field("birth_date"), "令和7年4月1日", "2025-04-01", true},
		{m4.Field("birth_date"), "R7.4.1", "2025-04-01", true},
		{m4.Field("weight"), "６．５", "6.50", true},
		{m4.Field("height"), "62", "62.0", true},
		{m4.Field("atena_no"), "０００００0123456789", "000000123456789", true},
		{m4.Field("feeding"), "母乳", "1", true},
		{y3.Field("urine_protein"), "（－）", "-", true},
		{sv.Field("events_8"), "○", "1", true},
		{m4.Field("weight"), "不明", "不明", false},
		{m4.Field("weight"), "", "", true},
	}
	for _, tt := range tests {
		got, ok := Canonical(tt.f, tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Canonical(%s, %q) = %q %v, want %q %v", tt.f.Key, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Marks beside 「いずれにも該当しない」 (events_8): every box whose chance of
// being the misread reaches warnAt asks, the likeliest first. The chances
// come from the batch's answer shares and stray-mark rate, or from the
// defaults in a batch too small to tell.
func TestExclusivePosterior(t *testing.T) {
	only := map[string]string{} // the base sheet ticks events_8 alone
	pair := map[string]string{"events_3": "1", "events_5": "1", "events_8": ""}
	one := map[string]string{"events_2": "1", "events_8": ""}
	tests := []struct {
		name     string
		batch    []map[string]string // sheets before the one checked
		over     map[string]string
		first    string
		subjects string
		text     string
	}{
		{"one stray mark: the mark asks", nil, map[string]string{"events_3": "1"}, "events_3", "events_3", "同時に選ばれています"},
		{"two marks: the marks ask, the exclusive box is unlikely", nil, map[string]string{"events_3": "1", "events_5": "○"}, "events_3", "events_3,events_5", ""},
		{"three marks: three misreads are about as unlikely as three real events, all ask", nil,
			map[string]string{"events_3": "1", "events_5": "○", "events_6": "1"}, "events_3", "events_3,events_5,events_6,events_8", ""},
		{"the exclusive box unreadable beside a mark: the mark asks", nil, map[string]string{"events_3": "1", "events_8": "●"}, "events_3", "events_3", "読み取れない"},
		{"a stray ● beside the exclusive box is no contradiction", nil, map[string]string{"events_3": "●"}, "", "", ""},
		// a batch where pairs of events are common and stray marks rare:
		// the exclusive box is the likelier misread, the marks still ask
		{"learnt: pairs common, strays rare", append(repeat(only, 60), append(repeat(pair, 30), repeat(one, 10)...)...),
			map[string]string{"events_3": "1", "events_5": "1"}, "events_8", "events_3,events_5,events_8", ""},
		// many stray marks, no real pairs: two marks are strays
		{"learnt: strays common", append(repeat(only, 80), repeat(map[string]string{"events_4": "1"}, 20)...),
			map[string]string{"events_3": "1", "events_5": "1"}, "events_3", "events_3,events_5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r := setup(t, "m4-survey")
			for _, o := range tt.batch {
				r.add(bases["m4-survey"], o)
			}
			r.add(bases["m4-survey"], tt.over)
			var subjects []string
			for _, g := range c.All(r) {
				if g.Code != CodeExclusive {
					continue
				}
				if g.Row != len(tt.batch)+1 {
					continue // the batch's own stray marks
				}
				subjects = append(subjects, r.f.Fields[g.Field].Key)
				if g.Severity != batch.Warning || g.Score <= 0 || g.Score > 1 || !strings.Contains(g.Message, tt.text) {
					t.Errorf("%s: %v score %v %q", r.f.Fields[g.Field].Key, g.Severity, g.Score, g.Message)
				}
			}
			if tt.first == "" {
				if len(subjects) > 0 {
					t.Fatalf("want no exclusive finding, got %v", subjects)
				}
				return
			}
			if len(subjects) == 0 || subjects[0] != tt.first {
				t.Errorf("first exclusive finding on %v, want %s", subjects, tt.first)
			}
			slices.Sort(subjects)
			if strings.Join(subjects, ",") != tt.subjects {
				t.Errorf("exclusive findings on %v, want %s", subjects, tt.subjects)
			}
		})
	}
}

func repeat(m map[string]string, n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = m
	}
	return out
}
