package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is a fitted beta-geometric/negative-binomial model of repeat
// purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
// Way", Marketing Science 24(2):275-284). While active, a customer buys at
// rate λ ~ Gamma(R, Alpha); after each purchase the customer drops out with
// probability p ~ Beta(A, B). Times are in the periods of the summaries the
// model was fitted on.
//
// A *BGNBD is immutable and safe for concurrent use; its exported fields
// are its whole state, so it round-trips through encoding/json.
type BGNBD struct {
	R, Alpha, A, B float64
	// StdErr holds the standard errors of R, Alpha, A and B, in that
	// order, from the inverse Hessian of the negative log-likelihood
	// (penalised when opts.L2 > 0), by the delta method from the
	// log-parameters. It is nil when the Hessian is not positive definite.
	StdErr []float64 `json:",omitempty"`
	// LogLik is the log-likelihood at the estimates (FHL eq. 6, summed).
	LogLik float64
	// N is the number of customers the model was fitted on.
	N int
	// Iter is the number of optimiser iterations; Converged reports
	// whether the gradient tolerance was met.
	Iter      int
	Converged bool
}

// FitBGNBD fits the BG/NBD model by maximum likelihood (FHL eq. 6) to the
// summaries s (Frequency x, Recency t_x and T; MeanValue is ignored).
//
// The fit maximises the log-likelihood over the log-parameters with an
// analytic gradient, by BFGS (gonum optimize) followed by Newton polishing; customers with
// equal (x, t_x, T) share one likelihood term, so the cost of an iteration
// grows with the number of distinct rows, not of customers. opts may be nil.
//
// Bad input (empty s, a negative or non-finite value, t_x > T, t_x > 0 with
// x = 0) returns an error wrapping [ErrInvalidInput]. When the optimiser
// stops before the gradient tolerance, FitBGNBD returns the last model and
// an error wrapping [ErrNotConverged]: on ErrNotConverged the returned model
// is non-nil, for inspection.
func FitBGNBD(s []Summary, opts *FitOptions) (*BGNBD, error) {
	if err := validateSummaries(checker("FitBGNBD"), s); err != nil {
		return nil, err
	}
	if err := checkFitOptions("FitBGNBD", opts); err != nil {
		return nil, err
	}
	tm := compressSummaries(s)
	obj := bgnbdObjective(tm, false)
	res := fitBTYD(obj, btydStart(tm, 2), tm.n, opts)
	m := &BGNBD{R: res.p[0], Alpha: res.p[1], A: res.p[2], B: res.p[3], StdErr: res.stdErr,
		LogLik: -res.meanNLL * tm.n, N: len(s), Iter: res.iter, Converged: res.converged}
	if l2, _, _ := fitOptions(opts); l2 > 0 {
		m.LogLik = bgnbdLogLik(tm, res.p, false)
	}
	if !m.Converged || math.IsNaN(m.LogLik) {
		m.Converged = false
		if math.IsNaN(m.LogLik) || math.IsInf(m.LogLik, 0) {
			m.LogLik = -math.MaxFloat64
		}
		return m, ErrNotConverged
	}
	return m, nil
}

// btydStart returns starting values for (r, α, ·, ·): r = 1 and α matched
// to the mean purchase rate, the other two set to def.
func btydStart(tm *btydTerms, def float64) []float64 {
	alpha := 1.0
	if tm.sumX > 0 && tm.sumT > 0 {
		alpha = tm.sumT / tm.sumX
	}
	alpha = math.Min(math.Max(alpha, 1e-3), 1e6)
	return []float64{1, alpha, def, def}
}

// bgnbdLogLik returns the summed log-likelihood of tm at p = (r, α, a, b);
// mbg selects the MBG/NBD variant.
func bgnbdLogLik(tm *btydTerms, p []float64, mbg bool) float64 {
	return -bgnbdObjective(tm, mbg).f(p) * tm.n
}

// bgnbdObjective returns the mean negative log-likelihood of the BG/NBD
// (mbg = false, FHL 2005 eq. 6) or MBG/NBD (mbg = true, Batislam, Denizel &
// Filiztekin 2007 eq. 7) and its analytic gradient in (r, α, a, b).
//
// Per customer, with L(v) = log(α+v):
//
//	ℓ = A₀(x) + log(e^(A₃) + δ·e^(A₄))
//	A₀ = lnΓ(r+x) − lnΓ(r) + r lnα + lnB(a, b+x+k) − lnB(a, b)
//	A₃ = −(r+x)·L(T)
//	A₄ = ln a − ln(b+x−1+k) − (r+x)·L(t_x)
//
// with k = 0, δ = [x > 0] for BG/NBD and k = 1, δ = 1 for MBG/NBD.
func bgnbdObjective(tm *btydTerms, mbg bool) btydObjective {
	nx, nt := len(tm.xs), len(tm.times)
	k := 0.0
	if mbg {
		k = 1
	}
	a0 := make([]float64, nx)
	lb4 := make([]float64, nx)
	dr := make([]float64, nx)
	da := make([]float64, nx)
	db := make([]float64, nx)
	ib4 := make([]float64, nx)
	lt := make([]float64, nt)
	it := make([]float64, nt)
	eval := func(p, g []float64) float64 {
		r, alpha, a, b := p[0], p[1], p[2], p[3]
		lgr, _ := math.Lgamma(r)
		lgab, _ := math.Lgamma(a + b)
		lgb, _ := math.Lgamma(b)
		la, lalpha := math.Log(a), math.Log(alpha)
		var psr, psab, psb float64
		if g != nil {
			psr, psab, psb = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
		}
		for i, x := range tm.xs {
			l1, _ := math.Lgamma(r + x)
			l2, _ := math.Lgamma(b + x + k)
			l3, _ := math.Lgamma(a + b + x + k)
			a0[i] = l1 - lgr + r*lalpha + lgab + l2 - lgb - l3
			bx := b + x - 1 + k
			if x > 0 || mbg {
				lb4[i] = la - math.Log(bx)
				ib4[i] = 1 / bx
			}
			if g != nil {
				psabx := mathext.Digamma(a + b + x + k)
				dr[i] = mathext.Digamma(r+x) - psr + lalpha
				da[i] = psab - psabx
				db[i] = psab + mathext.Digamma(b+x+k) - psb - psabx
			}
		}
		for i, v := range tm.times {
			lt[i] = math.Log(alpha + v)
			it[i] = 1 / (alpha + v)
		}
		var ll, gr, gal, ga, gb float64
		for _, row := range tm.rows {
			x := tm.xs[row.xi]
			rx := r + x
			a3 := -rx * lt[row.ti]
			lse, w4 := 0.0, 0.0
			if x > 0 || mbg {
				a4 := lb4[row.xi] - rx*lt[row.txi]
				d := a4 - a3
				if d > 0 {
					e := math.Exp(-d)
					lse = a4 + math.Log1p(e)
					w4 = 1 / (1 + e)
				} else {
					e := math.Exp(d)
					lse = a3 + math.Log1p(e)
					w4 = e / (1 + e)
				}
			} else {
				lse = a3
			}
			w := row.w
			ll += w * (a0[row.xi] + lse)
			if g != nil {
				w3 := 1 - w4
				gr += w * (dr[row.xi] - w3*lt[row.ti] - w4*lt[row.txi])
				gal += w * (r/alpha - rx*(w3*it[row.ti]+w4*it[row.txi]))
				ga += w * (da[row.xi] + w4/a)
				gb += w * (db[row.xi] - w4*ib4[row.xi])
			}
		}
		if g != nil {
			g[0], g[1], g[2], g[3] = -gr/tm.n, -gal/tm.n, -ga/tm.n, -gb/tm.n
		}
		return -ll / tm.n
	}
	return btydObjective{
		f:    func(p []float64) float64 { return eval(p, nil) },
		grad: eval,
	}
}

// LogLikelihood returns the BG/NBD log-likelihood of the summaries s at the
// model's parameters (FHL eq. 6, summed over customers), for comparing
// models on holdout data. s is validated as in [FitBGNBD].
func (m *BGNBD) LogLikelihood(s []Summary) (float64, error) {
	if err := validateSummaries(checker("BGNBD.LogLikelihood"), s); err != nil {
		return 0, err
	}
	return bgnbdLogLik(compressSummaries(s), []float64{m.R, m.Alpha, m.A, m.B}, false), nil
}

// PAlive returns the probability that a customer with x repeat purchases,
// the last at t_x, is still active at T (FHL 2005 eq. 11, Fader, Hardie &
// Lee 2008 note 021): 1 when x = 0, otherwise
//
//	1 / (1 + a/(b+x−1)·((α+T)/(α+t_x))^(r+x)).
//
// It is total: for x < 0 or not a whole number, t_x < 0, T < t_x, or a NaN
// or infinite argument it returns NaN; otherwise the result lies in [0, 1].
func (m *BGNBD) PAlive(x, tx, T float64) float64 {
	if !validXTT(x, tx, T) {
		return math.NaN()
	}
	if x == 0 {
		return 1
	}
	l := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
	return logistic(-l)
}

// logistic returns 1/(1+e^(−v)) without overflow.
func logistic(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

// validXTT reports whether (x, t_x, T) is a history the models can score:
// x a whole number ≥ 0, 0 ≤ t_x ≤ T < ∞.
func validXTT(x, tx, T float64) bool {
	return x >= 0 && x == math.Trunc(x) && tx >= 0 && T >= tx && !math.IsInf(T, 0) && !math.IsInf(x, 0)
}

// ExpectedPurchases returns E[X(t)], the expected number of repeat purchases
// in (0, t] of a customer who made the first purchase at time 0 (FHL eq. 7):
//
//	(a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; t/(α+t))].
//
// It returns 0 for t ≤ 0 and NaN for NaN or +Inf t.
func (m *BGNBD) ExpectedPurchases(t float64) float64 {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t <= 0 {
		return 0
	}
	return bgExpect(m.R, m.Alpha, m.A, m.B-1, t)
}

// ConditionalPurchases returns E[Y(t) | x, t_x, T], the expected number of
// purchases in the next t periods of a customer with x repeat purchases, the
// last at t_x, observed for T (FHL eq. 10):
//
//	(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
//	  / (1 + [x > 0]·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)).
//
// It returns 0 for t ≤ 0, and NaN for invalid (x, t_x, T) (see PAlive), NaN
// or +Inf t. The result is non-negative and increasing in t.
func (m *BGNBD) ConditionalPurchases(t, x, tx, T float64) float64 {
	if !validXTT(x, tx, T) || math.IsNaN(t) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t <= 0 {
		return 0
	}
	return m.PAlive(x, tx, T) * bgExpect(m.R+x, m.Alpha+T, m.A, m.B+x-1, t)
}

// bgExpect returns E_{p~Beta(a, bc+1)}[(1 − (α/(α+pt))^r)/p], the shape
// shared by the BG/NBD and MBG/NBD expectations (FHL 2005 eqs. 7-10), in
// closed form with c = a + bc:
//
//	c/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, bc+1; c; t/(α+t))]
//
// evaluated through Euler's transformation as
// c · [1 − (1−z)^(a−1) · ₂F₁(c−r, a−1; c; z)]/(a−1), z = t/(α+t). Where the
// closed form breaks down (c ≤ 0, a non-finite ₂F₁) it falls back to
// quadrature of the expectation.
func bgExpect(r, alpha, a, bc, t float64) float64 {
	z := t / (alpha + t)
	if z == 0 {
		return 0
	}
	c := a + bc
	f := func(a float64) float64 {
		c := a + bc
		return c * (1 - euler2F1(c-r, a-1, c, z)) / (a - 1)
	}
	const h = 1e-5
	var v float64
	if math.Abs(a-1) < h {
		// The bracket and a−1 vanish together; the function is smooth in
		// a, so interpolate linearly between a = 1 ± h (error O(h²)).
		lo, hi := f(1-h), f(1+h)
		v = lo + (a-(1-h))/(2*h)*(hi-lo)
	} else {
		v = f(a)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || c <= 0 {
		return bgExpectQuad(r, alpha, a, bc+1, t)
	}
	return v
}

// bgExpectQuad computes E_{p~Beta(a,b)}[(1 − (α/(α+pt))^r)/p] by
// Gauss-Legendre quadrature on [0, ½] and [½, 1], each on a mesh graded
// towards its endpoint, where the beta density may be singular. It is the
// fallback of bgExpect and is accurate to about 1e-9 relative.
func bgExpectQuad(r, alpha, a, b, t float64) float64 {
	g := func(p float64) float64 {
		if p <= 0 {
			return r * t / alpha
		}
		return -math.Expm1(-r*math.Log1p(p*t/alpha)) / p
	}
	lb := lbeta(a, b)
	// half integrates g times the density over p = p(u), u ∈ (0, ½], where
	// the density is u^(c−1)(1−u)^(other−1)/B: on a mesh graded
	// geometrically towards u = 0, and on the last cell [0, 2^−13] after the
	// substitution v = u^c, which removes the endpoint singularity.
	half := func(c, other float64, p func(u float64) float64) float64 {
		const levels = 12
		sum := 0.0
		lo := math.Ldexp(1, -levels-1)
		lvmax := c * math.Log(lo)
		for i, x := range gl16Nodes {
			u := math.Exp((lvmax + math.Log((x+1)/2)) / c)
			l := math.Log(gl16Weights[i]/2/c) + lvmax + (other-1)*math.Log1p(-u) - lb
			sum += g(p(u)) * math.Exp(l)
		}
		for k := range levels {
			a, b := math.Ldexp(1, -k-2), math.Ldexp(1, -k-1)
			for i, x := range gl16Nodes {
				u := a + (b-a)*(x+1)/2
				l := math.Log(gl16Weights[i]*(b-a)/2) + (c-1)*math.Log(u) + (other-1)*math.Log1p(-u) - lb
				sum += g(p(u)) * math.Exp(l)
			}
		}
		return sum
	}
	sum := half(a, b, func(u float64) float64 { return u }) + half(b, a, func(u float64) float64 { return 1 - u })
	return sum
}

func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// gl16Nodes and gl16Weights are the 16-point Gauss-Legendre rule on
// [−1, 1].
var gl16Nodes, gl16Weights = gaussLegendre(16)

// gaussLegendre returns the n-point Gauss-Legendre nodes and weights,
// found by Newton's method on the Legendre recurrence.
func gaussLegendre(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	for i := range (n + 1) / 2 {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var pp float64
		for range 100 {
			p1, p2 := 1.0, 0.0
			for j := 1; j <= n; j++ {
				p1, p2 = ((2*float64(j)-1)*z*p1-(float64(j)-1)*p2)/float64(j), p1
			}
			pp = float64(n) * (z*p1 - p2) / (z*z - 1)
			dz := p1 / pp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		x[i], x[n-1-i] = -z, z
		w[i] = 2 / ((1 - z*z) * pp * pp)
		w[n-1-i] = w[i]
	}
	return x, w
}
