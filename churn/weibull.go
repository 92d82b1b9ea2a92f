package churn

import (
	"fmt"
	"math"
	"strconv"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
)

// WeibullOptions holds the optional settings of [FitWeibull]. A nil
// *WeibullOptions, and the zero value of every field, selects the default
// named in the field's comment.
type WeibullOptions struct {
	// Weight holds non-negative case weights, one per row; nil means all 1.
	Weight []float64
	// Names labels the columns of x; nil means "x0", "x1", ….
	Names []string
	// MaxIter is the maximum number of Newton-Raphson iterations; 0 means 30,
	// as R's survreg.control(maxiter = 30).
	MaxIter int
	// Tol is the convergence tolerance on the relative change of the log
	// likelihood; 0 means 1e-9, as R's survreg.control(rel.tolerance = 1e-9).
	// The iteration also requires the Newton step to be negligible, so the
	// estimates are accurate to about the square root of machine precision.
	Tol float64
}

// Weibull is a fitted Weibull accelerated-failure-time model, the model of
// R's survreg(dist = "weibull"):
//
//	log T = Intercept + Coef·x + σ·ε,   ε ~ standard minimum extreme value,
//
// so that S(t | x) = exp(−(t/λ)^k) with scale λ = exp(Intercept + Coef·x) and
// shape k = 1/σ. It is also a proportional-hazards model with log hazard
// ratios −Coef/σ. The exported fields are the whole state, so a *Weibull
// round-trips through encoding/json. A *Weibull is immutable and safe for
// concurrent use.
type Weibull struct {
	// Names labels Coef.
	Names []string
	// Intercept is the constant of the linear predictor of log T.
	Intercept float64
	// Coef holds the covariate effects on log T: a positive value lengthens
	// the customer's expected tenure.
	Coef []float64
	// LogScale is log σ, with σ = 1/shape.
	LogScale float64
	// InterceptStdErr, StdErr and LogScaleStdErr are the standard errors
	// from the inverse observed information, as R's survreg.
	InterceptStdErr float64
	StdErr          []float64
	LogScaleStdErr  float64
	// Cov is the covariance matrix of (Intercept, Coef..., LogScale).
	Cov [][]float64
	// LogLik is the log likelihood at the estimate, including the Jacobian
	// of the time scale as R reports it; LogLikNull is that of the
	// intercept-only model.
	LogLik, LogLikNull float64
	// N is the number of rows and Events the number of events.
	N, Events int
	// Iter is the number of Newton-Raphson iterations of the full model.
	Iter int
	// Converged reports whether the fit met its convergence criterion.
	Converged bool
}

// weibData is the centred and scaled design for a Weibull fit.
type weibData struct {
	n, p   int
	x      []float64 // n×p row-major, (x − mean)·scale
	logt   []float64
	event  []bool
	w      []float64
	means  []float64
	scale  []float64
	events int
}

// weibEval returns the log likelihood at theta = (b0, b..., log σ) and fills
// grad and the negated Hessian hess (q×q, q = p+2).
func (d *weibData) weibEval(theta, grad, hess []float64, v []float64) float64 {
	p := d.p
	q := p + 2
	clear(grad)
	clear(hess)
	s := theta[q-1]
	sigma := math.Exp(s)
	var ll float64
	v[0] = 1
	for i := 0; i < d.n; i++ {
		row := d.x[i*p : i*p+p]
		eta := theta[0]
		for j, xv := range row {
			eta += theta[j+1] * xv
			v[j+1] = xv
		}
		z := (d.logt[i] - eta) / sigma
		ez := math.Exp(z)
		w := d.w[i]
		var del float64
		if d.event[i] {
			del = 1
			ll += w * (z - s - d.logt[i])
		}
		ll -= w * ez
		gEta := -(del - ez) / sigma
		gS := -del - z*(del-ez)
		hEta := ez / (sigma * sigma)          // −∂²ℓ/∂η²
		hEtaS := -((del - ez) - ez*z) / sigma // −∂²ℓ/∂η∂s
		hS := -(z*(del-ez) - ez*z*z)          // −∂²ℓ/∂s²
		for a := 0; a <= p; a++ {
			grad[a] += w * gEta * v[a]
			wa := w * hEta * v[a]
			for b := a; b <= p; b++ {
				hess[a*q+b] += wa * v[b]
			}
			hess[a*q+q-1] += w * hEtaS * v[a]
		}
		grad[q-1] += w * gS
		hess[(q-1)*q+q-1] += w * hS
	}
	for a := 0; a < q; a++ {
		for b := 0; b < a; b++ {
			hess[a*q+b] = hess[b*q+a]
		}
	}
	return ll
}

// weibNewton maximises the log likelihood from theta, in place. It returns
// the log likelihood, the number of iterations, whether it converged, and the
// Cholesky factor of the negated Hessian at the estimate (nil if singular).
func (d *weibData) weibNewton(theta []float64, maxIter int, tol float64) (ll float64, iter int, converged bool, chol []float64) {
	q := d.p + 2
	grad := make([]float64, q)
	hess := make([]float64, q*q)
	v := make([]float64, d.p+1)
	trial := make([]float64, q)
	step := make([]float64, q)
	tg := make([]float64, q)
	th := make([]float64, q*q)
	ll = d.weibEval(theta, grad, hess, v)
	for iter = 1; iter <= maxIter; iter++ {
		// Newton step on the negated Hessian; where it is not positive
		// definite (far from the optimum) add a ridge until it is
		// (Levenberg-Marquardt).
		lambda := 0.0
		for {
			copy(th, hess)
			for a := 0; a < q; a++ {
				th[a*q+a] += lambda * (1 + math.Abs(hess[a*q+a]))
			}
			if coxCholesky(th, q) < 0 {
				break
			}
			if lambda == 0 {
				lambda = 1e-6
			} else {
				lambda *= 10
			}
			if lambda > 1e12 {
				return ll, iter, false, nil
			}
		}
		copy(step, grad)
		coxCholSolve(th, q, step)
		// Step halving until the likelihood does not decrease.
		var newLL float64
		h := 1.0
		for k := 0; ; k++ {
			for a := range trial {
				trial[a] = theta[a] + h*step[a]
			}
			newLL = d.weibEval(trial, tg, th, v)
			if newLL >= ll || k == 30 {
				break
			}
			h /= 2
		}
		if !(newLL >= ll) { // no ascent possible (or NaN)
			break
		}
		var maxStep float64
		for a := range step {
			maxStep = max(maxStep, math.Abs(h*step[a]))
		}
		copy(theta, trial)
		copy(grad, tg)
		copy(hess, th)
		change := math.Abs(newLL - ll)
		ll = newLL
		if change <= tol*math.Abs(ll) && maxStep < 1e-7 {
			converged = true
			break
		}
	}
	iter = min(iter, maxIter)
	copy(th, hess)
	if coxCholesky(th, q) >= 0 {
		return ll, iter, converged, nil
	}
	return ll, iter, converged, th
}

// FitWeibull fits the Weibull accelerated-failure-time model of R's
// survreg(Surv(duration, event) ~ x, dist = "weibull") by maximum likelihood
// with Newton-Raphson (step halving, and a Levenberg-Marquardt ridge while
// the Hessian is not negative definite). x may be nil for the model with an
// intercept only; otherwise it has one row per customer. The estimates are
// returned on the covariates' own scale; internally columns are centred and
// scaled for stability. The cost is O(n·p²) per iteration.
//
// Durations must be > 0 (log T is modelled). Errors wrap [ErrInvalidInput]
// for empty or mismatched input, non-positive or non-finite durations,
// invalid weights, non-finite x, constant or collinear columns, and data
// without events (the scale is then not identifiable); if the fit does not
// converge the error wraps [ErrNotConverged] and the returned model is
// non-nil, for inspection.
func FitWeibull(x mat.Matrix, duration []float64, event []bool, opts *WeibullOptions) (*Weibull, error) {
	var o WeibullOptions
	if opts != nil {
		o = *opts
	}
	c := checker("FitWeibull")
	if err := validateSurv(c, duration, event, o.Weight, nil); err != nil {
		return nil, err
	}
	for i, t := range duration {
		if t <= 0 {
			return nil, c.Fail("duration", i, check.Float(t), "must be > 0 for a Weibull model (log T is modelled)")
		}
	}
	n := len(duration)
	p := 0
	if x != nil {
		var r int
		r, p = x.Dims()
		if r != n {
			return nil, c.Fail("x", -1, "", "has "+strconv.Itoa(r)+" rows, want len(duration) = "+strconv.Itoa(n))
		}
	}
	if o.Names != nil {
		if err := c.Len("opts.Names", len(o.Names), p); err != nil {
			return nil, err
		}
	}
	if o.MaxIter < 0 {
		return nil, c.Fail("opts.MaxIter", -1, strconv.Itoa(o.MaxIter), "must be ≥ 0")
	}
	if err := c.Scalar("opts.Tol", o.Tol, 0, 1); err != nil {
		return nil, err
	}
	maxIter := o.MaxIter
	if maxIter == 0 {
		maxIter = 30
	}
	tol := o.Tol
	if tol == 0 {
		tol = 1e-9
	}
	d := &weibData{n: n, p: p, logt: make([]float64, n), event: event, w: make([]float64, n),
		means: make([]float64, p), scale: make([]float64, p), x: make([]float64, n*p)}
	var sw, swt, swd float64
	for i := range duration {
		w := coxW(o.Weight, i)
		d.w[i] = w
		d.logt[i] = math.Log(duration[i])
		sw += w
		swt += w * duration[i]
		if event[i] && w > 0 {
			d.events++
			swd += w
		}
	}
	if d.events == 0 {
		return nil, c.Fail("event", -1, "", "all observations are censored (or have zero weight): the Weibull scale is not identifiable")
	}
	at := func(i, j int) float64 { return x.At(i, j) }
	if dense, ok := x.(*mat.Dense); ok {
		rm := dense.RawMatrix()
		at = func(i, j int) float64 { return rm.Data[i*rm.Stride+j] }
	}
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			v := at(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, c.Fail("x", i, check.Float(v), "col "+strconv.Itoa(j)+": must be finite")
			}
			d.x[i*p+j] = v
			d.means[j] += d.w[i] * v
		}
	}
	for j := 0; j < p; j++ {
		d.means[j] /= sw
		var mad float64
		for i := 0; i < n; i++ {
			mad += d.w[i] * math.Abs(d.x[i*p+j]-d.means[j])
		}
		if !(mad > 0) {
			return nil, c.Fail("x", j, "", "column "+strconv.Itoa(j)+" is constant: it is collinear with the intercept")
		}
		d.scale[j] = sw / mad
		for i := 0; i < n; i++ {
			d.x[i*p+j] = (d.x[i*p+j] - d.means[j]) * d.scale[j]
		}
	}

	// Start from the exponential model with an intercept only: its MLE is
	// log(Σt/Σδ). Fit the intercept-only model first (for LogLikNull), then
	// start the full model from it.
	null := &weibData{n: n, p: 0, logt: d.logt, event: event, w: d.w, events: d.events}
	theta0 := []float64{math.Log(swt / swd), 0}
	llNull, _, _, _ := null.weibNewton(theta0, maxIter, tol)
	theta := make([]float64, p+2)
	theta[0], theta[p+1] = theta0[0], theta0[1]

	// Collinearity: the information of the columns at the start.
	{
		q := p + 2
		g := make([]float64, q)
		h := make([]float64, q*q)
		d.weibEval(theta, g, h, make([]float64, p+1))
		// Check the covariate block, conditional on the intercept.
		if bad := coxCholesky(h, q); bad >= 1 && bad <= p {
			return nil, c.Fail("x", bad-1, "", "column "+strconv.Itoa(bad-1)+" is collinear with the intercept and earlier columns")
		}
	}
	ll, iter, converged, chol := d.weibNewton(theta, maxIter, tol)

	m := &Weibull{N: n, Events: d.events, LogLik: ll, LogLikNull: llNull, Iter: iter, Converged: converged && chol != nil}
	if p == 0 {
		m.LogLikNull = ll
	}
	// Back-transform: b_j = scale_j·b'_j, b0 = b0' − Σ means_j·b_j.
	q := p + 2
	A := make([]float64, q*q)
	A[0] = 1
	for j := 0; j < p; j++ {
		A[(j+1)*q+j+1] = d.scale[j]
		A[j+1] = -d.means[j] * d.scale[j]
	}
	A[(q-1)*q+q-1] = 1
	orig := make([]float64, q)
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			orig[a] += A[a*q+b] * theta[b]
		}
	}
	m.Intercept = orig[0]
	m.Coef = append([]float64{}, orig[1:q-1]...)
	m.LogScale = orig[q-1]
	m.Cov = make([][]float64, q)
	for a := range m.Cov {
		m.Cov[a] = make([]float64, q)
	}
	if chol != nil {
		inv := coxCholInverse(chol, q)
		// Cov = A·inv·Aᵀ
		tmp := make([]float64, q*q)
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				var s float64
				for k := 0; k < q; k++ {
					s += A[a*q+k] * inv[k*q+b]
				}
				tmp[a*q+b] = s
			}
		}
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				var s float64
				for k := 0; k < q; k++ {
					s += tmp[a*q+k] * A[b*q+k]
				}
				m.Cov[a][b] = s
			}
		}
	}
	m.InterceptStdErr = math.Sqrt(m.Cov[0][0])
	m.StdErr = make([]float64, p)
	for j := range m.StdErr {
		m.StdErr[j] = math.Sqrt(m.Cov[j+1][j+1])
	}
	m.LogScaleStdErr = math.Sqrt(m.Cov[q-1][q-1])
	if o.Names != nil {
		m.Names = append([]string(nil), o.Names...)
	} else {
		m.Names = make([]string, p)
		for j := range m.Names {
			m.Names[j] = "x" + strconv.Itoa(j)
		}
	}
	if !m.Converged {
		return m, fmt.Errorf("churn: FitWeibull: no convergence in %d iterations (opts.MaxIter): %w", maxIter, ErrNotConverged)
	}
	return m, nil
}

// Scale returns σ = exp(LogScale), the survreg scale (1/shape).
func (m *Weibull) Scale() float64 { return math.Exp(m.LogScale) }

// Shape returns the Weibull shape k = 1/σ: k > 1 means a churn hazard that
// rises with tenure, k < 1 one that falls.
func (m *Weibull) Shape() float64 { return math.Exp(-m.LogScale) }

// LinearPredictor returns Intercept + Coef·x, the expected log of the
// Weibull scale λ for a customer x. It returns NaN when len(x) differs from
// len(Coef) (x may be nil for a model without covariates).
func (m *Weibull) LinearPredictor(x []float64) float64 {
	if len(x) != len(m.Coef) {
		return math.NaN()
	}
	s := m.Intercept
	for j, b := range m.Coef {
		s += b * x[j]
	}
	return s
}

// Survival returns S(t | x) = exp(−(t/λ)^k), λ = exp(Intercept + Coef·x),
// k = 1/σ: the probability that customer x has not churned by t. It is 1 for
// t ≤ 0, and NaN when t is NaN or len(x) differs from len(Coef). It does not
// allocate.
func (m *Weibull) Survival(x []float64, t float64) float64 {
	lp := m.LinearPredictor(x)
	if math.IsNaN(lp) || math.IsNaN(t) {
		return math.NaN()
	}
	if t <= 0 {
		return 1
	}
	z := (math.Log(t) - lp) / math.Exp(m.LogScale)
	return math.Exp(-math.Exp(z))
}

// Quantile returns the time by which customer x has churned with
// probability p: λ·(−log(1−p))^σ. It is 0 for p = 0, +Inf for p = 1, and NaN
// for p outside [0, 1], NaN p, or len(x) different from len(Coef).
func (m *Weibull) Quantile(x []float64, p float64) float64 {
	lp := m.LinearPredictor(x)
	if math.IsNaN(lp) || !(p >= 0 && p <= 1) {
		return math.NaN()
	}
	return math.Exp(lp + math.Exp(m.LogScale)*math.Log(-math.Log1p(-p)))
}

// Median returns the median time to churn of customer x, λ·(log 2)^σ; see
// [Weibull.Quantile].
func (m *Weibull) Median(x []float64) float64 { return m.Quantile(x, 0.5) }
