package churn

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/mat"
)

// Tolerance against R survreg (issue 4): 1e-5 relative, the agreement of
// two converged iterative fits.
const weibRefTol = 1e-5

func TestFitWeibullRossiReference(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	// Values computed by R 4.2.2, survival 3.5-3:
	// survreg(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi, dist = "weibull")
	var ref struct {
		Survreg struct {
			Weibull struct {
				Coef                map[string]float64
				SE                  map[string]float64 `json:"se"`
				Scale               float64
				LoglikFinal         float64 `json:"loglik_final"`
				LoglikInterceptOnly float64 `json:"loglik_intercept_only"`
			}
		}
	}
	readRef(t, "rossi_survreg.json", &ref)
	want := ref.Survreg.Weibull
	m, err := FitWeibull(d.x, d.week, d.event, &WeibullOptions{Names: d.names})
	if err != nil {
		t.Fatal(err)
	}
	checkRel(t, "intercept", m.Intercept, want.Coef["(Intercept)"], weibRefTol)
	checkRel(t, "intercept se", m.InterceptStdErr, want.SE["(Intercept)"], weibRefTol)
	for j, nm := range d.names {
		checkRel(t, "coef "+nm, m.Coef[j], want.Coef[nm], weibRefTol)
		checkRel(t, "se "+nm, m.StdErr[j], want.SE[nm], weibRefTol)
	}
	checkRel(t, "scale", m.Scale(), want.Scale, weibRefTol)
	checkRel(t, "log(scale) se", m.LogScaleStdErr, want.SE["Log(scale)"], weibRefTol)
	checkAbs(t, "loglik", m.LogLik, want.LoglikFinal, weibRefTol)
	checkAbs(t, "loglik intercept only", m.LogLikNull, want.LoglikInterceptOnly, weibRefTol)
	if !m.Converged {
		t.Error("Converged = false")
	}
}

func TestFitWeibullInterceptOnly(t *testing.T) {
	t.Parallel()
	// With no censoring and σ fixed the MLE of the intercept has a closed
	// form; here instead check the exponential special case through its
	// likelihood: the fitted model without covariates must reproduce the
	// intercept-only log likelihood of the full rossi fit.
	d := coxReadRossi(t)
	full, err := FitWeibull(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := FitWeibull(nil, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkAbs(t, "loglik", m.LogLik, full.LogLikNull, 1e-9)
	if m.LogLik != m.LogLikNull {
		t.Errorf("LogLik %g != LogLikNull %g without covariates", m.LogLik, m.LogLikNull)
	}
	// Closed-form checks of the predictions.
	lam, k := math.Exp(m.Intercept), m.Shape()
	checkRel(t, "survival", m.Survival(nil, 30), math.Exp(-math.Pow(30/lam, k)), 1e-12)
	checkRel(t, "median", m.Median(nil), lam*math.Pow(math.Ln2, 1/k), 1e-12)
	checkRel(t, "S(median)", m.Survival(nil, m.Median(nil)), 0.5, 1e-12)
}

// TestFitWeibullRecovery: simulated Weibull data (n = 100,000, fixed seed,
// about 30% censored), the AFT coefficients are −β/k and σ = 1/k; every
// estimate must lie within 3 standard errors of the truth.
func TestFitWeibullRecovery(t *testing.T) {
	t.Parallel()
	n := 100000 // the size; smaller under -short and -race (still ≥ 10k)
	if testing.Short() || coxRace {
		n = 25000
	}
	beta := []float64{0.7, -0.4, 0.15}
	x, dur, ev := coxSimWeibull(n, beta, 12)
	m, err := FitWeibull(x, dur, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	const shape, scale = 1.3, 10.0
	if z := (m.Intercept - math.Log(scale)) / m.InterceptStdErr; math.Abs(z) > 3 {
		t.Errorf("intercept %.4f ± %.4f, truth %.4f", m.Intercept, m.InterceptStdErr, math.Log(scale))
	}
	for j, b := range beta {
		if z := (m.Coef[j] + b/shape) / m.StdErr[j]; math.Abs(z) > 3 {
			t.Errorf("coef %d = %.4f ± %.4f, truth %.4f", j, m.Coef[j], m.StdErr[j], -b/shape)
		}
	}
	if z := (m.LogScale + math.Log(shape)) / m.LogScaleStdErr; math.Abs(z) > 3 {
		t.Errorf("log scale %.4f ± %.4f, truth %.4f", m.LogScale, m.LogScaleStdErr, -math.Log(shape))
	}
}

func TestFitWeibullInputErrors(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(4, 1, []float64{1, 2, 3, 4})
	dur := []float64{1, 2, 3, 4}
	ev := []bool{true, true, false, true}
	tests := []struct {
		name  string
		x     mat.Matrix
		dur   []float64
		ev    []bool
		opts  *WeibullOptions
		field string
		index int
	}{
		{"empty", nil, nil, nil, nil, "duration", -1},
		{"zero duration", x, []float64{1, 0, 3, 4}, ev, nil, "duration", 1},
		{"NaN duration", x, []float64{1, 2, math.NaN(), 4}, ev, nil, "duration", 2},
		{"x rows", mat.NewDense(2, 1, []float64{1, 2}), dur, ev, nil, "x", -1},
		{"NaN x", mat.NewDense(4, 1, []float64{1, math.NaN(), 3, 4}), dur, ev, nil, "x", 1},
		{"all censored", x, dur, make([]bool, 4), nil, "event", -1},
		{"constant column", mat.NewDense(4, 1, []float64{2, 2, 2, 2}), dur, ev, nil, "x", 0},
		{"collinear", mat.NewDense(4, 2, []float64{1, 3, 2, 5, 3, 7, 4, 9}), dur, ev, nil, "x", 1},
		{"names", x, dur, ev, &WeibullOptions{Names: []string{"a", "b"}}, "opts.Names", -1},
		{"weights", x, dur, ev, &WeibullOptions{Weight: []float64{1, -1, 1, 1}}, "opts.Weight", 1},
		{"MaxIter", x, dur, ev, &WeibullOptions{MaxIter: -2}, "opts.MaxIter", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := FitWeibull(tc.x, tc.dur, tc.ev, tc.opts)
			if !errors.Is(err, ErrInvalidInput) || m != nil {
				t.Fatalf("FitWeibull() = %v, %v; want nil, ErrInvalidInput", m, err)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || ie.Index != tc.index {
				t.Errorf("error %v: field/index = %q/%d, want %q/%d", err, ie.Field, ie.Index, tc.field, tc.index)
			}
		})
	}
}

func TestWeibullPredictionEdges(t *testing.T) {
	t.Parallel()
	m := &Weibull{Intercept: 2, Coef: []float64{0.5}, LogScale: -0.3}
	x := []float64{1}
	if s := m.Survival(x, 0); s != 1 {
		t.Errorf("Survival(0) = %g, want 1", s)
	}
	if s := m.Survival(x, -3); s != 1 {
		t.Errorf("Survival(-3) = %g, want 1", s)
	}
	for _, s := range []float64{m.Survival(x, math.NaN()), m.Survival(nil, 1), m.Median([]float64{1, 2}), m.Quantile(x, 1.5), m.Quantile(x, math.NaN())} {
		if !math.IsNaN(s) {
			t.Errorf("got %g, want NaN", s)
		}
	}
	if q := m.Quantile(x, 0); q != 0 {
		t.Errorf("Quantile(0) = %g, want 0", q)
	}
	if q := m.Quantile(x, 1); !math.IsInf(q, 1) {
		t.Errorf("Quantile(1) = %g, want +Inf", q)
	}
	for _, p := range []float64{0.1, 0.5, 0.9} {
		checkRel(t, "S(Q(p))", m.Survival(x, m.Quantile(x, p)), 1-p, 1e-12)
	}
}

func TestWeibullSurvivalAllocs(t *testing.T) {
	m := &Weibull{Intercept: 2, Coef: []float64{0.5}, LogScale: -0.3}
	x := []float64{1}
	if a := testing.AllocsPerRun(100, func() { m.Survival(x, 3) }); a != 0 {
		t.Errorf("Survival allocates %v times", a)
	}
}

func TestWeibullJSONRoundTrip(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitWeibull(d.x, d.week, d.event, &WeibullOptions{Names: d.names})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got Weibull
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &got); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	x0 := mat.Row(nil, 5, d.x)
	if a, b := m.Survival(x0, 20), got.Survival(x0, 20); a != b {
		t.Errorf("Survival after JSON = %g, want %g", b, a)
	}
	if a, b := m.Median(x0), got.Median(x0); a != b {
		t.Errorf("Median after JSON = %g, want %g", b, a)
	}
}

func TestWeibullConcurrentUse(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitWeibull(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := d.x.Dims()
	checkConcurrentPredictions(t, n, func(i int) float64 {
		xi := mat.Row(nil, i, d.x)
		return m.Survival(xi, 26) + m.Median(xi)
	})
}

func TestFitWeibullInputsUnchanged(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	n := 50
	x := mat.NewDense(n, 2, nil)
	dur := make([]float64, n)
	ev := make([]bool, n)
	w := make([]float64, n)
	for i := 0; i < n; i++ {
		x.Set(i, 0, rng.NormFloat64())
		x.Set(i, 1, rng.Float64())
		dur[i] = 0.1 + rng.ExpFloat64()
		ev[i] = rng.Float64() < 0.7
		w[i] = 1 + rng.Float64()
	}
	xc := mat.DenseCopyOf(x)
	dc := append([]float64(nil), dur...)
	ec := append([]bool(nil), ev...)
	wc := append([]float64(nil), w...)
	if _, err := FitWeibull(x, dur, ev, &WeibullOptions{Weight: w}); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, xc) || cmp.Diff(dc, dur) != "" || cmp.Diff(ec, ev) != "" || cmp.Diff(wc, w) != "" {
		t.Error("FitWeibull modified its inputs")
	}
}
