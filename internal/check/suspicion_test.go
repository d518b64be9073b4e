package check

import (
	"strings"
	"testing"

	"kenshin/internal/batch"
)

// Growth per domain.md §5 (revised): outside p3–p97 alone is no warning.
func TestGrowthPlausibility(t *testing.T) {
	tests := []struct {
		name string
		over map[string]string
		warn string // field key with a range.growth warning, "" for none
		hint string // part of the message
	}{
		// m4-exam base: 男 3 か月, 62.5 cm, 6.60 kg, head 41.0 (all near the middle)
		{"in band", nil, "", ""},
		{"small child, all measures small", map[string]string{"height": "57.0", "weight": "5.00", "head": "38.0", "chest": "38.0"}, "", ""},
		{"large child, all measures large", map[string]string{"height": "67.0", "weight": "8.10", "head": "44.0", "chest": "44.0"}, "", ""},
		{"beyond 3 SD", map[string]string{"height": "71.5"}, "height", "大きく外れ"},
		{"out of line with the others", map[string]string{"height": "57.3", "weight": "7.70", "head": "43.0", "chest": "43.0"}, "height", "釣り合いません"},
		{"outside the band, a misread lands in the middle", map[string]string{"weight": "5.20", "height": "61.0", "head": "40.3"}, "weight", "読み誤りとも"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := findings(t, "m4-exam", tt.over)
			var on []string
			for _, g := range got {
				if g.Code == CodeRangeGrowth {
					on = append(on, f.Fields[g.Field].Key)
					if tt.hint != "" && !strings.Contains(g.Message, tt.hint) {
						t.Errorf("message %q lacks %q", g.Message, tt.hint)
					}
					if g.Score <= 0 || g.Score > 1 {
						t.Errorf("score %v outside (0, 1]", g.Score)
					}
				}
			}
			want := []string{}
			if tt.warn != "" {
				want = []string{tt.warn}
			}
			if strings.Join(on, ",") != strings.Join(want, ",") {
				t.Errorf("range.growth on %v, want %v", on, want)
			}
		})
	}
}

// A low-confidence cell stays a warning unless the evidence confirms it.
func TestLowConfidenceSuspicion(t *testing.T) {
	conf := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name  string
		form  string
		over  map[string]string
		field string
		sev   batch.Severity
	}{
		{"no evidence: warning", "m4-exam", map[string]string{"doctor%": conf(60)}, "doctor", batch.Warning},
		{"very low, in line with the others: warning", "m4-exam", map[string]string{"height%": conf(20)}, "height", batch.Warning},
		// in line (×0.5) and 肥満度 agreeing (×0.5) are weak: a last-digit
		// misread keeps both, so 65 % is still worth a look
		{"height in line and confirmed by 肥満度: still a warning", "y3-exam", map[string]string{"height%": conf(65)}, "height", batch.Warning},
		{"out of line: warning", "y3-exam", map[string]string{"height": "99.0", "height%": conf(65)}, "height", batch.Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := findings(t, tt.form, tt.over)
			var hit *batch.Finding
			for i := range got {
				if got[i].Code == CodeLowConfidence {
					hit = &got[i]
				}
			}
			if hit == nil {
				t.Fatalf("no low-confidence finding among %+v", got)
			}
			if k := f.Fields[hit.Field].Key; k != tt.field || hit.Severity != tt.sev {
				t.Errorf("%s %v (score %.2f), want %s %v", k, hit.Severity, hit.Score, tt.field, tt.sev)
			}
		})
	}
}

// The usual answer of a code field with a strong prior confirms a
// low-confidence reading of it; another answer does not.
func TestCodePriorConfirms(t *testing.T) {
	c, r := setup(t, "m4-exam")
	for range 40 {
		r.add(bases["m4-exam"], nil)
	}
	r.add(bases["m4-exam"], map[string]string{"feeding%": conf60})
	r.add(bases["m4-exam"], map[string]string{"feeding": "3", "feeding%": conf60})
	got := c.All(r)
	sev := map[int]batch.Severity{}
	for _, g := range got {
		if g.Code == CodeLowConfidence {
			sev[g.Row] = g.Severity
		}
	}
	if sev[41] != batch.Info || sev[42] != batch.Warning {
		t.Errorf("usual answer %v, rare answer %v; want info and warning", sev[41], sev[42])
	}
}

var conf60 = strings.Repeat("x", 60)

func TestSortBySuspicion(t *testing.T) {
	fs := []batch.Finding{
		{Row: 1, Field: 1, Severity: batch.Info, Score: 0.05},
		{Row: 2, Field: 0, Severity: batch.Warning, Score: 0.3},
		{Row: 3, Field: 0, Severity: batch.Error, Score: 0.95},
		{Row: 1, Field: 0, Severity: batch.Warning, Score: 0.3},
	}
	SortBySuspicion(fs)
	var got []int
	for _, f := range fs {
		got = append(got, f.Row)
	}
	if want := []int{3, 1, 2, 1}; !slicesEqual(got, want) || fs[3].Severity != batch.Info {
		t.Errorf("order %v, want %v with info last", got, want)
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A misread of a busy session day recurring on a few sheets is not a
// session day of its own: the date conflict is pinned on the 受診日.
func TestRecurringMisreadIsNoSessionDay(t *testing.T) {
	c, r := setup(t, "m4-exam")
	for range 60 {
		r.add(bases["m4-exam"], nil) // 受診日 R7.10.1
	}
	for range 3 {
		r.add(bases["m4-exam"], map[string]string{"exam_date": "R1.10.1"}) // 7 read as 1
	}
	got := c.All(r)
	for _, g := range got {
		if g.Row > 60 && (g.Code == CodeBeforeBirth || g.Code == CodeAgeWindow) {
			if k := r.f.Fields[g.Field].Key; k != "exam_date" {
				t.Errorf("row %d: %s pinned on %s, want exam_date", g.Row, g.Code, k)
			}
			return
		}
	}
	t.Fatal("no date conflict on the misread rows")
}

// Batch evidence: the usual answer of a code confirms it, except for a
// medical finding (an abnormal result read as normal is never silenced); a
// session-day exam date confirms it only in the batch's usual spelling.
func TestBatchEvidence(t *testing.T) {
	tests := []struct {
		name  string
		over  map[string]string
		field string
		sev   batch.Severity
	}{
		{"usual answer of a questionnaire-like code", map[string]string{"feeding%": conf60}, "feeding", batch.Info},
		{"usual answer of a medical finding", map[string]string{"murmur%": conf60}, "murmur", batch.Warning},
		{"session day in the usual spelling", map[string]string{"exam_date%": conf60}, "exam_date", batch.Info},
		{"session day in another spelling", map[string]string{"exam_date": "R07.10.01", "exam_date%": conf60}, "exam_date", batch.Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r := setup(t, "m4-exam")
			for i := range 40 { // four session days over three weeks
				r.add(bases["m4-exam"], map[string]string{"exam_date": []string{"R7.10.1", "R7.10.8", "R7.10.15", "R7.10.22"}[i%4]})
			}
			r.add(bases["m4-exam"], tt.over)
			var hit *batch.Finding
			got := c.All(r)
			for i := range got {
				if got[i].Row == 41 && got[i].Code == CodeLowConfidence {
					hit = &got[i]
				}
			}
			if hit == nil {
				t.Fatalf("no low-confidence finding on row 41: %+v", got)
			}
			if k := r.f.Fields[hit.Field].Key; k != tt.field || hit.Severity != tt.sev {
				t.Errorf("%s %v (score %.2f), want %s %v", k, hit.Severity, hit.Score, tt.field, tt.sev)
			}
		})
	}
}

// The same date on the child's other sheet confirms a low-confidence one.
func TestConfirmByPartner(t *testing.T) {
	tests := []struct {
		name       string
		surveyDate string
		want       batch.Severity
	}{
		{"same birth date on the questionnaire", "R7.6.10", batch.Info},
		{"another birth date on the questionnaire", "R7.6.16", batch.Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ce, re := setup(t, "m4-exam")
			re.add(bases["m4-exam"], map[string]string{"birth_date%": conf60})
			cs, rs := setup(t, "m4-survey")
			rs.add(bases["m4-survey"], map[string]string{"birth_date": tt.surveyDate})
			fe, fs := ce.All(re), cs.All(rs)
			ConfirmByPartner(ce, re, fe, cs, rs, fs)
			for _, f := range fe {
				if f.Code == CodeLowConfidence {
					if f.Severity != tt.want {
						t.Errorf("severity %v (score %.2f), want %v", f.Severity, f.Score, tt.want)
					}
					return
				}
			}
			t.Fatal("no low-confidence finding")
		})
	}
}
