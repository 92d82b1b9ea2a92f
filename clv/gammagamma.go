package clv

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"

	"github.com/clmkit/clm/internal/check"
)

// GammaGamma is the Gamma-Gamma model of monetary value (Fader & Hardie
// 2013, "The Gamma-Gamma Model of Monetary Value", note 025; Colombo &
// Jiang 1999). A customer's transaction values are gamma(p, ν) with
// scale 1/ν; ν varies across customers as gamma with shape q and rate γ.
// The mean m_x of a
// customer's x transactions then has the marginal density of note 025.
//
// The model assumes that a customer's spend per transaction is independent
// of how often they buy; check it with [FrequencyValueCorrelation] before
// combining the model with a transaction model.
//
// A fitted GammaGamma is immutable, safe for concurrent use, and round-trips
// through encoding/json; its prediction methods do not allocate.
type GammaGamma struct {
	P     float64 // shape of the per-transaction gamma distribution
	Q     float64 // shape of the gamma mixing distribution of ν
	Gamma float64 // rate parameter γ of the mixing distribution (E ν = q/γ)

	// StdErr holds the asymptotic standard errors of P, Q and Gamma, from
	// the inverse of the observed information (the numerical Hessian of the
	// log-likelihood at the estimate); 0 where the Hessian is not positive
	// definite.
	StdErr [3]float64

	LogLik    float64 // log-likelihood at the estimate (the note 025 density of m_x, summed)
	N         int     // number of customers used: those with Frequency > 0
	Iter      int     // optimiser iterations
	Converged bool    // whether the fit met its convergence criterion
}

// FitGammaGamma fits the Gamma-Gamma spend model by maximum likelihood to
// the customers of s with Frequency > 0, using x = Frequency and
// m_x = MeanValue, the mean value of the x repeat transactions, as in
// Fader & Hardie (2013, note 025). Customers with Frequency = 0 carry no
// spend information and are skipped. opts may be nil.
//
// The likelihood is maximised over log-parameters by a damped Newton method
// (analytic gradient, Hessian by differences of the gradient): the fit has converged when the ∞-norm of the gradient of the mean
// negative log-likelihood (plus the opts.L2 penalty) in log-parameters is
// ≤ opts.Tol and the remaining Newton step changes no parameter by more
// than 0.1%. Bad input returns an error wrapping [ErrInvalidInput] that
// names the field and row: empty s; a NaN, ±Inf or negative value;
// Recency > T; Recency > 0 with Frequency = 0; MeanValue = 0 with
// Frequency > 0; no customer with Frequency > 0; invalid opts. If the optimiser stops before
// converging, FitGammaGamma returns the last model together with an error
// wrapping [ErrNotConverged]: on ErrNotConverged the returned model is
// non-nil, for inspection.
func FitGammaGamma(s []Summary, opts *FitOptions) (*GammaGamma, error) {
	c := checker("FitGammaGamma")
	if err := validateSummaries(c, s); err != nil {
		return nil, err
	}
	if err := ggCheckOptions(c, opts); err != nil {
		return nil, err
	}
	n := 0
	for i, r := range s {
		if r.Frequency > 0 {
			if r.MeanValue <= 0 {
				return nil, c.Fail("s.MeanValue", i, "0", "must be > 0 when Frequency > 0")
			}
			n++
		}
	}
	if n == 0 {
		return nil, c.Fail("s.Frequency", -1, "", "no customer with Frequency > 0: the spend model needs repeat purchases")
	}
	d := ggNewData(s, n)
	nll := d.negLogLik
	// Start at p = 1, q = 2 and γ = the mean spend, which puts the starting
	// population mean pγ/(q−1) at the sample mean.
	mean := 0.0
	for _, v := range d.m {
		mean += v
	}
	mean /= float64(n)
	res := ggFit(nll, []float64{1, 2, mean}, float64(n), opts)
	model := &GammaGamma{
		P: res.theta[0], Q: res.theta[1], Gamma: res.theta[2],
		N: n, Iter: res.iter, Converged: res.converged,
	}
	model.LogLik = -nll(nil, res.theta)
	copy(model.StdErr[:], ggStdErr(nll, res.theta))
	if !res.converged {
		return model, ggNotConverged("FitGammaGamma", res)
	}
	return model, nil
}

// ggData is the Gamma-Gamma likelihood's view of the repeat buyers. The
// gamma-function terms depend on a customer only through x, so they are
// evaluated once per distinct x; only ln(γ + m·x) is per customer.
type ggData struct {
	x, m   []float64 // per customer (Frequency > 0)
	ux, nx []float64 // distinct x values and their counts
	sumXLM float64   // Σ x ln m
	sumLM  float64   // Σ ln m
	sumXLX float64   // Σ x ln x

	// The per-customer terms depend on γ alone, through the four sums
	// below; the optimiser's difference steps in p and q reuse them.
	cache [4]ggGammaSums
	next  int
}

// ggGammaSums holds, for one γ, Σ x ln(γ+mx), Σ ln(γ+mx), Σ x/(γ+mx) and
// Σ 1/(γ+mx) over the customers.
type ggGammaSums struct {
	g, xl, l, xr, r float64
	ok              bool
}

// sums returns the γ-dependent sums, from the cache when possible.
func (d *ggData) sums(g float64) ggGammaSums {
	for _, c := range d.cache {
		if c.ok && c.g == g {
			return c
		}
	}
	c := ggGammaSums{g: g, ok: true}
	for i, x := range d.x {
		den := g + d.m[i]*x
		l, r := math.Log(den), 1/den
		c.xl += x * l
		c.l += l
		c.xr += x * r
		c.r += r
	}
	d.cache[d.next] = c
	d.next = (d.next + 1) % len(d.cache)
	return c
}

// ggNewData gathers the n customers of s with Frequency > 0.
func ggNewData(s []Summary, n int) *ggData {
	d := &ggData{x: make([]float64, 0, n), m: make([]float64, 0, n)}
	idx := make(map[float64]int)
	for _, r := range s {
		if r.Frequency <= 0 {
			continue
		}
		x, m := r.Frequency, r.MeanValue
		d.x = append(d.x, x)
		d.m = append(d.m, m)
		lm := math.Log(m)
		d.sumXLM += x * lm
		d.sumLM += lm
		d.sumXLX += x * math.Log(x)
		j, ok := idx[x]
		if !ok {
			j = len(d.ux)
			idx[x] = j
			d.ux = append(d.ux, x)
			d.nx = append(d.nx, 0)
		}
		d.nx[j]++
	}
	return d
}

// negLogLik is minus the Gamma-Gamma log-likelihood (note 025)
//
//	ln f(m|x) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ+mx)
//
// summed over customers, with its gradient in the natural parameters
// θ = (p, q, γ) written to grad when grad is not nil.
func (d *ggData) negLogLik(grad, th []float64) float64 {
	p, q, g := th[0], th[1], th[2]
	lgq, _ := math.Lgamma(q)
	lng := math.Log(g)
	n := float64(len(d.x))
	ll := n*(q*lng-lgq) + p*(d.sumXLM+d.sumXLX) - d.sumLM
	var dp, dq, dg float64
	if grad != nil {
		dp = d.sumXLM + d.sumXLX
		dq = n * (lng - mathext.Digamma(q))
		dg = n * q / g
	}
	for j, x := range d.ux {
		c, px := d.nx[j], p*d.ux[j]
		a, _ := math.Lgamma(px + q)
		b, _ := math.Lgamma(px)
		ll += c * (a - b)
		if grad != nil {
			psiA := mathext.Digamma(px + q)
			dp += c * x * (psiA - mathext.Digamma(px))
			dq += c * psiA
		}
	}
	c := d.sums(g)
	ll -= p*c.xl + q*c.l
	if grad != nil {
		dp -= c.xl
		dq -= c.l
		dg -= p*c.xr + q*c.r
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = -dp, -dq, -dg
	}
	return -ll
}

// ExpectedValue returns the expected mean transaction value of a customer
// with x repeat transactions of mean value mx, E(M | p, q, γ, x, m_x) of
// note 025:
//
//	(p(γ + x·m_x))/(px + q − 1)
//	  = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m_x,
//
// a weighted average of the population mean pγ/(q−1) and the customer's own
// mean. For x = 0 it is the population mean (mx is ignored); for x = +Inf it
// is mx. The method is total: x or mx negative or NaN gives NaN, and the
// result is +Inf when the posterior mean does not exist (px + q ≤ 1) or
// mx = +Inf.
func (m *GammaGamma) ExpectedValue(x, mx float64) float64 {
	if math.IsNaN(x) || math.IsNaN(mx) || x < 0 || mx < 0 {
		return math.NaN()
	}
	if x == 0 {
		return m.PopulationMean()
	}
	px := m.P * x
	if math.IsInf(px, 1) {
		return mx // the customer's own mean has all the weight
	}
	den := px + m.Q - 1
	if den <= 0 {
		return math.Inf(1)
	}
	// p(γ + x·m_x)/den, written so that x·m_x cannot overflow.
	return m.P*m.Gamma/den + px/den*mx
}

// PopulationMean returns the mean transaction value across customers,
// E(Z) = pγ/(q−1) (note 025), or +Inf when q ≤ 1 and the mean does not
// exist.
func (m *GammaGamma) PopulationMean() float64 {
	if m.Q <= 1 {
		return math.Inf(1)
	}
	return m.P * m.Gamma / (m.Q - 1)
}

// FrequencyValueCorrelation returns the Pearson correlation between
// Frequency and MeanValue over the customers of s with Frequency > 0, the
// check of the Gamma-Gamma independence assumption that Fader & Hardie
// (2013, note 025) report (0.11 on CDNOW). A value near 0 supports
// combining [GammaGamma] with a transaction model; a large |ρ| means the
// spend and purchase processes are dependent and the product of their
// expectations is biased.
//
// It returns an error wrapping [ErrInvalidInput] for invalid summaries, when
// fewer than two customers have Frequency > 0, or when Frequency or
// MeanValue is constant over them (the correlation is undefined).
func FrequencyValueCorrelation(s []Summary) (float64, error) {
	c := checker("FrequencyValueCorrelation")
	if err := validateSummaries(c, s); err != nil {
		return 0, err
	}
	// Two-pass: means, then centred sums (stable for large values).
	var n, mx, mm float64
	for _, r := range s {
		if r.Frequency > 0 {
			n++
			mx += r.Frequency
			mm += r.MeanValue
		}
	}
	if n < 2 {
		return 0, c.Fail("s.Frequency", -1, "", "fewer than two customers with Frequency > 0")
	}
	mx /= n
	mm /= n
	var sxx, smm, sxm float64
	for _, r := range s {
		if r.Frequency > 0 {
			dx, dm := r.Frequency-mx, r.MeanValue-mm
			sxx += dx * dx
			smm += dm * dm
			sxm += dx * dm
		}
	}
	if sxx == 0 {
		return 0, c.Fail("s.Frequency", -1, "", "constant over customers with Frequency > 0: correlation undefined")
	}
	if smm == 0 {
		return 0, c.Fail("s.MeanValue", -1, "", "constant over customers with Frequency > 0: correlation undefined")
	}
	r := sxm / math.Sqrt(sxx*smm)
	return math.Max(-1, math.Min(1, r)), nil
}

// The maximum-likelihood machinery below is shared by the Gamma-Gamma, sBG
// and BG/BB fits.

// ggNLL is a negative log-likelihood in the natural (positive) parameters θ;
// it writes the gradient with respect to θ into grad when grad is not nil.
type ggNLL func(grad, theta []float64) float64

// ggResult is the outcome of ggFit.
type ggResult struct {
	theta     []float64
	iter      int
	converged bool
	gradNorm  float64 // ∞-norm of the scaled gradient at theta
	tol       float64
}

const (
	ggDefaultMaxIter = 1000
	ggDefaultTol     = 1e-8
	// ggLogBound bounds |log θ| during the search: beyond e^±50 every model
	// here is numerically degenerate, and the bound keeps lgamma finite.
	ggLogBound = 50
	// ggMaxFinalStep is the largest Newton step in log-parameters (a
	// relative change of 0.1%) still accepted as "at the optimum" once the
	// gradient is below Tol.
	ggMaxFinalStep = 1e-3
)

// ggCheckOptions validates FitOptions.
func ggCheckOptions(c check.Checker, opts *FitOptions) error {
	if opts == nil {
		return nil
	}
	if err := c.Scalar("opts.L2", opts.L2, 0, math.MaxFloat64); err != nil {
		return err
	}
	if err := c.Scalar("opts.Tol", opts.Tol, 0, math.MaxFloat64); err != nil {
		return err
	}
	if opts.MaxIter < 0 {
		return c.Fail("opts.MaxIter", -1, strconv.Itoa(opts.MaxIter), "must be ≥ 0")
	}
	return nil
}

// ggFit minimises nll(θ)/scale + L2·Σθ² over u = log θ from theta0 by a
// damped Newton method: the Hessian is the central difference of the
// analytic gradient, shifted by λI (Levenberg-Marquardt) until positive
// definite, and each step is backtracked until the objective decreases. It
// stops when the ∞-norm of the scaled gradient is ≤ Tol, and never returns
// non-finite parameters.
func ggFit(nll ggNLL, theta0 []float64, scale float64, opts *FitOptions) ggResult {
	k := len(theta0)
	l2, maxIter, tol := 0.0, ggDefaultMaxIter, ggDefaultTol
	if opts != nil {
		l2 = opts.L2
		if opts.MaxIter > 0 {
			maxIter = opts.MaxIter
		}
		if opts.Tol > 0 {
			tol = opts.Tol
		}
	}
	th := make([]float64, k)
	gth := make([]float64, k)
	// obj evaluates the scaled penalised objective and its gradient in u;
	// outside the domain it returns +Inf (and a zero gradient).
	obj := func(grad, u []float64) float64 {
		bad := func() float64 {
			for j := range grad {
				grad[j] = 0
			}
			return math.Inf(1)
		}
		for i, v := range u {
			if math.IsNaN(v) || math.Abs(v) > ggLogBound {
				return bad()
			}
			th[i] = math.Exp(v)
		}
		var g []float64
		if grad != nil {
			g = gth
		}
		// The penalty is added to the mean negative log-likelihood, as in the
		// other fits of this package and lifetimes' penalizer_coef.
		f := nll(g, th) / scale
		for i, t := range th {
			f += l2 * t * t
			if grad != nil {
				grad[i] = (g[i]/scale + 2*l2*t) * t
				if math.IsNaN(grad[i]) || math.IsInf(grad[i], 0) {
					return bad()
				}
			}
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return bad()
		}
		return f
	}
	u := make([]float64, k)
	for i, t := range theta0 {
		u[i] = math.Log(t)
	}
	f := obj(nil, u)
	res := ggResult{theta: make([]float64, k), tol: tol, gradNorm: math.Inf(1)}
	grad := make([]float64, k)
	cand := make([]float64, k)
	rhs := mat.NewVecDense(k, nil)
	var dir mat.VecDense
	var chol mat.Cholesky
	lambda := 0.0
	var hist []float64 // objective before each iteration
	for !math.IsInf(f, 1) {
		obj(grad, u)
		res.gradNorm = ggNormInf(grad)
		if res.gradNorm <= tol {
			// A small gradient is not enough: on a ridge or asymptote
			// (a parameter running off to 0 or ∞) the gradient in
			// log-parameters vanishes too. Require a positive-definite
			// Hessian whose Newton step is negligible.
			h := ggHessian(func(g, x []float64) { obj(g, x) }, u, 1e-5, 1)
			for i := range k {
				rhs.SetVec(i, grad[i])
			}
			res.converged = chol.Factorize(h) && chol.SolveVecTo(&dir, rhs) == nil &&
				ggNormInf(dir.RawVector().Data) <= ggMaxFinalStep
			break
		}
		if res.iter >= maxIter {
			break
		}
		// Crawling along an asymptote (a parameter drifting to 0 or ∞
		// while the objective hardly changes): give up early.
		hist = append(hist, f)
		if w := 25; len(hist) > w && hist[len(hist)-1-w]-f <= 1e-13*math.Max(1, math.Abs(f)) {
			break
		}
		res.iter++
		h := ggHessian(func(g, x []float64) { obj(g, x) }, u, 1e-5, 1)
		for i := range k {
			rhs.SetVec(i, grad[i])
		}
		improved := false
		for try := 0; try < 30 && !improved; try++ {
			hl := mat.NewSymDense(k, nil)
			hl.CopySym(h)
			for i := range k {
				hl.SetSym(i, i, h.At(i, i)+lambda*math.Max(1, math.Abs(h.At(i, i))))
			}
			if !chol.Factorize(hl) || chol.SolveVecTo(&dir, rhs) != nil {
				lambda = math.Max(1e-6, 10*lambda)
				continue
			}
			// Cap the step in log-parameter space: e^±3 per iteration.
			stepMax := ggNormInf(dir.RawVector().Data)
			t := 1.0
			if stepMax > 3 {
				t = 3 / stepMax
			}
			// Near the optimum the predicted decrease g·dir falls below the
			// rounding noise of f; there a full step is accepted when it
			// reduces the gradient instead.
			pred := 0.0
			for i := range k {
				pred += grad[i] * dir.AtVec(i)
			}
			for ; t > 1e-10; t /= 2 {
				for i := range cand {
					cand[i] = u[i] - t*dir.AtVec(i)
				}
				fc := obj(nil, cand)
				if fc <= f {
					copy(u, cand)
					f = fc
					improved = true
					break
				}
				if t == 1 && pred < 1e-11*math.Max(1, math.Abs(f)) && fc < f+1e-11*math.Max(1, math.Abs(f)) {
					gc := make([]float64, k)
					obj(gc, cand)
					if ggNormInf(gc) < res.gradNorm {
						copy(u, cand)
						f = fc
						improved = true
						break
					}
				}
			}
			if improved {
				lambda /= 10
				if lambda < 1e-9 {
					lambda = 0
				}
			} else {
				lambda = math.Max(1e-6, 10*lambda)
			}
		}
		if !improved {
			break
		}
	}
	for i, v := range u {
		res.theta[i] = math.Exp(v)
	}
	return res
}

// ggNotConverged builds the ErrNotConverged error of a fit.
func ggNotConverged(fn string, r ggResult) error {
	return &ggConvergenceError{fn: fn, iter: r.iter, grad: r.gradNorm, tol: r.tol}
}

// ggConvergenceError reports a fit that stopped before convergence.
type ggConvergenceError struct {
	fn   string
	iter int
	grad float64
	tol  float64
}

func (e *ggConvergenceError) Error() string {
	return "clv: " + e.fn + ": not converged after " + strconv.Itoa(e.iter) + " iterations (gradient norm " +
		check.Float(e.grad) + " > tol " + check.Float(e.tol) + ")"
}

func (e *ggConvergenceError) Unwrap() error { return ErrNotConverged }

// ggNormInf returns max |v_i|.
func ggNormInf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// ggHessian returns the symmetrised central-difference Jacobian of the
// gradient function g at x, with step h·max(|x_j|, floor) in coordinate j.
func ggHessian(g func(grad, x []float64), x []float64, h, floor float64) *mat.SymDense {
	k := len(x)
	hs := mat.NewSymDense(k, nil)
	gp, gm := make([]float64, k), make([]float64, k)
	xx := append([]float64(nil), x...)
	rows := make([][]float64, k)
	for j := range k {
		step := h * math.Max(floor, math.Abs(x[j]))
		xx[j] = x[j] + step
		g(gp, xx)
		xx[j] = x[j] - step
		g(gm, xx)
		xx[j] = x[j]
		rows[j] = make([]float64, k)
		for i := range k {
			rows[j][i] = (gp[i] - gm[i]) / (2 * step)
		}
	}
	for i := range k {
		for j := i; j < k; j++ {
			hs.SetSym(i, j, (rows[i][j]+rows[j][i])/2)
		}
	}
	return hs
}

// ggStdErr returns the standard errors of θ from the inverse of the
// numerical Hessian of nll (the observed information) at θ; entries are 0
// where the Hessian is not positive definite.
func ggStdErr(nll ggNLL, theta []float64) []float64 {
	k := len(theta)
	se := make([]float64, k)
	h := ggHessian(func(g, t []float64) {
		for _, v := range t {
			if v <= 0 {
				for i := range g {
					g[i] = math.NaN()
				}
				return
			}
		}
		nll(g, t)
	}, theta, 1e-5, 0)
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		return se
	}
	var inv mat.SymDense
	if chol.InverseTo(&inv) != nil {
		return se
	}
	for i := range k {
		if v := inv.At(i, i); v > 0 && !math.IsInf(v, 0) {
			se[i] = math.Sqrt(v)
		}
	}
	return se
}
