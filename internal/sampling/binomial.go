package sampling

import (
	"fmt"
	"math"
)

// binomCDF is P(X ≤ k) for X ~ Binomial(n, p), summed in log space so that
// neither (1-p)^n nor the binomial coefficients underflow or overflow for
// the sample sizes a clerk can mark (up to many thousands).
func binomCDF(k, n int, p float64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= n || p <= 0:
		return 1
	case p >= 1:
		return 0
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	ln := lgamma(n + 1)
	terms := make([]float64, k+1)
	top := math.Inf(-1)
	for i := 0; i <= k; i++ {
		t := ln - lgamma(i+1) - lgamma(n-i+1) + float64(i)*lp + float64(n-i)*lq
		terms[i] = t
		top = max(top, t)
	}
	sum := 0.0
	for _, t := range terms {
		sum += math.Exp(t - top)
	}
	return min(1, math.Exp(top+math.Log(sum)))
}

func lgamma(n int) float64 {
	v, _ := math.Lgamma(float64(n))
	return v
}

// solveDecreasing finds p in [0, 1] with f(p) = target for a function that
// falls from f(0) ≥ target to f(1) ≤ target, by bisection: slow but sure,
// and 64 halvings reach the resolution of a float64 on [0, 1].
func solveDecreasing(f func(float64) float64, target float64) float64 {
	lo, hi := 0.0, 1.0
	for range 64 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if f(mid) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func checkArgs(k, n int, conf float64) error {
	if n < 1 || k < 0 || k > n {
		return fmt.Errorf("sampling: %d errors in %d cells is not a sample", k, n)
	}
	if !(conf > 0 && conf < 1) {
		return fmt.Errorf("sampling: confidence %v is not between 0 and 1", conf)
	}
	return nil
}

// UpperBound is the exact (Clopper–Pearson) one-sided upper confidence bound
// for a proportion after k errors in n cells: the p at which k or fewer
// errors would be seen with probability 1-conf. With k = 0 it is
// 1-(1-conf)^(1/n); with k = n it is 1.
func UpperBound(k, n int, conf float64) (float64, error) {
	if err := checkArgs(k, n, conf); err != nil {
		return 0, err
	}
	return upper(k, n, 1-conf), nil
}

// upper solves P(X ≤ k | n, p) = alpha for p.
func upper(k, n int, alpha float64) float64 {
	if k >= n {
		return 1
	}
	if k == 0 { // closed form, exact to the last bit
		return -math.Expm1(math.Log(alpha) / float64(n))
	}
	return solveDecreasing(func(p float64) float64 { return binomCDF(k, n, p) }, alpha)
}

// lower solves P(X ≥ k | n, p) = alpha for p.
func lower(k, n int, alpha float64) float64 {
	if k <= 0 {
		return 0
	}
	if k == n {
		return math.Exp(math.Log(alpha) / float64(n))
	}
	// P(X ≥ k) = 1 - P(X ≤ k-1) rises with p; its complement falls.
	return solveDecreasing(func(p float64) float64 { return binomCDF(k-1, n, p) }, 1-alpha)
}

// Interval is the exact (Clopper–Pearson) two-sided confidence interval for
// a proportion after k errors in n cells: each tail holds (1-conf)/2.
func Interval(k, n int, conf float64) (lo, hi float64, err error) {
	if err := checkArgs(k, n, conf); err != nil {
		return 0, 0, err
	}
	alpha := (1 - conf) / 2
	return lower(k, n, alpha), upper(k, n, alpha), nil
}
