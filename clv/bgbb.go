package clv

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"

	"github.com/clmkit/clm/internal/check"
)

// BGBB is the beta-geometric/beta-binomial model of repeat transactions in
// discrete time (Fader, Hardie & Shang 2010, "Customer-Base Analysis in a
// Discrete-Time Noncontractual Setting", Marketing Science 29(6):1086-1108):
// at each transaction opportunity (a month, a year, a mailing) a customer who
// is still alive transacts with probability p, and before each opportunity
// dies with probability θ; p ~ beta(α, β) and θ ~ beta(γ, δ) across
// customers, independently.
//
// A customer's history is (x, t_x, n): x repeat transactions in the n
// opportunities after the first, the last at opportunity t_x (0 when x = 0).
// The prediction methods take these as float64 so that the model answers the
// same calls as the continuous-time models (PAlive(x, tx, T),
// ConditionalPurchases(t, x, tx, T)); the values must be whole numbers.
//
// A fitted BGBB is immutable, safe for concurrent use, and round-trips
// through encoding/json; its prediction methods do not allocate.
type BGBB struct {
	Alpha, Beta  float64 // beta(α, β) distribution of the transaction probability p
	Gamma, Delta float64 // beta(γ, δ) distribution of the dropout probability θ

	// StdErr holds the asymptotic standard errors of Alpha, Beta, Gamma and
	// Delta (inverse observed information, numerical Hessian); 0 where the
	// Hessian is not positive definite.
	StdErr [4]float64

	LogLik    float64 // log-likelihood at the estimate (summed with the counts)
	N         float64 // number of customers fitted (the sum of the counts)
	Iter      int     // optimiser iterations
	Converged bool    // whether the fit met its convergence criterion
}

// bgbbMaxPeriods caps the number of opportunities n of a history: the
// likelihood of (x, t_x, n) has n − t_x + 1 terms.
const bgbbMaxPeriods = 100000

// bgbbPattern is one distinct (x, t_x, n) history and the number of
// customers who share it.
type bgbbPattern struct {
	x, tx, n int
	w        float64
}

// FitBGBB fits the BG/BB model by maximum likelihood to recency/frequency
// data on discrete transaction opportunities. Row i of s is a customer (or,
// with count, a group of count[i] identical customers): Frequency = x repeat
// transactions, Recency = t_x the opportunity of the last one (0 when x = 0),
// T = n the number of opportunities observed since the first transaction;
// MeanValue is ignored. count may be nil (one customer per row); otherwise
// it must have len(s) finite, non-negative entries, not all 0. Identical
// (x, t_x, n) rows share one likelihood term. opts may be nil.
//
// Besides the checks of every fit (finite, non-negative values, t_x ≤ T,
// t_x = 0 when x = 0), x, t_x and n must be whole numbers with x ≤ t_x when
// x > 0; violations return an error wrapping [ErrInvalidInput] naming the
// row. Convergence is as for [FitGammaGamma]; on ErrNotConverged the
// returned model is non-nil, for inspection.
func FitBGBB(s []Summary, count []float64, opts *FitOptions) (*BGBB, error) {
	c := checker("FitBGBB")
	if err := validateSummaries(c, s); err != nil {
		return nil, err
	}
	if err := ggCheckOptions(c, opts); err != nil {
		return nil, err
	}
	if count != nil {
		if err := c.Len("count", len(count), len(s)); err != nil {
			return nil, err
		}
		if err := c.NonNegative("count", count); err != nil {
			return nil, err
		}
	}
	type key struct{ x, tx, n int }
	idx := make(map[key]int)
	var pats []bgbbPattern
	total := 0.0
	for i, r := range s {
		for _, f := range [...]struct {
			name string
			v    float64
		}{{"s.Frequency", r.Frequency}, {"s.Recency", r.Recency}, {"s.T", r.T}} {
			if f.v != math.Trunc(f.v) || f.v > bgbbMaxPeriods {
				return nil, c.Fail(f.name, i, check.Float(f.v), "must be a whole number of opportunities, ≤ 100000")
			}
		}
		if r.Frequency > r.Recency {
			return nil, c.Fail("s.Frequency", i, check.Float(r.Frequency), "must be ≤ Recency = "+check.Float(r.Recency))
		}
		w := 1.0
		if count != nil {
			w = count[i]
		}
		if w == 0 {
			continue
		}
		k := key{int(r.Frequency), int(r.Recency), int(r.T)}
		j, ok := idx[k]
		if !ok {
			j = len(pats)
			idx[k] = j
			pats = append(pats, bgbbPattern{x: k.x, tx: k.tx, n: k.n})
		}
		pats[j].w += w
		total += w
	}
	if total == 0 {
		return nil, c.Fail("count", -1, "", "all counts are 0")
	}
	if math.IsInf(total, 0) {
		return nil, c.Fail("count", -1, "", "sum overflows float64")
	}
	// A fixed order makes the floating-point sums, and so the fit,
	// independent of map iteration.
	sort.Slice(pats, func(a, b int) bool {
		pa, pb := pats[a], pats[b]
		if pa.n != pb.n {
			return pa.n < pb.n
		}
		if pa.x != pb.x {
			return pa.x < pb.x
		}
		return pa.tx < pb.tx
	})
	nll := func(grad, th []float64) float64 {
		ll := 0.0
		var g, gp [4]float64
		for _, p := range pats {
			if grad == nil {
				ll += p.w * bgbbLogLik(th[0], th[1], th[2], th[3], p.x, p.tx, p.n, nil)
				continue
			}
			ll += p.w * bgbbLogLik(th[0], th[1], th[2], th[3], p.x, p.tx, p.n, &gp)
			for k := range g {
				g[k] += p.w * gp[k]
			}
		}
		if grad != nil {
			for k := range g {
				grad[k] = -g[k]
			}
		}
		return -ll
	}
	res := ggFit(nll, []float64{1, 1, 1, 1}, total, opts)
	m := &BGBB{
		Alpha: res.theta[0], Beta: res.theta[1], Gamma: res.theta[2], Delta: res.theta[3],
		N: total, Iter: res.iter, Converged: res.converged,
	}
	m.LogLik = -nll(nil, res.theta)
	copy(m.StdErr[:], ggStdErr(nll, res.theta))
	if !res.converged {
		return m, ggNotConverged("FitBGBB", res)
	}
	return m, nil
}

// bgbbLBeta returns ln B(a, b).
func bgbbLBeta(a, b float64) float64 {
	x, _ := math.Lgamma(a)
	y, _ := math.Lgamma(b)
	z, _ := math.Lgamma(a + b)
	return x + y - z
}

// bgbbLogLik returns ln L(α, β, γ, δ | x, t_x, n), the BG/BB likelihood of
// one history (FHS 2010):
//
//	L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ),
//
// the first term for a customer alive through opportunity n, the others for
// one who died just before opportunity t_x+i+1. The sum is accumulated in
// log space in one pass (a running maximum), without allocating. When grad
// is not nil it receives ∂ ln L/∂(α, β, γ, δ).
func bgbbLogLik(a, b, g, d float64, x, tx, n int, grad *[4]float64) float64 {
	fx, fn, ftx := float64(x), float64(n), float64(tx)
	lab, lgd := bgbbLBeta(a, b), bgbbLBeta(g, d)
	psi := mathext.Digamma
	var pa, pb, pab, pg, pd, pgd, pax, pg1 float64
	if grad != nil {
		pa, pb, pab = psi(a), psi(b), psi(a+b)
		pg, pd, pgd = psi(g), psi(d), psi(g+d)
		pax, pg1 = psi(a+fx), psi(g+1)
	}
	mx, sum := math.Inf(-1), 0.0
	var gs [4]float64 // Σ exp(l_i − mx)·∂l_i
	for i := 0; i <= n-tx; i++ {
		var l float64
		var j float64
		if i == 0 {
			l = bgbbLBeta(a+fx, b+fn-fx) - lab + bgbbLBeta(g, d+fn) - lgd
		} else {
			j = ftx + float64(i-1)
			l = bgbbLBeta(a+fx, b+j-fx) - lab + bgbbLBeta(g+1, d+j) - lgd
		}
		if l > mx {
			sc := math.Exp(mx - l) // 0 on the first term
			sum *= sc
			for k := range gs {
				gs[k] *= sc
			}
			mx = l
		}
		w := math.Exp(l - mx)
		sum += w
		if grad == nil {
			continue
		}
		var da, db, dg, dd float64
		if i == 0 {
			pabn, pgdn := psi(a+b+fn), psi(g+d+fn)
			da = pax - pabn - pa + pab
			db = psi(b+fn-fx) - pabn - pb + pab
			dg = pgd - pgdn
			dd = psi(d+fn) - pgdn - pd + pgd
		} else {
			pabj, pgdj := psi(a+b+j), psi(g+d+1+j)
			da = pax - pabj - pa + pab
			db = psi(b+j-fx) - pabj - pb + pab
			dg = pg1 - pgdj - pg + pgd
			dd = psi(d+j) - pgdj - pd + pgd
		}
		gs[0] += w * da
		gs[1] += w * db
		gs[2] += w * dg
		gs[3] += w * dd
	}
	if grad != nil {
		for k := range gs {
			grad[k] = gs[k] / sum
		}
	}
	return mx + math.Log(sum)
}

// bgbbLogLikFast is bgbbLogLik without the gradient, for prediction: it
// evaluates the beta functions of the first two terms and steps through the
// others with B(a, b+1) = B(a, b)·b/(a+b), so its cost is a few lgamma calls
// plus O(n − t_x) multiplications.
//
// It also returns l0, the log of the likelihood's first term (alive through
// opportunity n), from which the predictions follow.
func bgbbLogLikFast(a, b, g, d float64, x, tx, n int) (ll, l0 float64) {
	if n <= bgbbProductMax {
		return bgbbLogLikProduct(a, b, g, d, x, tx, n)
	}
	fx, fn, ftx := float64(x), float64(n), float64(tx)
	lab, lgd := bgbbLBeta(a, b), bgbbLBeta(g, d)
	l0 = bgbbLBeta(a+fx, b+fn-fx) - lab + bgbbLBeta(g, d+fn) - lgd
	if tx == n {
		return l0, l0
	}
	l1 := bgbbLBeta(a+fx, b+ftx-fx) - lab + bgbbLBeta(g+1, d+ftx) - lgd
	// Terms i = 1 … n−t_x relative to term 1; each ratio is < 1.
	sum, r := 1.0, 1.0
	for j := ftx; j < fn-1; j++ {
		r *= (b + j - fx) / (a + b + j) * (d + j) / (g + d + 1 + j)
		sum += r
	}
	l1 += math.Log(sum)
	if l0 > l1 {
		return l0 + math.Log1p(math.Exp(l1-l0)), l0
	}
	return l1 + math.Log1p(math.Exp(l0-l1)), l0
}

// bgbbProductMax is the largest n for which bgbbLogLikFast uses products
// of ratios instead of lgamma.
const bgbbProductMax = 1000

// bgbbLogLikProduct is bgbbLogLikFast by products alone: for whole x, y,
//
//	B(α+x, β+y)/B(α, β) = (α)_x (β)_y / (α+β)_{x+y}, and
//	B(γ, δ+k)/B(γ, δ)  = Π_{j<k} (δ+j)/(γ+δ+j),
//
// with every factor < 1, so the running products only shrink; they are
// moved into a log accumulator before they can underflow.
func bgbbLogLikProduct(a, b, g, d float64, x, tx, n int) (ll, l0 float64) {
	fx := float64(x)
	// First term: opportunities 1..n, x transactions, alive throughout.
	// Factor k pairs the k-th rising-factorial factor of the numerator
	// ((α)_x first, then (β)_{n−x}) with (α+β+k) and (δ+k)/(γ+δ+k).
	prod, logAcc := 1.0, 0.0
	// Survival to t_x and the p-part up to t_x are shared by all terms:
	// record them when k reaches t_x.
	var prodTx, logTx float64
	for k := 0; k < n; k++ {
		if k == tx {
			prodTx, logTx = prod, logAcc
		}
		fk := float64(k)
		num := b + fk - fx // (β)_{·} factor: a non-transaction
		if k < x {
			num = a + fk // (α)_{·} factor: a transaction
		}
		prod *= num * (d + fk) / ((a + b + fk) * (g + d + fk))
		if prod < 1e-250 {
			logAcc += math.Log(prod)
			prod = 1
		}
	}
	if tx == n {
		prodTx, logTx = prod, logAcc
	}
	l0 = logAcc + math.Log(prod)
	if tx == n {
		return l0, l0
	}
	// Term i (death just before opportunity t_x+i+1, i = 0..n−t_x−1):
	// the p-part has x transactions and t_x+i−x misses; the θ-part is
	// B(γ+1, δ+t_x+i)/B(γ,δ) = γ/(γ+δ+t_x+i) · B(γ, δ+t_x+i)/B(γ,δ).
	// The ordering above puts the x transactions first, so the product up
	// to k = t_x+i already has the right p-part (x ≤ t_x).
	sum := 0.0
	p, lg, scale := prodTx, logTx, 1.0 // scale = e^{lg − logTx}
	for j := tx; j < n; j++ {
		fj := float64(j)
		sum += p * scale * g / (g + d + fj)
		p *= (b + fj - fx) * (d + fj) / ((a + b + fj) * (g + d + fj))
		if p < 1e-250 {
			lg += math.Log(p)
			p = 1
			scale = math.Exp(lg - logTx)
		}
	}
	l1 := logTx + math.Log(sum)
	if l0 > l1 {
		return l0 + math.Log1p(math.Exp(l1-l0)), l0
	}
	return l1 + math.Log1p(math.Exp(l0-l1)), l0
}

// bgbbHistory converts a (x, t_x, n) history given as float64 and reports
// whether it is a possible one: whole numbers, 0 ≤ x ≤ t_x ≤ n, and t_x = 0
// exactly when x = 0.
func bgbbHistory(x, tx, n float64) (int, int, int, bool) {
	if !(x >= 0 && tx >= 0 && n >= 0) || n > bgbbMaxPeriods ||
		x != math.Trunc(x) || tx != math.Trunc(tx) || n != math.Trunc(n) ||
		x > tx || tx > n || (x == 0) != (tx == 0) {
		return 0, 0, 0, false
	}
	return int(x), int(tx), int(n), true
}

// PAlive returns the probability that a customer with history (x, t_x, n)
// is still alive at opportunity n+1 (FHS 2010):
//
//	B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L(α, β, γ, δ | x, t_x, n).
//
// It returns NaN for an impossible history (see [BGBB]: x, tx, n whole
// numbers with 0 ≤ x ≤ tx ≤ n and tx = 0 exactly when x = 0).
func (m *BGBB) PAlive(x, tx, n float64) float64 {
	xi, txi, ni, ok := bgbbHistory(x, tx, n)
	if !ok {
		return math.NaN()
	}
	ll, l0 := bgbbLogLikFast(m.Alpha, m.Beta, m.Gamma, m.Delta, xi, txi, ni)
	// B(γ, δ+n+1)/B(γ, δ+n) = (δ+n)/(γ+δ+n).
	return math.Min(1, math.Exp(l0-ll)*(m.Delta+n)/(m.Gamma+m.Delta+n))
}

// bgbbSumSurvival returns Σ_{k=from+1}^{from+t} B(γ, δ+k)/B(γ, δ), the
// expected number of opportunities from+1 … from+t at which a new customer
// is still alive. Up to 10,000 terms are summed directly; beyond, the
// closed form (FHS 2010)
//
//	δ/(γ−1) · Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+from)/Γ(γ+δ+from) − Γ(1+δ+from+t)/Γ(γ+δ+from+t)]
//
// is used, or its γ → 1 limit δ[ψ(1+δ+from+t) − ψ(1+δ+from)].
func bgbbSumSurvival(g, d float64, from, t float64) float64 {
	if t <= 0 {
		return 0
	}
	if t <= 1e4 {
		// S(k) = S(k−1)·(δ+k−1)/(γ+δ+k−1), from S(from+1).
		s := math.Exp(bgbbLBeta(g, d+from+1) - bgbbLBeta(g, d))
		sum := 0.0
		for k := from + 1; k <= from+t; k++ {
			if k > from+1 {
				s *= (d + k - 1) / (g + d + k - 1)
			}
			sum += s
		}
		return sum
	}
	if math.Abs(g-1) < 1e-8 {
		return d * (mathext.Digamma(1+d+from+t) - mathext.Digamma(1+d+from))
	}
	lc, _ := math.Lgamma(g + d)
	l1, _ := math.Lgamma(1 + d)
	a1, _ := math.Lgamma(1 + d + from)
	a2, _ := math.Lgamma(g + d + from)
	b1, _ := math.Lgamma(1 + d + from + t)
	b2, _ := math.Lgamma(g + d + from + t)
	// Both brackets share the prefactor; compute each in log space.
	u := math.Exp(lc - l1 + a1 - a2)
	v := math.Exp(lc - l1 + b1 - b2)
	return d / (g - 1) * (u - v)
}

// bgbbSumSurvivalFrom returns Σ_{k=n+1}^{n+t} B(γ, δ+k)/B(γ, δ+n), the
// expected number of the next t opportunities at which a customer alive at
// opportunity n is still alive: a running product for t ≤ 10,000, else the
// closed form of bgbbSumSurvival divided by B(γ, δ+n)/B(γ, δ).
func bgbbSumSurvivalFrom(g, d, n, t float64) float64 {
	if t > 1e4 {
		return bgbbSumSurvival(g, d, n, t) / math.Exp(bgbbLBeta(g, d+n)-bgbbLBeta(g, d))
	}
	sum, s := 0.0, 1.0
	for j := n; j < n+t; j++ {
		s *= (d + j) / (g + d + j)
		sum += s
	}
	return sum
}

// ExpectedPurchases returns the expected number of transactions of a new
// customer in the first t opportunities after the first transaction (FHS
// 2010): α/(α+β) · Σ_{k=1}^{t} B(γ, δ+k)/B(γ, δ). t is rounded down to
// a whole number of opportunities; t ≤ 0 gives 0, t = +Inf the expected
// lifetime total (+Inf when γ ≤ 1), NaN gives NaN.
func (m *BGBB) ExpectedPurchases(t float64) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	t = math.Floor(t)
	if math.IsInf(t, 1) {
		if m.Gamma <= 1 {
			return math.Inf(1)
		}
		// Σ_{k≥1} S(k) = δ/(γ−1).
		return m.Alpha / (m.Alpha + m.Beta) * m.Delta / (m.Gamma - 1)
	}
	return m.Alpha / (m.Alpha + m.Beta) * bgbbSumSurvival(m.Gamma, m.Delta, 0, t)
}

// ConditionalPurchases returns the expected number of transactions in the
// next t opportunities (n+1 … n+t) of a customer with history (x, t_x, n)
// (FHS 2010):
//
//	1/L · B(α+x+1, β+n−x)/B(α,β) · Σ_{k=n+1}^{n+t} B(γ, δ+k)/B(γ,δ).
//
// t is rounded down to a whole number of opportunities; t ≤ 0 gives 0,
// t = +Inf the expected residual total (+Inf when γ ≤ 1). It returns NaN
// for NaN t or an impossible history (see [BGBB.PAlive]).
func (m *BGBB) ConditionalPurchases(t, x, tx, n float64) float64 {
	xi, txi, ni, ok := bgbbHistory(x, tx, n)
	if !ok || math.IsNaN(t) {
		return math.NaN()
	}
	t = math.Floor(t)
	if t <= 0 {
		return 0
	}
	ll, l0 := bgbbLogLikFast(m.Alpha, m.Beta, m.Gamma, m.Delta, xi, txi, ni)
	// 1/L · B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) = e^{l0−ll} · (α+x)/(α+β+n).
	pre := math.Exp(l0-ll) * (m.Alpha + x) / (m.Alpha + m.Beta + n)
	if math.IsInf(t, 1) {
		if m.Gamma <= 1 {
			return math.Inf(1)
		}
		// Σ_{k>n} B(γ,δ+k)/B(γ,δ+n) = (δ+n)/(γ−1).
		return pre * (m.Delta + n) / (m.Gamma - 1)
	}
	return pre * bgbbSumSurvivalFrom(m.Gamma, m.Delta, n, t)
}

// PMF returns P(X(n) = x), the probability that a new customer makes x
// repeat transactions in the first n opportunities (FHS 2010):
//
//	C(n,x) B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=x}^{n−1} C(i,x) B(α+x, β+i−x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ).
//
// Multiplied by the number of customers it gives the expected histogram of
// repeat transactions, the model's in-sample fit check. x and n must be
// whole numbers with 0 ≤ x ≤ n; otherwise PMF returns NaN.
func (m *BGBB) PMF(x, n float64) float64 {
	if !(x >= 0 && x <= n) || n > bgbbMaxPeriods || x != math.Trunc(x) || n != math.Trunc(n) {
		return math.NaN()
	}
	a, b, g, d := m.Alpha, m.Beta, m.Gamma, m.Delta
	lab, lgd := bgbbLBeta(a, b), bgbbLBeta(g, d)
	lchoose := func(n, k float64) float64 {
		x, _ := math.Lgamma(n + 1)
		y, _ := math.Lgamma(k + 1)
		z, _ := math.Lgamma(n - k + 1)
		return x - y - z
	}
	p := math.Exp(lchoose(n, x) + bgbbLBeta(a+x, b+n-x) - lab + bgbbLBeta(g, d+n) - lgd)
	for i := x; i < n; i++ {
		p += math.Exp(lchoose(i, x) + bgbbLBeta(a+x, b+i-x) - lab + bgbbLBeta(g+1, d+i) - lgd)
	}
	return math.Min(1, p)
}
