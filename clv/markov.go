package clv

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/clmkit/clm/internal/check"
)

// MarkovInfinite is the horizon argument of [MarkovCLV] for an infinite
// horizon.
const MarkovInfinite = -1

// markovRowSumTol is how far a row of the transition matrix may sum from 1:
// enough for probabilities typed to a few decimals or computed in floating
// point, far below any modelling error.
const markovRowSumTol = 1e-9

// markovIterMax is the largest finite horizon summed by the forward
// recursion; longer horizons use repeated squaring.
const markovIterMax = 4096

// MarkovCLV returns the expected discounted value of a customer in each
// state of a Markov chain model of the customer relationship (Pfeifer &
// Carraway 2000, "Modeling Customer Relationships as Markov Chains",
// J. Interactive Marketing 14(2):43-55): p is the s×s one-period
// transition matrix between relationship states (rows sum to 1), reward[i]
// the net value received in a period spent in state i, and discount the
// per-period discount rate d. With A = P/(1+d),
//
//	V^T = Σ_{t=0}^{T} A^t R          (horizon T ≥ 0)
//	V   = (I − A)^{−1} R             (horizon MarkovInfinite)
//
// V[i] is the value of a customer who is in state i now. The reward of the
// current period (t = 0) is included undiscounted, as in the paper; horizon
// 0 returns R itself. For the simple retention model, states {retained,
// lost} with P = [[r, 1−r], [0, 1]] and R = [m, 0], V[0] = m + Simple(m, r, d).
//
// Bad input returns an error wrapping [ErrInvalidInput]: p not square or
// empty, an entry of p outside [0, 1] or NaN (named "p row i col j"), a row
// sum differing from 1 by more than 1e-9, reward of the wrong length or not
// finite, discount NaN, ±Inf or ≤ −1, horizon < −1, an infinite horizon
// with discount ≤ 0 (the series diverges for a stochastic P), and a
// finite-horizon value that overflows float64.
//
// Finite horizons up to 4,096 periods are summed by the forward recursion
// V^k = R + A·V^{k−1}, in O(T·s²); longer ones by repeated squaring in
// O(s³·log T). The infinite horizon solves the linear system by LU
// decomposition. MarkovCLV does not modify p or reward.
func MarkovCLV(p mat.Matrix, reward []float64, discount float64, horizon int) ([]float64, error) {
	c := checker("MarkovCLV")
	if p == nil {
		return nil, c.Fail("p", -1, "", "must not be nil")
	}
	s, cols := p.Dims()
	if s == 0 {
		return nil, c.Fail("p", -1, "", "must not be empty")
	}
	if cols != s {
		return nil, c.Fail("p", -1, strconv.Itoa(s)+"×"+strconv.Itoa(cols), "must be square")
	}
	for i := range s {
		sum := 0.0
		for j := range s {
			v := p.At(i, j)
			if !(v >= 0 && v <= 1) {
				return nil, c.Fail("p row "+strconv.Itoa(i)+" col "+strconv.Itoa(j), -1, check.Float(v), "must be a probability in [0, 1]")
			}
			sum += v
		}
		if math.Abs(sum-1) > markovRowSumTol {
			return nil, c.Fail("p row "+strconv.Itoa(i), -1, check.Float(sum), "must sum to 1")
		}
	}
	if err := c.Len("reward", len(reward), s); err != nil {
		return nil, err
	}
	if err := c.Finite("reward", reward); err != nil {
		return nil, err
	}
	if err := retentionCheckRate(c, "discount", discount); err != nil {
		return nil, err
	}
	if horizon < MarkovInfinite {
		return nil, c.Fail("horizon", -1, strconv.Itoa(horizon), "must be ≥ 0, or MarkovInfinite")
	}
	a := mat.NewDense(s, s, nil)
	a.Scale(1/(1+discount), p)
	var v []float64
	switch {
	case horizon == MarkovInfinite:
		if discount <= 0 {
			return nil, c.Fail("discount", -1, check.Float(discount), "must be > 0 for an infinite horizon")
		}
		v = markovInfinite(a, reward)
		if v == nil {
			return nil, c.Fail("p", -1, "", "I − P/(1+d) is numerically singular")
		}
	case horizon <= markovIterMax:
		v = markovForward(a, reward, discount, horizon)
	default:
		v = markovDoubling(a, reward, horizon)
	}
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, c.Fail("horizon", -1, strconv.Itoa(horizon), "the value overflows float64")
		}
	}
	return v, nil
}

// markovForward sums V^T by V^k = R + A·V^{k−1}, V^0 = R. With d > 0,
// ‖A^k R‖∞ shrinks at least as (1+d)^{−k} and the terms after the k-th add
// at most ‖A^k R‖∞/d; the recursion stops once that cannot change V.
func markovForward(a *mat.Dense, reward []float64, discount float64, horizon int) []float64 {
	s := len(reward)
	v := mat.NewVecDense(s, append([]float64(nil), reward...))
	term := mat.NewVecDense(s, append([]float64(nil), reward...)) // A^k R
	next := mat.NewVecDense(s, nil)
	for range horizon {
		next.MulVec(a, term)
		term, next = next, term
		v.AddVec(v, term)
		if discount > 0 && ggNormInf(term.RawVector().Data)/discount <= 1e-17*ggNormInf(v.RawVector().Data) {
			break
		}
	}
	return v.RawVector().Data
}

// markovDoubling returns Σ_{t=0}^{T} A^t R by binary powering of the pair
// (A^m, G_m = Σ_{t<m} A^t): G_{2m} = G_m + A^m G_m, G_{m+1} = I + A G_m.
func markovDoubling(a *mat.Dense, reward []float64, horizon int) []float64 {
	s := len(reward)
	n := uint64(horizon) + 1 // number of terms
	pow := mat.NewDense(s, s, nil)
	g := mat.NewDense(s, s, nil)
	tmp := mat.NewDense(s, s, nil)
	// Start at m = 1: A^1, G_1 = I.
	pow.Copy(a)
	for i := range s {
		g.Set(i, i, 1)
	}
	top := 63
	for n>>uint(top)&1 == 0 {
		top--
	}
	for bit := top - 1; bit >= 0; bit-- {
		// Double: G ← G + A^m G, A^m ← A^m A^m.
		tmp.Mul(pow, g)
		g.Add(g, tmp)
		tmp.Mul(pow, pow)
		pow.Copy(tmp)
		if n>>uint(bit)&1 == 1 {
			// Step: G ← I + A G, A^m ← A A^m.
			tmp.Mul(a, g)
			for i := range s {
				tmp.Set(i, i, tmp.At(i, i)+1)
			}
			g.Copy(tmp)
			tmp.Mul(a, pow)
			pow.Copy(tmp)
		}
	}
	v := mat.NewVecDense(s, nil)
	v.MulVec(g, mat.NewVecDense(s, append([]float64(nil), reward...)))
	return v.RawVector().Data
}

// markovInfinite solves (I − A) V = R, or returns nil when the system is
// numerically singular.
func markovInfinite(a *mat.Dense, reward []float64) []float64 {
	s := len(reward)
	m := mat.NewDense(s, s, nil)
	m.Scale(-1, a)
	for i := range s {
		m.Set(i, i, m.At(i, i)+1)
	}
	var lu mat.LU
	lu.Factorize(m)
	if c := lu.Cond(); !(c <= 1e14) {
		return nil
	}
	v := mat.NewVecDense(s, nil)
	if err := lu.SolveVecTo(v, false, mat.NewVecDense(s, append([]float64(nil), reward...))); err != nil {
		return nil
	}
	return v.RawVector().Data
}
