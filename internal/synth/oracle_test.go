package synth

import (
	"slices"
	"testing"

	"kenshin/internal/form"
)

// The oracle's growth traces follow domain.md §5 as revised: outside
// p3–p97 alone is no trace; beyond ±3 SD, out of line with the child's
// other measures, or outside p3–p97 with a typical misread of a value near
// the median is.
func TestOracleGrowthTrace(t *testing.T) {
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form("m4-exam")
	o := &oracle{f: f, growth: set.Growth}
	boy := &Child{Sex: "1", Months: 3} // p3–p97: 身長 58.0–65.9, 体重 5.22–7.84, 頭囲 38.5–43.3
	row := func(h, w, head, chest string) []string {
		r := make([]string, len(f.Fields))
		r[f.Field("height").Index], r[f.Field("weight").Index] = h, w
		r[f.Field("head").Index], r[f.Field("chest").Index] = head, chest
		return r
	}
	tests := []struct {
		name       string
		key        string
		row        []string
		wantTraced bool
	}{
		{"in band, in line", "height", row("62.0", "6.06", "41.2", "40.0"), false},
		{"outside p3–p97 alone (z −2.2, in line, no source near the median)", "height", row("57.3", "6.06", "41.2", "40.0"), false},
		{"beyond ±3 SD", "height", row("55.0", "6.06", "41.2", "40.0"), true},
		{"outside p3–p97, 7→1 gives 61.2 near the median", "height", row("67.2", "6.06", "41.2", "40.0"), true},
		{"in band but out of line: a large child's small height", "height", row("58.2", "7.80", "43.2", "44.0"), true},
		{"the same height in line with a small child", "height", row("58.2", "5.30", "38.7", "38.0"), false},
		{"胸囲 outside its soft band (頭囲 ± 4 cm)", "chest", row("62.0", "6.06", "41.2", "48.0"), true},
		{"胸囲 inside its soft band", "chest", row("62.0", "6.06", "41.2", "45.0"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := f.Field(tt.key)
			if got := !o.plausible(fd, tt.row[fd.Index], tt.row, boy); got != tt.wantTraced {
				t.Errorf("%s %s: traced %v, want %v", fd.Label, tt.row[fd.Index], got, tt.wantTraced)
			}
		})
	}
}

func TestTypicalSources(t *testing.T) {
	tests := []struct {
		v        string
		decimals int
		want     []float64
		not      []float64
	}{
		{"654", 2, []float64{6.54, 65.4, 0.654}, nil},                         // the point lost; grams
		{"65.4", 2, []float64{6.54}, nil},                                     // the point moved
		{"57.3", 1, []float64{57.8, 51.3, 67.3, 573}, []float64{5.73, 57.38}}, // no source has two decimals
		{"6.066", 2, []float64{6.06}, nil},                                    // a digit doubled
		{"6.6", 2, []float64{6.06, 6.16}, nil},                                // a digit dropped
	}
	for _, tt := range tests {
		got := typicalSources(tt.v, tt.decimals)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("sources of %s: %v lacks %v", tt.v, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("sources of %s: %v has %v", tt.v, got, w)
			}
		}
	}
}
