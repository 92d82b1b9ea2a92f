package clv

import "math"

// MBGNBD is a fitted modified BG/NBD model (Batislam, Denizel & Filiztekin
// 2007, "Empirical validation and comparison of models for customer base
// analysis", International Journal of Research in Marketing 24(3):201-209).
// It is the BG/NBD ([BGNBD]) with one change: a customer may also drop out
// at time 0, right after the first purchase, so that a customer with no
// repeat purchases is not certainly alive. Parameters and periods are as in
// [BGNBD].
//
// A *MBGNBD is immutable and safe for concurrent use; its exported fields
// are its whole state, so it round-trips through encoding/json.
type MBGNBD struct {
	R, Alpha, A, B float64
	// StdErr holds the standard errors of R, Alpha, A and B, in that
	// order, as in [BGNBD]; nil when the Hessian is not positive definite.
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

// FitMBGNBD fits the MBG/NBD model by maximum likelihood (Batislam et al.
// 2007 eq. 7):
//
//	L = B(a, b+x+1)/B(a, b)·Γ(r+x)α^r/(Γ(r)(α+T)^(r+x))
//	  + B(a+1, b+x)/B(a, b)·Γ(r+x)α^r/(Γ(r)(α+t_x)^(r+x)),
//
// the second term present for every customer, x = 0 included. The fit is
// as in [FitBGNBD] (log-parameters, analytic gradient, compressed rows,
// Hessian standard errors), and so are the errors: on [ErrNotConverged]
// the returned model is non-nil, for inspection.
func FitMBGNBD(s []Summary, opts *FitOptions) (*MBGNBD, error) {
	if err := validateSummaries(checker("FitMBGNBD"), s); err != nil {
		return nil, err
	}
	if err := checkFitOptions("FitMBGNBD", opts); err != nil {
		return nil, err
	}
	tm := compressSummaries(s)
	res := fitBTYD(bgnbdObjective(tm, true), btydStart(tm, 2), tm.n, opts)
	m := &MBGNBD{R: res.p[0], Alpha: res.p[1], A: res.p[2], B: res.p[3], StdErr: res.stdErr,
		LogLik: -res.meanNLL * tm.n, N: len(s), Iter: res.iter, Converged: res.converged}
	if l2, _, _ := fitOptions(opts); l2 > 0 {
		m.LogLik = bgnbdLogLik(tm, res.p, true)
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

// LogLikelihood returns the MBG/NBD log-likelihood of the summaries s at the
// model's parameters. s is validated as in [FitMBGNBD].
func (m *MBGNBD) LogLikelihood(s []Summary) (float64, error) {
	if err := validateSummaries(checker("MBGNBD.LogLikelihood"), s); err != nil {
		return 0, err
	}
	return bgnbdLogLik(compressSummaries(s), []float64{m.R, m.Alpha, m.A, m.B}, true), nil
}

// PAlive returns the probability that a customer with x repeat purchases,
// the last at t_x, is still active at T (Batislam et al. 2007 eq. 9):
//
//	1 / (1 + a/(b+x)·((α+T)/(α+t_x))^(r+x)),
//
// which is below 1 even when x = 0. It returns NaN for x < 0 or not a
// whole number, t_x < 0, T < t_x or a NaN or infinite argument; otherwise
// the result lies in [0, 1].
func (m *MBGNBD) PAlive(x, tx, T float64) float64 {
	if !validXTT(x, tx, T) {
		return math.NaN()
	}
	l := math.Log(m.A) - math.Log(m.B+x) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
	return logistic(-l)
}

// ExpectedPurchases returns E[X(t)] for a new customer (Batislam et al.
// 2007 eq. 8):
//
//	b/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b+1; a+b; t/(α+t))].
//
// It returns 0 for t ≤ 0 and NaN for NaN or +Inf t.
func (m *MBGNBD) ExpectedPurchases(t float64) float64 {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t <= 0 {
		return 0
	}
	return m.B / (m.A + m.B) * bgExpect(m.R, m.Alpha, m.A, m.B, t)
}

// ConditionalPurchases returns E[Y(t) | x, t_x, T] (Batislam et al. 2007
// eq. 10):
//
//	(a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]
//	  / (1 + a/(b+x)·((α+T)/(α+t_x))^(r+x)).
//
// It returns 0 for t ≤ 0, and NaN for invalid (x, t_x, T), NaN or +Inf t.
// The result is non-negative and increasing in t.
func (m *MBGNBD) ConditionalPurchases(t, x, tx, T float64) float64 {
	if !validXTT(x, tx, T) || math.IsNaN(t) || math.IsInf(t, 1) {
		return math.NaN()
	}
	if t <= 0 {
		return 0
	}
	return m.PAlive(x, tx, T) * bgExpect(m.R+x, m.Alpha+T, m.A, m.B+x, t)
}
