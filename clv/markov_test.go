package clv

import (
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// markovClosedTol: closed forms and exact matrix sums, rel 1e-12 (the
// infinite horizon goes through an LU solve, hence 1e-11 there).
const (
	markovClosedTol = 1e-12
	markovSolveTol  = 1e-11
)

// markovRecency is the customer-migration structure of Pfeifer & Carraway
// (2000, §"customer migration"): state i = periods since the last purchase
// (1..4, and 5 = lost); from state i a customer buys with probability buy[i]
// and returns to state 1, or moves to state i+1 (state 5 is absorbing). The
// firm earns margin m on a purchase and spends k per period on customers in
// states 1-4, so R = (m−k, −k, −k, −k, 0). The numbers are illustrative:
// the published example's values could not be confirmed from a primary
// copy, so this test checks the method against exact sums and simulation.
func markovRecency() (*mat.Dense, []float64) {
	buy := []float64{0.30, 0.20, 0.15, 0.05, 0}
	p := mat.NewDense(5, 5, nil)
	for i, b := range buy {
		p.Set(i, 0, b)
		next := min(i+1, 4)
		p.Set(i, next, p.At(i, next)+1-b)
	}
	const m, k = 40.0, 4.0
	return p, []float64{m - k, -k, -k, -k, 0}
}

// markovBrute returns Σ_{t=0}^{T} (P/(1+d))^t R with explicit matrix powers.
func markovBrute(p *mat.Dense, r []float64, d float64, horizon int) []float64 {
	s := len(r)
	pow := mat.NewDense(s, s, nil)
	for i := range s {
		pow.Set(i, i, 1)
	}
	a := mat.NewDense(s, s, nil)
	a.Scale(1/(1+d), p)
	v := make([]float64, s)
	rv := mat.NewVecDense(s, r)
	var term mat.VecDense
	for range horizon + 1 {
		term.MulVec(pow, rv)
		for i := range v {
			v[i] += term.AtVec(i)
		}
		var next mat.Dense
		next.Mul(pow, a)
		pow = &next
	}
	return v
}

func TestMarkovCLVRetentionClosedForm(t *testing.T) {
	t.Parallel()
	// Retained/lost: V_retained = Σ_{t≥0} m (r/(1+d))^t = m + Simple(m, r, d).
	m, r, d := 100.0, 0.8, 0.12
	p := mat.NewDense(2, 2, []float64{r, 1 - r, 0, 1})
	reward := []float64{m, 0}
	v, err := MarkovCLV(p, reward, d, MarkovInfinite)
	if err != nil {
		t.Fatal(err)
	}
	if want := m + Simple(m, r, d); !scalar.EqualWithinRel(v[0], want, markovSolveTol) || v[1] != 0 {
		t.Errorf("V = %v, want [%v 0]", v, want)
	}
	q := r / (1 + d)
	for _, T := range []int{0, 1, 7, 100, 4096, 4097, 100000} {
		v, err := MarkovCLV(p, reward, d, T)
		if err != nil {
			t.Fatal(err)
		}
		// Finite geometric sum m(1 − q^{T+1})/(1 − q).
		if want := m * (1 - math.Pow(q, float64(T+1))) / (1 - q); !scalar.EqualWithinRel(v[0], want, markovClosedTol) {
			t.Errorf("T = %d: V = %v, want %v", T, v[0], want)
		}
	}
}

func TestMarkovCLVMigration(t *testing.T) {
	t.Parallel()
	p, r := markovRecency()
	pIn, rIn := mat.DenseCopyOf(p), append([]float64(nil), r...)
	const d = 0.2
	for _, T := range []int{0, 1, 2, 10, 60} {
		got, err := MarkovCLV(p, r, d, T)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(markovBrute(p, r, d, T), got, cmp.Comparer(func(a, b float64) bool {
			return scalar.EqualWithinAbsOrRel(a, b, markovClosedTol, markovClosedTol)
		})); diff != "" {
			t.Errorf("T = %d: MarkovCLV vs explicit powers (-want +got):\n%s", T, diff)
		}
	}
	if !mat.Equal(p, pIn) || !cmp.Equal(r, rIn) {
		t.Error("MarkovCLV modified its inputs")
	}
	// The infinite horizon solves V = R + P V/(1+d), and is the limit of
	// long finite horizons (by the recursion and by repeated squaring).
	inf, err := MarkovCLV(p, r, d, MarkovInfinite)
	if err != nil {
		t.Fatal(err)
	}
	pv := mat.NewVecDense(5, nil)
	pv.MulVec(p, mat.NewVecDense(5, inf))
	for i := range inf {
		if want := r[i] + pv.AtVec(i)/(1+d); !scalar.EqualWithinAbsOrRel(inf[i], want, markovSolveTol, markovSolveTol) {
			t.Errorf("Bellman equation, state %d: V = %v, R + PV/(1+d) = %v", i, inf[i], want)
		}
	}
	for _, T := range []int{4000, 5000, 1 << 20} {
		got, _ := MarkovCLV(p, r, d, T)
		for i := range inf {
			if !scalar.EqualWithinAbsOrRel(got[i], inf[i], markovSolveTol, markovSolveTol) {
				t.Errorf("T = %d: V[%d] = %v, infinite %v", T, i, got[i], inf[i])
			}
		}
	}
	// Repeated squaring equals the recursion on the same horizon.
	a := mat.NewDense(5, 5, nil)
	a.Scale(1/(1+d), p)
	for _, T := range []int{1, 2, 3, 37, 100} {
		fw, db := markovForward(a, r, 0, T), markovDoubling(a, r, T)
		for i := range fw {
			if !scalar.EqualWithinAbsOrRel(fw[i], db[i], markovClosedTol, markovClosedTol) {
				t.Errorf("T = %d: recursion %v, squaring %v", T, fw, db)
				break
			}
		}
	}
}

func TestMarkovCLVSimulation(t *testing.T) {
	t.Parallel()
	// Monte Carlo: discounted rewards along simulated paths of the chain
	// (20,000 paths per starting state, 60 periods, fixed seed) average to
	// V^60 within 4 standard errors.
	const (
		paths  = 20000
		T      = 60
		d      = 0.2
		seSpan = 4
	)
	p, r := markovRecency()
	want, err := MarkovCLV(p, r, d, T)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2000, 43))
	// Cumulative transition probabilities, for inverse-CDF sampling.
	cum := make([][5]float64, 5)
	for i := range cum {
		acc := 0.0
		for j := range 5 {
			acc += p.At(i, j)
			cum[i][j] = acc
		}
	}
	for start := range 5 {
		var sum, sumSq float64
		for range paths {
			state, disc, v := start, 1.0, 0.0
			for range T + 1 {
				v += disc * r[state]
				disc /= 1 + d
				u, next := rng.Float64(), 4
				for j, c := range cum[state] {
					if u < c {
						next = j
						break
					}
				}
				state = next
			}
			sum += v
			sumSq += v * v
		}
		mean := sum / paths
		se := math.Sqrt((sumSq/paths - mean*mean) / paths)
		if math.Abs(mean-want[start]) > seSpan*se+1e-12 {
			t.Errorf("start %d: simulated %.4f ± %.4f, MarkovCLV %.4f", start, mean, se, want[start])
		}
	}
}

func TestMarkovCLVNegativeDiscount(t *testing.T) {
	t.Parallel()
	p, r := markovRecency()
	// A negative rate above −1 is valid on a finite horizon.
	got, err := MarkovCLV(p, r, -0.1, 12)
	if err != nil {
		t.Fatal(err)
	}
	if want := markovBrute(p, r, -0.1, 12); !cmp.Equal(got, want, cmp.Comparer(func(a, b float64) bool {
		return scalar.EqualWithinAbsOrRel(a, b, markovClosedTol, markovClosedTol)
	})) {
		t.Errorf("got %v, want %v", got, want)
	}
	// ... and overflows on a very long one.
	_, err = MarkovCLV(mat.NewDense(1, 1, []float64{1}), []float64{1}, -0.999, 1<<20)
	retentionWantInputErr(t, err, "horizon", -1)
}

func TestMarkovCLVBadInput(t *testing.T) {
	t.Parallel()
	ok := mat.NewDense(2, 2, []float64{0.9, 0.1, 0, 1})
	tests := []struct {
		name     string
		p        mat.Matrix
		reward   []float64
		discount float64
		horizon  int
		field    string
		index    int
	}{
		{"nil matrix", nil, []float64{1}, 0.1, 5, "p", -1},
		{"not square", mat.NewDense(2, 3, nil), []float64{1, 2}, 0.1, 5, "p", -1},
		{"negative probability", mat.NewDense(2, 2, []float64{1.1, -0.1, 0, 1}), []float64{1, 0}, 0.1, 5, "p row 0 col 0", -1},
		{"nan probability", mat.NewDense(2, 2, []float64{0.5, 0.5, math.NaN(), 1}), []float64{1, 0}, 0.1, 5, "p row 1 col 0", -1},
		{"row sum", mat.NewDense(2, 2, []float64{0.5, 0.4, 0, 1}), []float64{1, 0}, 0.1, 5, "p row 0", -1},
		{"reward length", ok, []float64{1}, 0.1, 5, "reward", -1},
		{"nan reward", ok, []float64{1, math.NaN()}, 0.1, 5, "reward", 1},
		{"inf reward", ok, []float64{math.Inf(1), 0}, 0.1, 5, "reward", 0},
		{"discount -1", ok, []float64{1, 0}, -1, 5, "discount", -1},
		{"discount below -1", ok, []float64{1, 0}, -2, 5, "discount", -1},
		{"nan discount", ok, []float64{1, 0}, math.NaN(), 5, "discount", -1},
		{"infinite horizon, zero discount", ok, []float64{1, 0}, 0, MarkovInfinite, "discount", -1},
		{"infinite horizon, negative discount", ok, []float64{1, 0}, -0.5, MarkovInfinite, "discount", -1},
		{"bad horizon", ok, []float64{1, 0}, 0.1, -2, "horizon", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := MarkovCLV(tc.p, tc.reward, tc.discount, tc.horizon)
			if v != nil {
				t.Errorf("value = %v, want nil", v)
			}
			retentionWantInputErr(t, err, tc.field, tc.index)
		})
	}
	// An empty matrix is rejected too (gonum cannot build a 0×0 Dense).
	_, err := MarkovCLV(&mat.Dense{}, nil, 0.1, 1)
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty matrix: err = %v", err)
	}
}

func TestMarkovCLVConcurrentUse(t *testing.T) {
	t.Parallel()
	// MarkovCLV only reads its inputs: concurrent calls on shared inputs
	// are safe and agree.
	p, r := markovRecency()
	want, _ := MarkovCLV(p, r, 0.2, MarkovInfinite)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := MarkovCLV(p, r, 0.2, i+g); err != nil {
					t.Error(err)
					return
				}
				if got, _ := MarkovCLV(p, r, 0.2, MarkovInfinite); !cmp.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
