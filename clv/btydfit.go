package clv

import (
	"gonum.org/v1/gonum/optimize"
	"strconv"

	"math"

	"gonum.org/v1/gonum/mat"
)

// btydObjective is a mean negative log-likelihood (plus penalty) of a model
// with positive parameters p. grad, when non-nil, writes the gradient with
// respect to p; when nil, the driver differentiates f numerically.
type btydObjective struct {
	f    func(p []float64) float64
	grad func(p, g []float64) float64
}

// btydFitResult is what the driver found: log-parameters, the Hessian-based
// standard errors of the parameters (nil when the Hessian is not positive
// definite), iterations and convergence.
type btydFitResult struct {
	p         []float64
	stdErr    []float64
	meanNLL   float64
	iter      int
	converged bool
}

const (
	defaultMaxIter = 1000
	defaultTol     = 1e-8
	// bfgsTol is the gradient max-norm at which BFGS hands over to Newton.
	bfgsTol = 1e-5
	// maxLogParam keeps exp(θ) finite while the optimiser explores.
	maxLogParam = 40.0
)

func fitOptions(opts *FitOptions) (l2 float64, maxIter int, tol float64) {
	maxIter, tol = defaultMaxIter, defaultTol
	if opts != nil {
		l2 = opts.L2
		if opts.MaxIter > 0 {
			maxIter = opts.MaxIter
		}
		if opts.Tol > 0 {
			tol = opts.Tol
		}
	}
	return l2, maxIter, tol
}

// checkFitOptions validates the fields of opts that the fits use.
func checkFitOptions(fn string, opts *FitOptions) error {
	if opts == nil {
		return nil
	}
	c := checker(fn)
	if err := c.Scalar("opts.L2", opts.L2, 0, math.MaxFloat64); err != nil {
		return err
	}
	if opts.MaxIter < 0 {
		return c.Fail("opts.MaxIter", -1, strconv.Itoa(opts.MaxIter), "must be ≥ 0")
	}
	return c.Scalar("opts.Tol", opts.Tol, 0, 1)
}

// logSpace wraps an objective on p as one on θ = log p.
type logSpace struct {
	obj  btydObjective
	l2   float64
	p, g []float64
}

func (ls *logSpace) params(theta []float64) []float64 {
	for i, t := range theta {
		ls.p[i] = math.Exp(math.Max(-maxLogParam, math.Min(maxLogParam, t)))
	}
	return ls.p
}

func (ls *logSpace) penalty(p []float64) float64 {
	s := 0.0
	for _, v := range p {
		s += v * v
	}
	return ls.l2 * s
}

func (ls *logSpace) f(theta []float64) float64 {
	p := ls.params(theta)
	v := ls.obj.f(p) + ls.penalty(p)
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

// grad writes ∂F/∂θ into g and returns F.
func (ls *logSpace) gradient(g, theta []float64) float64 {
	if ls.obj.grad == nil {
		return ls.numGrad(g, theta)
	}
	p := ls.params(theta)
	v := ls.obj.grad(p, ls.g) + ls.penalty(p)
	for i := range g {
		g[i] = p[i] * (ls.g[i] + 2*ls.l2*p[i])
		if math.IsNaN(g[i]) {
			g[i] = 0
		}
	}
	if math.IsNaN(v) {
		v = math.Inf(1)
	}
	return v
}

func (ls *logSpace) numGrad(g, theta []float64) float64 {
	x := append([]float64(nil), theta...)
	v := ls.f(theta)
	for i := range theta {
		h := 1e-6 * math.Max(1, math.Abs(theta[i]))
		x[i] = theta[i] + h
		fp := ls.f(x)
		x[i] = theta[i] - h
		fm := ls.f(x)
		x[i] = theta[i]
		g[i] = (fp - fm) / (2 * h)
		if math.IsNaN(g[i]) || math.IsInf(g[i], 0) {
			g[i] = 0
		}
	}
	return v
}

// hessian returns the finite-difference Hessian of F at θ, symmetrised.
func (ls *logSpace) hessian(theta []float64) *mat.SymDense {
	k := len(theta)
	h := mat.NewSymDense(k, nil)
	x := append([]float64(nil), theta...)
	gp, gm := make([]float64, k), make([]float64, k)
	step := 1e-5
	if ls.obj.grad == nil {
		step = 1e-4
	}
	rows := make([][]float64, k)
	for j := range k {
		x[j] = theta[j] + step
		ls.gradient(gp, x)
		x[j] = theta[j] - step
		ls.gradient(gm, x)
		x[j] = theta[j]
		rows[j] = make([]float64, k)
		for i := range k {
			rows[j][i] = (gp[i] - gm[i]) / (2 * step)
		}
	}
	for i := range k {
		for j := i; j < k; j++ {
			h.SetSym(i, j, (rows[i][j]+rows[j][i])/2)
		}
	}
	return h
}

func maxAbs(g []float64) float64 {
	m := 0.0
	for _, v := range g {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// fitBTYD minimises obj over positive parameters starting at p0, by BFGS on
// the log-parameters followed by Newton steps on the finite-difference
// Hessian of the gradient, which polish the optimum to the gradient
// tolerance where the line search of BFGS stalls. n is the number of
// customers, used to scale the Hessian to the total log-likelihood.
func fitBTYD(obj btydObjective, p0 []float64, n float64, opts *FitOptions) btydFitResult {
	l2, maxIter, tol := fitOptions(opts)
	k := len(p0)
	ls := &logSpace{obj: obj, l2: l2, p: make([]float64, k), g: make([]float64, k)}
	theta := make([]float64, k)
	for i, v := range p0 {
		theta[i] = math.Log(v)
	}
	// BFGS brings the gradient down to a loose tolerance; Newton steps,
	// which converge quadratically from there, do the rest.
	iter := bfgs(ls, theta, math.Max(tol, bfgsTol), maxIter)
	g := make([]float64, k)
	f := ls.gradient(g, theta)
	var hess *mat.SymDense
	lastStep := math.Inf(1)
	for ; maxAbs(g) > tol && iter < maxIter; iter++ {
		hess = ls.hessian(theta)
		var chol mat.Cholesky
		step := mat.NewVecDense(k, nil)
		if chol.Factorize(hess) {
			if err := chol.SolveVecTo(step, mat.NewVecDense(k, append([]float64(nil), g...))); err != nil {
				step = mat.NewVecDense(k, append([]float64(nil), g...))
			}
		} else {
			step = mat.NewVecDense(k, append([]float64(nil), g...))
		}
		improved := false
		trial := make([]float64, k)
		gt := make([]float64, k)
		// Near the optimum f changes by less than its rounding error, so a
		// step is also taken when f stays within that error and the
		// gradient shrinks.
		fTol := 1e-13 * math.Max(1, math.Abs(f))
		for t := 1.0; t > 1e-10; t /= 2 {
			for i := range trial {
				trial[i] = theta[i] - t*step.AtVec(i)
			}
			ft := ls.f(trial)
			if ft < f {
				lastStep = t * maxAbs(step.RawVector().Data)
				copy(theta, trial)
				improved = true
				break
			}
			if ft <= f+fTol {
				if ls.gradient(gt, trial); maxAbs(gt) < maxAbs(g) {
					lastStep = t * maxAbs(step.RawVector().Data)
					copy(theta, trial)
					improved = true
					break
				}
			}
		}
		if !improved {
			hess = nil
			break
		}
		f = ls.gradient(g, theta)
	}
	res := btydFitResult{p: make([]float64, k), meanNLL: f, iter: iter, converged: maxAbs(g) <= tol}
	copy(res.p, ls.params(theta))
	// The Hessian of the last Newton step serves for the standard errors
	// when that step was too small to change them.
	if hess == nil || !res.converged || lastStep > 1e-7 {
		hess = ls.hessian(theta)
	}
	hess.ScaleSym(n, hess)
	var chol mat.Cholesky
	if chol.Factorize(hess) {
		var inv mat.SymDense
		if chol.InverseTo(&inv) == nil {
			res.stdErr = make([]float64, k)
			for i := range k {
				v := inv.At(i, i)
				if !(v > 0) || math.IsInf(v, 0) {
					res.stdErr = nil
					break
				}
				res.stdErr[i] = res.p[i] * math.Sqrt(v)
			}
		}
	}
	for _, v := range res.p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			res.converged = false
		}
	}
	return res
}

// bfgs minimises ls.f from theta (updated in place) with the
// Broyden–Fletcher–Goldfarb–Shanno method of gonum's optimize package and
// the analytic gradient, and returns the number of major iterations. It
// stops at the gradient tolerance, at maxIter, or when the line search
// cannot make progress; theta then holds the best point found, and the
// Newton steps of fitBTYD take over.
func bfgs(ls *logSpace, theta []float64, tol float64, maxIter int) int {
	prob := optimize.Problem{
		Func: ls.f,
		Grad: func(g, x []float64) { ls.gradient(g, x) },
	}
	settings := &optimize.Settings{GradientThreshold: tol, MajorIterations: maxIter}
	res, _ := optimize.Minimize(prob, theta, settings, &optimize.BFGS{})
	// A stop with an error (a line search that cannot progress, which is
	// expected close to the optimum) still reports its best point; keep it
	// when it is finite and no worse than the start.
	if res == nil {
		return 0
	}
	if f0 := ls.f(theta); !math.IsNaN(res.F) && !math.IsInf(res.F, 0) && res.F <= f0 {
		copy(theta, res.X)
	}
	return res.MajorIterations
}
