package churn

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// coxRossi is the rossi recidivism data (shared/data/rossi/rossi.csv):
// week, arrest and the seven covariates of the R reference fits.
type coxRossi struct {
	names []string
	week  []float64
	event []bool
	x     *mat.Dense
}

func coxReadRossi(t testing.TB) coxRossi {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/rossi/rossi.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	names := []string{"fin", "age", "race", "wexp", "mar", "paro", "prio"}
	n := len(recs) - 1
	r := coxRossi{names: names, week: make([]float64, n), event: make([]bool, n), x: mat.NewDense(n, len(names), nil)}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, rec := range recs[1:] {
		r.week[i] = num(rec[col["week"]])
		r.event[i] = num(rec[col["arrest"]]) == 1
		for j, nm := range names {
			r.x.Set(i, j, num(rec[col[nm]]))
		}
	}
	return r
}

type coxRef struct {
	Cox struct {
		N             int       `json:"n"`
		Nevent        int       `json:"nevent"`
		Terms         []string  `json:"terms"`
		Coef          []float64 `json:"coef"`
		SE            []float64 `json:"se_coef"`
		Z             []float64 `json:"z"`
		P             []float64 `json:"p"`
		ExpCoef       []float64 `json:"exp_coef"`
		Vcov          [][]float64
		LoglikInitial float64 `json:"loglik_initial"`
		LoglikFinal   float64 `json:"loglik_final"`
		Iterations    int     `json:"iterations"`
		Concordance   float64 `json:"concordance"`
		LRT           struct{ Stat, P float64 }
		Wald          struct{ Stat, P float64 }
		Score         struct{ Stat, P float64 }
	} `json:"cox"`
}

// Tolerances against R survival 3.5-3 (issue 4): the fits are iterative, so
// agreement is limited by R's convergence point, not by rounding.
const (
	coxCoefTol   = 1e-6 // relative, coefficients and standard errors
	coxLogLikTol = 1e-6 // absolute, log partial likelihoods
	coxTestTol   = 1e-6 // relative, LR / Wald / score statistics
	coxConcTol   = 1e-6 // absolute, concordance
)

func TestFitCoxRossiReference(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	for _, tc := range []struct {
		file string
		ties Ties
	}{
		// Values computed by R 4.2.2, survival 3.5-3:
		// coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi, ties = ...)
		{"rossi_coxph_efron.json", Efron},
		{"rossi_coxph_breslow.json", Breslow},
	} {
		t.Run(tc.ties.String(), func(t *testing.T) {
			t.Parallel()
			var ref coxRef
			readRef(t, tc.file, &ref)
			m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: tc.ties, Names: d.names})
			if err != nil {
				t.Fatal(err)
			}
			want := ref.Cox
			if m.N != want.N || m.Events != want.Nevent {
				t.Errorf("N, Events = %d, %d, want %d, %d", m.N, m.Events, want.N, want.Nevent)
			}
			if m.Iter != want.Iterations {
				t.Errorf("Iter = %d, want %d", m.Iter, want.Iterations)
			}
			sum := m.Summary()
			for j := range want.Coef {
				checkRel(t, "coef "+want.Terms[j], sum[j].Coef, want.Coef[j], coxCoefTol)
				checkRel(t, "se "+want.Terms[j], sum[j].StdErr, want.SE[j], coxCoefTol)
				checkRel(t, "exp(coef) "+want.Terms[j], sum[j].HazardRatio, want.ExpCoef[j], coxCoefTol)
				checkRel(t, "z "+want.Terms[j], sum[j].Z, want.Z[j], coxCoefTol)
				checkRel(t, "p "+want.Terms[j], sum[j].P, want.P[j], 1e-5)
				for k := range want.Coef {
					checkAbs(t, "vcov", m.Cov[j][k], want.Vcov[j][k], coxCoefTol*want.SE[j]*want.SE[k])
				}
			}
			checkAbs(t, "loglik initial", m.LogLikNull, want.LoglikInitial, coxLogLikTol)
			checkAbs(t, "loglik final", m.LogLik, want.LoglikFinal, coxLogLikTol)
			checkRel(t, "LRT", m.LikelihoodRatio.Chi2, want.LRT.Stat, coxTestTol)
			checkRel(t, "Wald", m.Wald.Chi2, want.Wald.Stat, coxTestTol)
			checkRel(t, "score", m.Score.Chi2, want.Score.Stat, coxTestTol)
			checkRel(t, "LRT p", m.LikelihoodRatio.P, want.LRT.P, 1e-5)
			checkRel(t, "Wald p", m.Wald.P, want.Wald.P, 1e-5)
			checkRel(t, "score p", m.Score.P, want.Score.P, 1e-5)
			checkAbs(t, "concordance", m.Concordance, want.Concordance, coxConcTol)
		})
	}
}

func checkRel(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !scalar.EqualWithinRel(got, want, tol) {
		t.Errorf("%s = %.12g, want %.12g (rel err %.3g > %g)", what, got, want, math.Abs(got-want)/math.Abs(want), tol)
	}
}

func checkAbs(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !scalar.EqualWithinAbs(got, want, tol) {
		t.Errorf("%s = %.12g, want %.12g (abs err %.3g > %g)", what, got, want, math.Abs(got-want), tol)
	}
}

// coxFinite reports whether every float in the model is finite.
func coxFinite(m *Cox) bool {
	ok := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	all := append(append([]float64{m.LogLik, m.LogLikNull, m.Concordance, m.LikelihoodRatio.Chi2, m.Wald.Chi2, m.Score.Chi2,
		m.LikelihoodRatio.P, m.Wald.P, m.Score.P}, m.Coef...), m.StdErr...)
	for _, r := range m.Cov {
		all = append(all, r...)
	}
	for _, b := range m.Baseline {
		all = append(all, b.CumHaz...)
	}
	for _, v := range all {
		if !ok(v) {
			return false
		}
	}
	return true
}

func TestFitCoxInputErrors(t *testing.T) {
	t.Parallel()
	x2 := mat.NewDense(4, 1, []float64{1, 2, 3, 4})
	dur := []float64{1, 2, 3, 4}
	ev := []bool{true, true, false, true}
	tests := []struct {
		name   string
		x      mat.Matrix
		dur    []float64
		ev     []bool
		opts   *CoxOptions
		field  string
		index  int
		reason string
	}{
		{"nil x", nil, dur, ev, nil, "x", -1, ""},
		{"empty", mat.NewDense(1, 1, []float64{1}), []float64{}, []bool{}, nil, "duration", -1, ""},
		{"event length", x2, dur, ev[:3], nil, "event", -1, ""},
		{"x rows", mat.NewDense(3, 1, []float64{1, 2, 3}), dur, ev, nil, "x", -1, ""},
		{"negative duration", x2, []float64{1, -2, 3, 4}, ev, nil, "duration", 1, ""},
		{"NaN duration", x2, []float64{1, 2, math.NaN(), 4}, ev, nil, "duration", 2, ""},
		{"NaN x", mat.NewDense(4, 1, []float64{1, 2, math.NaN(), 4}), dur, ev, nil, "x", 2, ""},
		{"Inf x", mat.NewDense(4, 2, []float64{1, 0, 2, 1, 3, math.Inf(1), 4, 0}), dur, ev, nil, "x", 2, ""},
		{"entry not before duration", x2, dur, ev, &CoxOptions{Entry: []float64{0, 2, 0, 0}}, "opts.Entry", 1, ""},
		{"negative weight", x2, dur, ev, &CoxOptions{Weight: []float64{1, 1, -1, 1}}, "opts.Weight", 2, ""},
		{"weight length", x2, dur, ev, &CoxOptions{Weight: []float64{1}}, "opts.Weight", -1, ""},
		{"strata length", x2, dur, ev, &CoxOptions{Strata: []int{1}}, "opts.Strata", -1, ""},
		{"names length", x2, dur, ev, &CoxOptions{Names: []string{"a", "b"}}, "opts.Names", -1, ""},
		{"negative L2", x2, dur, ev, &CoxOptions{L2: -1}, "opts.L2", -1, ""},
		{"NaN L2", x2, dur, ev, &CoxOptions{L2: math.NaN()}, "opts.L2", -1, ""},
		{"negative MaxIter", x2, dur, ev, &CoxOptions{MaxIter: -1}, "opts.MaxIter", -1, ""},
		{"bad Tol", x2, dur, ev, &CoxOptions{Tol: 2}, "opts.Tol", -1, ""},
		{"bad Ties", x2, dur, ev, &CoxOptions{Ties: 7}, "opts.Ties", -1, ""},
		{"all censored", x2, dur, []bool{false, false, false, false}, nil, "event", -1,
			"the partial likelihood has no term without events; KaplanMeier is still defined"},
		{"constant column", mat.NewDense(4, 2, []float64{1, 5, 2, 5, 3, 5, 4, 5}), dur, ev, nil, "x", 1, ""},
		{"collinear columns", mat.NewDense(4, 2, []float64{1, 2, 2, 4, 3, 6, 4, 8}), dur, ev, nil, "x", 1,
			"column 1 = 2·column 0"},
		{"more covariates than events", mat.NewDense(4, 4, []float64{1, 0, 3, 1, 2, 1, 1, 0, 3, 0, 4, 1, 4, 1, 2, 2}), dur, ev, nil, "x", -1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := FitCox(tc.x, tc.dur, tc.ev, tc.opts)
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("FitCox() error = %v, want ErrInvalidInput", err)
			}
			if m != nil {
				t.Errorf("FitCox() model = %v, want nil on invalid input", m)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || ie.Index != tc.index {
				t.Errorf("FitCox() error field/index = %q/%d (%v), want %q/%d", ie.Field, ie.Index, err, tc.field, tc.index)
			}
		})
	}
}

func TestFitCoxMonotoneLikelihood(t *testing.T) {
	t.Parallel()
	// Every customer with x = 1 churns before every customer with x = 0:
	// the partial likelihood increases without bound in β (Bryson & Johnson
	// 1981). R's coxph warns "coefficient may be infinite"; FitCox must
	// stop, flag the coefficient and return finite numbers.
	n := 40
	x := mat.NewDense(n, 2, nil)
	dur := make([]float64, n)
	ev := make([]bool, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < n; i++ {
		g := float64(i % 2)
		x.Set(i, 0, g)
		x.Set(i, 1, rng.NormFloat64())
		dur[i] = float64(i/2+1) + 100*(1-g)
		ev[i] = i%3 != 0
	}
	m, err := FitCox(x, dur, ev, nil)
	if !errors.Is(err, ErrNotConverged) || !errors.Is(err, ErrMonotoneLikelihood) {
		t.Fatalf("FitCox() error = %v, want ErrNotConverged and ErrMonotoneLikelihood", err)
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Index != 0 {
		t.Errorf("error index = %v, want column 0", err)
	}
	if m == nil {
		t.Fatal("FitCox() model = nil, want the last iterate for inspection")
	}
	if !m.Infinite[0] || m.Infinite[1] {
		t.Errorf("Infinite = %v, want [true false]", m.Infinite)
	}
	if !coxFinite(m) {
		t.Errorf("model has non-finite values: %+v", m)
	}
	if m.Coef[0] < 5 {
		t.Errorf("Coef[0] = %g, want a large positive value", m.Coef[0])
	}
}

func TestFitCoxNotConverged(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, &CoxOptions{MaxIter: 1})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("FitCox(MaxIter 1) error = %v, want ErrNotConverged", err)
	}
	if m == nil || m.Converged || m.Iter != 1 || !coxFinite(m) {
		t.Fatalf("FitCox(MaxIter 1) = %+v, want a finite, unconverged model after 1 iteration", m)
	}
}

// TestFitCoxEpisodeSplit checks the (start, stop] form: splitting every
// customer's follow-up at an arbitrary time into two episodes with the same
// covariates, the event on the last one, leaves the partial likelihood and
// so the fit unchanged (Therneau & Grambsch 2000, sec. 3.7).
func TestFitCoxEpisodeSplit(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	for _, ties := range []Ties{Efron, Breslow} {
		want, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: ties})
		if err != nil {
			t.Fatal(err)
		}
		n, p := d.x.Dims()
		var rows [][]float64
		var start, stop []float64
		var ev []bool
		var strata []int
		for i := 0; i < n; i++ {
			row := mat.Row(nil, i, d.x)
			cut := math.Floor(d.week[i] / 2)
			if cut > 0 {
				rows = append(rows, row)
				start, stop, ev = append(start, 0), append(stop, cut), append(ev, false)
				strata = append(strata, 0)
			}
			rows = append(rows, row)
			start, stop, ev = append(start, cut), append(stop, d.week[i]), append(ev, d.event[i])
			strata = append(strata, 0)
		}
		xs := mat.NewDense(len(rows), p, nil)
		for i, r := range rows {
			xs.SetRow(i, r)
		}
		got, err := FitCox(xs, stop, ev, &CoxOptions{Ties: ties, Entry: start, Strata: strata})
		if err != nil {
			t.Fatal(err)
		}
		// The split data twice, as two strata: same coefficients, twice the
		// log likelihood.
		m := len(rows)
		x2 := mat.NewDense(2*m, p, nil)
		x2.Stack(xs, xs)
		strata2 := make([]int, 2*m)
		for i := m; i < 2*m; i++ {
			strata2[i] = -4
		}
		two, err := FitCox(x2, append(slices.Clone(stop), stop...), append(slices.Clone(ev), ev...),
			&CoxOptions{Ties: ties, Entry: append(slices.Clone(start), start...), Strata: strata2})
		if err != nil {
			t.Fatal(err)
		}
		for j := range want.Coef {
			checkRel(t, "coef, two strata", two.Coef[j], want.Coef[j], 1e-9)
		}
		checkAbs(t, "loglik, two strata", two.LogLik, 2*want.LogLik, 1e-8)
		for j := range want.Coef {
			checkRel(t, "coef", got.Coef[j], want.Coef[j], 1e-9)
			checkRel(t, "se", got.StdErr[j], want.StdErr[j], 1e-9)
		}
		checkAbs(t, "loglik", got.LogLik, want.LogLik, 1e-9)
		checkAbs(t, "loglik null", got.LogLikNull, want.LogLikNull, 1e-9)
		// Exactly one episode per customer is at risk at any time, so the
		// comparable pairs, and C, are those of the unsplit data.
		checkAbs(t, "concordance", got.Concordance, want.Concordance, 1e-12)
		for _, tt := range []float64{5, 20, 52} {
			x0 := mat.Row(nil, 0, d.x)
			checkRel(t, "survival", got.Survival(x0, tt), want.Survival(x0, tt), 1e-9)
		}
	}
}

// TestFitCoxDelayedEntry compares delayed entry with a direct evaluation of
// the Breslow partial likelihood: a customer entering at e is in the risk
// set of the event times t with e < t ≤ duration.
func TestFitCoxDelayedEntry(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	n := 60
	x := mat.NewDense(n, 1, nil)
	dur := make([]float64, n)
	entry := make([]float64, n)
	ev := make([]bool, n)
	for i := 0; i < n; i++ {
		x.Set(i, 0, rng.NormFloat64())
		entry[i] = float64(rng.IntN(5))
		dur[i] = entry[i] + 1 + float64(rng.IntN(10))
		ev[i] = rng.Float64() < 0.7
	}
	m, err := FitCox(x, dur, ev, &CoxOptions{Ties: Breslow, Entry: entry})
	if err != nil {
		t.Fatal(err)
	}
	ll := func(b float64) float64 {
		var s float64
		for i := 0; i < n; i++ {
			if !ev[i] {
				continue
			}
			var den float64
			for j := 0; j < n; j++ {
				if entry[j] < dur[i] && dur[i] <= dur[j] {
					den += math.Exp(b * x.At(j, 0))
				}
			}
			s += b*x.At(i, 0) - math.Log(den)
		}
		return s
	}
	// Closed form at the estimate, and stationarity: ℓ'(β̂) = 0.
	checkAbs(t, "loglik", m.LogLik, ll(m.Coef[0]), 1e-9)
	checkAbs(t, "loglik null", m.LogLikNull, ll(0), 1e-9)
	h := 1e-5
	if g := (ll(m.Coef[0]+h) - ll(m.Coef[0]-h)) / (2 * h); math.Abs(g) > 1e-5 {
		t.Errorf("score at the estimate = %g, want 0", g)
	}
	curv := -(ll(m.Coef[0]+h) - 2*ll(m.Coef[0]) + ll(m.Coef[0]-h)) / (h * h)
	checkRel(t, "std err", m.StdErr[0], 1/math.Sqrt(curv), 1e-4)
}

// TestFitCoxStrataDuplicate: two strata holding the same data give the
// coefficients of one copy, twice its log likelihood and standard errors
// divided by √2.
func TestFitCoxStrataDuplicate(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	one, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, p := d.x.Dims()
	x2 := mat.NewDense(2*n, p, nil)
	x2.Stack(d.x, d.x)
	week := append(append([]float64(nil), d.week...), d.week...)
	ev := append(append([]bool(nil), d.event...), d.event...)
	strata := make([]int, 2*n)
	for i := n; i < 2*n; i++ {
		strata[i] = 9
	}
	two, err := FitCox(x2, week, ev, &CoxOptions{Strata: strata})
	if err != nil {
		t.Fatal(err)
	}
	for j := range one.Coef {
		checkRel(t, "coef", two.Coef[j], one.Coef[j], 1e-9)
		checkRel(t, "se", two.StdErr[j]*math.Sqrt2, one.StdErr[j], 1e-9)
	}
	checkAbs(t, "loglik", two.LogLik, 2*one.LogLik, 1e-8)
	checkAbs(t, "concordance", two.Concordance, one.Concordance, 1e-12)
	if len(two.Baseline) != 2 || two.Baseline[1].Stratum != 9 {
		t.Fatalf("Baseline strata = %+v, want labels 0 and 9", two.Baseline)
	}
	x0 := mat.Row(nil, 3, d.x)
	for _, tt := range []float64{10, 30, 52} {
		checkRel(t, "survival stratum 0", two.SurvivalIn(0, x0, tt), one.Survival(x0, tt), 1e-9)
		checkRel(t, "survival stratum 9", two.SurvivalIn(9, x0, tt), one.Survival(x0, tt), 1e-9)
	}
	if s := two.SurvivalIn(5, x0, 10); !math.IsNaN(s) {
		t.Errorf("SurvivalIn(unknown stratum) = %g, want NaN", s)
	}
}

// TestFitCoxWeightsReplicate: under Breslow ties an integer case weight k
// is the same as k copies of the row.
func TestFitCoxWeightsReplicate(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	n, p := d.x.Dims()
	w := make([]float64, n)
	var rows int
	for i := range w {
		w[i] = float64(1 + i%3)
		rows += int(w[i])
	}
	xr := mat.NewDense(rows, p, nil)
	var week []float64
	var ev []bool
	k := 0
	for i := 0; i < n; i++ {
		for c := 0; c < int(w[i]); c++ {
			xr.SetRow(k, mat.Row(nil, i, d.x))
			week = append(week, d.week[i])
			ev = append(ev, d.event[i])
			k++
		}
	}
	got, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: Breslow, Weight: w})
	if err != nil {
		t.Fatal(err)
	}
	want, err := FitCox(xr, week, ev, &CoxOptions{Ties: Breslow})
	if err != nil {
		t.Fatal(err)
	}
	for j := range want.Coef {
		checkRel(t, "coef", got.Coef[j], want.Coef[j], 1e-9)
		checkRel(t, "se", got.StdErr[j], want.StdErr[j], 1e-9)
	}
	checkAbs(t, "loglik", got.LogLik, want.LogLik, 1e-8)
	checkAbs(t, "concordance", got.Concordance, want.Concordance, 1e-12)
}

// TestFitCoxRidge checks the penalised fit: at the estimate the score of
// the partial likelihood equals λ·β (stationarity of ℓ(β) − λ/2·‖β‖²), and a
// huge penalty shrinks every coefficient to nearly zero.
func TestFitCoxRidge(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	const l2 = 5.0
	m, err := FitCox(d.x, d.week, d.event, &CoxOptions{L2: l2, Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	o := CoxOptions{}
	cd, err := coxPrepare("test", d.x, d.week, d.event, &o)
	if err != nil {
		t.Fatal(err)
	}
	ws := newCoxWork(cd.n, cd.p)
	beta := make([]float64, cd.p)
	for j := range beta {
		beta[j] = m.Coef[j] / cd.scale[j]
	}
	cd.pass(beta, Efron, ws, nil)
	for j := range beta {
		// score on the original scale is u/scale
		checkAbs(t, "score − λβ", ws.u[j]/cd.scale[j]-l2*m.Coef[j], 0, 1e-6)
	}
	big, err := FitCox(d.x, d.week, d.event, &CoxOptions{L2: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	for j, b := range big.Coef {
		if math.Abs(b) > 1e-6 {
			t.Errorf("Coef[%d] with λ = 1e9 is %g, want ≈ 0", j, b)
		}
	}
}

// TestFitCoxLargeValues: a column of balances in the millions (offset by a
// billion) gives the coefficient of the original column divided by the
// scale, without overflow, because covariates are centred internally.
func TestFitCoxLargeValues(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	n, p := d.x.Dims()
	big := mat.DenseCopyOf(d.x)
	for i := 0; i < n; i++ {
		big.Set(i, 1, 1e9+1e6*d.x.At(i, 1))
	}
	want, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FitCox(big, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < p; j++ {
		f := 1.0
		if j == 1 {
			f = 1e6
		}
		checkRel(t, "coef", got.Coef[j]*f, want.Coef[j], 1e-7)
	}
	checkAbs(t, "loglik", got.LogLik, want.LogLik, 1e-7)
	x0 := mat.Row(nil, 0, big)
	w0 := mat.Row(nil, 0, d.x)
	checkRel(t, "survival", got.Survival(x0, 30), want.Survival(w0, 30), 1e-7)
}

// TestCoxBaselineMartingale: with Breslow's baseline, the martingale
// residuals δᵢ − Ĥ₀(tᵢ)·exp(β̂·(xᵢ − x̄)) sum to zero (Therneau & Grambsch
// 2000, sec. 4.2), an identity that checks the baseline hazard.
func TestCoxBaselineMartingale(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: Breslow})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := d.x.Dims()
	var sum float64
	for i := 0; i < n; i++ {
		xi := mat.Row(nil, i, d.x)
		s := m.Survival(xi, d.week[i])
		res := -math.Log(s)
		if d.event[i] {
			res = 1 - res
		} else {
			res = -res
		}
		sum += res
	}
	checkAbs(t, "Σ martingale residuals", sum, 0, 1e-9)
}

func TestCoxSurvivalEdges(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	x0 := mat.Row(nil, 0, d.x)
	if s := m.Survival(x0, -1); s != 1 {
		t.Errorf("Survival(t = -1) = %g, want 1", s)
	}
	if s := m.Survival(x0, 0.5); s != 1 {
		t.Errorf("Survival(before first event) = %g, want 1", s)
	}
	if s := m.Survival(x0, math.NaN()); !math.IsNaN(s) {
		t.Errorf("Survival(NaN) = %g, want NaN", s)
	}
	if s := m.Survival(x0[:2], 10); !math.IsNaN(s) {
		t.Errorf("Survival(short x) = %g, want NaN", s)
	}
	if a, b := m.Survival(x0, 52), m.Survival(x0, 1e9); a != b {
		t.Errorf("Survival after the last event time changes: %g vs %g", a, b)
	}
	prev := 1.0
	for tt := 0.0; tt <= 60; tt += 0.5 {
		s := m.Survival(x0, tt)
		if s > prev || s < 0 || s > 1 {
			t.Fatalf("Survival(%g) = %g after %g: not a survival curve", tt, s, prev)
		}
		prev = s
	}
}

func TestCoxSurvivalAllocs(t *testing.T) {
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	x0 := mat.Row(nil, 0, d.x)
	if allocs := testing.AllocsPerRun(100, func() { m.Survival(x0, 30) }); allocs != 0 {
		t.Errorf("Survival allocates %v times, want 0", allocs)
	}
}

func TestFitCoxInputsUnchanged(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	n, _ := d.x.Dims()
	w := make([]float64, n)
	entry := make([]float64, n)
	strata := make([]int, n)
	for i := range w {
		w[i] = 1 + float64(i%4)
		entry[i] = 0.3 * float64(i%3)
		strata[i] = i % 2
	}
	xc := mat.DenseCopyOf(d.x)
	week := append([]float64(nil), d.week...)
	ev := append([]bool(nil), d.event...)
	opts := &CoxOptions{Weight: append([]float64(nil), w...), Entry: append([]float64(nil), entry...), Strata: append([]int(nil), strata...)}
	if _, err := FitCox(xc, week, ev, opts); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(xc, d.x) {
		t.Error("FitCox modified x")
	}
	if diff := cmp.Diff(d.week, week); diff != "" {
		t.Errorf("FitCox modified duration (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(d.event, ev); diff != "" {
		t.Errorf("FitCox modified event (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&CoxOptions{Weight: w, Entry: entry, Strata: strata}, opts); diff != "" {
		t.Errorf("FitCox modified opts (-want +got):\n%s", diff)
	}
}

func TestCoxJSONRoundTrip(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	n, _ := d.x.Dims()
	strata := make([]int, n)
	for i := range strata {
		strata[i] = 3 * (i % 2)
	}
	m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Names: d.names, Strata: strata, Ties: Breslow})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got Cox
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &got); diff != "" {
		t.Errorf("JSON round trip changed the model (-want +got):\n%s", diff)
	}
	for i := 0; i < n; i += 37 {
		xi := mat.Row(nil, i, d.x)
		for _, tt := range []float64{3, 20, 52} {
			if a, b := m.SurvivalIn(strata[i], xi, tt), got.SurvivalIn(strata[i], xi, tt); a != b {
				t.Errorf("SurvivalIn after JSON = %g, want %g", b, a)
			}
		}
	}
	if diff := cmp.Diff(m.Summary(), got.Summary()); diff != "" {
		t.Errorf("Summary after JSON (-want +got):\n%s", diff)
	}
}

func TestCoxConcurrentUse(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := d.x.Dims()
	checkConcurrentPredictions(t, n, func(i int) float64 {
		_ = m.Summary()
		_ = m.LinearPredictor(mat.Row(nil, i, d.x))
		return m.Survival(mat.Row(nil, i, d.x), 26)
	})
}

// checkConcurrentPredictions computes predict(i) for i < n once, then from
// 8 goroutines at once, and reports any difference (run under -race, it
// also catches writes to a fitted model).
func checkConcurrentPredictions(t *testing.T, n int, predict func(i int) float64) {
	t.Helper()
	want := make([]float64, n)
	for i := range want {
		want[i] = predict(i)
	}
	var wg sync.WaitGroup
	var bad sync.Once
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				if got := predict(i); got != want[i] {
					bad.Do(func() { t.Errorf("prediction %d = %v under concurrency, want %v", i, got, want[i]) })
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestTiesText(t *testing.T) {
	t.Parallel()
	for _, tt := range []Ties{Efron, Breslow} {
		b, err := tt.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Ties
		if err := back.UnmarshalText(b); err != nil || back != tt {
			t.Errorf("round trip of %v = %v, %v", tt, back, err)
		}
	}
	if v, err := ParseTies(" BRESLOW "); err != nil || v != Breslow {
		t.Errorf("ParseTies(BRESLOW) = %v, %v", v, err)
	}
	if _, err := ParseTies("exact"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("ParseTies(exact) error = %v, want ErrInvalidInput", err)
	}
	if _, err := Ties(5).MarshalText(); err == nil {
		t.Error("MarshalText(Ties(5)) succeeded")
	}
	if s := Ties(5).String(); s != "Ties(5)" {
		t.Errorf("Ties(5).String() = %q", s)
	}
}

// TestFitCoxRecovery fits simulated Weibull proportional-hazards data with
// known β (n = 100,000, fixed seed, about 30% censored) and checks that
// every estimate lies within 3 standard errors of the truth.
func TestFitCoxRecovery(t *testing.T) {
	t.Parallel()
	n := 100000 // the size; smaller under -short and -race (still ≥ 10k)
	if testing.Short() || coxRace {
		n = 25000
	}
	beta := []float64{0.7, -0.4, 0.15}
	x, dur, ev := coxSimWeibull(n, beta, 11)
	var cens int
	for _, e := range ev {
		if !e {
			cens++
		}
	}
	if f := float64(cens) / float64(n); f < 0.25 || f > 0.35 {
		t.Fatalf("censored fraction %.3f, want about 0.30", f)
	}
	for _, ties := range []Ties{Efron, Breslow} {
		m, err := FitCox(x, dur, ev, &CoxOptions{Ties: ties})
		if err != nil {
			t.Fatal(err)
		}
		for j, b := range beta {
			if z := (m.Coef[j] - b) / m.StdErr[j]; math.Abs(z) > 3 {
				t.Errorf("%v: coef %d = %.4f ± %.4f, truth %.4f (z = %.2f)", ties, j, m.Coef[j], m.StdErr[j], b, z)
			}
		}
	}
}

// coxSimWeibull draws Weibull(shape 1.3, scale 10) proportional-hazards
// times with log hazard ratios beta for standard-normal (column 0: binary)
// covariates, censored by an independent uniform(0, 30) time (about 30%
// censored), on a continuous time scale.
func coxSimWeibull(n int, beta []float64, seed uint64) (*mat.Dense, []float64, []bool) {
	rng := rand.New(rand.NewPCG(seed, 2))
	p := len(beta)
	x := mat.NewDense(n, p, nil)
	dur := make([]float64, n)
	ev := make([]bool, n)
	const shape, scale, cmax = 1.3, 10.0, 30.0
	for i := 0; i < n; i++ {
		var lp float64
		for j := 0; j < p; j++ {
			v := rng.NormFloat64()
			if j == 0 {
				v = float64(rng.IntN(2))
			}
			x.Set(i, j, v)
			lp += beta[j] * v
		}
		tt := scale * math.Pow(-math.Log(1-rng.Float64())*math.Exp(-lp), 1/shape)
		c := cmax * rng.Float64()
		dur[i], ev[i] = min(tt, c), tt <= c
	}
	return x, dur, ev
}

// TestCoxConcordanceEpisodes checks the concordance of (start, stop] data
// against its definition, counted pair by pair: an event of row i at t is
// compared with each other row j of its stratum with start_j < t ≤ stop_j,
// except other events at t; pairs weigh w_i·w_j, equal risks count ½.
func TestCoxConcordanceEpisodes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for rep := 0; rep < 20; rep++ {
		n := 30 + rng.IntN(40)
		x := mat.NewDense(n, 1, nil)
		dur, entry, w := make([]float64, n), make([]float64, n), make([]float64, n)
		ev := make([]bool, n)
		strata := make([]int, n)
		for i := 0; i < n; i++ {
			x.Set(i, 0, float64(rng.IntN(5)))
			entry[i] = float64(rng.IntN(4))
			dur[i] = entry[i] + 1 + float64(rng.IntN(6))
			ev[i] = rng.Float64() < 0.6
			w[i] = 1 + float64(rng.IntN(3))
			strata[i] = rng.IntN(2)
		}
		m, err := FitCox(x, dur, ev, &CoxOptions{Entry: entry, Weight: w, Strata: strata})
		if err != nil && m == nil {
			t.Fatal(err)
		}
		var num, den float64
		for i := 0; i < n; i++ {
			if !ev[i] {
				continue
			}
			ri := m.LinearPredictor(mat.Row(nil, i, x))
			for j := 0; j < n; j++ {
				if j == i || strata[j] != strata[i] || !(entry[j] < dur[i] && dur[i] <= dur[j]) || (ev[j] && dur[j] == dur[i]) {
					continue
				}
				rj := m.LinearPredictor(mat.Row(nil, j, x))
				pw := w[i] * w[j]
				den += pw
				switch {
				case ri > rj:
					num += pw
				case ri == rj:
					num += pw / 2
				}
			}
		}
		checkAbs(t, "concordance", m.Concordance, num/den, 1e-12)
	}
}

// coxRossiVariant returns the delayed entry, case weights and strata of the
// rossi variant used by the reference values below: for row i (0-based)
// entry 0.3·(i mod 3), weight 1 + (i mod 4), stratum i mod 2.
func coxRossiVariant(n int) (entry, weight []float64, strata []int) {
	entry, weight, strata = make([]float64, n), make([]float64, n), make([]int, n)
	for i := 0; i < n; i++ {
		entry[i] = 0.3 * float64(i%3)
		weight[i] = 1 + float64(i%4)
		strata[i] = i % 2
	}
	return entry, weight, strata
}

// TestFitCoxRReferenceVariants checks delayed entry, weights, strata, the
// ridge penalty, predicted survival, cox.zph on a stratified episode fit, and
// weighted survreg against R. Values computed by R 4.2.2, survival 3.5-3,
// printed with sprintf("%.17g"), from shared/data/rossi/rossi.csv:
//
//	i <- 0:431; d$start <- 0.3 * (i %% 3); d$w <- 1 + (i %% 4); d$s <- i %% 2
//	f1 <- coxph(Surv(start, week, arrest) ~ fin + age + race + wexp + mar + paro + prio + strata(s),
//	            data = d, weights = w, ties = "efron")        # and ties = "breslow"
//	cox.zph(f1, transform = "km")$table[, "chisq"]
//	f3 <- coxph(Surv(week, arrest) ~ fin + ... + prio, data = d)   # and ties = "breslow"
//	summary(survfit(f3, newdata = d[c(1, 5), ]), times = c(5, 20, 52))$surv
//	coxph(Surv(week, arrest) ~ ridge(fin, ..., prio, theta = 5, scale = FALSE), data = d)
//	survreg(Surv(week, arrest) ~ fin + ... + prio, data = d, weights = w, dist = "weibull")
func TestFitCoxRReferenceVariants(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	n, _ := d.x.Dims()
	entry, weight, strata := coxRossiVariant(n)
	episodes := []struct {
		ties             Ties
		coef, se         []float64
		ll0, ll, conc    float64
		zphKM, zphGlobal []float64
	}{
		{Efron,
			[]float64{-0.20818406789185084, -0.070335142644044363, 0.40242019050152117, -0.12569090220398249, -0.14087418230791987, -0.024195689944519001, 0.071825591787154322},
			[]float64{0.1219787979871626, 0.01457457526508971, 0.20192373683562051, 0.13713273668255127, 0.22021824607670532, 0.12714433060095956, 0.01896356563683118},
			-1698.112388524476, -1665.0702826708098, 0.63363975042403686,
			[]float64{0.082540759506774572, 18.301315678500185, 6.3795527518074122, 5.2078404618415028, 2.6315979327533436, 0.0071307927244265894, 2.5211902586639963},
			[]float64{43.237081531349148}},
		{Breslow,
			[]float64{-0.20917158729696098, -0.070036959130087034, 0.40351034601158065, -0.12668394744483297, -0.14141662222946336, -0.024573148395989647, 0.071591266846104631},
			[]float64{0.12198357250751178, 0.014562391481675641, 0.20197293607767902, 0.13705439615701656, 0.22014210689535149, 0.1271409377270902, 0.018968848623389951},
			-1698.9341274655017, -1666.0436808498582, 0.6336776108553428, nil, nil},
	}
	for _, tc := range episodes {
		opts := &CoxOptions{Ties: tc.ties, Entry: entry, Weight: weight, Strata: strata}
		m, err := FitCox(d.x, d.week, d.event, opts)
		if err != nil {
			t.Fatal(err)
		}
		for j := range tc.coef {
			checkRel(t, tc.ties.String()+" episodes coef", m.Coef[j], tc.coef[j], coxCoefTol)
			checkRel(t, tc.ties.String()+" episodes se", m.StdErr[j], tc.se[j], coxCoefTol)
		}
		checkAbs(t, "episodes loglik initial", m.LogLikNull, tc.ll0, coxLogLikTol)
		checkAbs(t, "episodes loglik", m.LogLik, tc.ll, coxLogLikTol)
		checkAbs(t, "episodes concordance", m.Concordance, tc.conc, coxConcTol)
		if tc.zphKM != nil {
			z, err := m.PHTest(d.x, d.week, d.event, opts, TransformKM)
			if err != nil {
				t.Fatal(err)
			}
			for j, c := range z.Covariates {
				checkRel(t, "episodes zph chisq", c.Chi2, tc.zphKM[j], zphRefTol)
			}
			checkRel(t, "episodes zph global", z.Global.Chi2, tc.zphGlobal[0], zphRefTol)
		}
	}

	// Predicted survival of rows 1 and 5 (R's numbering) at weeks 5, 20, 52.
	for _, tc := range []struct {
		ties       Ties
		row1, row5 []float64
	}{
		{Efron, []float64{0.98808519141173246, 0.90264813884099948, 0.71489440212041044}, []float64{0.98813475508290216, 0.9030351091788712, 0.71589917110624546}},
		{Breslow, []float64{0.98806539626913248, 0.90276475390098232, 0.71535284649654762}, []float64{0.98815141406507911, 0.9034345674251677, 0.71709239700947425}},
	} {
		m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: tc.ties})
		if err != nil {
			t.Fatal(err)
		}
		for k, tt := range []float64{5, 20, 52} {
			checkRel(t, tc.ties.String()+" survival row 1", m.Survival(mat.Row(nil, 0, d.x), tt), tc.row1[k], coxCoefTol)
			checkRel(t, tc.ties.String()+" survival row 5", m.Survival(mat.Row(nil, 4, d.x), tt), tc.row5[k], coxCoefTol)
		}
	}

	// Ridge: penalty (θ/2)·Σβ² with θ = 5 on the covariates' own scale.
	ridge, err := FitCox(d.x, d.week, d.event, &CoxOptions{L2: 5})
	if err != nil {
		t.Fatal(err)
	}
	ridgeCoef := []float64{-0.31434996029327916, -0.059571534051278088, 0.22114689217448635, -0.14163893440190992, -0.26996772641045946, -0.072235045249464933, 0.091006734594107505}
	ridgeSE := []float64{0.17515836432045026, 0.02177980653803796, 0.24692888371012361, 0.19071533499059948, 0.27842002108937669, 0.17939829696420498, 0.028361499653988417}
	for j := range ridgeCoef {
		checkRel(t, "ridge coef", ridge.Coef[j], ridgeCoef[j], coxCoefTol)
		checkRel(t, "ridge se", ridge.StdErr[j], ridgeSE[j], coxCoefTol)
	}
	checkAbs(t, "ridge loglik", ridge.LogLik, -658.96219184438382, coxLogLikTol)

	// Weighted Weibull regression.
	wb, err := FitWeibull(d.x, d.week, d.event, &WeibullOptions{Weight: weight})
	if err != nil {
		t.Fatal(err)
	}
	wbCoef := []float64{3.9035906858689264, 0.16301242571235294, 0.049259050340032896, -0.27085735586802845, 0.10944043725257184, 0.085250661045752157, 0.0076606990030852543, -0.051892990863535875}
	wbSE := []float64{0.27398534414786979, 0.087065538117813021, 0.010663843198908445, 0.14396389431248952, 0.09743049763227217, 0.15656521287584971, 0.090489413958641476, 0.013795009615763805, 0.057551427278799451}
	checkRel(t, "weighted weibull intercept", wb.Intercept, wbCoef[0], weibRefTol)
	checkRel(t, "weighted weibull intercept se", wb.InterceptStdErr, wbSE[0], weibRefTol)
	for j := range wb.Coef {
		checkRel(t, "weighted weibull coef", wb.Coef[j], wbCoef[j+1], weibRefTol)
		checkRel(t, "weighted weibull se", wb.StdErr[j], wbSE[j+1], weibRefTol)
	}
	checkRel(t, "weighted weibull log(scale) se", wb.LogScaleStdErr, wbSE[8], weibRefTol)
	checkRel(t, "weighted weibull scale", wb.Scale(), 0.71223112815919953, weibRefTol)
	checkAbs(t, "weighted weibull loglik null", wb.LogLikNull, -1696.2331669014206, weibRefTol)
	checkAbs(t, "weighted weibull loglik", wb.LogLik, -1662.5878084873193, weibRefTol)
}

// TestFitCoxAnyMatrix: a mat.Matrix that is not a *mat.Dense (here a
// transposed view) gives the same fit as the dense copy.
func TestFitCoxAnyMatrix(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	want, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	view := mat.DenseCopyOf(d.x.T()).T() // a mat.Transpose
	if _, ok := view.(*mat.Dense); ok {
		t.Fatal("test needs a matrix that is not *mat.Dense")
	}
	got, err := FitCox(view, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FitCox(view) differs (-dense +view):\n%s", diff)
	}
	wb, err := FitWeibull(view, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	wd, err := FitWeibull(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wd, wb); diff != "" {
		t.Errorf("FitWeibull(view) differs (-dense +view):\n%s", diff)
	}
}
