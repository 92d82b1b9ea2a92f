package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// ParetoNBD is a fitted Pareto/NBD model of repeat purchasing (Schmittlein,
// Morrison & Colombo 1987, "Counting Your Customers: Who Are They and What
// Will They Do Next?", Management Science 33(1):1-24). While active, a
// customer buys at rate λ ~ Gamma(R, Alpha); the customer's lifetime is
// exponential with rate μ ~ Gamma(S, Beta). Times are in the periods of the
// summaries the model was fitted on.
//
// A *ParetoNBD is immutable and safe for concurrent use; its exported
// fields are its whole state, so it round-trips through encoding/json.
type ParetoNBD struct {
	R, Alpha, S, Beta float64
	// StdErr holds the standard errors of R, Alpha, S and Beta, in that
	// order, from the inverse Hessian of the negative log-likelihood
	// (penalised when opts.L2 > 0); nil when the Hessian is not positive
	// definite.
	StdErr []float64 `json:",omitempty"`
	// LogLik is the log-likelihood at the estimates.
	LogLik float64
	// N is the number of customers the model was fitted on.
	N int
	// Iter is the number of optimiser iterations; Converged reports
	// whether the gradient tolerance was met.
	Iter      int
	Converged bool
}

// FitParetoNBD fits the Pareto/NBD model by maximum likelihood to the
// summaries s (Frequency x, Recency t_x and T; MeanValue is ignored).
//
// The individual likelihood (Fader & Hardie 2005, note 008, eqs. 2-5) is
//
//	L = Γ(r+x)α^r β^s/Γ(r) · [1/((α+T)^(r+x)(β+T)^s) + s/(r+s+x)·A₀],
//
// where A₀ is a difference of two Gauss hypergeometric terms, taken with
// the note's branching on α ≥ β. We evaluate it as
// A₀·(r+s+x) = H(t_x) − H(T) with H(τ) = ∫_τ^∞ (α+u)^−(r+x)(β+u)^−(s+1) du,
// each H in log space through ₂F₁(1, ·; ·; z) by a continued fraction (see
// hyp2f1.go), so that nothing overflows when α is much larger than β or T
// is large, and the cancellation in the difference never costs more than
// rounding error relative to L (s·H(T) is bounded by the first term).
//
// The fit maximises the log-likelihood over the log-parameters by BFGS (gonum optimize) with
// an analytic gradient (differentiating the ₂F₁ series term by term), then
// Newton polishing; customers with equal
// (x, t_x, T) share one term and each distinct (x, τ) pair needs one ₂F₁
// per evaluation. opts may be nil. Bad input returns an error wrapping
// [ErrInvalidInput]; on [ErrNotConverged] the returned model is non-nil,
// for inspection.
func FitParetoNBD(s []Summary, opts *FitOptions) (*ParetoNBD, error) {
	if err := validateSummaries(checker("FitParetoNBD"), s); err != nil {
		return nil, err
	}
	if err := checkFitOptions("FitParetoNBD", opts); err != nil {
		return nil, err
	}
	tm := compressSummaries(s)
	obj := paretoObjective(tm)
	res := fitBTYD(obj, btydStart(tm, 1), tm.n, opts)
	m := &ParetoNBD{R: res.p[0], Alpha: res.p[1], S: res.p[2], Beta: res.p[3], StdErr: res.stdErr,
		LogLik: -res.meanNLL * tm.n, N: len(s), Iter: res.iter, Converged: res.converged}
	if l2, _, _ := fitOptions(opts); l2 > 0 {
		m.LogLik = -obj.f(res.p) * tm.n
	}
	if !m.Converged || math.IsNaN(m.LogLik) || math.IsInf(m.LogLik, 0) {
		m.Converged = false
		if math.IsNaN(m.LogLik) || math.IsInf(m.LogLik, 0) {
			m.LogLik = -math.MaxFloat64
		}
		return m, ErrNotConverged
	}
	return m, nil
}

// paretoLogH returns log H(τ) for a customer with x purchases, where
// H(τ) = ∫_τ^∞ (α+u)^−(r+x)(β+u)^−(s+1) du
//
//	= (m+τ)^−n ₂F₁(n, b; n+1; |α−β|/(m+τ))/n,
//
// n = r+s+x, m = max(α, β), and b = s+1 when α ≥ β, r+x otherwise (note
// 008's branching). ok is false when the continued fraction did not
// converge.
func paretoLogH(r, alpha, s, beta, x, tau float64) (float64, bool) {
	n := r + s + x
	m, lo, b := alpha, beta, s+1
	if alpha < beta {
		m, lo, b = beta, alpha, r+x
	}
	z, eps := (m-lo)/(m+tau), (lo+tau)/(m+tau)
	lj, ok := logPNBDJe(n, b, z, eps)
	return -n*math.Log(m+tau) + lj, ok
}

// paretoObjective returns the mean negative log-likelihood of the
// Pareto/NBD on tm and its analytic gradient in (r, α, s, β).
func paretoObjective(tm *btydTerms) btydObjective {
	// Pair every row's (x, t_x) and (x, T) with a distinct (x, τ) entry.
	type pair struct{ xi, ti int32 }
	idx := make(map[pair]int32)
	var pairs []pair
	rowPairs := make([][2]int32, len(tm.rows))
	get := func(p pair) int32 {
		j, ok := idx[p]
		if !ok {
			j = int32(len(pairs))
			idx[p] = j
			pairs = append(pairs, p)
		}
		return j
	}
	for i, row := range tm.rows {
		if row.txi != row.ti {
			rowPairs[i] = [2]int32{get(pair{row.xi, row.txi}), get(pair{row.xi, row.ti})}
		} else {
			rowPairs[i] = [2]int32{-1, -1}
		}
	}
	lh := make([]float64, len(pairs))
	gs1 := make([]float64, len(pairs))
	dh := make([][4]float64, len(pairs))
	lgx := make([]float64, len(tm.xs))
	dgx := make([]float64, len(tm.xs))
	la := make([]float64, len(tm.times))
	lb := make([]float64, len(tm.times))
	ia := make([]float64, len(tm.times))
	ib := make([]float64, len(tm.times))
	eval := func(p, g []float64) float64 {
		r, alpha, s, beta := p[0], p[1], p[2], p[3]
		for i, pr := range pairs {
			x, tau := tm.xs[pr.xi], tm.times[pr.ti]
			if g == nil {
				v, ok := paretoLogH(r, alpha, s, beta, x, tau)
				if !ok {
					return math.Inf(1)
				}
				lh[i] = v
				continue
			}
			v, d, ok := paretoLogHGrad(r, alpha, s, beta, x, tau)
			if !ok {
				return math.Inf(1)
			}
			lh[i], dh[i] = v, d
		}
		lgr, _ := math.Lgamma(r)
		lalpha, lbeta := math.Log(alpha), math.Log(beta)
		var psr float64
		if g != nil {
			psr = mathext.Digamma(r)
		}
		for i, x := range tm.xs {
			v, _ := math.Lgamma(r + x)
			lgx[i] = v - lgr + r*lalpha + s*lbeta
			if g != nil {
				dgx[i] = mathext.Digamma(r+x) - psr + lalpha
			}
		}
		for i, v := range tm.times {
			la[i] = math.Log(alpha + v)
			lb[i] = math.Log(beta + v)
			ia[i] = 1 / (alpha + v)
			ib[i] = 1 / (beta + v)
		}
		ls := math.Log(s)
		// gs1[j] = s·H(τ)/e^(f1) for pair j = (x, τ) taken as (x, T): the
		// second likelihood term relative to the first is
		// gs1·(e^(log H(t_x) − log H(T)) − 1), one expm1 and one log1p a row.
		for j, pr := range pairs {
			x := tm.xs[pr.xi]
			gs1[j] = math.Exp(ls + lh[j] + (r+x)*la[pr.ti] + s*lb[pr.ti])
		}
		var ll, gr, gal, gs, gbe float64
		for i, row := range tm.rows {
			x := tm.xs[row.xi]
			f1 := -(r+x)*la[row.ti] - s*lb[row.ti]
			v, w2 := f1, 0.0
			var dI [4]float64
			if pp := rowPairs[i]; pp[0] >= 0 {
				htx, ht := lh[pp[0]], lh[pp[1]]
				if ht < htx {
					em := math.Expm1(htx - ht)
					rr := gs1[pp[1]] * em
					if !math.IsInf(rr, 0) && !math.IsNaN(rr) {
						v = f1 + math.Log1p(rr)
						w2 = rr / (1 + rr)
					} else {
						lG := ls + htx + math.Log(-math.Expm1(ht-htx))
						v = logAddExp(f1, lG)
						w2 = math.Exp(lG - v)
					}
					if g != nil {
						q := 1 / (1 + em)
						d1, d2 := dh[pp[0]], dh[pp[1]]
						for j := range dI {
							dI[j] = (d1[j] - q*d2[j]) / (1 - q)
						}
					}
				}
			}
			ll += row.w * (lgx[row.xi] + v)
			if g != nil {
				w1 := 1 - w2
				gr += row.w * (dgx[row.xi] + w1*(-la[row.ti]) + w2*dI[0])
				gal += row.w * (r/alpha + w1*(-(r+x)*ia[row.ti]) + w2*dI[1])
				gs += row.w * (lbeta + w1*(-lb[row.ti]) + w2*(1/s+dI[2]))
				gbe += row.w * (s/beta + w1*(-s*ib[row.ti]) + w2*dI[3])
			}
		}
		if g != nil {
			g[0], g[1], g[2], g[3] = -gr/tm.n, -gal/tm.n, -gs/tm.n, -gbe/tm.n
		}
		return -ll / tm.n
	}
	return btydObjective{f: func(p []float64) float64 { return eval(p, nil) }, grad: eval}
}

// paretoLogHGrad returns log H(τ) (see paretoLogH) and its derivatives in
// (r, α, s, β), by the chain rule through n = r+s+x, b and z.
func paretoLogHGrad(r, alpha, s, beta, x, tau float64) (float64, [4]float64, bool) {
	n := r + s + x
	var d [4]float64
	if alpha >= beta {
		at := alpha + tau
		z := (alpha - beta) / at
		j, ok := logPNBDJGrad(n, s+1, z, (beta+tau)/at)
		la := math.Log(at)
		d[0] = -la + j.dn
		d[2] = -la + j.dn + j.db
		d[1] = -n/at + j.dz*(beta+tau)/(at*at)
		d[3] = -j.dz / at
		return -n*la + j.l, d, ok
	}
	bt := beta + tau
	z := (beta - alpha) / bt
	j, ok := logPNBDJGrad(n, r+x, z, (alpha+tau)/bt)
	lb := math.Log(bt)
	d[0] = -lb + j.dn + j.db
	d[2] = -lb + j.dn
	d[1] = -j.dz / bt
	d[3] = -n/bt + j.dz*(alpha+tau)/(bt*bt)
	return -n*lb + j.l, d, ok
}

// logAddExp returns log(e^a + e^b) without overflow.
func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// LogLikelihood returns the Pareto/NBD log-likelihood of the summaries s at
// the model's parameters, for comparing models on holdout data. s is
// validated as in [FitParetoNBD].
func (m *ParetoNBD) LogLikelihood(s []Summary) (float64, error) {
	if err := validateSummaries(checker("ParetoNBD.LogLikelihood"), s); err != nil {
		return 0, err
	}
	v := -paretoObjective(compressSummaries(s)).f([]float64{m.R, m.Alpha, m.S, m.Beta}) * float64(len(s))
	if math.IsInf(v, 0) {
		return -math.MaxFloat64, ErrNotConverged
	}
	return v, nil
}

// PAlive returns the probability that a customer with x repeat purchases,
// the last at t_x, is still active at T (Fader & Hardie 2005, note 008,
// eq. 6):
//
//	1 / (1 + s·(α+T)^(r+x)(β+T)^s·[H(t_x) − H(T)]),
//
// with H as in [FitParetoNBD], computed in log space. It returns NaN for
// x < 0 or not a whole number, t_x < 0, T < t_x or a NaN or infinite
// argument; otherwise the
// result lies in [0, 1]. Unlike the BG/NBD, P(alive) < 1 even when x = 0.
func (m *ParetoNBD) PAlive(x, tx, T float64) float64 {
	if !validXTT(x, tx, T) {
		return math.NaN()
	}
	if tx == T {
		return 1
	}
	// Where the continued fraction stops short of full convergence (z
	// within about 1e-10 of 1) its value is still the best available.
	htx, _ := paretoLogH(m.R, m.Alpha, m.S, m.Beta, x, tx)
	ht, _ := paretoLogH(m.R, m.Alpha, m.S, m.Beta, x, T)
	return m.pAliveFromLogH(x, T, htx, ht)
}

func (m *ParetoNBD) pAliveFromLogH(x, T, htx, ht float64) float64 {
	if math.IsNaN(htx) || math.IsNaN(ht) {
		return math.NaN()
	}
	if !(ht < htx) {
		return 1
	}
	f1 := -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	return logistic(-((math.Log(m.S) - f1) + htx + math.Log(-math.Expm1(ht-htx))))
}

// ExpectedPurchases returns E[X(t)], the expected number of repeat
// purchases in (0, t] of a new customer (Schmittlein et al. 1987 eq. 17):
//
//	rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)],
//
// and its limit rβ/α·log(1+t/β) at s = 1. It returns 0 for t ≤ 0 and NaN
// for NaN or +Inf t.
func (m *ParetoNBD) ExpectedPurchases(t float64) float64 {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t <= 0 {
		return 0
	}
	return m.R * m.Beta / m.Alpha * powRatio(m.S-1, math.Log1p(t/m.Beta))
}

// powRatio returns [1 − e^(−c·L)]/c, and its limit L at c = 0, accurately.
func powRatio(c, l float64) float64 {
	if math.Abs(c*l) < 1e-8 {
		return l * (1 - c*l/2)
	}
	return -math.Expm1(-c*l) / c
}

// ConditionalPurchases returns E[Y(t) | x, t_x, T], the expected number of
// purchases in the next t periods of a customer with x repeat purchases, the
// last at t_x, observed for T (Schmittlein et al. 1987 eq. 22; Fader &
// Hardie note 008 eq. 7):
//
//	(r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive).
//
// It returns 0 for t ≤ 0 and NaN for invalid (x, t_x, T) (see PAlive), NaN
// or +Inf t. The result is non-negative and increasing in t.
func (m *ParetoNBD) ConditionalPurchases(t, x, tx, T float64) float64 {
	if !validXTT(x, tx, T) || math.IsNaN(t) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t <= 0 {
		return 0
	}
	bt := m.Beta + T
	return (m.R + x) * bt / (m.Alpha + T) * powRatio(m.S-1, math.Log1p(t/bt)) * m.PAlive(x, tx, T)
}
