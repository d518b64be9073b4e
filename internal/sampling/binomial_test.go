package sampling

import (
	"math"
	"math/rand/v2"
	"testing"

	"kenshin/internal/benchmem"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// Two-sided 95 % Clopper–Pearson limits as printed in published tables
// (e.g. Geigy Scientific Tables; the same figures R's binom.test gives),
// rounded to 4–5 places.
func TestIntervalPublished(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 20, 0, 0.16843},
		{1, 20, 0.00127, 0.24873},
		{2, 20, 0.01235, 0.31698},
		{5, 10, 0.18709, 0.81291},
		{0, 10, 0, 0.30850},
		{1, 10, 0.00253, 0.44502},
		{10, 100, 0.04900, 0.17622},
		{20, 20, 0.83157, 1},
	}
	for _, tt := range tests {
		lo, hi, err := Interval(tt.k, tt.n, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if !near(lo, tt.lo, 6e-6) || !near(hi, tt.hi, 6e-6) {
			t.Errorf("Interval(%d, %d) = [%.6f, %.6f], want [%.5f, %.5f]", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestUpperBound(t *testing.T) {
	tests := []struct {
		name string
		k, n int
		conf float64
		want float64
		tol  float64
	}{
		{"0 in 20, the brief's example", 0, 20, 0.95, 1 - math.Pow(0.05, 1.0/20), 1e-15}, // 13.9 %
		{"0 in 20 is 13.9 %", 0, 20, 0.95, 0.139, 5e-4},
		{"0 in 100, rule of three", 0, 100, 0.95, 1 - math.Pow(0.05, 0.01), 1e-15},
		{"all wrong", 20, 20, 0.95, 1, 0},
		// one-sided 95 % equals the two-sided 90 % upper limit.
		{"1 in 20", 1, 20, 0.95, 0.21611, 6e-6},
		{"2 in 20", 2, 20, 0.95, 0.28262, 6e-6},
		{"5 in 10", 5, 10, 0.95, 0.77756, 6e-6}, // mirror of the tabled 0.22244
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UpperBound(tt.k, tt.n, tt.conf)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, tt.want, tt.tol) {
				t.Errorf("UpperBound(%d, %d, %v) = %.8f, want %.8f", tt.k, tt.n, tt.conf, got, tt.want)
			}
		})
	}
}

// The bounds are defined by binomial tails; check the definition itself,
// also where the closed forms do not apply, and the symmetry lo(k) = 1-hi(n-k).
func TestBoundsSolveTheirTails(t *testing.T) {
	for _, n := range []int{1, 2, 7, 20, 51, 400, 5000} {
		for _, k := range []int{0, 1, 2, n / 3, n / 2, n - 1, n} {
			if k < 0 || k > n {
				continue
			}
			lo, hi, err := Interval(k, n, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			if k < n && !near(binomCDF(k, n, hi), 0.025, 1e-9) {
				t.Errorf("n=%d k=%d: P(X≤k | hi=%v) = %v, want 0.025", n, k, hi, binomCDF(k, n, hi))
			}
			if k > 0 && !near(1-binomCDF(k-1, n, lo), 0.025, 1e-9) {
				t.Errorf("n=%d k=%d: P(X≥k | lo=%v) = %v, want 0.025", n, k, lo, 1-binomCDF(k-1, n, lo))
			}
			lo2, hi2, _ := Interval(n-k, n, 0.95)
			if !near(lo, 1-hi2, 1e-12) || !near(hi, 1-lo2, 1e-12) {
				t.Errorf("n=%d k=%d: [%v, %v] is not the mirror of [%v, %v]", n, k, lo, hi, lo2, hi2)
			}
			if !(lo <= float64(k)/float64(n) && float64(k)/float64(n) <= hi) {
				t.Errorf("n=%d k=%d: [%v, %v] does not hold k/n", n, k, lo, hi)
			}
		}
	}
}

func TestBadArguments(t *testing.T) {
	for _, c := range []struct {
		k, n int
		conf float64
	}{{0, 0, 0.95}, {-1, 10, 0.95}, {11, 10, 0.95}, {1, 10, 1}, {1, 10, 0}, {1, 10, math.NaN()}} {
		if _, err := UpperBound(c.k, c.n, c.conf); err == nil {
			t.Errorf("UpperBound(%d, %d, %v): no error", c.k, c.n, c.conf)
		}
		if _, _, err := Interval(c.k, c.n, c.conf); err == nil {
			t.Errorf("Interval(%d, %d, %v): no error", c.k, c.n, c.conf)
		}
	}
}

// Coverage: batches with a known true error rate, sampled the way the app
// samples (without replacement, default size); the one-sided 95 % bound
// must lie at or above the batch's true rate in at least 95 % of draws.
func TestCoverage(t *testing.T) {
	const draws = 2000
	for _, tc := range []struct {
		population int
		rate       float64
	}{{1000, 0.01}, {1000, 0.05}, {3000, 0.02}, {3000, 0.10}, {600, 0.20}, {5000, 0.30}} {
		rng := rand.New(rand.NewPCG(7, uint64(tc.population)))
		cells := make([]Cell, tc.population)
		wrong := map[Cell]bool{}
		for i := range cells {
			cells[i] = Cell{Row: i/20 + 1, Key: string(rune('a' + i%20))}
		}
		nWrong := int(math.Round(tc.rate * float64(tc.population)))
		for _, i := range rng.Perm(tc.population)[:nWrong] {
			wrong[cells[i]] = true
		}
		truth := float64(nWrong) / float64(tc.population)
		bound := map[int]float64{}
		covered, twoSided := 0, 0
		for d := range draws {
			s := Draw(cells, uint64(d)+1000*uint64(tc.population))
			for i, c := range s.Cells {
				m := Right
				if wrong[c] {
					m = Wrong
				}
				if err := s.Set(i, m); err != nil {
					t.Fatal(err)
				}
			}
			_, k := s.Counts()
			if _, ok := bound[k]; !ok {
				e, err := s.Estimate()
				if err != nil {
					t.Fatal(err)
				}
				bound[k] = e.Upper
			}
			if bound[k] >= truth {
				covered++
			}
			e, _ := s.Estimate()
			if e.Lower2 <= truth && truth <= e.Upper2 {
				twoSided++
			}
		}
		cov := float64(covered) / draws
		t.Logf("population %d, rate %.2f, n %d: one-sided coverage %.3f, two-sided %.3f", tc.population, truth, Size(tc.population), cov, float64(twoSided)/draws)
		if cov < 0.95 {
			t.Errorf("population %d, rate %.2f: the 95 %% upper bound covers the true rate in %.1f %% of draws", tc.population, truth, 100*cov)
		}
		if float64(twoSided)/draws < 0.95 {
			t.Errorf("population %d, rate %.2f: the 95 %% interval covers the true rate in %.1f %% of draws", tc.population, truth, 100*float64(twoSided)/draws)
		}
	}
}

func BenchmarkInterval(b *testing.B) {
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Interval(37, 5000, 0.95); err != nil {
			b.Fatal(err)
		}
	}
	tr.Report()
}

// Exact coverage: for binomial sampling the probability that the bound
// holds the true rate is a finite sum; Clopper–Pearson guarantees ≥ 95 %
// at every rate, which simulation can only approach.
func TestExactCoverage(t *testing.T) {
	for _, n := range []int{20, 50, 100, 247} {
		up := make([]float64, n+1)
		lo2, up2 := make([]float64, n+1), make([]float64, n+1)
		for k := range up {
			up[k], _ = UpperBound(k, n, 0.95)
			lo2[k], up2[k], _ = Interval(k, n, 0.95)
		}
		for p := 0.001; p < 1; p += 0.003 {
			one, two := 0.0, 0.0
			for k := 0; k <= n; k++ {
				pmf := math.Exp(lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1) + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
				if up[k] >= p {
					one += pmf
				}
				if lo2[k] <= p && p <= up2[k] {
					two += pmf
				}
			}
			if one < 0.95-1e-9 || two < 0.95-1e-9 {
				t.Errorf("n=%d p=%.3f: coverage one-sided %.4f, two-sided %.4f", n, p, one, two)
			}
		}
	}
}
