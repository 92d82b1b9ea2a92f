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
	// bgbbPublishedTol: published α, β, γ, δ printed to 3 significant figures.
	bgbbPublishedTol = 5e-3
	// bgbbRefitTol: R optim's re-fit agrees to the optimisers' tolerance.
	bgbbRefitTol = 1e-5
	// bgbbLogLikAbsTol: R's log-likelihood, printed to 15 digits.
	bgbbLogLikAbsTol = 1e-6
	// bgbbTable6Tol: FHS 2010 Table 6 prints P(alive) to 2 decimals.
	bgbbTable6Tol = 0.005
	// bgbbSheetAbsTol: Hardie's spreadsheet totals printed to 1 decimal.
	bgbbSheetAbsTol = 0.05
)

// bgbbLoadDonations reads the donations data: 22 (x, t_x, n) patterns and
// their donor counts (11,104 donors, n = 6).
func bgbbLoadDonations(t testing.TB) ([]Summary, []float64) {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/bgbb_donations/donations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var s []Summary
	var w []float64
	for _, r := range rows[1:] {
		var v [4]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(r[j], 64); err != nil {
				t.Fatal(err)
			}
		}
		s = append(s, Summary{Frequency: v[0], Recency: v[1], T: v[2]})
		w = append(w, v[3])
	}
	return s, w
}

type bgbbRef struct {
	BGBB struct {
		N         float64
		Fitted    struct{ Alpha, Beta, Gamma, Delta float64 }
		LL        float64
		Published struct{ Alpha, Beta, Gamma, Delta float64 }
	} `json:"bgbb_donations"`
}

func TestFitBGBBDonations(t *testing.T) {
	t.Parallel()
	var ref bgbbRef
	readRef(t, "clv_refits.json", &ref)
	s, w := bgbbLoadDonations(t)
	sIn, wIn := append([]Summary(nil), s...), append([]float64(nil), w...)
	m, err := FitBGBB(s, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sIn, s); diff != "" {
		t.Errorf("FitBGBB modified s:\n%s", diff)
	}
	if diff := cmp.Diff(wIn, w); diff != "" {
		t.Errorf("FitBGBB modified count:\n%s", diff)
	}
	if m.N != ref.BGBB.N {
		t.Errorf("N = %v, want %v", m.N, ref.BGBB.N)
	}
	got := [4]float64{m.Alpha, m.Beta, m.Gamma, m.Delta}
	// Fader, Hardie & Shang (2010), via lifetimes' tests: 1.204, 0.750, 0.657, 2.783.
	p := ref.BGBB.Published
	// R re-fit, reference/clv_refits.json.
	f := ref.BGBB.Fitted
	pub, fit := [4]float64{p.Alpha, p.Beta, p.Gamma, p.Delta}, [4]float64{f.Alpha, f.Beta, f.Gamma, f.Delta}
	for i := range got {
		if !scalar.EqualWithinRel(got[i], pub[i], bgbbPublishedTol) {
			t.Errorf("parameter %d = %.6g, published %v", i, got[i], pub[i])
		}
		if !scalar.EqualWithinRel(got[i], fit[i], bgbbRefitTol) {
			t.Errorf("parameter %d = %.9g, R re-fit %.9g", i, got[i], fit[i])
		}
	}
	if math.Abs(m.LogLik-ref.BGBB.LL) > bgbbLogLikAbsTol {
		t.Errorf("LogLik = %.6f, R %.6f", m.LogLik, ref.BGBB.LL)
	}

	// FHS 2010 Table 6 (via lifetimes' tests): P(alive in 2002) after 6 opportunities.
	for _, c := range []struct{ x, tx, want float64 }{{0, 0, 0.11}, {2, 4, 0.59}, {6, 6, 0.93}} {
		if got := m.PAlive(c.x, c.tx, 6); math.Abs(got-c.want) > bgbbTable6Tol {
			t.Errorf("PAlive(%v, %v, 6) = %.4f, Table 6 %.2f", c.x, c.tx, got, c.want)
		}
	}
	// Hardie's BG/BB spreadsheet (via lifetimes' tests): Σ over donors of the
	// expected donations in the next 5 years = 12,884.2; expected donors
	// with 0 and 6 repeat donations in 1996-2001 = 3,454.9 and 1,253.1.
	sum := 0.0
	for i, r := range s {
		sum += w[i] * m.ConditionalPurchases(5, r.Frequency, r.Recency, r.T)
	}
	if math.Abs(sum-12884.2) > bgbbSheetAbsTol {
		t.Errorf("Σ ConditionalPurchases(5) = %.2f, spreadsheet 12884.2", sum)
	}
	for _, c := range []struct{ x, want float64 }{{0, 3454.9}, {6, 1253.1}} {
		if got := m.N * m.PMF(c.x, 6); math.Abs(got-c.want) > bgbbSheetAbsTol {
			t.Errorf("N·PMF(%v, 6) = %.2f, spreadsheet %v", c.x, got, c.want)
		}
	}
}

func TestBGBBIdentities(t *testing.T) {
	t.Parallel()
	m := &BGBB{Alpha: 1.204, Beta: 0.75, Gamma: 0.657, Delta: 2.783}
	const tol = 1e-12
	for _, n := range []float64{0, 1, 6, 40} {
		// The PMF sums to 1 and its mean is ExpectedPurchases(n).
		total, mean := 0.0, 0.0
		for x := 0.0; x <= n; x++ {
			p := m.PMF(x, n)
			total += p
			mean += x * p
		}
		if !scalar.EqualWithinAbsOrRel(total, 1, tol, tol) {
			t.Errorf("Σ_x PMF(x, %v) = %v", n, total)
		}
		if got := m.ExpectedPurchases(n); !scalar.EqualWithinAbsOrRel(got, mean, tol, tol) {
			t.Errorf("ExpectedPurchases(%v) = %v, Σ x·PMF = %v", n, got, mean)
		}
		// The likelihoods of all possible histories over n opportunities
		// sum to 1 once each (x, t_x) is weighted by its number of
		// transaction sequences, C(t_x − 1, x − 1).
		lsum := 0.0
		for tx := 0.0; tx <= n; tx++ {
			for x := 0.0; x <= tx; x++ {
				if (x == 0) != (tx == 0) {
					continue
				}
				mult := 1.0
				if x > 0 {
					mult = math.Round(math.Exp(bgbbLChooseTest(tx-1, x-1)))
				}
				lsum += mult * math.Exp(bgbbLogLik(m.Alpha, m.Beta, m.Gamma, m.Delta, int(x), int(tx), int(n), nil))
			}
		}
		if !scalar.EqualWithinAbsOrRel(lsum, 1, tol, tol) {
			t.Errorf("n = %v: Σ histories L = %v, want 1", n, lsum)
		}
	}
	// A new customer with no opportunity yet: P(alive at 1) = δ/(γ+δ).
	if got, want := m.PAlive(0, 0, 0), m.Delta/(m.Gamma+m.Delta); !scalar.EqualWithinRel(got, want, tol) {
		t.Errorf("PAlive(0, 0, 0) = %v, want %v", got, want)
	}
	// Conditional on the empty history, the next t opportunities are a new customer's first t.
	if got, want := m.ConditionalPurchases(9, 0, 0, 0), m.ExpectedPurchases(9); !scalar.EqualWithinRel(got, want, tol) {
		t.Errorf("ConditionalPurchases(9 | 0,0,0) = %v, ExpectedPurchases(9) = %v", got, want)
	}
	// The closed form used beyond 10,000 opportunities agrees with the sum.
	for _, g := range []float64{0.657, 1, 1 + 1e-10, 2.5} {
		direct := 0.0
		sum := func(from, t float64) float64 {
			d := 0.0
			for k := from + 1; k <= from+t; k++ {
				d += math.Exp(bgbbLBeta(g, 2.783+k) - bgbbLBeta(g, 2.783))
			}
			return d
		}
		direct = sum(6, 30000)
		if got := bgbbSumSurvival(g, 2.783, 6, 30000); !scalar.EqualWithinRel(got, direct, 1e-9) {
			t.Errorf("γ = %v: closed form %v, direct sum %v", g, got, direct)
		}
	}
	// t = +Inf is the limit of large t when γ > 1.
	h := &BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 2.5, Delta: 2.8}
	if got, want := h.ConditionalPurchases(math.Inf(1), 2, 4, 6), h.ConditionalPurchases(1e9, 2, 4, 6); !scalar.EqualWithinRel(got, want, 1e-9) {
		t.Errorf("ConditionalPurchases(+Inf) = %v, at 1e9 %v", got, want)
	}
	if got, want := h.ExpectedPurchases(math.Inf(1)), h.ExpectedPurchases(1e9); !scalar.EqualWithinRel(got, want, 1e-9) {
		t.Errorf("ExpectedPurchases(+Inf) = %v, at 1e9 %v", got, want)
	}
	if !math.IsInf(m.ExpectedPurchases(math.Inf(1)), 1) || !math.IsInf(m.ConditionalPurchases(math.Inf(1), 1, 1, 6), 1) {
		t.Error("γ ≤ 1: expected lifetime totals should be +Inf")
	}
}

// bgbbLChooseTest returns ln C(n, k).
func bgbbLChooseTest(n, k float64) float64 {
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(k + 1)
	c, _ := math.Lgamma(n - k + 1)
	return a - b - c
}

func TestBGBBTotal(t *testing.T) {
	t.Parallel()
	m := &BGBB{Alpha: 1.204, Beta: 0.75, Gamma: 0.657, Delta: 2.783}
	nan := math.NaN()
	// Impossible histories and NaN give NaN, as documented.
	for _, h := range [][3]float64{
		{nan, 0, 6}, {1, nan, 6}, {1, 1, nan}, {-1, 0, 6}, {1, 0, 6}, {0, 2, 6},
		{3, 2, 6}, {1, 7, 6}, {1.5, 2, 6}, {1, 1, 1e9}, {1, 1, math.Inf(1)},
	} {
		if got := m.PAlive(h[0], h[1], h[2]); !math.IsNaN(got) {
			t.Errorf("PAlive%v = %v, want NaN", h, got)
		}
		if got := m.ConditionalPurchases(3, h[0], h[1], h[2]); !math.IsNaN(got) {
			t.Errorf("ConditionalPurchases(3, %v) = %v, want NaN", h, got)
		}
	}
	if !math.IsNaN(m.ConditionalPurchases(nan, 1, 1, 6)) || !math.IsNaN(m.ExpectedPurchases(nan)) {
		t.Error("NaN t should give NaN")
	}
	if m.ConditionalPurchases(-2, 1, 1, 6) != 0 || m.ExpectedPurchases(-1) != 0 || m.ExpectedPurchases(0.9) != 0 {
		t.Error("t < 1 should give 0")
	}
	if got, want := m.ExpectedPurchases(6.7), m.ExpectedPurchases(6); got != want {
		t.Errorf("ExpectedPurchases(6.7) = %v, want ExpectedPurchases(6) = %v (t rounded down)", got, want)
	}
	for _, in := range [][2]float64{{-1, 6}, {7, 6}, {1.5, 6}, {nan, 6}, {1, 1e9}} {
		if got := m.PMF(in[0], in[1]); !math.IsNaN(got) {
			t.Errorf("PMF%v = %v, want NaN", in, got)
		}
	}
}

func TestBGBBLogLikFast(t *testing.T) {
	t.Parallel()
	// The prediction path (recurrences) agrees with the fit's likelihood (lgamma per term).
	for _, th := range [][4]float64{{1.204, 0.75, 0.657, 2.783}, {0.1, 20, 15, 0.2}, {30, 0.3, 0.2, 40}} {
		for _, h := range [][3]int{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {3, 10, 25}, {0, 0, 0}, {1, 1, 500}, {40, 90, 3000}} {
			want := bgbbLogLik(th[0], th[1], th[2], th[3], h[0], h[1], h[2], nil)
			got, _ := bgbbLogLikFast(th[0], th[1], th[2], th[3], h[0], h[1], h[2])
			if !scalar.EqualWithinAbsOrRel(got, want, 1e-11, 1e-11) {
				t.Errorf("θ %v, history %v: fast %v, reference %v", th, h, got, want)
			}
		}
	}
}

func TestBGBBGradient(t *testing.T) {
	t.Parallel()
	th := [4]float64{1.3, 0.8, 0.6, 2.9}
	for _, h := range [][3]int{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {3, 10, 25}, {0, 0, 0}} {
		var grad [4]float64
		bgbbLogLik(th[0], th[1], th[2], th[3], h[0], h[1], h[2], &grad)
		for i := range th {
			step := 1e-6 * th[i]
			tp, tm := th, th
			tp[i] += step
			tm[i] -= step
			fd := (bgbbLogLik(tp[0], tp[1], tp[2], tp[3], h[0], h[1], h[2], nil) -
				bgbbLogLik(tm[0], tm[1], tm[2], tm[3], h[0], h[1], h[2], nil)) / (2 * step)
			if !scalar.EqualWithinAbsOrRel(grad[i], fd, 1e-7, 1e-6) {
				t.Errorf("history %v: ∂/∂θ%d = %v, finite difference %v", h, i, grad[i], fd)
			}
		}
	}
}

// bgbbSimulate draws n customers over `periods` opportunities from the BG/BB model.
func bgbbSimulate(rng *rand.Rand, n, periods int, a, b, g, d float64) []Summary {
	pd := distuv.Beta{Alpha: a, Beta: b, Src: rng}
	td := distuv.Beta{Alpha: g, Beta: d, Src: rng}
	s := make([]Summary, n)
	for i := range s {
		p, theta := pd.Rand(), td.Rand()
		x, tx := 0, 0
		for k := 1; k <= periods; k++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				x++
				tx = k
			}
		}
		s[i] = Summary{Frequency: float64(x), Recency: float64(tx), T: float64(periods)}
	}
	return s
}

func TestFitBGBBRecovery(t *testing.T) {
	t.Parallel()
	// 20,000 simulated customers over 10 opportunities, fixed seed, fitted
	// back within 3 standard errors.
	const seSpan = 3
	rng := rand.New(rand.NewPCG(10, 2010))
	for _, p := range [][4]float64{{1.204, 0.75, 0.657, 2.783}, {0.5, 2, 2, 10}} {
		s := bgbbSimulate(rng, 20000, 10, p[0], p[1], p[2], p[3])
		m, err := FitBGBB(s, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := [4]float64{m.Alpha, m.Beta, m.Gamma, m.Delta}
		for i := range got {
			if m.StdErr[i] <= 0 || math.Abs(got[i]-p[i]) > seSpan*m.StdErr[i] {
				t.Errorf("true %v: fitted %v ± %v", p, got, m.StdErr)
				break
			}
		}
		if m.N != 20000 {
			t.Errorf("N = %v", m.N)
		}
	}
}

func TestFitBGBBCountsEqualRepeatedRows(t *testing.T) {
	t.Parallel()
	// Counts are frequency weights: the same fit as the expanded rows.
	rows := bgbbSimulate(rand.New(rand.NewPCG(3, 3)), 400, 5, 1.2, 0.75, 0.66, 2.8)
	var s []Summary
	var w []float64
	seen := map[Summary]int{}
	for _, r := range rows {
		j, ok := seen[r]
		if !ok {
			j = len(s)
			seen[r] = j
			s = append(s, r)
			w = append(w, 0)
		}
		w[j]++
	}
	a, errA := FitBGBB(s, w, nil)
	b, errB := FitBGBB(rows, nil, nil)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("weighted vs expanded (-weighted +expanded):\n%s", diff)
	}
}

func TestFitBGBBBadInput(t *testing.T) {
	t.Parallel()
	ok := Summary{Frequency: 2, Recency: 3, T: 6}
	tests := []struct {
		name  string
		s     []Summary
		count []float64
		field string
		index int
	}{
		{"empty", nil, nil, "s", -1},
		{"nan frequency", []Summary{ok, {Frequency: math.NaN(), T: 6}}, nil, "s.Frequency", 1},
		{"recency after n", []Summary{{Frequency: 1, Recency: 7, T: 6}}, nil, "s.Recency", 0},
		{"recency without repeat", []Summary{ok, {Recency: 2, T: 6}}, nil, "s.Recency", 1},
		{"fractional frequency", []Summary{{Frequency: 1.5, Recency: 2, T: 6}}, nil, "s.Frequency", 0},
		{"fractional T", []Summary{ok, ok, {Frequency: 1, Recency: 2, T: 6.5}}, nil, "s.T", 2},
		{"frequency above recency", []Summary{{Frequency: 3, Recency: 2, T: 6}}, nil, "s.Frequency", 0},
		{"too many periods", []Summary{{Frequency: 1, Recency: 1, T: 1e6}}, nil, "s.T", 0},
		{"count length", []Summary{ok}, []float64{1, 2}, "count", -1},
		{"negative count", []Summary{ok, ok}, []float64{1, -2}, "count", 1},
		{"nan count", []Summary{ok}, []float64{math.NaN()}, "count", 0},
		{"all counts zero", []Summary{ok}, []float64{0}, "count", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FitBGBB(tc.s, tc.count, nil)
			if m != nil {
				t.Errorf("model = %+v, want nil", m)
			}
			retentionWantInputErr(t, err, tc.field, tc.index)
		})
	}
}

func TestFitBGBBNotConverged(t *testing.T) {
	t.Parallel()
	s := bgbbSimulate(rand.New(rand.NewPCG(1, 1)), 500, 6, 1.2, 0.75, 0.66, 2.8)
	m, err := FitBGBB(s, nil, &FitOptions{MaxIter: 1})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	if m == nil || m.Converged || math.IsNaN(m.Alpha+m.Beta+m.Gamma+m.Delta+m.LogLik) {
		t.Errorf("model = %+v, want a finite non-converged model", m)
	}
}

func TestBGBBJSONRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := FitBGBB(bgbbSimulate(rand.New(rand.NewPCG(2, 2)), 2000, 6, 1.2, 0.75, 0.66, 2.8), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back BGBB
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, h := range [][3]float64{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}} {
		if m.PAlive(h[0], h[1], h[2]) != back.PAlive(h[0], h[1], h[2]) ||
			m.ConditionalPurchases(5, h[0], h[1], h[2]) != back.ConditionalPurchases(5, h[0], h[1], h[2]) {
			t.Errorf("predictions for %v differ after the round trip", h)
		}
	}
}

func TestBGBBConcurrentUse(t *testing.T) {
	t.Parallel()
	m := &BGBB{Alpha: 1.204, Beta: 0.75, Gamma: 0.657, Delta: 2.783}
	want := m.ConditionalPurchases(5, 2, 4, 6)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				n := float64(6 + i%5)
				_ = m.PAlive(1, 1, n)
				_ = m.PMF(1, n)
				_ = m.ExpectedPurchases(n)
				if got := m.ConditionalPurchases(5, 2, 4, 6); got != want {
					t.Errorf("ConditionalPurchases = %v, want %v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// The models answer the calls the lifetime-value code makes.
var (
	_ TransactionModel = (*BGBB)(nil)
	_ SpendModel       = (*GammaGamma)(nil)
)

func TestValuePredictionsAllocationFree(t *testing.T) {
	bg := &BGBB{Alpha: 1.204, Beta: 0.75, Gamma: 0.657, Delta: 2.783}
	gg := &GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	sb := &SBG{Gamma: 0.704, Delta: 1.182}
	var sink float64
	allocs := testing.AllocsPerRun(100, func() {
		sink += bg.PAlive(2, 4, 6) + bg.ConditionalPurchases(5, 2, 4, 6) + bg.ExpectedPurchases(6) + bg.PMF(2, 6)
		sink += gg.ExpectedValue(3, 40)
		sink += sb.Survival(5) + sb.Retention(5) + Simple(10, 0.8, 0.1)
		v, _ := sb.DERL(0.1, 3)
		sink += v
	})
	if allocs != 0 {
		t.Errorf("prediction methods allocate %v times per call set, want 0", allocs)
	}
	_ = sink
}
