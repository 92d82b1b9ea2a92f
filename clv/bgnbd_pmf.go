package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// PurchasesPMF returns P(X(t) = n), the probability that a customer who
// made the first purchase at time 0 makes exactly n repeat purchases in
// (0, t]. It implements eq. (8) of Fader, Hardie & Lee (2005), as lifetimes'
// probability_of_n_purchases_up_to_time does:
//
//	P(X(t) = n) = B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r · (t/(α+t))^n
//	  + [n > 0] · B(a+1, b+n−1)/B(a, b)
//	      · [1 − (α/(α+t))^r · Σ_{j=0}^{n−1} Γ(r+j)/(Γ(r) j!) · (t/(α+t))^j].
//
// The first term is the chance of n purchases while still active, the
// second that of dropping out right after the n-th. Multiplied by the
// number of customers it gives the expected histogram of repeat purchases,
// the model's in-sample fit check. Its mean over n is [BGNBD.ExpectedPurchases].
//
// The bracket is the upper tail of a negative binomial distribution, which
// is computed as the regularized incomplete beta function I_z(n, r),
// z = t/(α+t), rather than as one minus a sum close to one, so that the
// probabilities of large n keep their relative accuracy; the Gamma and Beta
// ratios are taken in log space, so large n and t do not overflow.
//
// It is total and allocation-free: n < 0 gives 0; t ≤ 0 gives 1 for n = 0
// and 0 otherwise; t = +Inf gives the limit B(a+1, b+n−1)/B(a, b) for
// n > 0 and 0 for n = 0; NaN t, or a model with a parameter outside
// (0, 1e300], gives NaN. Otherwise the result lies in [0, 1].
// maxPMFParam bounds the parameters [BGNBD.PurchasesPMF] accepts.
const maxPMFParam = 1e300

func (m *BGNBD) PurchasesPMF(t float64, n int) float64 {
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	for _, v := range [...]float64{r, alpha, a, b} {
		// Beyond about 2.5e305 the log-Gamma terms overflow.
		if !(v > 0) || v > maxPMFParam {
			return math.NaN()
		}
	}
	if math.IsNaN(t) {
		return math.NaN()
	}
	if n < 0 {
		return 0
	}
	if t <= 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	lbab := lbeta(a, b)
	fn := float64(n)
	if math.IsInf(t, 1) {
		// Everyone has dropped out: n purchases, then dropout.
		if n == 0 {
			return 0
		}
		return math.Min(math.Exp(lbeta(a+1, b+fn-1)-lbab), 1)
	}
	// log(α/(α+t)) and log(t/(α+t)), accurate for t ≪ α and t ≫ α.
	l0, l1 := -math.Log1p(t/alpha), -math.Log1p(alpha/t)
	lgrn, _ := math.Lgamma(r + fn)
	lgr, _ := math.Lgamma(r)
	lgn1, _ := math.Lgamma(fn + 1)
	lp := lbeta(a, b+fn) - lbab + lgrn - lgr - lgn1 + r*l0
	if n > 0 { // l1 = −Inf when t/α underflows
		lp += fn * l1
	}
	p := math.Exp(lp)
	if n > 0 {
		// 1 − (α/(α+t))^r Σ_{j<n} NB(j) = P(NB(r, α/(α+t)) ≥ n) = I_z(n, r).
		z := math.Exp(l1)
		if tail := mathext.RegIncBeta(fn, r, z); tail > 0 {
			p += math.Exp(lbeta(a+1, b+fn-1)-lbab) * tail
		}
	}
	// Both terms are non-negative; rounding may push the sum past 1.
	return math.Min(p, 1)
}
