package clv

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Generators for the value models (retention formulas, sBG, Gamma-Gamma,
// BG/BB, Markov CLV). Valid-data generators use finite ranges.

// sbgGenModel draws an sBG model with γ, δ in [0.05, 50].
func sbgGenModel() *rapid.Generator[*SBG] {
	return rapid.Custom(func(t *rapid.T) *SBG {
		return &SBG{
			Gamma: rapid.Float64Range(0.05, 50).Draw(t, "gamma"),
			Delta: rapid.Float64Range(0.05, 50).Draw(t, "delta"),
		}
	})
}

// sbgGenSeries draws a valid non-increasing survivor series with at least
// one loss.
func sbgGenSeries() *rapid.Generator[[]float64] {
	return rapid.Custom(func(t *rapid.T) []float64 {
		n := rapid.IntRange(1, 15).Draw(t, "periods")
		alive := make([]float64, n+1)
		alive[0] = float64(rapid.IntRange(10, 100000).Draw(t, "cohort"))
		for i := 1; i <= n; i++ {
			keep := rapid.Float64Range(0.3, 1).Draw(t, "keep")
			alive[i] = math.Floor(alive[i-1] * keep)
		}
		if alive[n] == alive[0] {
			alive[n]--
		}
		return alive
	})
}

// ggGenModel draws a Gamma-Gamma model with q > 1.
func ggGenModel() *rapid.Generator[*GammaGamma] {
	return rapid.Custom(func(t *rapid.T) *GammaGamma {
		return &GammaGamma{
			P:     rapid.Float64Range(0.1, 50).Draw(t, "p"),
			Q:     rapid.Float64Range(1.01, 50).Draw(t, "q"),
			Gamma: rapid.Float64Range(0.1, 1000).Draw(t, "gamma"),
		}
	})
}

func TestPropSimpleIncreasingInRetention(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.Float64Range(0.01, 1e6).Draw(t, "margin")
		d := rapid.Float64Range(0.001, 2).Draw(t, "discount")
		r1 := rapid.Float64Range(0, 1).Draw(t, "r1")
		r2 := rapid.Float64Range(r1, 1).Draw(t, "r2")
		v1, v2 := Simple(m, r1, d), Simple(m, r2, d)
		if v1 > v2 || (r2-r1 > 1e-9 && v2 <= v1) {
			t.Fatalf("Simple(%v, r, %v): r=%v → %v, r=%v → %v", m, d, r1, v1, r2, v2)
		}
	})
}

func TestPropSimpleDecreasingInDiscount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.Float64Range(0.01, 1e6).Draw(t, "margin")
		r := rapid.Float64Range(0.01, 1).Draw(t, "retention")
		d1 := rapid.Float64Range(-0.99, 5).Draw(t, "d1")
		d2 := rapid.Float64Range(d1, 5).Draw(t, "d2")
		v1, v2 := Simple(m, r, d1), Simple(m, r, d2)
		if math.IsNaN(v1) || math.IsNaN(v2) || v2 > v1 {
			t.Fatalf("Simple(%v, %v, d): d=%v → %v, d=%v → %v", m, r, d1, v1, d2, v2)
		}
	})
}

func TestPropDiscountedLinear(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 50).Draw(t, "n")
		a := rapid.SliceOfN(rapid.Float64Range(-1e6, 1e6), n, n).Draw(t, "a")
		b := rapid.SliceOfN(rapid.Float64Range(-1e6, 1e6), n, n).Draw(t, "b")
		rate := rapid.Float64Range(-0.5, 2).Draw(t, "rate")
		sum := make([]float64, n)
		scale := 1.0
		for i := range sum {
			sum[i] = a[i] + b[i]
			scale += math.Abs(a[i]) + math.Abs(b[i])
		}
		got := Discounted(sum, rate)
		want := Discounted(a, rate) + Discounted(b, rate)
		// Relative to the size of the flows, with 2^n growth for rate < 0.
		if math.Abs(got-want) > 1e-12*scale*math.Max(1, math.Pow(1/(1+rate), float64(n))) {
			t.Fatalf("Discounted(a+b) = %v, Discounted(a)+Discounted(b) = %v", got, want)
		}
	})
}

func TestPropSBGSurvivalNonIncreasing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := sbgGenModel().Draw(t, "model")
		t1 := rapid.Float64Range(-5, 500).Draw(t, "t1")
		t2 := rapid.Float64Range(t1, 500).Draw(t, "t2")
		s1, s2 := m.Survival(t1), m.Survival(t2)
		if s1 < 0 || s1 > 1 || s2 < 0 || s2 > 1 {
			t.Fatalf("Survival outside [0,1]: S(%v) = %v, S(%v) = %v", t1, s1, t2, s2)
		}
		if s2 > s1 {
			t.Fatalf("S(%v) = %v > S(%v) = %v", t2, s2, t1, s1)
		}
	})
}

func TestPropSBGRetentionIncreasingInUnitInterval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := sbgGenModel().Draw(t, "model")
		t1 := float64(rapid.IntRange(1, 1000).Draw(t, "t1"))
		t2 := t1 + float64(rapid.IntRange(0, 1000).Draw(t, "dt"))
		r1, r2 := m.Retention(t1), m.Retention(t2)
		if r1 < 0 || r1 > 1 || r2 < 0 || r2 > 1 || r2 < r1 {
			t.Fatalf("Retention(%v) = %v, Retention(%v) = %v", t1, r1, t2, r2)
		}
	})
}

func TestPropSBGDERLDecreasingInDiscount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := sbgGenModel().Draw(t, "model")
		n := rapid.IntRange(0, 50).Draw(t, "renewals")
		d1 := rapid.Float64Range(0.01, 2).Draw(t, "d1")
		d2 := rapid.Float64Range(d1, 3).Draw(t, "d2")
		v1, err1 := m.DERL(d1, n)
		v2, err2 := m.DERL(d2, n)
		if err1 != nil || err2 != nil || v2 > v1*(1+1e-12) || v2 < 0 {
			t.Fatalf("DERL(%v) = %v, %v; DERL(%v) = %v, %v", d1, v1, err1, d2, v2, err2)
		}
	})
}

func TestPropFitSBGValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alive := sbgGenSeries().Draw(t, "alive")
		m, err := FitSBG(alive)
		if err != nil && m == nil {
			t.Fatalf("FitSBG(%v): %v", alive, err)
		}
		if m.Gamma <= 0 || m.Delta <= 0 || math.IsNaN(m.LogLik) || math.IsInf(m.LogLik, 0) || m.LogLik > 0 {
			t.Fatalf("FitSBG(%v) = %+v", alive, m)
		}
	})
}

func TestPropGammaGammaExpectedValueBetweenMeans(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := ggGenModel().Draw(t, "model")
		x := rapid.Float64Range(0, 1000).Draw(t, "x")
		mx := rapid.Float64Range(0, 1e5).Draw(t, "mx")
		got := m.ExpectedValue(x, mx)
		lo, hi := math.Min(mx, m.PopulationMean()), math.Max(mx, m.PopulationMean())
		if x == 0 {
			lo, hi = m.PopulationMean(), m.PopulationMean()
		}
		// A credibility-weighted average of the population mean and mx.
		if got < lo*(1-1e-12) || got > hi*(1+1e-12) {
			t.Fatalf("ExpectedValue(%v, %v) = %v outside [%v, %v]", x, mx, got, lo, hi)
		}
	})
}

// bgbbGenModel draws a BG/BB model with parameters in [0.1, 20].
func bgbbGenModel() *rapid.Generator[*BGBB] {
	return rapid.Custom(func(t *rapid.T) *BGBB {
		return &BGBB{
			Alpha: rapid.Float64Range(0.1, 20).Draw(t, "alpha"),
			Beta:  rapid.Float64Range(0.1, 20).Draw(t, "beta"),
			Gamma: rapid.Float64Range(0.1, 20).Draw(t, "gamma"),
			Delta: rapid.Float64Range(0.1, 20).Draw(t, "delta"),
		}
	})
}

// bgbbGenHistory draws a possible (x, t_x, n) history.
func bgbbGenHistory() *rapid.Generator[[3]float64] {
	return rapid.Custom(func(t *rapid.T) [3]float64 {
		n := rapid.IntRange(0, 60).Draw(t, "n")
		tx := rapid.IntRange(0, n).Draw(t, "tx")
		x := 0
		if tx > 0 {
			x = rapid.IntRange(1, tx).Draw(t, "x")
		}
		return [3]float64{float64(x), float64(tx), float64(n)}
	})
}

func TestPropBGBBPAliveInUnitInterval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := bgbbGenModel().Draw(t, "model")
		h := bgbbGenHistory().Draw(t, "history")
		p := m.PAlive(h[0], h[1], h[2])
		if !(p >= 0 && p <= 1) {
			t.Fatalf("PAlive%v = %v", h, p)
		}
		// Active through the last opportunity: more likely alive than a
		// customer with the same x whose last transaction was earlier.
		if h[0] > 0 && h[1] < h[2] && h[0] <= h[1] {
			if q := m.PAlive(h[0], h[2], h[2]); q < p*(1-1e-12) {
				t.Fatalf("PAlive(%v, n, n) = %v < PAlive%v = %v", h[0], q, h, p)
			}
		}
	})
}

func TestPropBGBBConditionalNonNegativeIncreasing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := bgbbGenModel().Draw(t, "model")
		h := bgbbGenHistory().Draw(t, "history")
		t1 := float64(rapid.IntRange(0, 100).Draw(t, "t1"))
		t2 := t1 + float64(rapid.IntRange(0, 100).Draw(t, "dt"))
		e1, e2 := m.ConditionalPurchases(t1, h[0], h[1], h[2]), m.ConditionalPurchases(t2, h[0], h[1], h[2])
		if !(e1 >= 0) || e2 < e1 || e2 > t2 {
			t.Fatalf("ConditionalPurchases(%v | %v) = %v, (%v) = %v", t1, h, e1, t2, e2)
		}
	})
}

// markovGenChain draws a row-stochastic s×s matrix (2 ≤ s ≤ 6) and
// non-negative per-state rewards.
func markovGenChain() *rapid.Generator[markovChainCase] {
	return rapid.Custom(func(t *rapid.T) markovChainCase {
		s := rapid.IntRange(2, 6).Draw(t, "states")
		p := mat.NewDense(s, s, nil)
		for i := range s {
			w := rapid.SliceOfN(rapid.Float64Range(0, 1), s, s).Draw(t, "weights")
			sum := 0.0
			for _, v := range w {
				sum += v
			}
			if sum == 0 {
				w[i], sum = 1, 1
			}
			for j, v := range w {
				p.Set(i, j, v/sum)
			}
		}
		r := rapid.SliceOfN(rapid.Float64Range(0, 1000), s, s).Draw(t, "reward")
		return markovChainCase{p: p, reward: r}
	})
}

type markovChainCase struct {
	p      *mat.Dense
	reward []float64
}

func TestPropMarkovCLVDecreasingInDiscount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := markovGenChain().Draw(t, "chain")
		d1 := rapid.Float64Range(0.01, 1).Draw(t, "d1")
		d2 := rapid.Float64Range(d1, 2).Draw(t, "d2")
		for _, h := range []int{5, MarkovInfinite} {
			v1, err1 := MarkovCLV(c.p, c.reward, d1, h)
			v2, err2 := MarkovCLV(c.p, c.reward, d2, h)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for i := range v1 {
				if v2[i] > v1[i]*(1+1e-9)+1e-9 {
					t.Fatalf("horizon %d state %d: V(d=%v) = %v < V(d=%v) = %v", h, i, d1, v1[i], d2, v2[i])
				}
			}
		}
	})
}

func TestPropMarkovCLVIncreasingInHorizon(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := markovGenChain().Draw(t, "chain")
		d := rapid.Float64Range(0.01, 1).Draw(t, "d")
		h := rapid.IntRange(0, 50).Draw(t, "horizon")
		v1, _ := MarkovCLV(c.p, c.reward, d, h)
		v2, _ := MarkovCLV(c.p, c.reward, d, h+1)
		vi, _ := MarkovCLV(c.p, c.reward, d, MarkovInfinite)
		for i := range v1 {
			// Non-negative rewards: a longer horizon never loses value.
			if v1[i] > v2[i]*(1+1e-12) || v2[i] > vi[i]*(1+1e-9)+1e-9 {
				t.Fatalf("state %d: V^%d = %v, V^%d = %v, V^∞ = %v", i, h, v1[i], h+1, v2[i], vi[i])
			}
		}
	})
}

func TestPropMarkovCLVIncreasingInRetention(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := rapid.Float64Range(0.01, 1e4).Draw(t, "margin")
		d := rapid.Float64Range(0.01, 1).Draw(t, "d")
		r1 := rapid.Float64Range(0, 1).Draw(t, "r1")
		r2 := rapid.Float64Range(r1, 1).Draw(t, "r2")
		v := func(r float64) float64 {
			x, err := MarkovCLV(mat.NewDense(2, 2, []float64{r, 1 - r, 0, 1}), []float64{m, 0}, d, MarkovInfinite)
			if err != nil {
				t.Fatal(err)
			}
			return x[0]
		}
		if v1, v2 := v(r1), v(r2); v1 > v2*(1+1e-12) {
			t.Fatalf("V(r=%v) = %v > V(r=%v) = %v", r1, v1, r2, v2)
		}
	})
}
