package churn

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// coxInput is one generated survival data set with covariates.
type coxInput struct {
	x     *mat.Dense
	dur   []float64
	event []bool
}

// coxGenInput draws 10 to 60 customers with 1 or 2 covariates on a grid of
// step 1/4 in [-3, 3] (so that equal risks are exactly equal, not equal up
// to rounding that a permutation of the rows may change),
// whole-number durations in [1, 15] (so with ties) and about 70% events.
func coxGenInput() *rapid.Generator[coxInput] {
	return rapid.Custom(func(t *rapid.T) coxInput {
		n := rapid.IntRange(10, 60).Draw(t, "n")
		p := rapid.IntRange(1, 2).Draw(t, "p")
		x := mat.NewDense(n, p, nil)
		dur := make([]float64, n)
		ev := make([]bool, n)
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				x.Set(i, j, float64(rapid.IntRange(-12, 12).Draw(t, "x"))/4)
			}
			dur[i] = float64(rapid.IntRange(1, 15).Draw(t, "duration"))
			ev[i] = rapid.Float64Range(0, 1).Draw(t, "u") < 0.7
		}
		return coxInput{x, dur, ev}
	})
}

// TestPropCoxScaleCovariate: multiplying a covariate by c divides its
// coefficient by c and leaves the likelihood unchanged (the issue's
// invariance property).
func TestPropCoxScaleCovariate(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := coxGenInput().Draw(t, "data")
		c := rapid.Float64Range(0.01, 100).Draw(t, "c")
		ties := Ties(rapid.IntRange(0, 1).Draw(t, "ties"))
		m, err := FitCox(in.x, in.dur, in.event, &CoxOptions{Ties: ties})
		if err != nil {
			t.Skip(err)
		}
		n, _ := in.x.Dims()
		xs := mat.DenseCopyOf(in.x)
		for i := 0; i < n; i++ {
			xs.Set(i, 0, c*in.x.At(i, 0))
		}
		ms, err := FitCox(xs, in.dur, in.event, &CoxOptions{Ties: ties})
		if err != nil {
			t.Fatalf("scaled fit failed: %v (unscaled fit succeeded)", err)
		}
		if !scalar.EqualWithinAbsOrRel(ms.Coef[0]*c, m.Coef[0], 1e-9, 1e-6) {
			t.Fatalf("coef·c = %g, want %g", ms.Coef[0]*c, m.Coef[0])
		}
		if !scalar.EqualWithinAbsOrRel(ms.LogLik, m.LogLik, 1e-9, 1e-9) {
			t.Fatalf("loglik %g, want %g", ms.LogLik, m.LogLik)
		}
	})
}

// TestPropCoxPermutationInvariant: the fit does not depend on row order.
func TestPropCoxPermutationInvariant(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := coxGenInput().Draw(t, "data")
		m, err := FitCox(in.x, in.dur, in.event, nil)
		if err != nil {
			t.Skip(err)
		}
		n, p := in.x.Dims()
		perm := rapid.Permutation(intsTo(n)).Draw(t, "perm")
		xp := mat.NewDense(n, p, nil)
		dp := make([]float64, n)
		ep := make([]bool, n)
		for k, i := range perm {
			xp.SetRow(k, mat.Row(nil, i, in.x))
			dp[k], ep[k] = in.dur[i], in.event[i]
		}
		mp, err := FitCox(xp, dp, ep, nil)
		if err != nil {
			t.Fatalf("permuted fit failed: %v", err)
		}
		for j := range m.Coef {
			if !scalar.EqualWithinAbsOrRel(mp.Coef[j], m.Coef[j], 1e-9, 1e-7) {
				t.Fatalf("coef %d: %g vs %g", j, mp.Coef[j], m.Coef[j])
			}
		}
		if !scalar.EqualWithinAbsOrRel(mp.Concordance, m.Concordance, 1e-12, 1e-12) {
			t.Fatalf("concordance %g vs %g", mp.Concordance, m.Concordance)
		}
	})
}

func intsTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestPropCoxSurvivalNonIncreasing: predicted survival lies in [0, 1] and
// never increases with t, for any customer.
func TestPropCoxSurvivalNonIncreasing(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := coxGenInput().Draw(t, "data")
		m, err := FitCox(in.x, in.dur, in.event, nil)
		if m == nil {
			t.Skip(err)
		}
		_, p := in.x.Dims()
		x := make([]float64, p)
		for j := range x {
			x[j] = rapid.Float64Range(-5, 5).Draw(t, "x")
		}
		prev := 1.0
		for tt := -1.0; tt <= 17; tt += 0.5 {
			s := m.Survival(x, tt)
			if !(s >= 0 && s <= prev) {
				t.Fatalf("S(%g) = %g after %g", tt, s, prev)
			}
			prev = s
		}
	})
}

// TestPropCoxConcordanceInUnitInterval: C is in [0, 1] and the model is
// finite whenever FitCox returns a model.
func TestPropCoxConcordanceInUnitInterval(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := coxGenInput().Draw(t, "data")
		m, err := FitCox(in.x, in.dur, in.event, &CoxOptions{L2: rapid.SampledFrom([]float64{0, 0.1, 10}).Draw(t, "l2")})
		if m == nil {
			t.Skip(err)
		}
		if !(m.Concordance >= 0 && m.Concordance <= 1) || !coxFinite(m) {
			t.Fatalf("concordance %g, finite %v", m.Concordance, coxFinite(m))
		}
	})
}

// TestPropWeibullSurvivalNonIncreasing: the Weibull survival curve is in
// [0, 1], non-increasing, and equals 1/2 at the median.
func TestPropWeibullSurvivalNonIncreasing(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := coxGenInput().Draw(t, "data")
		m, err := FitWeibull(in.x, in.dur, in.event, nil)
		if m == nil {
			t.Skip(err)
		}
		_, p := in.x.Dims()
		x := make([]float64, p)
		for j := range x {
			x[j] = rapid.Float64Range(-3, 3).Draw(t, "x")
		}
		prev := 1.0
		for tt := 0.0; tt <= 30; tt += 0.5 {
			s := m.Survival(x, tt)
			if !(s >= 0 && s <= prev) {
				t.Fatalf("S(%g) = %g after %g", tt, s, prev)
			}
			prev = s
		}
		if med := m.Median(x); med > 0 && !math.IsInf(med, 0) {
			if s := m.Survival(x, med); math.Abs(s-0.5) > 1e-9 {
				t.Fatalf("S(median) = %g", s)
			}
		}
	})
}
