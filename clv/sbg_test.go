package clv

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/stat/distuv"
)

const (
	// sbgPublishedTol: the published γ, δ are printed to 3 significant
	// figures (half a unit in the third digit, relative).
	sbgPublishedTol = 5e-3
	// sbgLogLikAbsTol: the issue asks for the log-likelihood to 0.1.
	sbgLogLikAbsTol = 0.1
	// sbgRefitTol: R optim's re-fit (reltol 1e-8 on LL, printed to 15
	// digits) agrees with ours to the optimiser's tolerance on the
	// parameters, tighter on LL and the derived curves.
	sbgRefitTol      = 1e-5
	sbgRefitLogLikTo = 1e-6
)

// sbgRefSeries holds one segment of reference/clv_refits.json "sbg".
type sbgRefSeries struct {
	Gamma, Delta      float64
	LL                float64
	SurvivalFitted    []float64 `json:"survival_fitted"`
	RetentionFitted   []float64 `json:"retention_rate_fitted"`
	Observed          []float64
	ObservedRetention []float64 `json:"observed_retention"`
}

type sbgRef struct {
	SBG       map[string]sbgRefSeries `json:"sbg"`
	Published map[string]struct {
		Gamma, Delta float64
	} `json:"sbg_published"`
}

// Survivors per 1,000 at years 0..7 of the calibration period, Fader &
// Hardie (2007) Table 1 (as reproduced in reference/README.md §4).
var sbgCalibration = map[string][]float64{
	"regular": {1000, 631, 468, 382, 326, 289, 262, 241},
	"highend": {1000, 869, 743, 653, 593, 551, 517, 491},
}

func TestFitSBGReference(t *testing.T) {
	t.Parallel()
	var ref sbgRef
	readRef(t, "clv_refits.json", &ref)
	for name, alive := range sbgCalibration {
		t.Run(name, func(t *testing.T) {
			in := append([]float64(nil), alive...)
			m, err := FitSBG(alive)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(in, alive); diff != "" {
				t.Errorf("FitSBG modified alive (-before +after):\n%s", diff)
			}
			pub, fit := ref.Published[name], ref.SBG[name]
			// Published γ, δ: Fader & Hardie (2007), via reference/README.md §4 (3 s.f.).
			if !scalar.EqualWithinRel(m.Gamma, pub.Gamma, sbgPublishedTol) || !scalar.EqualWithinRel(m.Delta, pub.Delta, sbgPublishedTol) {
				t.Errorf("γ, δ = %.6g, %.6g; published %v, %v", m.Gamma, m.Delta, pub.Gamma, pub.Delta)
			}
			// R re-fit (research/r/clv.R, base R optim), clv_refits.json.
			if !scalar.EqualWithinRel(m.Gamma, fit.Gamma, sbgRefitTol) || !scalar.EqualWithinRel(m.Delta, fit.Delta, sbgRefitTol) {
				t.Errorf("γ, δ = %.9g, %.9g; R re-fit %.9g, %.9g", m.Gamma, m.Delta, fit.Gamma, fit.Delta)
			}
			if math.Abs(m.LogLik-fit.LL) > sbgLogLikAbsTol || !scalar.EqualWithinRel(m.LogLik, fit.LL, sbgRefitLogLikTo) {
				t.Errorf("LogLik = %.6f, R %.6f", m.LogLik, fit.LL)
			}
			for i, want := range fit.SurvivalFitted {
				if got := 1000 * m.Survival(float64(i)); !scalar.EqualWithinRel(got, want, sbgRefitTol) {
					t.Errorf("1000·Survival(%d) = %.6f, R %.6f", i, got, want)
				}
			}
			for i, want := range fit.RetentionFitted {
				if got := m.Retention(float64(i + 1)); !scalar.EqualWithinRel(got, want, sbgRefitTol) {
					t.Errorf("Retention(%d) = %.6f, R %.6f", i+1, got, want)
				}
			}
			if m.Cohort != 1000 || m.Periods != 7 || !m.Converged {
				t.Errorf("Cohort, Periods, Converged = %v, %v, %v", m.Cohort, m.Periods, m.Converged)
			}
		})
	}
}

func TestSBGSurvivalRetentionConsistent(t *testing.T) {
	t.Parallel()
	m := &SBG{Gamma: 0.704, Delta: 1.182}
	// Closed forms: S(1) = δ/(γ+δ); S(t) = Π r_i; r_t = S(t)/S(t−1).
	if got, want := m.Survival(1), 1.182/(0.704+1.182); !scalar.EqualWithinRel(got, want, 1e-13) {
		t.Errorf("Survival(1) = %v, want %v", got, want)
	}
	s := 1.0
	for tt := 1; tt <= 200; tt++ {
		s *= m.Retention(float64(tt))
		if got := m.Survival(float64(tt)); !scalar.EqualWithinRel(got, s, 1e-11) {
			t.Fatalf("Survival(%d) = %v, product of retentions %v", tt, got, s)
		}
	}
	for _, tt := range []float64{0.25, 0.5, 2.5, 7.3} {
		if got, want := m.Retention(tt), m.Survival(tt)/m.Survival(tt-1); !scalar.EqualWithinRel(got, want, 1e-12) {
			t.Errorf("Retention(%v) = %v, S(t)/S(t−1) = %v", tt, got, want)
		}
	}
	// Edge cases documented on the methods.
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"S(0)", m.Survival(0), 1}, {"S(-3)", m.Survival(-3), 1}, {"S(+Inf)", m.Survival(math.Inf(1)), 0},
		{"r(0)", m.Retention(0), 1}, {"r(-1)", m.Retention(-1), 1}, {"r(+Inf)", m.Retention(math.Inf(1)), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !math.IsNaN(m.Survival(math.NaN())) || !math.IsNaN(m.Retention(math.NaN())) {
		t.Error("NaN in did not give NaN out")
	}
}

// sbgBruteDERL sums S(t)/S(n−1)·(1+d)^−(t−n) over t ≥ n directly.
func sbgBruteDERL(m *SBG, d float64, renewals int) float64 {
	n := renewals + 1
	sum, s, disc := 0.0, 1.0, 1.0
	for t := n; t < n+200000; t++ {
		s *= m.Retention(float64(t))
		sum += s * disc
		disc /= 1 + d
		if s*disc < 1e-18*sum {
			break
		}
	}
	return sum
}

func TestSBGDERL(t *testing.T) {
	t.Parallel()
	// Closed-form ₂F₁ against the defining sum, and the identity
	// DEL = 1 + DERL(d, 0)/(1+d) (Fader & Hardie 2010).
	const tol = 1e-10
	for _, m := range []*SBG{{Gamma: 0.704, Delta: 1.182}, {Gamma: 0.668, Delta: 3.806}, {Gamma: 1, Delta: 2}, {Gamma: 3.5, Delta: 0.4}} {
		for _, d := range []float64{0.5, 0.1, 0.01, 0.002} {
			for _, n := range []int{0, 1, 4, 20} {
				got, err := m.DERL(d, n)
				if err != nil {
					t.Fatal(err)
				}
				if want := sbgBruteDERL(m, d, n); !scalar.EqualWithinRel(got, want, tol) {
					t.Errorf("γ=%v δ=%v: DERL(%v, %d) = %.12g, brute-force sum %.12g", m.Gamma, m.Delta, d, n, got, want)
				}
			}
			del, err := m.DEL(d)
			if err != nil {
				t.Fatal(err)
			}
			derl, _ := m.DERL(d, 0)
			if want := 1 + derl/(1+d); !scalar.EqualWithinRel(del, want, tol) {
				t.Errorf("DEL(%v) = %v, 1 + DERL/(1+d) = %v", d, del, want)
			}
		}
	}
	// Small d goes through mathext.Hypergeo; check it against the series
	// where γ is far from an integer (see the DERL doc for the accuracy).
	m := &SBG{Gamma: 0.704, Delta: 1.182}
	got, _ := m.DERL(5e-4, 2)
	if want := sbgBruteDERL(m, 5e-4, 2); !scalar.EqualWithinRel(got, want, 1e-8) {
		t.Errorf("DERL(5e-4, 2) = %.12g, brute-force sum %.12g", got, want)
	}
	// d = 0: Gauss's sum when γ > 1, +Inf when γ ≤ 1; d < 0 diverges.
	g := &SBG{Gamma: 3, Delta: 2}
	if got, _ := g.DERL(0, 0); !scalar.EqualWithinRel(got, sbgBruteDERL(g, 0, 0), 1e-6) {
		t.Errorf("DERL(0, 0) = %v, brute-force %v", got, sbgBruteDERL(g, 0, 0))
	}
	if got, _ := m.DERL(0, 0); !math.IsInf(got, 1) {
		t.Errorf("DERL(0, 0) with γ < 1 = %v, want +Inf", got)
	}
	if got, _ := g.DERL(-0.1, 3); !math.IsInf(got, 1) {
		t.Errorf("DERL(-0.1, 3) = %v, want +Inf", got)
	}
	// With Simple's timing, m·DERL(d, 0)/(1+d) = m·(DEL − 1); as γ, δ → ∞
	// with δ/(γ+δ) = r fixed the cohort is homogeneous and it tends to
	// Simple(m, r, d).
	homog := &SBG{Gamma: 2e6, Delta: 8e6} // r = 0.8
	derl0, _ := homog.DERL(0.12, 0)
	del0, _ := homog.DEL(0.12)
	if v, w := 100*derl0/1.12, Simple(100, 0.8, 0.12); !scalar.EqualWithinRel(v, w, 1e-4) || !scalar.EqualWithinRel(100*(del0-1), v, 1e-12) {
		t.Errorf("homogeneous cohort: m·DERL/(1+d) = %v, m·(DEL−1) = %v, Simple = %v", v, 100*(del0-1), w)
	}
	// Loyal survivors are worth more: DERL increases with renewals.
	prev := 0.0
	for n := range 30 {
		v, _ := m.DERL(0.1, n)
		if v <= prev {
			t.Errorf("DERL(0.1, %d) = %v ≤ DERL(0.1, %d) = %v", n, v, n-1, prev)
		}
		prev = v
	}
}

func TestSBGDERLBadInput(t *testing.T) {
	t.Parallel()
	m := &SBG{Gamma: 0.704, Delta: 1.182}
	for _, c := range []struct {
		name  string
		d     float64
		n     int
		field string
	}{
		{"d = -1", -1, 0, "d"}, {"d < -1", -5, 0, "d"}, {"nan d", math.NaN(), 0, "d"},
		{"inf d", math.Inf(1), 0, "d"}, {"negative renewals", 0.1, -1, "renewals"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := m.DERL(c.d, c.n)
			retentionWantInputErr(t, err, c.field, -1)
		})
	}
	_, err := m.DEL(-1)
	retentionWantInputErr(t, err, "d", -1)
}

func TestFitSBGBadInput(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name  string
		alive []float64
		index int
	}{
		{"empty", nil, -1},
		{"one value", []float64{100}, -1},
		{"increasing", []float64{100, 80, 90}, 2},
		{"increasing at start", []float64{100, 101}, 1},
		{"nan", []float64{100, nan, 50}, 1},
		{"inf", []float64{math.Inf(1), 50}, 0},
		{"negative", []float64{100, 50, -1}, 2},
		{"empty cohort", []float64{0, 0}, 0},
		{"nobody lost", []float64{100, 100, 100}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitSBG(tc.alive)
			if m != nil {
				t.Errorf("model = %+v, want nil", m)
			}
			retentionWantInputErr(t, err, "alive", tc.index)
		})
	}
}

func TestFitSBGNotConverged(t *testing.T) {
	t.Parallel()
	// Everyone leaves in period 1: the likelihood increases as δ → 0 and
	// has no maximum; the fit must say so, with a finite last model.
	m, err := FitSBG([]float64{100, 0, 0})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	if m == nil || m.Converged || math.IsNaN(m.Gamma) || math.IsNaN(m.Delta) || math.IsNaN(m.LogLik) {
		t.Errorf("model = %+v, want a finite non-converged model", m)
	}
}

// sbgSimulate returns the survivor series over periods 0..n of a cohort of
// size customers with θ ~ beta(γ, δ).
func sbgSimulate(rng *rand.Rand, size, n int, g, d float64) []float64 {
	beta := distuv.Beta{Alpha: g, Beta: d, Src: rng}
	alive := make([]float64, n+1)
	for range size {
		theta := beta.Rand()
		alive[0]++
		for t := 1; t <= n; t++ {
			if rng.Float64() < theta {
				break
			}
			alive[t]++
		}
	}
	return alive
}

func TestFitSBGRecovery(t *testing.T) {
	t.Parallel()
	// Data simulated from the model (20,000 customers, 10 periods, fixed
	// seed) is fitted back within 3 standard errors.
	const seSpan = 3
	rng := rand.New(rand.NewPCG(6, 2007))
	for _, p := range [][2]float64{{0.7, 1.2}, {0.67, 3.8}, {2, 5}} {
		alive := sbgSimulate(rng, 20000, 10, p[0], p[1])
		m, err := FitSBG(alive)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.Gamma-p[0]) > seSpan*m.StdErr[0] || math.Abs(m.Delta-p[1]) > seSpan*m.StdErr[1] {
			t.Errorf("true (%v, %v): fitted (%.4f ± %.4f, %.4f ± %.4f)", p[0], p[1], m.Gamma, m.StdErr[0], m.Delta, m.StdErr[1])
		}
		if m.StdErr[0] <= 0 || m.StdErr[1] <= 0 {
			t.Errorf("StdErr = %v, want positive", m.StdErr)
		}
	}
}

func TestSBGJSONRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := FitSBG(sbgCalibration["regular"])
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back SBG
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tt := range []float64{0, 1, 5, 12.5} {
		if m.Survival(tt) != back.Survival(tt) || m.Retention(tt) != back.Retention(tt) {
			t.Errorf("predictions differ at t = %v", tt)
		}
	}
	d1, _ := m.DERL(0.1, 3)
	d2, _ := back.DERL(0.1, 3)
	if d1 != d2 {
		t.Errorf("DERL differs after round trip: %v vs %v", d1, d2)
	}
}

func TestSBGConcurrentUse(t *testing.T) {
	t.Parallel()
	m, err := FitSBG(sbgCalibration["highend"])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.DERL(0.1, 2)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				tt := float64(i%20) + float64(g)/8
				_ = m.Survival(tt)
				_ = m.Retention(tt)
				if v, _ := m.DERL(0.1, 2); v != want {
					t.Errorf("DERL = %v, want %v", v, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
