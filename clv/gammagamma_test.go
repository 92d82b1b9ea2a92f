package clv

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/stat/distuv"
)

const (
	// ggPublishedTol: published p, q, γ are printed to 3 significant figures.
	ggPublishedTol = 5e-3
	// ggRefitTol: R optim's re-fit agrees to the optimisers' tolerance.
	ggRefitTol = 1e-5
	// ggLogLikAbsTol: R's log-likelihood printed to 15 digits; ours differs
	// by the optimisers' tolerance only.
	ggLogLikAbsTol = 1e-4
	// ggPrintedTol: values R printed to 15 significant digits, recomputed
	// from a closed form.
	ggPrintedTol = 1e-10
)

// ggLoadCDNOW reads the CDNOW summary with monetary value (ID, x, t_x, T,
// zbar; 2,357 customers, weeks).
func ggLoadCDNOW(t testing.TB) []Summary {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/cdnow/cdnow_customers_summary_with_transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	s := make([]Summary, 0, len(rows)-1)
	for _, r := range rows[1:] {
		var v [4]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(r[j+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		s = append(s, Summary{Customer: r[0], Frequency: v[0], Recency: v[1], T: v[2], MeanValue: v[3]})
	}
	return s
}

type ggRef struct {
	GG struct {
		N      int
		Fitted struct{ P, Q, Gamma float64 }
		LL     float64
		Pub    struct{ P, Q, Gamma float64 } `json:"published"`
		First  []float64                     `json:"cond_exp_spend_first10_at_published"`
		PopMu  float64                       `json:"implied_population_mean_spend"`
	} `json:"gammagamma_cdnow"`
}

func TestFitGammaGammaCDNOW(t *testing.T) {
	t.Parallel()
	var ref ggRef
	readRef(t, "clv_refits.json", &ref)
	s := ggLoadCDNOW(t)
	in := append([]Summary(nil), s...)
	m, err := FitGammaGamma(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, s); diff != "" {
		t.Errorf("FitGammaGamma modified s (-before +after):\n%s", diff)
	}
	if m.N != ref.GG.N {
		t.Errorf("N = %d, want %d customers with x > 0", m.N, ref.GG.N)
	}
	// Fader & Hardie (2013) note 025 via lifetimes' tests: p, q, γ = 6.25, 3.74, 15.44 (3 s.f.).
	pub := ref.GG.Pub
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p", m.P, pub.P}, {"q", m.Q, pub.Q}, {"γ", m.Gamma, pub.Gamma}} {
		if !scalar.EqualWithinRel(c.got, c.want, ggPublishedTol) {
			t.Errorf("%s = %.6g, published %v", c.name, c.got, c.want)
		}
	}
	// R re-fit (reference/clv_refits.json): 6.24880331, 3.74458830, 15.4477451; LL −4055.92324.
	fit := ref.GG.Fitted
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p", m.P, fit.P}, {"q", m.Q, fit.Q}, {"γ", m.Gamma, fit.Gamma}} {
		if !scalar.EqualWithinRel(c.got, c.want, ggRefitTol) {
			t.Errorf("%s = %.9g, R re-fit %.9g", c.name, c.got, c.want)
		}
	}
	if math.Abs(m.LogLik-ref.GG.LL) > ggLogLikAbsTol {
		t.Errorf("LogLik = %.6f, R %.6f", m.LogLik, ref.GG.LL)
	}
	if got := m.PopulationMean(); !scalar.EqualWithinRel(got, ref.GG.PopMu, ggRefitTol) {
		t.Errorf("PopulationMean = %v, R %v", got, ref.GG.PopMu)
	}
	// E(M | x, zbar) for the first 10 customers at the published parameters
	// (R, clv_refits.json; lifetimes' test cites Hardie's spreadsheet to 0.1).
	at := &GammaGamma{P: pub.P, Q: pub.Q, Gamma: pub.Gamma}
	for i, want := range ref.GG.First {
		if got := at.ExpectedValue(s[i].Frequency, s[i].MeanValue); !scalar.EqualWithinRel(got, want, ggPrintedTol) {
			t.Errorf("customer %d: ExpectedValue = %.10g, want %.10g", i+1, got, want)
		}
	}
}

func TestFrequencyValueCorrelationCDNOW(t *testing.T) {
	t.Parallel()
	s := ggLoadCDNOW(t)
	r, err := FrequencyValueCorrelation(s)
	if err != nil {
		t.Fatal(err)
	}
	// Fader & Hardie (2013) note 025: correlation between x and zbar among
	// repeat buyers is 0.11 (2 decimals).
	if math.Abs(r-0.11) > 0.005 {
		t.Errorf("correlation = %.4f, note 025 reports 0.11", r)
	}
}

func TestFrequencyValueCorrelation(t *testing.T) {
	t.Parallel()
	s := []Summary{
		{Frequency: 1, Recency: 1, T: 5, MeanValue: 10},
		{Frequency: 2, Recency: 2, T: 5, MeanValue: 20},
		{Frequency: 3, Recency: 3, T: 5, MeanValue: 30},
		{Frequency: 0, T: 5, MeanValue: 0}, // ignored: no repeat purchases
	}
	if r, err := FrequencyValueCorrelation(s); err != nil || !scalar.EqualWithinRel(r, 1, 1e-12) {
		t.Errorf("perfectly dependent: r = %v, %v; want 1", r, err)
	}
	s[2].MeanValue = 10
	s[0].MeanValue = 30
	// x = 1, 2, 3 against m = 30, 20, 10 → −1.
	if r, err := FrequencyValueCorrelation(s); err != nil || !scalar.EqualWithinRel(r, -1, 1e-12) {
		t.Errorf("r = %v, %v; want −1", r, err)
	}
	_, err := FrequencyValueCorrelation(s[3:])
	retentionWantInputErr(t, err, "s.Frequency", -1)
	_, err = FrequencyValueCorrelation([]Summary{{Frequency: 1, Recency: 1, T: 2, MeanValue: 5}, {Frequency: 1, Recency: 1, T: 2, MeanValue: 6}})
	retentionWantInputErr(t, err, "s.Frequency", -1)
	_, err = FrequencyValueCorrelation([]Summary{{Frequency: 1, Recency: 1, T: 2, MeanValue: 5}, {Frequency: 2, Recency: 1, T: 2, MeanValue: 5}})
	retentionWantInputErr(t, err, "s.MeanValue", -1)
}

func TestGammaGammaExpectedValue(t *testing.T) {
	t.Parallel()
	m := &GammaGamma{P: 6, Q: 4, Gamma: 15}
	// Hand-computed: p(γ + x m)/(px + q − 1) = 6(15 + 2·20)/(12 + 3) = 22.
	if got := m.ExpectedValue(2, 20); !scalar.EqualWithinRel(got, 22, 1e-14) {
		t.Errorf("ExpectedValue(2, 20) = %v, want 22", got)
	}
	if got, want := m.ExpectedValue(0, 123), 6.0*15/3; got != want {
		t.Errorf("ExpectedValue(0, ·) = %v, want the population mean %v", got, want)
	}
	// Many transactions: the customer's own mean dominates.
	if got := m.ExpectedValue(1e9, 50); !scalar.EqualWithinRel(got, 50, 1e-8) {
		t.Errorf("ExpectedValue(1e9, 50) = %v, want ≈ 50", got)
	}
	for _, in := range [][2]float64{{math.NaN(), 1}, {1, math.NaN()}, {-1, 1}, {1, -1}} {
		if got := m.ExpectedValue(in[0], in[1]); !math.IsNaN(got) {
			t.Errorf("ExpectedValue(%v) = %v, want NaN", in, got)
		}
	}
	heavy := &GammaGamma{P: 0.5, Q: 0.8, Gamma: 1}
	if got := heavy.ExpectedValue(0, 0); !math.IsInf(got, 1) {
		t.Errorf("q ≤ 1: ExpectedValue(0, 0) = %v, want +Inf", got)
	}
	if got := heavy.ExpectedValue(0.2, 3); !math.IsInf(got, 1) {
		t.Errorf("px + q ≤ 1: ExpectedValue = %v, want +Inf", got)
	}
}

func TestGammaGammaLogLik(t *testing.T) {
	t.Parallel()
	// The grouped likelihood equals note 025's density summed customer by
	// customer, and its analytic gradient matches central differences.
	s := []Summary{
		{Frequency: 1, Recency: 1, T: 9, MeanValue: 10},
		{Frequency: 2, Recency: 2, T: 9, MeanValue: 22.5},
		{Frequency: 5, Recency: 6, T: 9, MeanValue: 31},
		{Frequency: 2, Recency: 3, T: 9, MeanValue: 7},
		{Frequency: 0, T: 9},
	}
	d := ggNewData(s, 4)
	th := []float64{3.1, 2.2, 12}
	want := 0.0
	for _, r := range s[:4] {
		p, q, g, x, m := th[0], th[1], th[2], r.Frequency, r.MeanValue
		a, _ := math.Lgamma(p*x + q)
		b, _ := math.Lgamma(p * x)
		c, _ := math.Lgamma(q)
		want += a - b - c + q*math.Log(g) + (p*x-1)*math.Log(m) + p*x*math.Log(x) - (p*x+q)*math.Log(g+m*x)
	}
	grad := make([]float64, 3)
	if got := -d.negLogLik(grad, th); !scalar.EqualWithinRel(got, want, 1e-13) {
		t.Errorf("log-likelihood = %.15g, per-customer sum %.15g", got, want)
	}
	for i := range th {
		h := 1e-6 * th[i]
		tp := append([]float64(nil), th...)
		tm := append([]float64(nil), th...)
		tp[i] += h
		tm[i] -= h
		fd := (d.negLogLik(nil, tp) - d.negLogLik(nil, tm)) / (2 * h)
		if !scalar.EqualWithinAbsOrRel(grad[i], fd, 1e-6, 1e-6) {
			t.Errorf("∂/∂θ%d = %v, finite difference %v", i, grad[i], fd)
		}
	}
}

// ggSimulate returns n customers with x ~ 1 + Poisson-like counts and mean
// spend m_x drawn from the Gamma-Gamma model.
func ggSimulate(rng *rand.Rand, n int, p, q, g float64) []Summary {
	nu := distuv.Gamma{Alpha: q, Beta: g, Src: rng}
	s := make([]Summary, n)
	for i := range s {
		x := float64(1 + rng.IntN(8))
		v := nu.Rand()
		mx := distuv.Gamma{Alpha: p * x, Beta: v * x, Src: rng}.Rand()
		s[i] = Summary{Frequency: x, Recency: x, T: 10, MeanValue: mx}
	}
	return s
}

func TestFitGammaGammaRecovery(t *testing.T) {
	t.Parallel()
	// 20,000 simulated customers, fixed seed, fitted back within 3 standard errors.
	const seSpan = 3
	rng := rand.New(rand.NewPCG(25, 2013))
	for _, p := range [][3]float64{{6.25, 3.74, 15.44}, {2, 8, 100}} {
		s := ggSimulate(rng, 20000, p[0], p[1], p[2])
		m, err := FitGammaGamma(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := [3]float64{m.P, m.Q, m.Gamma}
		for i := range got {
			if m.StdErr[i] <= 0 || math.Abs(got[i]-p[i]) > seSpan*m.StdErr[i] {
				t.Errorf("true %v: fitted %v ± %v", p, got, m.StdErr)
				break
			}
		}
	}
}

func TestFitGammaGammaBadInput(t *testing.T) {
	t.Parallel()
	ok := Summary{Frequency: 2, Recency: 3, T: 5, MeanValue: 10}
	tests := []struct {
		name  string
		s     []Summary
		opts  *FitOptions
		field string
		index int
	}{
		{"empty", nil, nil, "s", -1},
		{"nan frequency", []Summary{ok, {Frequency: math.NaN(), T: 1}}, nil, "s.Frequency", 1},
		{"negative frequency", []Summary{{Frequency: -1, T: 1}}, nil, "s.Frequency", 0},
		{"recency after T", []Summary{ok, ok, {Frequency: 1, Recency: 6, T: 5, MeanValue: 1}}, nil, "s.Recency", 2},
		{"recency without repeat", []Summary{{Frequency: 0, Recency: 1, T: 5}}, nil, "s.Recency", 0},
		{"zero spend of a repeat buyer", []Summary{ok, {Frequency: 1, Recency: 1, T: 5}}, nil, "s.MeanValue", 1},
		{"no repeat buyer", []Summary{{T: 5}, {T: 3}}, nil, "s.Frequency", -1},
		{"negative L2", []Summary{ok}, &FitOptions{L2: -1}, "opts.L2", -1},
		{"nan tol", []Summary{ok}, &FitOptions{Tol: math.NaN()}, "opts.Tol", -1},
		{"negative MaxIter", []Summary{ok}, &FitOptions{MaxIter: -2}, "opts.MaxIter", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitGammaGamma(tc.s, tc.opts)
			if m != nil {
				t.Errorf("model = %+v, want nil", m)
			}
			retentionWantInputErr(t, err, tc.field, tc.index)
		})
	}
}

func TestFitGammaGammaNotConverged(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	s := ggSimulate(rng, 500, 6, 4, 15)
	m, err := FitGammaGamma(s, &FitOptions{MaxIter: 1})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	if m == nil || m.Converged || m.Iter != 1 || math.IsNaN(m.P+m.Q+m.Gamma+m.LogLik) {
		t.Errorf("model = %+v, want a finite model with Converged = false, Iter = 1", m)
	}
}

func TestFitGammaGammaL2Shrinks(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	s := ggSimulate(rng, 2000, 6, 4, 15)
	plain, err := FitGammaGamma(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	pen, err := FitGammaGamma(s, &FitOptions{L2: 10})
	if err != nil {
		t.Fatal(err)
	}
	sq := func(m *GammaGamma) float64 { return m.P*m.P + m.Q*m.Q + m.Gamma*m.Gamma }
	if sq(pen) >= sq(plain) || pen.LogLik > plain.LogLik {
		t.Errorf("L2 = 10 did not shrink: Σθ² %v vs %v, LL %v vs %v", sq(pen), sq(plain), pen.LogLik, plain.LogLik)
	}
}

func TestGammaGammaJSONRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	m, err := FitGammaGamma(ggSimulate(rng, 1000, 6, 4, 15), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back GammaGamma
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, in := range [][2]float64{{0, 0}, {1, 10}, {7, 42.5}} {
		if a, b := m.ExpectedValue(in[0], in[1]), back.ExpectedValue(in[0], in[1]); a != b {
			t.Errorf("ExpectedValue%v = %v before, %v after", in, a, b)
		}
	}
}

func TestGammaGammaConcurrentUse(t *testing.T) {
	t.Parallel()
	m := &GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	want := m.ExpectedValue(3, 40)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				_ = m.ExpectedValue(float64(i%10), float64(i))
				if got := m.ExpectedValue(3, 40); got != want {
					t.Errorf("ExpectedValue = %v, want %v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
