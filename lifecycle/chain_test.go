package lifecycle

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// closedFormTol: hand-computed closed forms, a few floating-point operations.
const closedFormTol = 1e-12

// smallChain is a six-stage chain whose first-passage times are easy by hand.
// With Terminated absorbing, t = 1 + Q·t gives
//
//	t_D = 1 + 0.25 t_D + 0.25 t_M,  t_M = 1 + 0.9 t_M + 0.1 t_D,
//	t_G = 1 + 0.8 t_G + 0.2 t_M,    t_O = 1 + 0.5 t_O + 0.5 t_G,  t_P likewise,
//
// so t_D = 7, t_M = 17, t_G = 22, t_O = 24, t_P = 26.
func smallChain(t *testing.T) *Chain {
	t.Helper()
	p := [NumStages][NumStages]float64{
		{0.5, 0.5, 0, 0, 0, 0},     // Prospect
		{0, 0.5, 0.5, 0, 0, 0},     // Onboarding
		{0, 0, 0.8, 0.2, 0, 0},     // Growth
		{0, 0, 0, 0.9, 0.1, 0},     // Maturity
		{0, 0, 0, 0.25, 0.25, 0.5}, // Decline
		{0.1, 0, 0, 0, 0, 0.9},     // Terminated, with win-back
	}
	c, err := NewChain(p, Month)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChainClosedForm(t *testing.T) {
	t.Parallel()
	c := smallChain(t)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"t_P", c.ExpectedPeriodsToTerminated(Prospect), 26},
		{"t_O", c.ExpectedPeriodsToTerminated(Onboarding), 24},
		{"t_G", c.ExpectedPeriodsToTerminated(Growth), 22},
		{"t_M", c.ExpectedPeriodsToTerminated(Maturity), 17},
		{"t_D", c.ExpectedPeriodsToTerminated(Decline), 7},
		{"t_T", c.ExpectedPeriodsToTerminated(Terminated), 0},
		{"h_P", c.PTerminated(Prospect), 1},
		{"h_D", c.PTerminated(Decline), 1},
		// mean sojourn 1/(1 − Pss)
		{"sojourn P", c.ExpectedTimeIn(Prospect), 2},
		{"sojourn G", c.ExpectedTimeIn(Growth), 5},
		{"sojourn M", c.ExpectedTimeIn(Maturity), 10},
		{"sojourn D", c.ExpectedTimeIn(Decline), 4.0 / 3},
		{"sojourn T", c.ExpectedTimeIn(Terminated), 10},
		// From Decline: T at step 1 with 0.5; D→D→T 0.25·0.5; then
		// after two steps D .0875, M .2875, so step 3 adds .0875·0.5.
		{"P(T≤0|D)", c.PTerminatedWithin(Decline, 0), 0},
		{"P(T≤1|D)", c.PTerminatedWithin(Decline, 1), 0.5},
		{"P(T≤2|D)", c.PTerminatedWithin(Decline, 2), 0.625},
		{"P(T≤3|D)", c.PTerminatedWithin(Decline, 3), 0.66875},
		{"P(T≤1|M)", c.PTerminatedWithin(Maturity, 1), 0},
		{"P(T≤2|M)", c.PTerminatedWithin(Maturity, 2), 0.05},
		{"P(T≤0|T)", c.PTerminatedWithin(Terminated, 0), 1},
	}
	for _, tc := range tests {
		if !scalar.EqualWithinAbsOrRel(tc.got, tc.want, closedFormTol, closedFormTol) {
			t.Errorf("%s = %.15g, want %.15g", tc.name, tc.got, tc.want)
		}
	}
	if got := c.PTerminatedWithin(Prospect, 1<<40); !scalar.EqualWithinAbsOrRel(got, 1, 1e-9, 0) {
		t.Errorf("P(T ≤ 2^40 | P) = %v, want 1", got)
	}
	for _, got := range []float64{c.ExpectedTimeIn(0), c.ExpectedTimeIn(7), c.PTerminated(0), c.PTerminatedWithin(9, 3), c.ExpectedPeriodsToTerminated(0)} {
		if !math.IsNaN(got) {
			t.Errorf("invalid stage: got %v, want NaN", got)
		}
	}
}

func TestChainFundamental(t *testing.T) {
	t.Parallel()
	c := smallChain(t)
	// By hand, with Terminated absorbing: Prospect, Onboarding and Growth are
	// left for good, so N[s][s] = 1/(1 − Pss) = 2, 2, 5. Maturity and Decline
	// form a loop: m = 1 + 0.9m + 0.1d, d = 0.25m + 0.25d gives N[M][M] = 15,
	// N[D][M] = 5; x = 0.9x + 0.1y, y = 1 + 0.25x + 0.25y gives N[M][D] =
	// N[D][D] = 2. Row sums are the expected times 26, 24, 22, 17, 7.
	want := [5][5]float64{
		{2, 2, 5, 15, 2},
		{0, 2, 5, 15, 2},
		{0, 0, 5, 15, 2},
		{0, 0, 0, 15, 2},
		{0, 0, 0, 5, 2},
	}
	n := c.Fundamental()
	if n == nil {
		t.Fatal("Fundamental() = nil")
	}
	for i := range want {
		sum := 0.0
		for j := range want[i] {
			sum += n.At(i, j)
			if !scalar.EqualWithinAbsOrRel(n.At(i, j), want[i][j], closedFormTol, closedFormTol) {
				t.Errorf("N[%d][%d] = %.15g, want %v", i, j, n.At(i, j), want[i][j])
			}
		}
		if tau := c.ExpectedPeriodsToTerminated(Stage(i + 1)); !scalar.EqualWithinAbsOrRel(sum, tau, closedFormTol, closedFormTol) {
			t.Errorf("row %d sums to %v, ExpectedPeriodsToTerminated %v", i, sum, tau)
		}
	}
	n.Set(0, 0, 99) // a copy: the chain is unchanged
	if c.Fundamental().At(0, 0) != 2 {
		t.Error("Fundamental() returned shared state")
	}
	p := c.P
	p[int(Maturity)-1] = [NumStages]float64{0, 0, 0, 1, 0, 0}
	if inf, _ := NewChain(p, Day); inf.Fundamental() != nil {
		t.Error("Fundamental() with an absorbing Maturity: want nil")
	}
}

func TestChainForecastClosedForm(t *testing.T) {
	t.Parallel()
	c := smallChain(t)
	tests := []struct {
		name  string
		dist  [NumStages]float64
		steps int
		want  [NumStages]float64
	}{
		{"zero steps", [NumStages]float64{0, 0, 0.3, 0.7, 0, 0}, 0, [NumStages]float64{0, 0, 0.3, 0.7, 0, 0}},
		{"negative steps", [NumStages]float64{1, 2, 3, 4, 5, 6}, -3, [NumStages]float64{1, 2, 3, 4, 5, 6}},
		{"win-back", [NumStages]float64{0, 0, 0, 0, 0, 1}, 1, [NumStages]float64{0.1, 0, 0, 0, 0, 0.9}},
		// Decline, two steps: M .25·.9 + .25·.25; D .25·.1 + .25·.25;
		// T .25·.5 + .5·.9; P .5·.1 (won back): T is .575 < P(T ≤ 2 | D) = .625.
		{"decline 2", [NumStages]float64{0, 0, 0, 0, 1, 0}, 2, [NumStages]float64{0.05, 0, 0, 0.2875, 0.0875, 0.575}},
		{"counts", [NumStages]float64{100, 0, 0, 0, 0, 0}, 1, [NumStages]float64{50, 50, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		got := c.Forecast(tc.dist, tc.steps)
		for i := range got {
			if !scalar.EqualWithinAbsOrRel(got[i], tc.want[i], closedFormTol, closedFormTol) {
				t.Errorf("%s: Forecast = %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	// k steps by squaring agree with k single steps.
	d := [NumStages]float64{0.2, 0.1, 0.3, 0.2, 0.1, 0.1}
	slow := d
	for range 37 {
		slow = c.Forecast(slow, 1)
	}
	fast := c.Forecast(d, 37)
	for i := range fast {
		if !scalar.EqualWithinAbsOrRel(fast[i], slow[i], 1e-13, 1e-12) {
			t.Errorf("Forecast(d, 37) = %v, 37 single steps = %v", fast, slow)
			break
		}
	}
	nan := c.Forecast([NumStages]float64{math.NaN(), 0, 0, 0, 0, 0}, 3)
	if !math.IsNaN(nan[0]) || !math.IsNaN(nan[1]) {
		t.Errorf("NaN in: Forecast = %v, want NaN to propagate", nan)
	}
}

func TestChainNoAbsorption(t *testing.T) {
	t.Parallel()
	// Maturity never left: Terminated unreachable from it, and only half of
	// Growth customers are ever terminated.
	p := [NumStages][NumStages]float64{
		{1, 0, 0, 0, 0, 0},
		{0, 0, 1, 0, 0, 0},
		{0, 0, 0, 0.5, 0, 0.5},
		{0, 0, 0, 1, 0, 0},
		{0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 1},
	}
	c, err := NewChain(p, Day)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"h_G", c.PTerminated(Growth), 0.5},
		{"h_O", c.PTerminated(Onboarding), 0.5},
		{"h_M", c.PTerminated(Maturity), 0},
		{"h_P", c.PTerminated(Prospect), 0},
		{"t_D", c.ExpectedPeriodsToTerminated(Decline), 1},
		{"P(T≤5|G)", c.PTerminatedWithin(Growth, 5), 0.5},
	}
	for _, tc := range tests {
		if !scalar.EqualWithinAbsOrRel(tc.got, tc.want, closedFormTol, closedFormTol) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	for _, s := range []Stage{Prospect, Onboarding, Growth, Maturity} {
		if got := c.ExpectedPeriodsToTerminated(s); !math.IsInf(got, 1) {
			t.Errorf("t_%v = %v, want +Inf", s, got)
		}
	}
	if got := c.ExpectedTimeIn(Maturity); !math.IsInf(got, 1) {
		t.Errorf("ExpectedTimeIn(Maturity) = %v, want +Inf", got)
	}
}

// journeyOf builds a journey entering the given stages at the given day
// offsets from t0, ending at day end.
func journeyOf(end int, steps ...struct {
	s Stage
	d int
}) Journey {
	var j Journey
	var prev Stage
	for _, st := range steps {
		j.Transitions = append(j.Transitions, Transition{From: prev, To: st.s, At: day(st.d)})
		prev = st.s
	}
	j.End = day(end)
	return j
}

type sd = struct {
	s Stage
	d int
}

func TestEstimateChainCounts(t *testing.T) {
	t.Parallel()
	period := 30 * Day
	js := []Journey{
		// samples at days 15, 45, 75, ..., K = round(150/30) = 5:
		// G G M M M M → G→G 1, G→M 1, M→M 3.
		journeyOf(150, sd{Growth, 0}, sd{Maturity, 60}),
		// K = round(100/30) = 3, samples 15, 45, 75, 105: P O O G.
		// The Decline visit (days 80..85) falls between samples: O→G is counted.
		journeyOf(100, sd{Prospect, 0}, sd{Onboarding, 20}, sd{Decline, 80}, sd{Growth, 85}),
		// A single sample contributes nothing: K = round(14/30) = 0.
		journeyOf(14, sd{Terminated, 0}),
		// Decline, then Terminated: samples 15 D, 45 T, 75 T, 105 T (K = round(95/30) = 3).
		journeyOf(95, sd{Decline, 0}, sd{Terminated, 31}),
		// Terminated→Prospect win-back; D is needed as a row too.
		journeyOf(60, sd{Terminated, 0}, sd{Prospect, 30}, sd{Decline, 59}),
	}
	before := make([]Journey, len(js))
	for i, j := range js {
		before[i] = Journey{Transitions: append([]Transition(nil), j.Transitions...), End: j.End}
	}
	c, err := EstimateChain(js, period)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, js); diff != "" {
		t.Errorf("EstimateChain modified the journeys (-before +after):\n%s", diff)
	}
	var want [NumStages][NumStages]int64
	add := func(from, to Stage, n int64) { want[from-1][to-1] += n }
	add(Growth, Growth, 1)
	add(Growth, Maturity, 1)
	add(Maturity, Maturity, 3)
	add(Prospect, Onboarding, 1)
	add(Onboarding, Onboarding, 1)
	add(Onboarding, Growth, 1)
	add(Decline, Terminated, 1)
	add(Terminated, Terminated, 2)
	// last journey: K = 2, samples 15 T, 45 P, 75 D.
	add(Terminated, Prospect, 1)
	add(Prospect, Decline, 1)
	if diff := cmp.Diff(want, c.Counts); diff != "" {
		t.Fatalf("Counts mismatch (-want +got):\n%s", diff)
	}
	if c.P[int(Growth)-1][int(Maturity)-1] != 0.5 || c.P[int(Terminated)-1][int(Prospect)-1] != 1.0/3 || c.Period != period {
		t.Errorf("P rows: %v", c.P)
	}
}

func TestEstimateChainMonthlySnapshots(t *testing.T) {
	t.Parallel()
	// Snapshots on the 1st of each calendar month (28 to 31 days apart) over
	// 36 months give exactly 35 steps with period Month.
	j := Journey{Transitions: []Transition{{To: Growth, At: mon(0)}, {From: Growth, To: Maturity, At: mon(1)}, {From: Maturity, To: Growth, At: mon(2)}}, End: mon(35)}
	for _, m := range []int{5, 13, 14, 25, 26} {
		prev := j.Transitions[len(j.Transitions)-1].To
		next := Maturity
		if prev == Maturity {
			next = Growth
		}
		j.Transitions = append(j.Transitions, Transition{From: prev, To: next, At: mon(m)})
	}
	// Only two rows are observed, so count the steps directly.
	var counts [NumStages][NumStages]int64
	if msg := countSteps(&counts, &j, int64(Month), int64(Month/2)); msg != "" {
		t.Fatal(msg)
	}
	var total int64
	for i := range counts {
		for _, v := range counts[i] {
			total += v
		}
	}
	g, m := int(Growth)-1, int(Maturity)-1
	if total != 35 || counts[g][m] != 4 || counts[m][g] != 3 {
		t.Errorf("total steps %d (want 35), G→M %d (want 4), M→G %d (want 3)", total, counts[g][m], counts[m][g])
	}
}

func TestEstimateChainBadInput(t *testing.T) {
	t.Parallel()
	good := journeyOf(300, sd{Prospect, 0}, sd{Onboarding, 40}, sd{Growth, 80}, sd{Maturity, 120}, sd{Decline, 160}, sd{Terminated, 200}, sd{Prospect, 240})
	bad := func(f func(j *Journey)) Journey {
		j := good
		j.Transitions = append([]Transition(nil), good.Transitions...)
		f(&j)
		return j
	}
	tests := []struct {
		name     string
		journeys []Journey
		period   time.Duration
		field    string
		index    int
	}{
		{"zero period", []Journey{good}, 0, "period", -1},
		{"negative period", []Journey{good}, -Day, "period", -1},
		{"no journeys", nil, Day, "journeys", -1},
		{"empty journey", []Journey{good, {}}, Day, "journeys", 1},
		{"bad stage", []Journey{good, bad(func(j *Journey) { j.Transitions[2].To = 9 })}, Day, "journeys", 1},
		{"broken chain", []Journey{bad(func(j *Journey) { j.Transitions[3].From = Prospect })}, Day, "journeys", 0},
		{"self move", []Journey{bad(func(j *Journey) { j.Transitions[1].To = Prospect })}, Day, "journeys", 0},
		{"out of order", []Journey{good, good, bad(func(j *Journey) { j.Transitions[4].At = day(10) })}, Day, "journeys", 2},
		{"end before last", []Journey{bad(func(j *Journey) { j.End = day(239) })}, Day, "journeys", 0},
		// A row with no observations: nobody observed in Maturity for a step.
		{"empty row", []Journey{journeyOf(300, sd{Growth, 0}, sd{Decline, 100}, sd{Terminated, 200})}, 30 * Day, "row", int(Prospect) - 1},
	}
	for _, tc := range tests {
		in := append([]Journey(nil), tc.journeys...)
		_, err := EstimateChain(tc.journeys, tc.period)
		var e *InputError
		if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != tc.field || e.Index != tc.index {
			t.Errorf("%s: err = %v, want %s[%d]", tc.name, err, tc.field, tc.index)
		}
		if diff := cmp.Diff(in, tc.journeys); diff != "" {
			t.Errorf("%s: journeys modified:\n%s", tc.name, diff)
		}
	}
	if _, err := EstimateChain([]Journey{good}, 30*Day); err != nil {
		t.Errorf("good journey: %v", err)
	}
}

func TestNewChainBadInput(t *testing.T) {
	t.Parallel()
	base := smallChain(t).P
	tests := []struct {
		name   string
		f      func(p *[NumStages][NumStages]float64)
		period time.Duration
		field  string
		index  int
	}{
		{"period", func(p *[NumStages][NumStages]float64) {}, 0, "period", -1},
		{"row sum", func(p *[NumStages][NumStages]float64) { p[2][2] = 0.7 }, Day, "p", 2},
		{"negative", func(p *[NumStages][NumStages]float64) { p[4][4], p[4][5] = -0.25, 1 }, Day, "p", 4},
		{"NaN", func(p *[NumStages][NumStages]float64) { p[5][0] = math.NaN() }, Day, "p", 5},
		{"empty row", func(p *[NumStages][NumStages]float64) { p[0] = [NumStages]float64{} }, Day, "p", 0},
	}
	for _, tc := range tests {
		p := base
		tc.f(&p)
		_, err := NewChain(p, tc.period)
		var e *InputError
		if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != tc.field || e.Index != tc.index {
			t.Errorf("%s: err = %v, want %s[%d]", tc.name, err, tc.field, tc.index)
		}
	}
}

// randomChain returns a chain with a random sparse transition matrix in
// which every stage can reach Terminated.
func randomChain(rng *rand.Rand) [NumStages][NumStages]float64 {
	var p [NumStages][NumStages]float64
	for i := range p {
		sum := 0.0
		for j := range p[i] {
			if j == i || j == i+1 || rng.Float64() < 0.4 {
				p[i][j] = rng.Float64() + 0.05
				sum += p[i][j]
			}
		}
		for j := range p[i] {
			p[i][j] /= sum
		}
	}
	return p
}

// simulate returns the next stage index from row i.
func step(rng *rand.Rand, p *[NumStages][NumStages]float64, i int) int {
	u := rng.Float64()
	for j, v := range p[i] {
		if u < v {
			return j
		}
		u -= v
	}
	return NumStages - 1 // rounding: the last column
}

func TestChainAbsorptionSimulation(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	p := randomChain(rng)
	c, err := NewChain(p, Month)
	if err != nil {
		t.Fatal(err)
	}
	const n, k = 20000, 6
	for from := range NumStages - 1 {
		var sum, sumsq float64
		within := 0
		for range n {
			i, steps := from, 0
			for i != term {
				i = step(rng, &p, i)
				steps++
			}
			sum += float64(steps)
			sumsq += float64(steps) * float64(steps)
			if steps <= k {
				within++
			}
		}
		mean := sum / n
		se := math.Sqrt((sumsq/n - mean*mean) / n)
		want := c.ExpectedPeriodsToTerminated(Stage(from + 1))
		// Simulation tier: within 3 standard errors (n = 20000, fixed seed).
		if math.Abs(mean-want) > 3*se {
			t.Errorf("from %v: simulated mean %v ± %v, fundamental matrix gives %v", Stage(from+1), mean, se, want)
		}
		q := c.PTerminatedWithin(Stage(from+1), k)
		frac := float64(within) / n
		if se := math.Sqrt(q * (1 - q) / n); math.Abs(frac-q) > 3*se+1e-12 {
			t.Errorf("from %v: simulated P(T ≤ %d) %v, PTerminatedWithin %v (se %v)", Stage(from+1), k, frac, q, se)
		}
	}
}

func TestEstimateChainRecovery(t *testing.T) {
	t.Parallel()
	// Simulate journeys from a known chain with one snapshot per period and
	// check that EstimateChain recovers P within 3 binomial standard errors.
	rng := rand.New(rand.NewPCG(3, 4))
	p := randomChain(rng)
	period := 7 * Day
	const customers, steps = 4000, 24
	js := make([]Journey, customers)
	for c := range js {
		i := rng.IntN(NumStages)
		start := t0.Add(time.Duration(rng.IntN(1000)) * time.Hour)
		j := Journey{Transitions: []Transition{{To: Stage(i + 1), At: start}}}
		for k := 1; k < steps; k++ {
			next := step(rng, &p, i)
			if next != i {
				j.Transitions = append(j.Transitions, Transition{From: Stage(i + 1), To: Stage(next + 1), At: start.Add(time.Duration(k) * period)})
			}
			i = next
		}
		j.End = start.Add(time.Duration(steps-1) * period)
		js[c] = j
	}
	c, err := EstimateChain(js, period)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for i := range p {
		var n int64
		for _, v := range c.Counts[i] {
			n += v
		}
		total += n
		for j := range p[i] {
			se := math.Sqrt(p[i][j] * (1 - p[i][j]) / float64(n))
			if math.Abs(c.P[i][j]-p[i][j]) > 3*se+1e-12 {
				t.Errorf("P[%d][%d] = %v, true %v (se %v, n %d)", i, j, c.P[i][j], p[i][j], se, n)
			}
		}
	}
	if total != customers*(steps-1) {
		t.Errorf("total steps %d, want %d", total, customers*(steps-1))
	}
}

func TestChainJSONRoundTrip(t *testing.T) {
	t.Parallel()
	c := smallChain(t)
	c.Counts[0][1] = 12
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got Chain
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.P != c.P || got.Counts != c.Counts || got.Period != c.Period {
		t.Errorf("fields differ after round trip: %+v", got)
	}
	d := [NumStages]float64{0.1, 0.2, 0.3, 0.2, 0.1, 0.1}
	for _, s := range Stages() {
		pairs := [][2]float64{
			{c.ExpectedPeriodsToTerminated(s), got.ExpectedPeriodsToTerminated(s)},
			{c.PTerminated(s), got.PTerminated(s)},
			{c.PTerminatedWithin(s, 5), got.PTerminatedWithin(s, 5)},
			{c.ExpectedTimeIn(s), got.ExpectedTimeIn(s)},
			{c.Forecast(d, 7)[s-1], got.Forecast(d, 7)[s-1]},
		}
		for k, pr := range pairs {
			if pr[0] != pr[1] {
				t.Errorf("stage %v prediction %d: %v before, %v after", s, k, pr[0], pr[1])
			}
		}
	}
	if !cmp.Equal(c.Matrix().RawMatrix().Data, got.Matrix().RawMatrix().Data) {
		t.Error("Matrix() differs after round trip")
	}
	if !cmp.Equal(c.Fundamental().RawMatrix().Data, got.Fundamental().RawMatrix().Data) {
		t.Error("Fundamental() differs after round trip")
	}
	// Infinite derived values are not persisted, so a chain with +Inf
	// expected times still encodes.
	p := c.P
	p[3] = [NumStages]float64{0, 0, 0, 1, 0, 0}
	inf, _ := NewChain(p, Day)
	if _, err := json.Marshal(inf); err != nil {
		t.Errorf("marshal chain with infinite times: %v", err)
	}
	bad := []string{
		`{"Period":0,"P":[[1,0,0,0,0,0],[0,1,0,0,0,0],[0,0,1,0,0,0],[0,0,0,1,0,0],[0,0,0,0,1,0],[0,0,0,0,0,1]]}`,
		`{"Period":1,"P":[[0.5,0,0,0,0,0],[0,1,0,0,0,0],[0,0,1,0,0,0],[0,0,0,1,0,0],[0,0,0,0,1,0],[0,0,0,0,0,1]]}`,
		`{"Period":1,"Counts":[[-1,0,0,0,0,0]],"P":[[1,0,0,0,0,0],[0,1,0,0,0,0],[0,0,1,0,0,0],[0,0,0,1,0,0],[0,0,0,0,1,0],[0,0,0,0,0,1]]}`,
		`{"Period":"x"}`,
	}
	for _, s := range bad {
		keep := got
		if err := json.Unmarshal([]byte(s), &got); err == nil {
			t.Errorf("Unmarshal(%s): want an error", s)
		}
		if got.P != keep.P {
			t.Errorf("failed Unmarshal changed the chain")
		}
	}
}

func TestChainConcurrentUse(t *testing.T) {
	t.Parallel()
	c := smallChain(t)
	want := c.Forecast([NumStages]float64{1, 0, 0, 0, 0, 0}, 12)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				s := Stage(k%NumStages + 1)
				_ = c.ExpectedPeriodsToTerminated(s) + c.PTerminated(s) + c.PTerminatedWithin(s, k+g) + c.ExpectedTimeIn(s)
				_ = c.Matrix()
				_ = c.Fundamental()
				if got := c.Forecast([NumStages]float64{1, 0, 0, 0, 0, 0}, 12); got != want {
					t.Errorf("goroutine %d: Forecast changed: %v", g, got)
					return
				}
				if _, err := json.Marshal(c); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
