package sampling

import (
	"errors"
	"slices"
	"testing"
	"time"

	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/synth"
)

func TestSize(t *testing.T) {
	tests := []struct{ population, want int }{
		{0, 0}, {5, 5}, {20, 20}, {21, 20}, {999, 20}, {1000, 20}, {1001, 21}, {1050, 21}, {5000, 100}, {123456, 2470},
	}
	for _, tt := range tests {
		if got := Size(tt.population); got != tt.want {
			t.Errorf("Size(%d) = %d, want %d", tt.population, got, tt.want)
		}
	}
}

func grid(rows int, keys ...string) []Cell {
	var out []Cell
	for r := 1; r <= rows; r++ {
		for _, k := range keys {
			out = append(out, Cell{r, k})
		}
	}
	return out
}

func TestDraw(t *testing.T) {
	cells := grid(300, "weight", "height", "head", "chest")
	a, b, c := Draw(cells, 42), Draw(cells, 42), Draw(cells, 43)
	if len(a.Cells) != 24 || a.Population != 1200 || len(a.Marks) != 24 {
		t.Fatalf("sample of %d from %d, want 24 from 1200", len(a.Cells), a.Population)
	}
	if !slices.Equal(a.Cells, b.Cells) {
		t.Error("the same seed drew different cells")
	}
	if slices.Equal(a.Cells, c.Cells) {
		t.Error("another seed drew the same cells")
	}
	seen := map[Cell]bool{}
	for i, x := range a.Cells {
		if seen[x] {
			t.Errorf("cell %v drawn twice", x)
		}
		seen[x] = true
		if !slices.Contains(cells, x) {
			t.Errorf("cell %v is not one of the unflagged cells", x)
		}
		if i > 0 && a.Cells[i-1].Row > x.Row {
			t.Errorf("cells not in row order: %v before %v", a.Cells[i-1], x)
		}
	}
	if all := DrawN(cells[:7], 20, 1); len(all.Cells) != 7 {
		t.Errorf("from 7 cells drew %d, want all 7", len(all.Cells))
	}
}

// Every cell must be equally likely: over many seeds each of 40 cells is
// drawn about 20/40 of the time.
func TestDrawUniform(t *testing.T) {
	cells := grid(10, "a", "b", "c", "d")
	hits := map[Cell]int{}
	const draws = 4000
	for s := range uint64(draws) {
		for _, c := range DrawN(cells, 20, s).Cells {
			hits[c]++
		}
	}
	for _, c := range cells {
		if f := float64(hits[c]) / draws; f < 0.46 || f > 0.54 {
			t.Errorf("cell %v drawn in %.3f of samples, want about 0.5", c, f)
		}
	}
}

func TestMarksAndEstimate(t *testing.T) {
	s := DrawN(grid(100, "w"), 20, 9)
	if _, err := s.Estimate(); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("estimate of an unmarked sample: %v, want ErrIncomplete", err)
	}
	for _, bad := range []struct {
		i int
		m Mark
	}{{-1, Right}, {20, Right}, {0, Mark(7)}} {
		if err := s.Set(bad.i, bad.m); err == nil {
			t.Errorf("Set(%d, %d): no error", bad.i, bad.m)
		}
	}
	for i := range s.Cells {
		m := Right
		if i == 3 || i == 11 {
			m = Wrong
		}
		if err := s.Set(i, m); err != nil {
			t.Fatal(err)
		}
	}
	e, err := s.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	if e.N != 20 || e.Errors != 2 || e.Population != 100 || e.Rate != 0.1 {
		t.Errorf("estimate %+v, want 2 of 20 from 100", e)
	}
	if !near(e.Upper, 0.28262, 6e-6) || !near(e.Lower2, 0.01235, 6e-6) || !near(e.Upper2, 0.31698, 6e-6) {
		t.Errorf("bounds %+v", e)
	}
	if !near(e.ExpectedErrors(), 10, 1e-9) || !near(e.MaxErrors(), 28.262, 1e-3) {
		t.Errorf("scaled to the batch: %v and %v", e.ExpectedErrors(), e.MaxErrors())
	}
	if got, want := e.String(), "抜き取り 20 セル中 誤り 2（推定残存誤り率 10.0 %、95 % 上限 28.3 %）"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if _, err := (&Sample{}).Estimate(); err == nil {
		t.Error("estimate of an empty sample: no error")
	}
}

func TestUnflagged(t *testing.T) {
	set, _ := form.Default()
	f := set.Form("m4-exam")
	data, _, err := synth.Generate(synth.Options{Form: f, Growth: set.Growth, Rows: 30, Seed: 5, ErrorRate: 0.1, Confidence: true})
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
	got := Unflagged(s)
	flagged := 0
	for i := range s.Len() {
		for _, fd := range f.Fields {
			c := Cell{i + 1, fd.Key}
			has := len(s.CellFindings(i, fd.Index)) > 0 || s.Problem(i) != nil
			if has {
				flagged++
			}
			if slices.Contains(got, c) == has {
				t.Errorf("cell %v: flagged %v, yet in the unflagged list %v", c, has, !has)
			}
		}
	}
	if flagged == 0 || len(got) == 0 {
		t.Fatalf("test batch has %d flagged and %d unflagged cells; want both", flagged, len(got))
	}
}
