package groupview

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"kenshin/internal/benchmem"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/synth"
)

func cellsOf(values ...string) []Cell {
	out := make([]Cell, len(values))
	for i, v := range values {
		out[i] = Cell{Row: i + 1, Value: v, Confidence: 0.9 - float64(i)/100, HasConfidence: true}
	}
	return out
}

func values(v *View) []string {
	var out []string
	for _, g := range v.Groups {
		out = append(out, g.Value)
	}
	return out
}

func TestBuild(t *testing.T) {
	weights := cellsOf("6.4", "6.8", "6.5", "65", "6.8", "7.1", "6.2", "6.8", "5.9", "6.6")
	tests := []struct {
		name      string
		cells     []Cell
		opt       Options
		order     []string
		outliers  []string
		outOfBand map[string][]int
	}{
		{"one 65 among 6.x weights stands out", weights, Options{Numeric: true},
			[]string{"5.9", "6.2", "6.4", "6.5", "6.6", "6.8", "7.1", "65"}, []string{"65"}, nil},
		{"a reference band flags rows outside it", weights, Options{Numeric: true, Band: func(row int) (float64, float64, bool) {
			if row == 9 {
				return 6.0, 9.0, true // 5.9 is under this child's band
			}
			return 5.0, 9.0, row != 4 // no band for row 4
		}}, []string{"5.9", "6.2", "6.4", "6.5", "6.6", "6.8", "7.1", "65"}, []string{"5.9", "65"}, map[string][]int{"5.9": {9}}},
		{"full-width and unreadable values", cellsOf("１２", "12", "x", "", "11"), Options{Numeric: true},
			[]string{"11", "12", "１２", "", "x"}, nil, nil},
		{"codes as text sort as strings", cellsOf("2", "10", "1", "2"), Options{},
			[]string{"1", "10", "2"}, nil, nil},
		{"most identical: MAD 0 falls back on the mean deviation", cellsOf("1", "1", "1", "1", "1", "1", "1", "1", "1", "7"), Options{Numeric: true},
			[]string{"1", "7"}, []string{"7"}, nil},
		{"all identical: nothing stands out", cellsOf("3", "3", "3"), Options{Numeric: true},
			[]string{"3"}, nil, nil},
		{"a spread batch has no outliers", cellsOf("8.1", "9.4", "10.2", "7.7", "11.0", "8.8"), Options{Numeric: true},
			[]string{"7.7", "8.1", "8.8", "9.4", "10.2", "11.0"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Build("weight", tt.cells, tt.opt)
			if got := values(v); !slices.Equal(got, tt.order) {
				t.Errorf("groups %q, want %q", got, tt.order)
			}
			var out []string
			for _, i := range v.Outliers() {
				out = append(out, v.Groups[i].Value)
			}
			if !slices.Equal(out, tt.outliers) {
				t.Errorf("outliers %q, want %q", out, tt.outliers)
			}
			for _, g := range v.Groups {
				if want := tt.outOfBand[g.Value]; !slices.Equal(g.OutOfBand, want) {
					t.Errorf("group %q out of band in rows %v, want %v", g.Value, g.OutOfBand, want)
				}
			}
			n := 0
			for _, g := range v.Groups {
				n += g.Count
			}
			if n != len(tt.cells) {
				t.Errorf("groups hold %d cells, want %d", n, len(tt.cells))
			}
		})
	}
}

func TestGroupDetails(t *testing.T) {
	cells := []Cell{
		{Row: 3, Value: "6.8", Confidence: 0.71, HasConfidence: true, Findings: 1},
		{Row: 1, Value: "6.8", Confidence: 0.95, HasConfidence: true},
		{Row: 2, Value: "6.5"},
		{Row: 7, Value: "6.8", Findings: 2}, // corrected by hand: no confidence
		{Row: 5, Value: "65", Confidence: 0.88, HasConfidence: true},
	}
	v := Build("weight", cells, Options{Numeric: true})
	g := v.Groups[1]
	if g.Value != "6.8" || g.Count != 3 || !slices.Equal(g.Rows, []int{1, 3, 7}) || g.MinConf != 0.71 || g.MaxConf != 0.95 || !g.HasConfidence || g.Findings != 3 {
		t.Errorf("group 6.8 = %+v", g)
	}
	if v.Groups[0].HasConfidence {
		t.Errorf("group 6.5 has a confidence: %+v", v.Groups[0])
	}
	if v.Median != 6.8 || math.Abs(v.MAD-0) > 1e-12 {
		t.Errorf("median %v, MAD %v; want 6.8, 0", v.Median, v.MAD)
	}
	if got, want := v.Confirm(1), []Target{{1, "weight"}, {3, "weight"}, {7, "weight"}}; !slices.Equal(got, want) {
		t.Errorf("Confirm(6.8) = %v, want %v", got, want)
	}
	if !v.Groups[2].Far || v.Groups[2].Z <= Threshold {
		t.Errorf("65 not far: %+v", v.Groups[2])
	}
}

func TestFromSession(t *testing.T) {
	set, _ := form.Default()
	f := set.Form("m4-exam")
	data, _, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 40, Seed: 2, ErrorRate: 0.05, Confidence: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ocrcsv.Read("m4.csv", data, set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s, err := review.Open(b, review.Options{User: "clerk1", Growth: set.Growth, Now: func() time.Time { return now }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := f.Field("weight").Index
	if err := s.Edit(t.Context(), 4, w, "65", "test"); err != nil {
		t.Fatal(err)
	}
	v := FromSession(s, "weight", nil)
	last := v.Groups[len(v.Groups)-1]
	if last.Value != "65" || !slices.Contains(last.Rows, 5) || !last.Far {
		t.Errorf("the 65 typed into row 5 is not the last, far group: %+v", last)
	}
	if FromSession(s, "no_such_field", nil) != nil {
		t.Error("a view of a field the form lacks")
	}
}

func FuzzBuild(f *testing.F) {
	f.Add("6.4,6.8,65,６．５,,x")
	f.Add("1,1,1,1e308,-1e308,NaN")
	f.Fuzz(func(t *testing.T, s string) {
		var cells []Cell
		for i, r := range []rune(s) {
			cells = append(cells, Cell{Row: i + 1, Value: string(r) + fmt.Sprint(i%3)})
		}
		cells = append(cells, Cell{Row: len(cells) + 1, Value: s})
		v := Build("k", cells, Options{Numeric: true})
		n := 0
		for i, g := range v.Groups {
			n += g.Count
			if math.IsNaN(g.Z) {
				t.Fatalf("group %q has Z NaN", g.Value)
			}
			if i > 0 && v.Groups[i-1].Numeric && g.Numeric && v.Groups[i-1].Number > g.Number {
				t.Fatalf("groups out of order: %v before %v", v.Groups[i-1].Number, g.Number)
			}
		}
		if n != len(cells) {
			t.Fatalf("%d cells grouped, want %d", n, len(cells))
		}
	})
}

func BenchmarkBuild20k(b *testing.B) {
	cells := make([]Cell, 20000)
	for i := range cells {
		cells[i] = Cell{Row: i + 1, Value: fmt.Sprintf("%.1f", 6+float64(i%40)/10), Confidence: 0.9, HasConfidence: true}
	}
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		Build("weight", cells, Options{Numeric: true})
	}
	tr.Report()
}
