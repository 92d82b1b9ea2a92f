package clv

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/mathext"

	"github.com/clmkit/clm/internal/check"
)

// SBG is the shifted-beta-geometric model of contract duration (Fader &
// Hardie 2007, "How to Project Customer Retention", J. Interactive Marketing
// 21(1):76-90, who write α, β for γ, δ). At the end of each period an
// active customer cancels with probability θ, constant for the customer; θ
// varies across customers as beta(γ, δ). Then, with T the period in which a
// customer cancels,
//
//	P(T = t) = B(γ+1, δ+t−1)/B(γ, δ)
//	S(t)     = B(γ, δ+t)/B(γ, δ)
//	r_t      = S(t)/S(t−1) = (δ+t−1)/(γ+δ+t−1)
//
// and retention rises with tenure because the customers most likely to
// leave leave first.
//
// A fitted SBG is immutable, safe for concurrent use, and round-trips
// through encoding/json; its prediction methods do not allocate.
type SBG struct {
	Gamma float64 // γ, first shape parameter of the beta distribution of θ
	Delta float64 // δ, second shape parameter

	// StdErr holds the asymptotic standard errors of Gamma and Delta (inverse
	// observed information, numerical Hessian); 0 where the Hessian is not
	// positive definite.
	StdErr [2]float64

	LogLik    float64 // log-likelihood at the estimate, without the multinomial constant
	Cohort    float64 // alive[0], the size of the cohort fitted
	Periods   int     // number of calibration periods, len(alive) − 1
	Iter      int     // optimiser iterations
	Converged bool    // whether the fit met its convergence criterion
}

// FitSBG fits the sBG model by maximum likelihood (Fader & Hardie 2007) to a survivor series: alive[0] is the size of the cohort at the
// start and alive[t] the number still active at the end of period t. Counts
// need not be integers (survivors per 1,000 are fine). The log-likelihood is
//
//	LL(γ, δ) = Σ_{t=1..n} (alive[t−1] − alive[t])·ln P(T = t) + alive[n]·ln S(n).
//
// Bad input returns an error wrapping [ErrInvalidInput] that names the
// index: fewer than two values, a NaN, ±Inf or negative count, alive[0] = 0,
// a series that increases, or a series in which no customer is lost (γ is
// then not identified). If the optimiser stops before converging (for
// example when every customer leaves in period 1 and the estimate of δ
// tends to 0), FitSBG returns the last model together with an error wrapping
// [ErrNotConverged]: on ErrNotConverged the returned model is non-nil, for
// inspection.
func FitSBG(alive []float64) (*SBG, error) {
	c := checker("FitSBG")
	if len(alive) < 2 {
		return nil, c.Fail("alive", -1, "", "needs at least 2 values (the cohort and one later count), got "+strconv.Itoa(len(alive)))
	}
	if err := c.NonNegative("alive", alive); err != nil {
		return nil, err
	}
	if alive[0] == 0 {
		return nil, c.Fail("alive", 0, "0", "the cohort size must be > 0")
	}
	for t := 1; t < len(alive); t++ {
		if alive[t] > alive[t-1] {
			return nil, c.Fail("alive", t, check.Float(alive[t]),
				"must be ≤ alive["+strconv.Itoa(t-1)+"] = "+check.Float(alive[t-1])+": a survivor series cannot increase")
		}
	}
	n := len(alive) - 1
	if alive[n] == alive[0] {
		return nil, c.Fail("alive", n, check.Float(alive[n]), "no customer was lost over the series: the model is not identified")
	}
	a := append([]float64(nil), alive...) // never keep or modify the caller's slice
	nll := func(grad, th []float64) float64 { return sbgNegLogLik(grad, th, a) }
	res := ggFit(nll, []float64{1, 1}, alive[0], nil)
	m := &SBG{
		Gamma: res.theta[0], Delta: res.theta[1],
		Cohort: alive[0], Periods: n, Iter: res.iter, Converged: res.converged,
	}
	m.LogLik = -nll(nil, res.theta)
	copy(m.StdErr[:], ggStdErr(nll, res.theta))
	if !res.converged {
		return m, ggNotConverged("FitSBG", res)
	}
	return m, nil
}

// sbgNegLogLik is minus the sBG log-likelihood of the survivor
// series a, with its gradient in θ = (γ, δ) when grad is not nil. It uses
// the recursions ln S(t) = ln S(t−1) + ln(δ+t−1) − ln(γ+δ+t−1) and
// ln P(T=t) = ln γ − ln(γ+δ+t−1) + ln S(t−1).
func sbgNegLogLik(grad, th []float64, a []float64) float64 {
	g, d := th[0], th[1]
	lng := math.Log(g)
	var ll, dg, dd float64
	var lnS, sg, sd float64 // ln S(t−1) and its derivatives
	for t := 1; t < len(a); t++ {
		tt := float64(t - 1)
		den := g + d + tt
		if lost := a[t-1] - a[t]; lost > 0 {
			ll += lost * (lng - math.Log(den) + lnS)
			dg += lost * (1/g - 1/den + sg)
			dd += lost * (-1/den + sd)
		}
		lnS += math.Log(d+tt) - math.Log(den)
		sg -= 1 / den
		sd += 1/(d+tt) - 1/den
	}
	if last := a[len(a)-1]; last > 0 {
		ll += last * lnS
		dg += last * sg
		dd += last * sd
	}
	if grad != nil {
		grad[0], grad[1] = -dg, -dd
	}
	return -ll
}

// Survival returns S(t) = B(γ, δ+t)/B(γ, δ), the probability that a
// customer of the cohort is still active at the end of period t. The
// gamma-function form extends it to real t ≥ 0; it is 1 for t ≤ 0, tends to
// 0 as t → +Inf, and NaN in gives NaN out. It is non-increasing in t.
func (m *SBG) Survival(t float64) float64 {
	switch {
	case math.IsNaN(t):
		return math.NaN()
	case t <= 0:
		return 1
	case math.IsInf(t, 1):
		return 0
	}
	g, d := m.Gamma, m.Delta
	a, _ := math.Lgamma(d + t)
	b, _ := math.Lgamma(d)
	c, _ := math.Lgamma(g + d)
	e, _ := math.Lgamma(g + d + t)
	return math.Min(1, math.Exp(a-b+c-e))
}

// Retention returns the retention rate of period t, r_t = S(t)/S(t−1): the
// probability that a customer active at the end of period t−1 renews for
// period t. For t ≥ 1 it is (δ+t−1)/(γ+δ+t−1), increasing in t
// towards 1. For 0 < t < 1 it is S(t), for t ≤ 0 it is 1 (no one can have
// left yet), for t = +Inf it is 1, and NaN in gives NaN out.
func (m *SBG) Retention(t float64) float64 {
	switch {
	case math.IsNaN(t):
		return math.NaN()
	case t <= 0, math.IsInf(t, 1):
		return 1
	case t < 1:
		return m.Survival(t)
	}
	return (m.Delta + t - 1) / (m.Gamma + m.Delta + t - 1)
}

// DERL returns the discounted expected residual lifetime of a customer who
// has made `renewals` contract renewals and is about to decide on the next
// one (Fader & Hardie 2010, "Customer-Base Valuation in a Contractual
// Setting: The Perils of Ignoring Heterogeneity", Marketing Science
// 29(1):85-93): with n − 1 = renewals,
//
//	DERL(d | γ, δ, n−1) = Σ_{t≥n} S(t)/S(n−1) · (1+d)^{−(t−n)}
//	                    = (δ+n−1)/(γ+δ+n−1) · ₂F₁(1, δ+n; γ+δ+n; 1/(1+d)).
//
// Payments are made at the start of each period, so the payment at the next
// renewal is not discounted; the expected residual value is m·DERL for a
// margin m per period. A customer just acquired, who has paid for period 1,
// has renewals = 0. With the timing of [Simple] (first margin at the end of
// period 1, discounted once) the value is m·DERL(d, 0)/(1+d) = m·(DEL(d) − 1),
// which for a homogeneous cohort (constant retention r) equals
// Simple(m, r, d). DERL grows with renewals (survivors are the loyal
// customers) and falls with d.
//
// d is the discount rate per period. It returns an error wrapping
// [ErrInvalidInput] when d is NaN, ±Inf or ≤ −1, or renewals < 0. When the
// series diverges (d < 0, or d = 0 with γ ≤ 1: the expected lifetime is
// infinite) it returns +Inf and no error.
//
// The ₂F₁ is summed as its series for d ≥ 0.001 (relative error ~1e-15);
// for smaller positive d it uses gonum's mathext.Hypergeo, which loses
// accuracy (to ~1e-5 relative) when γ is within ~1e-6 of an integer.
func (m *SBG) DERL(d float64, renewals int) (float64, error) {
	c := checker("SBG.DERL")
	if err := retentionCheckRate(c, "d", d); err != nil {
		return 0, err
	}
	if renewals < 0 {
		return 0, c.Fail("renewals", -1, strconv.Itoa(renewals), "must be ≥ 0")
	}
	n := float64(renewals) + 1
	b, cc := m.Delta+n, m.Gamma+m.Delta+n
	return (m.Delta + n - 1) / (m.Gamma + m.Delta + n - 1) * sbgHyp1(b, cc, d), nil
}

// DEL returns the discounted expected lifetime of a customer just acquired,
// Σ_{t≥0} S(t)·(1+d)^{−t} = ₂F₁(1, δ; γ+δ; 1/(1+d)) (Fader & Hardie 2010),
// counting the first payment at t = 0; the expected CLV of a new
// customer paying m per period is m·DEL. Errors and divergence are as for
// [SBG.DERL].
func (m *SBG) DEL(d float64) (float64, error) {
	c := checker("SBG.DEL")
	if err := retentionCheckRate(c, "d", d); err != nil {
		return 0, err
	}
	return sbgHyp1(m.Delta, m.Gamma+m.Delta, d), nil
}

// sbgHyp1 returns ₂F₁(1, b; c; 1/(1+d)) = Σ_k (b)_k/(c)_k (1+d)^{−k} for
// 0 < b < c and d > −1, or +Inf where the series diverges.
func sbgHyp1(b, c, d float64) float64 {
	z := 1 / (1 + d)
	switch {
	case d < 0:
		return math.Inf(1)
	case d == 0:
		// Gauss's sum: ₂F₁(1, b; c; 1) = (c−1)/(c−b−1) when c−b > 1.
		if c-b <= 1 {
			return math.Inf(1)
		}
		return (c - 1) / (c - b - 1)
	case d < 1e-3:
		if v := mathext.Hypergeo(1, b, c, z); !math.IsNaN(v) && v > 0 {
			return v
		}
	}
	// Positive terms whose ratio (b+k)/(c+k)·z increases towards z < 1, so
	// the tail after term k is at most term·z/(1−z).
	sum, term := 1.0, 1.0
	tail := z / (1 - z)
	for k := 0.0; k < 1e8; k++ {
		term *= (b + k) / (c + k) * z
		sum += term
		if term*tail <= 1e-17*sum {
			break
		}
	}
	return sum
}
