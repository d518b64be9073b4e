package form

import (
	"fmt"
	"io/fs"
)

// Growth holds the 3rd–97th percentile bands of body measurements by age and
// sex. Outside a band means "please confirm", not "wrong".
type Growth struct {
	Source  string        `json:"source"`
	Bands   []GrowthBand  `json:"bands"`
	Derived []DerivedBand `json:"derived"`
	Rules   GrowthRules   `json:"rules"`
}

// GrowthRules say when a body measurement is worth a look (domain.md §5).
// Outside p3–p97 alone is not: 6 % of real children are there. All bounds
// are z-scores of a normal distribution fitted to the p3/p97 band.
type GrowthRules struct {
	// BandZ is the z of p3/p97 (±1.88 for a normal distribution).
	BandZ float64 `json:"bandZ"`
	// BeyondZ: a value this far from the middle is a warning on its own.
	BeyondZ float64 `json:"beyondZ"`
	// OutOfLineZ: a value this far from the mean z of the same child's
	// other measures is out of line with them.
	OutOfLineZ float64 `json:"outOfLineZ"`
	// NearZ: outside p3–p97, a typical misread of the value that lands
	// within NearZ of what the child's other measures predict (the middle
	// when there are none) makes the misread the likelier story.
	NearZ float64 `json:"nearZ"`
	// GapZ: outside p3–p97 and this far from what the other measures
	// predict, a typical misread landing within NearZ of that prediction
	// (and inside p3–p97) makes the misread the likelier story too.
	GapZ float64 `json:"gapZ"`
	// InLineZ: within p3–p97 and within InLineZ of the other measures,
	// the value is confirmed by them (evidence against a misread).
	InLineZ float64 `json:"inLineZ"`
	Note    string  `json:"note,omitempty"`
}

// GrowthBand is one age band of one metric: [FromMonths, ToMonths).
type GrowthBand struct {
	Metric     string     `json:"metric"`
	FromMonths int        `json:"fromMonths"`
	ToMonths   int        `json:"toMonths"`
	Male       [2]float64 `json:"male"`
	Female     [2]float64 `json:"female"`
	Note       string     `json:"note,omitempty"`
}

// DerivedBand defines a metric without its own table as another metric's band
// widened by Widen on both sides (胸囲 from 頭囲).
type DerivedBand struct {
	Metric string  `json:"metric"`
	From   string  `json:"from"`
	Widen  float64 `json:"widen"`
	Note   string  `json:"note,omitempty"`
}

const growthFile = "growth.json"

func loadGrowth(ref fs.FS) (*Growth, error) {
	var g Growth
	if err := decodeFile(ref, growthFile, &g); err != nil {
		return nil, err
	}
	r := &g.Rules
	if r.BandZ <= 0 || r.BeyondZ <= r.BandZ || r.OutOfLineZ <= 0 || r.NearZ <= 0 || r.GapZ <= 0 || r.InLineZ <= 0 {
		return nil, &DefinitionError{File: growthFile, Field: "rules", Msg: "bandZ・beyondZ（bandZ より大）・outOfLineZ・nearZ・gapZ・inLineZ を正の値で指定してください"}
	}
	known := map[string]bool{}
	for i, b := range g.Bands {
		where := fmt.Sprintf("bands[%d] (%s)", i, b.Metric)
		if b.Metric == "" || b.ToMonths <= b.FromMonths || b.FromMonths < 0 {
			return nil, &DefinitionError{File: growthFile, Field: where, Msg: "metric と月齢範囲 [fromMonths, toMonths) を確認してください"}
		}
		for _, r := range [][2]float64{b.Male, b.Female} {
			if r[0] <= 0 || r[1] <= r[0] {
				return nil, &DefinitionError{File: growthFile, Field: where, Msg: "male/female は [p3, p97] の順で正の値です"}
			}
		}
		known[b.Metric] = true
	}
	for i, d := range g.Derived {
		if !known[d.From] || d.Metric == "" {
			return nil, &DefinitionError{File: growthFile, Field: fmt.Sprintf("derived[%d]", i), Msg: fmt.Sprintf("元の基準 %q がありません", d.From)}
		}
	}
	return &g, nil
}

// Has reports whether metric has a table or a derived band.
func (g *Growth) Has(metric string) bool {
	for _, b := range g.Bands {
		if b.Metric == metric {
			return true
		}
	}
	for _, d := range g.Derived {
		if d.Metric == metric {
			return true
		}
	}
	return false
}

// Soft reports whether metric has no percentile table of its own but a
// band derived from another metric's (domain.md §5: 胸囲 from 頭囲 ± 4 cm).
// Such a band is a soft range: outside it asks for a look.
func (g *Growth) Soft(metric string) bool {
	for _, d := range g.Derived {
		if d.Metric == metric {
			return true
		}
	}
	return false
}

// Band returns the p3–p97 band for metric at an age in whole months in
// [fromMonths, toMonths) — pass one month for a known age, the checkup's
// window when the age is unknown. sex is "1" (男), "2" (女) or "" for both.
// When several bands overlap the span, the union is returned.
func (g *Growth) Band(metric, sex string, fromMonths, toMonths int) (lo, hi float64, ok bool) {
	widen := 0.0
	for _, d := range g.Derived {
		if d.Metric == metric {
			metric, widen = d.From, d.Widen
			break
		}
	}
	for _, b := range g.Bands {
		if b.Metric != metric || b.ToMonths <= fromMonths || b.FromMonths >= toMonths {
			continue
		}
		var r [2]float64
		switch sex {
		case "1":
			r = b.Male
		case "2":
			r = b.Female
		default:
			r = [2]float64{min(b.Male[0], b.Female[0]), max(b.Male[1], b.Female[1])}
		}
		if !ok || r[0] < lo {
			lo = r[0]
		}
		if !ok || r[1] > hi {
			hi = r[1]
		}
		ok = true
	}
	return lo - widen, hi + widen, ok
}
