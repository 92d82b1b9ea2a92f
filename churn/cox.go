package churn

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ErrMonotoneLikelihood is wrapped, together with [ErrNotConverged], by the
// error of [FitCox] when the partial likelihood keeps increasing as a
// coefficient goes to ±∞ (a covariate that separates churners from stayers,
// "monotone likelihood"). The returned *Cox is non-nil and flags the
// coefficient in [Cox.Infinite]; its value and standard error are those of
// the last iteration and are not estimates.
var ErrMonotoneLikelihood = errors.New("churn: monotone likelihood")

// Ties selects how [FitCox] approximates the partial likelihood when several
// events share a time. The zero value is [Efron], the default of R's coxph.
type Ties int

const (
	// Efron is Efron's (1977) approximation: within a set of d tied events
	// the risk set is reduced by k/d of the tied events' risk for the k-th
	// term. It is more accurate than Breslow's when ties are many.
	Efron Ties = iota
	// Breslow is Breslow's (1974) approximation: every tied event sees the
	// whole risk set.
	Breslow
)

// String returns "efron" or "breslow".
func (t Ties) String() string {
	switch t {
	case Efron:
		return "efron"
	case Breslow:
		return "breslow"
	}
	return "Ties(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (t Ties) MarshalText() ([]byte, error) {
	if t != Efron && t != Breslow {
		return nil, fmt.Errorf("churn: ties %d: unknown value", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see [ParseTies].
func (t *Ties) UnmarshalText(b []byte) error {
	v, err := ParseTies(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseTies parses "efron" or "breslow", case-insensitively.
func ParseTies(s string) (Ties, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "efron":
		return Efron, nil
	case "breslow":
		return Breslow, nil
	}
	return 0, fmt.Errorf("churn: ties %q: unknown name: %w", s, ErrInvalidInput)
}

// CoxOptions holds the optional settings of [FitCox]. A nil *CoxOptions, and
// the zero value of every field, selects the default named in the field's
// comment.
type CoxOptions struct {
	// Ties is the approximation for tied event times; 0 is Efron.
	Ties Ties
	// Weight holds non-negative case weights, one per row; nil means all 1.
	Weight []float64
	// Entry holds, per row, the time at which the row enters the risk set:
	// each row is then the episode (Entry[i], duration[i]], as R's
	// Surv(start, stop, event). Use it for delayed entry (customers who
	// joined before the observation window) and, splitting a customer into
	// several rows, for time-varying covariates. nil means every row is at
	// risk from time 0.
	Entry []float64
	// Strata holds a stratum label per row; each stratum has its own
	// baseline hazard and shares the coefficients. nil means one stratum.
	Strata []int
	// L2 is the ridge penalty λ ≥ 0: FitCox maximises
	// ℓ(β) − (λ/2)·Σβⱼ² on the covariates' own scale. 0 means no penalty.
	L2 float64
	// MaxIter is the maximum number of Newton-Raphson iterations; 0 means
	// 20, as R's coxph.control(iter.max = 20).
	MaxIter int
	// Tol is the convergence tolerance on the relative change of the
	// log partial likelihood, |1 − ℓₒₗ𝒹/ℓₙₑ𝓌| ≤ Tol; 0 means 1e-9, as R's
	// coxph.control(eps = 1e-9).
	Tol float64
	// Names labels the columns of x; nil means "x0", "x1", ….
	Names []string
}

// Coef is one row of the coefficient table of a fitted model, as printed by
// R's summary.coxph.
type Coef struct {
	Name        string  // covariate name
	Coef        float64 // log hazard ratio β
	HazardRatio float64 // exp(β)
	StdErr      float64 // standard error of β
	Z           float64 // Wald statistic β / StdErr
	P           float64 // two-sided p-value of Z under N(0, 1)
	Lower95     float64 // lower 95% confidence limit of the hazard ratio, exp(β − 1.96·StdErr)
	Upper95     float64 // upper 95% confidence limit of the hazard ratio, exp(β + 1.96·StdErr)
}

// CoxTest is a chi-square test of a fitted Cox model: the likelihood-ratio,
// Wald or score (log-rank) test that all coefficients are zero.
type CoxTest struct {
	Chi2 float64 // the statistic
	DF   int     // degrees of freedom: the number of coefficients
	P    float64 // upper-tail probability of Chi2 under χ²(DF)
}

// CoxBaseline is the baseline cumulative hazard of one stratum: at each
// distinct event time Time[k] of the stratum, CumHaz[k] is the cumulative
// hazard of a customer whose covariates equal [Cox.Means].
type CoxBaseline struct {
	Stratum int       // the stratum label (0 for an unstratified model)
	Time    []float64 // distinct event times, ascending
	CumHaz  []float64 // cumulative hazard at Time[k], non-decreasing; saturates at math.MaxFloat64
}

// Cox is a fitted Cox proportional-hazards model
//
//	h(t | x) = h₀ₛ(t) · exp(β·x)
//
// for a customer x in stratum s. The exported fields are the whole state, so
// a *Cox round-trips through encoding/json. A *Cox is immutable and safe for
// concurrent use.
type Cox struct {
	// Names labels the coefficients.
	Names []string
	// Coef holds the estimated log hazard ratios β.
	Coef []float64
	// StdErr holds the standard errors of Coef, from the inverse of the
	// (penalised) information matrix, as R's coxph.
	StdErr []float64
	// Cov is the estimated covariance matrix of Coef.
	Cov [][]float64
	// Means holds the (weighted) column means of x, at which the baseline
	// hazard is evaluated.
	Means []float64
	// Infinite flags coefficients whose partial likelihood is monotone (the
	// estimate is ±∞); see [ErrMonotoneLikelihood].
	Infinite []bool
	// LogLik is the log partial likelihood at Coef (without the L2
	// penalty); LogLikNull is its value at β = 0.
	LogLik, LogLikNull float64
	// Concordance is Harrell's C of the linear predictor β·x: the fraction of
	// comparable pairs in which the customer who churned first had the
	// higher risk, ties in risk counting 1/2, pairs formed within strata and
	// weighted by the product of case weights (as R's coxph reports it). With
	// Entry, an event at t is compared with the rows at risk at t.
	Concordance float64
	// LikelihoodRatio, Wald and Score are the tests of β = 0 reported by R's
	// summary.coxph; Score is the log-rank test when x is a group indicator.
	LikelihoodRatio, Wald, Score CoxTest
	// N is the number of rows and Events the number of events.
	N, Events int
	// Ties is the tie handling used.
	Ties Ties
	// L2 is the ridge penalty used.
	L2 float64
	// Iter is the number of Newton-Raphson iterations, counted as R does.
	Iter int
	// Converged reports whether the relative change of the log likelihood
	// fell below the tolerance within MaxIter iterations.
	Converged bool
	// Baseline holds the baseline cumulative hazard per stratum, in
	// ascending order of the stratum label.
	Baseline []CoxBaseline
}

// coxData is the fitting data in sorted order: by stratum, then by stop
// time. Covariates are centred and scaled.
type coxData struct {
	n, p     int
	x        []float64 // n×p, row-major, sorted rows; (x − mean)·scale
	w        []float64 // sorted weights
	stop     []float64 // sorted stop times
	start    []float64 // sorted start times; nil without Entry
	event    []bool    // sorted event flags
	orig     []int32   // orig[k] = input row of sorted row k
	grp      []int32   // group g holds the sorted rows grp[g] to grp[g+1]-1: equal stratum and stop
	grpStrat []int32   // stratum index of group g
	grpDead  []int32   // number of events in group g
	strata   []int     // distinct stratum labels, ascending
	startOrd []int32   // with Entry: sorted rows by stratum descending, start descending
	rowStrat []int32   // with Entry: stratum index of sorted row
	means    []float64
	scale    []float64
	events   int
}

// coxWork holds the scratch space of one likelihood pass.
type coxWork struct {
	eta, r           []float64
	s1, s2, e1, e2   []float64
	dx, xbar, ut, it []float64
	u, imat          []float64 // score and packed upper-triangular information
}

func newCoxWork(n, p int) *coxWork {
	q := p * (p + 1) / 2
	return &coxWork{
		eta: make([]float64, n), r: make([]float64, n),
		s1: make([]float64, p), s2: make([]float64, q),
		e1: make([]float64, p), e2: make([]float64, q),
		dx: make([]float64, p), xbar: make([]float64, p),
		ut: make([]float64, p), it: make([]float64, q),
		u: make([]float64, p), imat: make([]float64, q),
	}
}

// coxGroupVisit receives, for each event group g, the mean covariate of the
// risk set used for its events (the Efron mean of means under Efron), the
// group's score contribution and its packed information contribution.
type coxGroupVisit func(g int, xbar, ut, it []float64)

// pass computes the log partial likelihood at beta (scaled coordinates) and
// leaves the score and information in ws.u and ws.imat. It makes one pass
// over the sorted data, from the last time to the first, accumulating the
// risk-set sums S0, S1, S2 (Therneau & Grambsch 2000, sec. 3.2, eqs. 3.3-3.5).
// Risk scores are computed as exp(η − max η): the shift cancels in every
// ratio and is added back to the log likelihood, so exp never overflows.
func (d *coxData) pass(beta []float64, ties Ties, ws *coxWork, visit coxGroupVisit) float64 {
	n, p := d.n, d.p
	x := d.x
	shift := math.Inf(-1)
	for i := 0; i < n; i++ {
		row := x[i*p : i*p+p]
		var s float64
		for j, b := range beta {
			s += b * row[j]
		}
		ws.eta[i] = s
		if s > shift {
			shift = s
		}
	}
	for i := 0; i < n; i++ {
		ws.r[i] = d.w[i] * math.Exp(ws.eta[i]-shift)
	}
	clear(ws.u)
	clear(ws.imat)
	var ll float64
	s1, s2, e1, e2 := ws.s1, ws.s2, ws.e1, ws.e2
	var s0, e0 float64
	cur := int32(-1)
	sp := 0 // position in startOrd
	ng := len(d.grp) - 1
	for g := ng - 1; g >= 0; g-- {
		if st := d.grpStrat[g]; st != cur {
			cur = st
			s0 = 0
			clear(s1)
			clear(s2)
			if d.start != nil {
				for sp < n && d.rowStrat[d.startOrd[sp]] > cur {
					sp++
				}
			}
		}
		lo, hi := int(d.grp[g]), int(d.grp[g+1])
		nd := int(d.grpDead[g])
		mid := lo + nd // events first within the group
		for i := mid; i < hi; i++ {
			s0 += ws.r[i]
		}
		coxAddOuterRows(s1, s2, x[mid*p:hi*p], ws.r[mid:hi], p)
		if nd == 0 {
			continue
		}
		e0 = 0
		clear(e1)
		clear(e2)
		clear(ws.dx)
		var dw float64
		for i := lo; i < mid; i++ {
			e0 += ws.r[i]
			w := d.w[i]
			dw += w
			ll += w * ws.eta[i]
			for j, v := range x[i*p : i*p+p] {
				ws.dx[j] += w * v
			}
		}
		coxAddOuterRows(e1, e2, x[lo*p:mid*p], ws.r[lo:mid], p)
		s0 += e0
		for j := range s1 {
			s1[j] += e1[j]
		}
		for j := range s2 {
			s2[j] += e2[j]
		}
		t := d.stop[lo]
		if d.start != nil {
			// Leave the risk set: rows whose episode starts at or after t.
			for sp < n {
				k := d.startOrd[sp]
				if d.rowStrat[k] != cur || d.start[k] < t {
					break
				}
				r := ws.r[k]
				s0 -= r
				coxAddOuter(s1, s2, x[int(k)*p:int(k)*p+p], -r)
				sp++
			}
		}
		if dw == 0 {
			continue // events of zero weight carry no information
		}
		ut, it, xbar := ws.ut, ws.it, ws.xbar
		if ties == Breslow || nd == 1 || e0 == 0 {
			ll -= dw * (math.Log(s0) + shift)
			k := 0
			for a := 0; a < p; a++ {
				xbar[a] = s1[a] / s0
			}
			for a := 0; a < p; a++ {
				ma := xbar[a]
				ut[a] = ws.dx[a] - dw*ma
				for b := a; b < p; b++ {
					it[k] = dw * (s2[k]/s0 - ma*xbar[b])
					k++
				}
			}
		} else {
			// Efron: the k-th of nd tied events sees S − (k/nd)·E. The sums
			// over k reduce to five scalars, so that the cost per tied group
			// is O(nd + p²) rather than O(nd·p²).
			var c1, cf, c2, cf2, cff2 float64
			fd := float64(nd)
			// Σₖ log(S0 − (k/nd)·E0) = nd·log S0 + Σₖ log(1 − (k/nd)·E0/S0);
			// each factor lies in [1/nd, 1], so blocks of 32 factors are
			// multiplied before one log is taken, without underflow.
			q := e0 / s0
			slog := fd * math.Log(s0)
			prod := 1.0
			for k := 0; k < nd; k++ {
				f := float64(k) / fd
				den := s0 - f*e0
				inv := 1 / den
				prod *= 1 - f*q
				if k&31 == 31 {
					slog += math.Log(prod)
					prod = 1
				}
				inv2 := inv * inv
				c1 += inv
				cf += f * inv
				c2 += inv2
				cf2 += f * inv2
				cff2 += f * f * inv2
			}
			slog += math.Log(prod)
			wt := dw / fd
			ll -= wt*slog + dw*shift
			for a := 0; a < p; a++ {
				xbar[a] = (s1[a]*c1 - e1[a]*cf) / fd
				ut[a] = ws.dx[a] - dw*xbar[a]
			}
			k := 0
			for a := 0; a < p; a++ {
				sa, ea := s1[a], e1[a]
				for b := a; b < p; b++ {
					sb, eb := s1[b], e1[b]
					it[k] = wt * (s2[k]*c1 - e2[k]*cf - sa*sb*c2 + (sa*eb+ea*sb)*cf2 - ea*eb*cff2)
					k++
				}
			}
		}
		for a := range ut {
			ws.u[a] += ut[a]
		}
		for k := range it {
			ws.imat[k] += it[k]
		}
		if visit != nil {
			visit(g, xbar, ut, it)
		}
	}
	return ll
}

// coxAddOuter adds r·row to s1 and r·row·rowᵀ (packed upper triangle) to s2.
func coxAddOuter(s1, s2, row []float64, r float64) {
	k := 0
	p := len(row)
	for a := 0; a < p; a++ {
		ra := r * row[a]
		s1[a] += ra
		tail := row[a:]
		dst := s2[k : k+len(tail)]
		for b, v := range tail {
			dst[b] += ra * v
		}
		k += len(tail)
	}
}

// coxAddOuterRows adds Σᵢ r[i]·xᵢ to s1 and Σᵢ r[i]·xᵢ·xᵢᵀ to s2 for the
// len(r) consecutive rows of x (p columns each). Four rows are folded into
// each update of the accumulators, which quarters the loads and stores of
// s2, the bottleneck of a likelihood pass.
func coxAddOuterRows(s1, s2, x, r []float64, p int) {
	i := 0
	for ; i+4 <= len(r); i += 4 {
		r0, r1, r2, r3 := r[i], r[i+1], r[i+2], r[i+3]
		x0 := x[i*p : i*p+p]
		x1 := x[(i+1)*p : (i+1)*p+p]
		x2 := x[(i+2)*p : (i+2)*p+p]
		x3 := x[(i+3)*p : (i+3)*p+p]
		k := 0
		for a := 0; a < p; a++ {
			a0, a1, a2, a3 := r0*x0[a], r1*x1[a], r2*x2[a], r3*x3[a]
			s1[a] += (a0 + a1) + (a2 + a3)
			y0 := x0[a:]
			m := len(y0)
			y1, y2, y3 := x1[a:a+m], x2[a:a+m], x3[a:a+m]
			dst := s2[k : k+m]
			for b := range dst {
				dst[b] += (a0*y0[b] + a1*y1[b]) + (a2*y2[b] + a3*y3[b])
			}
			k += m
		}
	}
	for ; i < len(r); i++ {
		coxAddOuter(s1, s2, x[i*p:i*p+p], r[i])
	}
}

// coxUnpack expands a packed upper triangle into a full symmetric p×p matrix.
func coxUnpack(dst, packed []float64, p int) {
	k := 0
	for a := 0; a < p; a++ {
		for b := a; b < p; b++ {
			dst[a*p+b] = packed[k]
			dst[b*p+a] = packed[k]
			k++
		}
	}
}

// coxCholesky factors the symmetric positive definite p×p matrix a (full,
// row-major) in place as L·Lᵀ (lower triangle). It returns the first column
// whose pivot is not positive relative to its diagonal (a singular or
// collinear column), or -1 on success.
func coxCholesky(a []float64, p int) int {
	for j := 0; j < p; j++ {
		diag := a[j*p+j]
		s := diag
		for k := 0; k < j; k++ {
			s -= a[j*p+k] * a[j*p+k]
		}
		if !(s > 1e-10*math.Abs(diag)) || math.IsInf(s, 0) {
			return j
		}
		l := math.Sqrt(s)
		a[j*p+j] = l
		for i := j + 1; i < p; i++ {
			t := a[i*p+j]
			for k := 0; k < j; k++ {
				t -= a[i*p+k] * a[j*p+k]
			}
			a[i*p+j] = t / l
		}
	}
	return -1
}

// coxCholSolve solves (L·Lᵀ)·y = b in place for the factor left by coxCholesky.
func coxCholSolve(l []float64, p int, b []float64) {
	for i := 0; i < p; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*p+k] * b[k]
		}
		b[i] = s / l[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < p; k++ {
			s -= l[k*p+i] * b[k]
		}
		b[i] = s / l[i*p+i]
	}
}

// coxCholInverse returns the inverse of L·Lᵀ as a full p×p matrix.
func coxCholInverse(l []float64, p int) []float64 {
	inv := make([]float64, p*p)
	col := make([]float64, p)
	for j := 0; j < p; j++ {
		clear(col)
		col[j] = 1
		coxCholSolve(l, p, col)
		for i := 0; i < p; i++ {
			inv[i*p+j] = col[i]
		}
	}
	return inv
}

// coxPrepare validates the input and builds the sorted, centred data.
func coxPrepare(fn string, x mat.Matrix, duration []float64, event []bool, o *CoxOptions) (*coxData, error) {
	c := checker(fn)
	if x == nil {
		return nil, c.Fail("x", -1, "", "must not be nil")
	}
	if err := validateSurv(c, duration, event, o.Weight, o.Entry); err != nil {
		return nil, err
	}
	n, p := x.Dims()
	if n != len(duration) {
		return nil, c.Fail("x", -1, "", "has "+strconv.Itoa(n)+" rows, want len(duration) = "+strconv.Itoa(len(duration)))
	}
	if p == 0 {
		return nil, c.Fail("x", -1, "", "must have at least one column")
	}
	if n > math.MaxInt32 {
		return nil, c.Fail("duration", -1, "", "more than 2³¹−1 rows")
	}
	if o.Strata != nil {
		if err := c.Len("opts.Strata", len(o.Strata), n); err != nil {
			return nil, err
		}
	}
	if o.Names != nil {
		if err := c.Len("opts.Names", len(o.Names), p); err != nil {
			return nil, err
		}
	}
	if err := c.Scalar("opts.L2", o.L2, 0, math.MaxFloat64); err != nil {
		return nil, err
	}
	if o.MaxIter < 0 {
		return nil, c.Fail("opts.MaxIter", -1, strconv.Itoa(o.MaxIter), "must be ≥ 0")
	}
	if err := c.Scalar("opts.Tol", o.Tol, 0, 1); err != nil {
		return nil, err
	}
	if o.Ties != Efron && o.Ties != Breslow {
		return nil, c.Fail("opts.Ties", -1, strconv.Itoa(int(o.Ties)), "must be Efron or Breslow")
	}

	// View x as row-major data: a *mat.Dense is read in place, any other
	// Matrix is copied once.
	var data []float64
	stride := p
	if dense, ok := x.(*mat.Dense); ok {
		rm := dense.RawMatrix()
		data, stride = rm.Data, rm.Stride
	} else {
		data = make([]float64, n*p)
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				data[i*p+j] = x.At(i, j)
			}
		}
	}
	rowOf := func(i int) []float64 { return data[i*stride : i*stride+p] }

	d := &coxData{n: n, p: p}
	for i, e := range event {
		if e && (o.Weight == nil || o.Weight[i] > 0) {
			d.events++
		}
	}
	// Weighted means and mean absolute deviations, as R's coxfit6 (which
	// centres and scales each column for numerical stability).
	var sw float64
	d.means = make([]float64, p)
	d.scale = make([]float64, p)
	for i := 0; i < n; i++ {
		w := coxW(o.Weight, i)
		sw += w
		for j, v := range rowOf(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, c.Fail("x", i, check.Float(v), "col "+strconv.Itoa(j)+": must be finite")
			}
			d.means[j] += w * v
		}
	}
	if d.events == 0 {
		return nil, c.Fail("event", -1, "", "all observations are censored (or have zero weight): the Cox partial likelihood is undefined without events")
	}
	if p > d.events {
		return nil, c.Fail("x", -1, "", fmt.Sprintf("%d covariates but only %d events: need at least one event per covariate", p, d.events))
	}
	if !(sw > 0) {
		return nil, c.Fail("opts.Weight", -1, "", "all weights are zero")
	}
	for j := range d.means {
		d.means[j] /= sw
	}
	mad := make([]float64, p)
	for i := 0; i < n; i++ {
		w := coxW(o.Weight, i)
		for j, v := range rowOf(i) {
			mad[j] += w * math.Abs(v-d.means[j])
		}
	}
	for j := range mad {
		if !(mad[j] > 0) {
			return nil, c.Fail("x", j, "", "column "+strconv.Itoa(j)+" is constant: its coefficient is not identifiable")
		}
		d.scale[j] = sw / mad[j]
	}

	// Sort by stratum, then by stop time (radix sort on the float bits).
	keys := make([]uint64, n)
	for i, t := range duration {
		keys[i] = coxFloatKey(t)
	}
	// Events first within equal times, so that a tie group is a run of
	// events followed by a run of censored rows.
	perm := make([]int32, 0, n)
	for i, e := range event {
		if e {
			perm = append(perm, int32(i))
		}
	}
	for i, e := range event {
		if !e {
			perm = append(perm, int32(i))
		}
	}
	perm = coxRadixSort(keys, perm)
	var stratIdx []int32
	if o.Strata != nil {
		d.strata, stratIdx = coxStrataIndex(o.Strata)
		perm = coxStableByGroup(perm, stratIdx, len(d.strata))
	} else {
		d.strata = []int{0}
	}
	d.orig = perm
	d.x = make([]float64, n*p)
	d.w = make([]float64, n)
	d.stop = make([]float64, n)
	d.event = make([]bool, n)
	// Scatter rather than gather: reading x in input order and writing each
	// row to its sorted position lets the stores overlap their cache misses
	// (about twice as fast as a gather on a million rows).
	pos := make([]int32, n)
	for k, i := range perm {
		pos[i] = int32(k)
	}
	for i := 0; i < n; i++ {
		k := int(pos[i])
		row := d.x[k*p : k*p+p]
		for j, v := range rowOf(i) {
			row[j] = (v - d.means[j]) * d.scale[j]
		}
		d.w[k] = coxW(o.Weight, i)
		d.stop[k] = duration[i]
		d.event[k] = event[i]
	}
	if o.Entry != nil {
		d.start = make([]float64, n)
		d.rowStrat = make([]int32, n)
		skeys := make([]uint64, n)
		for k, i := range perm {
			d.start[k] = o.Entry[i]
			if stratIdx != nil {
				d.rowStrat[k] = stratIdx[i]
			}
			// descending start: complement the key
			skeys[k] = ^coxFloatKey(o.Entry[i])
		}
		ord := coxRadixOrder(skeys)
		if stratIdx != nil {
			// stratum descending
			desc := make([]int32, n)
			for k := range desc {
				desc[k] = int32(len(d.strata)-1) - d.rowStrat[k]
			}
			ord = coxStableByGroup(ord, desc, len(d.strata))
		}
		d.startOrd = ord
	}
	// Groups of equal (stratum, stop).
	d.grp = make([]int32, 0, 64)
	for k := 0; k < n; k++ {
		if k == 0 || d.stop[k] != d.stop[k-1] || (stratIdx != nil && stratIdx[perm[k]] != stratIdx[perm[k-1]]) {
			d.grp = append(d.grp, int32(k))
			var st int32
			if stratIdx != nil {
				st = stratIdx[perm[k]]
			}
			d.grpStrat = append(d.grpStrat, st)
			d.grpDead = append(d.grpDead, 0)
		}
		if d.event[k] {
			d.grpDead[len(d.grpDead)-1]++
		}
	}
	d.grp = append(d.grp, int32(n))
	return d, nil
}

// coxW returns the weight of row i (1 when w is nil).
func coxW(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// coxStrataIndex maps stratum labels to 0-based indices in ascending label
// order.
func coxStrataIndex(labels []int) ([]int, []int32) {
	seen := make(map[int]struct{})
	var uniq []int
	for _, s := range labels {
		if _, ok := seen[s]; !ok {
			seen[s] = struct{}{}
			uniq = append(uniq, s)
		}
	}
	coxSortInts(uniq)
	pos := make(map[int]int32, len(uniq))
	for i, s := range uniq {
		pos[s] = int32(i)
	}
	idx := make([]int32, len(labels))
	for i, s := range labels {
		idx[i] = pos[s]
	}
	return uniq, idx
}

func coxSortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// coxPenalty returns the L2 penalty (λ/2)·Σ(scaleⱼ·βⱼ)² and adds its gradient
// and Hessian to u and the packed imat.
func (d *coxData) coxPenalty(l2 float64, beta, u, imat []float64) float64 {
	if l2 == 0 {
		return 0
	}
	var pen float64
	k := 0
	for a := 0; a < d.p; a++ {
		s2 := d.scale[a] * d.scale[a]
		pen += 0.5 * l2 * s2 * beta[a] * beta[a]
		u[a] -= l2 * s2 * beta[a]
		imat[k] += l2 * s2
		k += d.p - a
	}
	return pen
}

// FitCox fits the Cox proportional-hazards model h(t|x) = h₀(t)·exp(β·x) by
// maximising the partial likelihood (Cox 1972) with Newton-Raphson, exactly as
// R's coxph: β starts at 0; each step solves I·δ = U; a step that lowers the
// likelihood is halved back towards the previous point; iteration stops when
// |1 − ℓₒₗ𝒹/ℓₙₑ𝓌| ≤ opts.Tol. Covariates are centred and scaled internally
// (as R's coxfit6), so that columns in the millions do not overflow exp.
//
// x holds one row per observation and one column per covariate; duration
// the time of the event or of censoring (the stop time of an episode when
// opts.Entry is set); event whether the row ended in the event (churn).
// opts may be nil; see [CoxOptions] for ties, weights, strata, delayed entry,
// ridge penalty and convergence settings.
//
// The cost is one sort, O(n log n), plus O(n·p²) per iteration (one pass
// over the data sorted by time, accumulating risk-set sums), typically 4 to 6
// iterations.
//
// Errors wrap [ErrInvalidInput] (see [InputError] for the field and index)
// for empty or mismatched input, negative or non-finite durations, weights
// or entry times, entry ≥ duration, non-finite x, a constant column, columns
// that are collinear among the customers at risk, more covariates than
// events, or data without events (the partial likelihood is then undefined;
// [KaplanMeier] still is). If the fit does not converge within MaxIter
// iterations the error wraps [ErrNotConverged]; if a coefficient diverges
// (monotone likelihood) it also wraps [ErrMonotoneLikelihood]. In both cases
// the returned model is non-nil, for inspection.
func FitCox(x mat.Matrix, duration []float64, event []bool, opts *CoxOptions) (*Cox, error) {
	var o CoxOptions
	if opts != nil {
		o = *opts
	}
	d, err := coxPrepare("FitCox", x, duration, event, &o)
	if err != nil {
		return nil, err
	}
	maxIter := o.MaxIter
	if maxIter == 0 {
		maxIter = 20
	}
	eps := o.Tol
	if eps == 0 {
		eps = 1e-9
	}
	p := d.p
	ws := newCoxWork(d.n, p)
	full := make([]float64, p*p)
	beta := make([]float64, p)
	newBeta := make([]float64, p)
	step := make([]float64, p)

	// evaluate returns the penalised log likelihood at b and factors the
	// information into full; ok is false when the likelihood, score or
	// information is not finite or the information is not positive
	// definite.
	evaluate := func(b []float64) (ll, pll float64, bad int) {
		ll = d.pass(b, o.Ties, ws, nil)
		pll = ll - d.coxPenalty(o.L2, b, ws.u, ws.imat)
		coxUnpack(full, ws.imat, p)
		bad = coxCholesky(full, p)
		if math.IsNaN(pll) || math.IsInf(pll, 0) {
			bad = p
		}
		for _, v := range ws.u {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad = p
			}
		}
		return ll, pll, bad
	}

	ll0, pll0, bad := evaluate(beta)
	if bad >= 0 {
		if bad < p {
			return nil, checker("FitCox").Fail("x", bad, "", "column "+strconv.Itoa(bad)+" is collinear with earlier columns among the customers at risk at event times")
		}
		return nil, checker("FitCox").Fail("x", -1, "", "the partial likelihood is not finite at β = 0")
	}
	copy(step, ws.u)
	coxCholSolve(full, p, step)
	var score float64
	for j := range step {
		score += ws.u[j] * step[j]
	}
	for j := range beta {
		newBeta[j] = beta[j] + step[j]
	}

	m := &Cox{N: d.n, Events: d.events, Ties: o.Ties, L2: o.L2, LogLikNull: ll0}
	best := pll0
	ll := ll0
	halving := 0
	iter := 0
	converged := false
	for iter = 1; iter <= maxIter; iter++ {
		var pll float64
		ll, pll, bad = evaluate(newBeta)
		if bad < 0 && math.Abs(pll-best) <= eps*math.Abs(pll) {
			converged = true
			copy(beta, newBeta)
			break
		}
		if iter == maxIter {
			break
		}
		if bad >= 0 || pll < best {
			halving++
			h := float64(halving)
			for j := range newBeta {
				newBeta[j] = (newBeta[j] + h*beta[j]) / (h + 1)
			}
			continue
		}
		halving = 0
		best = pll
		copy(step, ws.u)
		coxCholSolve(full, p, step)
		copy(beta, newBeta)
		for j := range newBeta {
			newBeta[j] += step[j]
		}
	}
	if !converged {
		// Out of iterations: report the last good point, as R does.
		iter = maxIter
		ll, _, bad = evaluate(beta)
	}
	m.Iter = iter
	m.Converged = converged
	m.LogLik = ll

	// Back to the covariates' own scale.
	m.Coef = make([]float64, p)
	m.StdErr = make([]float64, p)
	m.Cov = make([][]float64, p)
	m.Means = append([]float64(nil), d.means...)
	m.Infinite = make([]bool, p)
	for j := range beta {
		m.Coef[j] = beta[j] * d.scale[j]
	}
	var inv []float64
	if bad < 0 {
		inv = coxCholInverse(full, p)
	}
	for i := 0; i < p; i++ {
		m.Cov[i] = make([]float64, p)
		for j := 0; j < p; j++ {
			if inv != nil {
				m.Cov[i][j] = inv[i*p+j] * d.scale[i] * d.scale[j]
			}
		}
		m.StdErr[i] = math.Sqrt(m.Cov[i][i])
	}
	if o.Names != nil {
		m.Names = append([]string(nil), o.Names...)
	} else {
		m.Names = make([]string, p)
		for j := range m.Names {
			m.Names[j] = "x" + strconv.Itoa(j)
		}
	}

	// Tests of β = 0 (summary.coxph).
	var wald float64
	if inv != nil {
		// β'·I·β with I the information in scaled coordinates.
		coxUnpack(full, ws.imat, p)
		for a := 0; a < p; a++ {
			for b := 0; b < p; b++ {
				wald += beta[a] * full[a*p+b] * beta[b]
			}
		}
	}
	m.LikelihoodRatio = coxChi2(2*(m.LogLik-m.LogLikNull), p)
	m.Wald = coxChi2(wald, p)
	m.Score = coxChi2(score, p)

	// Monotone likelihood: the next Newton step is still large compared
	// with the coefficient although the likelihood has converged (the rule
	// of R's coxph.fit, with toler.inf = sqrt(eps)).
	var infErr error
	if inv != nil && converged {
		for a := 0; a < p; a++ {
			var s float64
			for b := 0; b < p; b++ {
				s += inv[a*p+b] * ws.u[b]
			}
			s = math.Abs(s * d.scale[a])
			if s > eps && s > math.Sqrt(eps)*math.Abs(m.Coef[a]) {
				m.Infinite[a] = true
				if infErr == nil {
					infErr = &InputError{Pkg: "churn", Func: "FitCox", Field: "x", Index: a,
						Reason:   "column " + strconv.Itoa(a) + " (" + m.Names[a] + "): monotone likelihood, the coefficient may be infinite (the covariate separates events from non-events)",
						Sentinel: ErrNotConverged, Kind: ErrMonotoneLikelihood}
				}
			}
		}
	}
	if inv == nil {
		for a := range m.Infinite {
			m.Infinite[a] = true
		}
		for i := range m.StdErr {
			m.StdErr[i] = 0
		}
		if infErr == nil {
			infErr = &InputError{Pkg: "churn", Func: "FitCox", Field: "x", Index: -1,
				Reason:   "the information matrix is singular at the last iterate: monotone likelihood or separation",
				Sentinel: ErrNotConverged, Kind: ErrMonotoneLikelihood}
		}
	}

	m.Baseline = d.baseline(beta, o.Ties, ws)
	m.Concordance = coxConcordance(d, ws.eta)

	if infErr != nil {
		return m, infErr
	}
	if !converged {
		return m, fmt.Errorf("churn: FitCox: no convergence in %d iterations (opts.MaxIter): %w", maxIter, ErrNotConverged)
	}
	return m, nil
}

// coxChi2 builds a chi-square test result.
func coxChi2(stat float64, df int) CoxTest {
	if stat < 0 {
		stat = 0 // rounding below zero
	}
	return CoxTest{Chi2: stat, DF: df, P: distuv.ChiSquared{K: float64(df)}.Survival(stat)}
}

// baseline computes the baseline cumulative hazard at the mean covariates
// per stratum: Breslow's estimator ΔH = d/Σ_R w·r, or under Efron ties its
// Efron form ΔH = Σₖ (d̄/(S0 − (k/d)·E0)), as R's survfit.coxph (ctype 1 and 2).
func (d *coxData) baseline(beta []float64, ties Ties, ws *coxWork) []CoxBaseline {
	n, p := d.n, d.p
	shift := math.Inf(-1)
	for i := 0; i < n; i++ {
		row := d.x[i*p : i*p+p]
		var s float64
		for j, b := range beta {
			s += b * row[j]
		}
		ws.eta[i] = s
		shift = max(shift, s)
	}
	for i := 0; i < n; i++ {
		ws.r[i] = d.w[i] * math.Exp(ws.eta[i]-shift)
	}
	out := make([]CoxBaseline, len(d.strata))
	for s := range out {
		out[s].Stratum = d.strata[s]
	}
	// Hazard increments, in descending time per stratum.
	type inc struct {
		t, h float64
	}
	incs := make([][]inc, len(d.strata))
	var s0 float64
	cur := int32(-1)
	sp := 0
	for g := len(d.grp) - 2; g >= 0; g-- {
		if st := d.grpStrat[g]; st != cur {
			cur = st
			s0 = 0
			if d.start != nil {
				for sp < n && d.rowStrat[d.startOrd[sp]] > cur {
					sp++
				}
			}
		}
		lo, hi := int(d.grp[g]), int(d.grp[g+1])
		var e0, dw float64
		nd := int(d.grpDead[g])
		for i := lo; i < hi; i++ {
			s0 += ws.r[i]
			if d.event[i] {
				e0 += ws.r[i]
				dw += d.w[i]
			}
		}
		if nd == 0 {
			continue
		}
		t := d.stop[lo]
		if d.start != nil {
			for sp < n {
				k := d.startOrd[sp]
				if d.rowStrat[k] != cur || d.start[k] < t {
					break
				}
				s0 -= ws.r[k]
				sp++
			}
		}
		if dw == 0 {
			continue
		}
		var h float64
		if ties == Breslow || nd == 1 {
			h = dw / s0
		} else {
			wt := dw / float64(nd)
			for k := 0; k < nd; k++ {
				h += wt / (s0 - float64(k)/float64(nd)*e0)
			}
		}
		// h·exp(−shift) in the log domain: exp(−shift) alone may overflow
		// when the coefficients diverge.
		incs[cur] = append(incs[cur], inc{t, math.Exp(math.Log(h) - shift)})
	}
	for s, list := range incs {
		b := &out[s]
		b.Time = make([]float64, len(list))
		b.CumHaz = make([]float64, len(list))
		var H float64
		for k := range list {
			e := list[len(list)-1-k]
			// Saturate rather than overflow: only diverging coefficients
			// (monotone likelihood) reach this, and +Inf has no JSON form.
			H = min(H+e.h, math.MaxFloat64)
			b.Time[k] = e.t
			b.CumHaz[k] = H
		}
	}
	return out
}

// coxConcordance returns Harrell's C of the linear predictor eta (in sorted
// order), counting pairs within strata only and pooling the strata's pair
// counts, as R's coxph does. It returns 0.5 when no pair is comparable.
func coxConcordance(d *coxData, eta []float64) float64 {
	var total ConcordanceCounts
	if d.start != nil {
		total = coxConcordanceEpisodes(d, eta)
	} else {
		lo := 0
		for g := 0; g < len(d.grp)-1; g++ {
			if g+2 != len(d.grp) && d.grpStrat[g+1] == d.grpStrat[g] {
				continue
			}
			hi := int(d.grp[g+1])
			cc, err := ConcordanceWeighted(eta[lo:hi], d.stop[lo:hi], d.event[lo:hi], d.w[lo:hi])
			if err == nil {
				total.Concordant += cc.Concordant
				total.Discordant += cc.Discordant
				total.TiedRisk += cc.TiedRisk
			}
			lo = hi
		}
	}
	if !(total.Concordant+total.Discordant+total.TiedRisk > 0) {
		return 0.5
	}
	return total.C()
}

// coxConcordanceEpisodes counts concordant pairs for (start, stop] data, as
// R's concordance does for counting-process data: an event of row i at t is
// compared with every other row j of its stratum at risk at t (start_j < t ≤
// stop_j; rows censored at t count as at risk, other events at t are tied in
// time and not compared). One pass backwards in time with a Fenwick tree of
// weights over risk ranks, inserting rows as t reaches their stop and
// deleting them as t reaches their start: O(n log n).
func coxConcordanceEpisodes(d *coxData, eta []float64) ConcordanceCounts {
	n := d.n
	keys := make([]uint64, n)
	for i, v := range eta {
		keys[i] = coxFloatKey(v)
	}
	order := coxRadixOrder(keys)
	rank := make([]int32, n)
	nr := int32(0)
	for k, i := range order {
		if k == 0 || keys[i] != keys[order[k-1]] {
			nr++
		}
		rank[i] = nr
	}
	tree := make([]float64, nr+1)
	atRank := make([]float64, nr+1)
	var total float64
	add := func(i int, w float64) {
		r := rank[i]
		atRank[r] += w
		total += w
		for j := r; j <= nr; j += j & -j {
			tree[j] += w
		}
	}
	var cc ConcordanceCounts
	cur := int32(-1)
	sp := 0
	for g := len(d.grp) - 2; g >= 0; g-- {
		if st := d.grpStrat[g]; st != cur {
			cur = st
			clear(tree)
			clear(atRank)
			total = 0
			for sp < n && d.rowStrat[d.startOrd[sp]] > cur {
				sp++
			}
		}
		lo, hi := int(d.grp[g]), int(d.grp[g+1])
		mid := lo + int(d.grpDead[g])
		for i := mid; i < hi; i++ {
			add(i, d.w[i])
		}
		if mid == lo {
			continue
		}
		t := d.stop[lo]
		for sp < n {
			k := int(d.startOrd[sp])
			if d.rowStrat[k] != cur || d.start[k] < t {
				break
			}
			add(k, -d.w[k]) // stop > start ≥ t: inserted earlier
			sp++
		}
		for i := lo; i < mid; i++ {
			r, wi := rank[i], d.w[i]
			var less float64
			for j := r - 1; j > 0; j -= j & -j {
				less += tree[j]
			}
			eq := atRank[r]
			cc.Concordant += wi * less
			cc.TiedRisk += wi * eq
			cc.Discordant += wi * max(total-less-eq, 0)
		}
		for i := lo; i < mid; i++ {
			add(i, d.w[i])
		}
	}
	return cc
}

// LinearPredictor returns β·(x − Means), the log relative hazard of a
// customer with covariates x against the mean customer. It returns NaN when
// len(x) differs from the number of coefficients.
func (m *Cox) LinearPredictor(x []float64) float64 {
	if len(x) != len(m.Coef) {
		return math.NaN()
	}
	var s float64
	for j, b := range m.Coef {
		s += b * (x[j] - m.Means[j])
	}
	return s
}

// Survival returns the predicted probability that a customer with
// covariates x has not churned by time t,
//
//	S(t | x) = exp(−H₀(t)·exp(β·(x − Means))),
//
// with H₀ the baseline cumulative hazard of the first stratum (the only one
// in an unstratified model; use [Cox.SurvivalIn] for the others). It is 1
// for t before the first event time (and for t < 0), constant after the last
// event time, and NaN when t is NaN or len(x) differs from the number of
// coefficients. It does not allocate.
func (m *Cox) Survival(x []float64, t float64) float64 {
	if len(m.Baseline) == 0 {
		return math.NaN()
	}
	return m.survival(&m.Baseline[0], x, t)
}

// SurvivalIn is [Cox.Survival] for the customer's stratum label; it returns
// NaN when the model has no such stratum.
func (m *Cox) SurvivalIn(stratum int, x []float64, t float64) float64 {
	for i := range m.Baseline {
		if m.Baseline[i].Stratum == stratum {
			return m.survival(&m.Baseline[i], x, t)
		}
	}
	return math.NaN()
}

func (m *Cox) survival(b *CoxBaseline, x []float64, t float64) float64 {
	if math.IsNaN(t) || len(x) != len(m.Coef) {
		return math.NaN()
	}
	H := b.cumHaz(t)
	if H == 0 {
		return 1
	}
	lp := m.LinearPredictor(x)
	if math.IsNaN(lp) {
		return math.NaN()
	}
	return math.Exp(-H * math.Exp(lp))
}

// cumHaz returns the step function H₀(t): the value at the last event time ≤ t.
func (b *CoxBaseline) cumHaz(t float64) float64 {
	lo, hi := 0, len(b.Time)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if b.Time[mid] <= t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return 0
	}
	return b.CumHaz[lo-1]
}

// Summary returns the coefficient table of R's summary.coxph: per covariate
// the coefficient, hazard ratio, standard error, Wald z, two-sided p-value
// and the 95% confidence interval of the hazard ratio.
func (m *Cox) Summary() []Coef {
	const z975 = 1.959963984540054
	out := make([]Coef, len(m.Coef))
	for j, b := range m.Coef {
		se := m.StdErr[j]
		z := b / se
		out[j] = Coef{
			Name:        m.Names[j],
			Coef:        b,
			HazardRatio: math.Exp(b),
			StdErr:      se,
			Z:           z,
			P:           math.Erfc(math.Abs(z) / math.Sqrt2),
			Lower95:     math.Exp(b - z975*se),
			Upper95:     math.Exp(b + z975*se),
		}
	}
	return out
}
