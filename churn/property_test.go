package churn

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"
)

func TestPropSurvivalNonIncreasing(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(true).Draw(t, "data")
		c, err := KaplanMeier(in.duration, in.event, in.opts)
		if err != nil {
			t.Fatal(err)
		}
		prev := 1.0
		for i, s := range c.Survival {
			if !(s >= 0 && s <= prev) {
				t.Fatalf("S[%d] = %v after %v", i, s, prev)
			}
			if se := c.StdErr[i]; !(se >= 0) || math.IsInf(se, 0) {
				t.Fatalf("StdErr[%d] = %v", i, se)
			}
			if i > 0 && c.Time[i] <= c.Time[i-1] {
				t.Fatalf("Time not increasing at %d", i)
			}
			prev = s
		}
	})
}

func TestPropBandsContainSurvival(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(true).Draw(t, "data")
		level := rapid.Float64Range(0.5, 0.999).Draw(t, "level")
		method := rapid.SampledFrom([]BandMethod{Log, LogLog, Plain}).Draw(t, "method")
		c, err := KaplanMeier(in.duration, in.event, in.opts)
		if err != nil {
			t.Fatal(err)
		}
		lo, up := c.Band(level, method)
		const eps = 1e-12 // exp(log S) round trip
		for i, s := range c.Survival {
			if !(lo[i] >= 0 && lo[i] <= s+eps && s <= up[i]+eps && up[i] <= 1) {
				t.Fatalf("%v at %d: S = %v outside [%v, %v]", method, i, s, lo[i], up[i])
			}
		}
	})
}

func TestPropCumHazardNonDecreasing(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(true).Draw(t, "data")
		h, err := NelsonAalen(in.duration, in.event, in.opts)
		if err != nil {
			t.Fatal(err)
		}
		prevH, prevV := 0.0, 0.0
		for i := range h.Hazard {
			if !(h.Hazard[i] >= prevH && h.Variance[i] >= prevV) || math.IsInf(h.Hazard[i], 0) {
				t.Fatalf("H or Var decreased at %d: %v, %v", i, h.Hazard[i], h.Variance[i])
			}
			prevH, prevV = h.Hazard[i], h.Variance[i]
		}
	})
}

// TestPropWeightsAreReplication: integer weights give the same curve as
// repeating each customer that many times.
func TestPropWeightsAreReplication(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(false).Draw(t, "data")
		w := make([]float64, len(in.duration))
		var dup []float64
		var dupEvent []bool
		for i := range w {
			k := rapid.IntRange(0, 3).Draw(t, "copies")
			w[i] = float64(k)
			for range k {
				dup = append(dup, in.duration[i])
				dupEvent = append(dupEvent, in.event[i])
			}
		}
		if len(dup) == 0 {
			return
		}
		a, err := KaplanMeier(in.duration, in.event, &SurvOptions{Weight: w})
		if err != nil {
			t.Fatal(err)
		}
		b, err := KaplanMeier(dup, dupEvent, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range b.Time {
			if d := math.Abs(a.At(x) - b.At(x)); d > 1e-12 {
				t.Fatalf("S(%v): weighted %v, replicated %v", x, a.At(x), b.At(x))
			}
		}
	})
}

func TestPropMedianWhereSurvivalHalves(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(true).Draw(t, "data")
		c, err := KaplanMeier(in.duration, in.event, in.opts)
		if err != nil {
			t.Fatal(err)
		}
		m := c.Median()
		if math.IsNaN(m) {
			t.Fatal("Median is NaN")
		}
		last := c.Survival[len(c.Survival)-1]
		if math.IsInf(m, 1) != (1-last < 0.5) {
			t.Fatalf("Median %v with final S = %v", m, last)
		}
		if !math.IsInf(m, 1) && c.At(m) > 0.5+quantileTol {
			t.Fatalf("S(Median = %v) = %v > 0.5", m, c.At(m))
		}
		tau := rapid.Float64Range(0, 2000).Draw(t, "tau")
		if r := c.RMST(tau); !(r >= 0 && r <= tau+1e-9) || c.RMST(tau+1) < r {
			t.Fatalf("RMST(%v) = %v", tau, r)
		}
	})
}

func TestPropConcordanceInUnitInterval(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genConcordance(rapid.Bool().Draw(t, "ties")).Draw(t, "data")
		c, err := Concordance(in.risk, in.duration, in.event)
		if err != nil {
			t.Fatal(err)
		}
		if !(c >= 0 && c <= 1) {
			t.Fatalf("C = %v", c)
		}
		want := bruteConcordance(in.risk, in.duration, in.event, nil).C()
		if math.Abs(c-want) > 1e-12 {
			t.Fatalf("C = %v, brute force %v", c, want)
		}
	})
}

// TestPropConcordanceReversal: without ties in risk, C(−risk) = 1 − C(risk).
func TestPropConcordanceReversal(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genConcordance(false).Draw(t, "data")
		neg := make([]float64, len(in.risk))
		for i, r := range in.risk {
			neg[i] = -r
		}
		c1, err := Concordance(in.risk, in.duration, in.event)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Concordance(neg, in.duration, in.event)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(c1+c2-1) > 1e-12 {
			t.Fatalf("C(risk) = %v, C(-risk) = %v", c1, c2)
		}
	})
}

// TestPropLogRankLabelInvariant: relabelling the groups permutes O and E and
// leaves Chi2 unchanged; Chi2 ≥ 0 and P in [0, 1].
func TestPropLogRankLabelInvariant(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(false).Draw(t, "data")
		n := len(in.duration)
		if n < 2 {
			return
		}
		group := make([]int, n)
		for i := range group {
			group[i] = i % 2
		}
		a, err := LogRank(in.duration, in.event, group)
		if err != nil {
			return // for example a singular variance
		}
		for i := range group {
			group[i] = 1 - group[i]
		}
		b, err := LogRank(in.duration, in.event, group)
		if err != nil {
			t.Fatal(err)
		}
		if !(a.Chi2 >= 0 && a.P >= 0 && a.P <= 1) || math.Abs(a.Chi2-b.Chi2) > 1e-9*(1+a.Chi2) || a.Observed[0] != b.Observed[1] {
			t.Fatalf("a = %+v, b = %+v", a, b)
		}
	})
}

func TestPropChurnProbInUnitInterval(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(true).Draw(t, "data")
		c, err := KaplanMeier(in.duration, in.event, in.opts)
		if err != nil {
			t.Fatal(err)
		}
		w := DefaultWarning(rapid.Float64Range(0.1, 100).Draw(t, "horizon"))
		tenure := rapid.SliceOfN(rapid.Float64Range(0, 1200), 1, 20).Draw(t, "tenure")
		alerts, err := w.Assess(CurveModel{c}, nil, tenure, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, a := range alerts {
			if !(a.Prob >= 0 && a.Prob <= 1) || a.Level != w.Level(a.Prob) {
				t.Fatalf("alert %+v", a)
			}
			if k > 0 && a.ValueAtRisk > alerts[k-1].ValueAtRisk {
				t.Fatalf("not ranked at %d", k)
			}
		}
	})
}

// TestPropHostileInputNoPanic: any float64s, including NaN, ±Inf and
// negative values, give either an error wrapping ErrInvalidInput or a
// valid curve; never a panic.
func TestPropHostileInputNoPanic(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		duration := rapid.SliceOfN(hostileFloat(), 0, 10).Draw(t, "duration")
		event := rapid.SliceOfN(rapid.Bool(), 0, 10).Draw(t, "event")
		risk := rapid.SliceOfN(hostileFloat(), 0, 10).Draw(t, "risk")
		c, err := KaplanMeier(duration, event, nil)
		if err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("err = %v", err)
		}
		if err == nil {
			for _, s := range c.Survival {
				if !(s >= 0 && s <= 1) {
					t.Fatalf("S = %v", s)
				}
			}
		}
		if _, err := Concordance(risk, duration, event); err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("err = %v", err)
		}
	})
}
