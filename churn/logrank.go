package churn

import (
	"math"
	"sort"
	"strconv"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LogRankTest is the result of the log-rank test that k groups of customers
// share one survival curve, as R's survdiff reports it. Group g is the
// customers with group[i] = g.
type LogRankTest struct {
	Chi2 float64 // the chi-square statistic (O−E)ᵀ V⁻ (O−E)
	DF   int     // degrees of freedom: the groups with Expected > 0, less 1
	P    float64 // P(χ²_DF ≥ Chi2)

	N        []int       // customers per group
	Observed []float64   // churns per group
	Expected []float64   // expected churns per group under the null hypothesis
	Variance [][]float64 // the k×k covariance matrix of Observed − Expected
}

// LogRank tests whether the groups of customers (group[i] in 0..k−1, each
// group non-empty, k ≥ 2) have the same churn hazard, by the log-rank test
// (Mantel 1966, Cancer Chemother. Rep. 50:163–170; Peto & Peto 1972,
// J. R. Statist. Soc. A 135:185–207): at each churn time t with n customers
// at risk (n_g in group g) and d churns, E_g += d·n_g/n and the
// hypergeometric covariance V_gh += d(n−d)/(n−1) · n_g/n · (δ_gh − n_h/n);
// Chi2 = (O−E)ᵀ V⁻¹ (O−E) over all groups but the first with E > 0, as R's
// survdiff(Surv(duration, event) ~ group) computes it.
//
// It returns an error wrapping [ErrInvalidInput] for bad input, an empty
// group, fewer than two groups, or when V is singular (no churn time with
// more than one customer at risk, for example). The inputs are not
// modified. The cost is O(n + T·k²) for T distinct churn times.
func LogRank(duration []float64, event []bool, group []int) (*LogRankTest, error) {
	return logRank("LogRank", duration, event, group, nil)
}

// LogRankStratified is the stratified log-rank test, as R's
// survdiff(Surv(duration, event) ~ group + strata(s)): the observed and
// expected counts and the variance are computed within each stratum (any
// int labels; strata[i] is customer i's stratum) and summed, so that groups
// are compared only within strata (for example within a product line or a
// region).
func LogRankStratified(duration []float64, event []bool, group, strata []int) (*LogRankTest, error) {
	c := checker("LogRankStratified")
	if err := c.Len("strata", len(strata), len(duration)); err != nil {
		return nil, err
	}
	return logRank("LogRankStratified", duration, event, group, strata)
}

func logRank(fn string, duration []float64, event []bool, group, strata []int) (*LogRankTest, error) {
	c := checker(fn)
	res, err := newLogRankTest(c, duration, event, group)
	if err != nil {
		return nil, err
	}

	// Order by stratum, then by duration.
	n := len(duration)
	keys := make([]uint64, n)
	idx := make([]uint32, n)
	for i, d := range duration {
		keys[i] = orderKey(d)
		idx[i] = uint32(i)
	}
	kbuf := make([]uint64, n)
	ibuf := make([]uint32, n)
	sk, si := radixSortPairs(keys, idx, kbuf, ibuf)
	if strata == nil {
		logRankAccumulate(res, sk, si, event, group)
		return finishLogRank(c, res)
	}
	// A stable radix sort by stratum keeps the duration order within strata.
	order := append([]uint32(nil), si...)
	skeys := make([]uint64, n)
	for p, i := range order {
		skeys[p] = orderKey(float64(strata[i]))
	}
	skeys, order = radixSortPairs(skeys, order, kbuf, ibuf)
	tkeys := make([]uint64, n)
	for p, i := range order {
		tkeys[p] = orderKey(duration[i])
	}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && skeys[hi] == skeys[lo] {
			hi++
		}
		logRankAccumulate(res, tkeys[lo:hi], order[lo:hi], event, group)
		lo = hi
	}
	return finishLogRank(c, res)
}

// logRankAccumulate adds the O, E and V contributions of customers idx,
// sorted by their duration keys.
func logRankAccumulate(res *LogRankTest, key []uint64, idx []uint32, event []bool, group []int) {
	k := len(res.N)
	atRisk := make([]float64, k)
	died := make([]float64, k)
	for _, i := range idx {
		atRisk[group[i]]++
	}
	n := float64(len(idx))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && key[hi] == key[lo] {
			hi++
		}
		d := 0.0
		for _, i := range idx[lo:hi] {
			if event[i] {
				died[group[i]]++
				d++
			}
		}
		if d > 0 {
			f := 0.0
			if n > 1 {
				f = d * (n - d) / (n - 1)
			}
			for g := range k {
				if atRisk[g] == 0 && died[g] == 0 {
					continue
				}
				pg := atRisk[g] / n
				res.Observed[g] += died[g]
				res.Expected[g] += d * pg
				died[g] = 0
				if f == 0 || pg == 0 {
					continue
				}
				row := res.Variance[g]
				row[g] += f * pg
				for h := range k {
					row[h] -= f * pg * atRisk[h] / n
				}
			}
		}
		for _, i := range idx[lo:hi] {
			atRisk[group[i]]--
		}
		n -= float64(hi - lo)
		lo = hi
	}
}

func finishLogRank(c check.Checker, res *LogRankTest) (*LogRankTest, error) {
	var use []int
	for g, e := range res.Expected {
		if e > 0 {
			use = append(use, g)
		}
	}
	if len(use) < 2 {
		return nil, c.Fail("event", -1, "", "need churns at times when at least two groups are at risk")
	}
	use = use[1:]
	m := len(use)
	v := mat.NewSymDense(m, nil)
	z := mat.NewVecDense(m, nil)
	for a, g := range use {
		z.SetVec(a, res.Observed[g]-res.Expected[g])
		for b, h := range use[a:] {
			v.SetSym(a, a+b, res.Variance[g][h])
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(v) {
		return nil, c.Fail("event", -1, "", "the variance of observed − expected is singular: no churn time with more than one customer at risk in two groups")
	}
	var x mat.VecDense
	if err := ch.SolveVecTo(&x, z); err != nil {
		return nil, c.Fail("event", -1, "", "the variance of observed − expected is singular")
	}
	res.Chi2 = mat.Dot(&x, z)
	res.DF = m
	res.P = distuv.ChiSquared{K: float64(m)}.Survival(res.Chi2)
	if math.IsNaN(res.Chi2) || math.IsNaN(res.P) {
		return nil, c.Fail("event", -1, "", "the log-rank statistic is not finite")
	}
	return res, nil
}

// LogRankOptions holds the optional inputs of [LogRankWith]. A nil
// *LogRankOptions gives the plain log-rank test of [LogRank].
type LogRankOptions struct {
	// Rho selects the Fleming-Harrington G-rho weight S(t−)^Rho of each
	// churn time, where S(t−) is the Kaplan-Meier estimate of the pooled
	// customers (within the stratum) just before t. 0, the default, is the
	// log-rank test; 1 is the Peto & Peto (1972) form of the Gehan-Wilcoxon
	// test, which gives more weight to early churn; negative values give
	// more weight to late churn. It must be finite.
	Rho float64
	// Strata holds each customer's stratum (any int labels), as in
	// [LogRankStratified]; nil means one stratum.
	Strata []int
}

// LogRankWith is the G-rho family of tests of Harrington & Fleming (1982),
// Biometrika 69:553–566, eq. (2.2)–(2.4), as R's
// survdiff(Surv(duration, event) ~ group (+ strata(s)), rho = Rho): each
// churn time t gets the weight w = S(t−)^Rho, with S the left-continuous
// Kaplan-Meier curve of all customers in the stratum, and
//
//	O_g = Σ w·d_g,   E_g = Σ w·d·n_g/n,
//	V_gh = Σ w²·d(n−d)/(n−1) · n_g/n · (δ_gh − n_h/n),
//
// summed over strata, with Chi2 = (O−E)ᵀ V⁻¹ (O−E) over all groups but the
// first with E > 0. Observed, Expected and Variance in the result are these
// weighted sums, as R reports them; with Rho = 0 (or nil opts) the result
// is exactly that of [LogRank] or [LogRankStratified].
//
// The arguments and errors are those of [LogRank], plus an error wrapping
// [ErrInvalidInput] when opts.Rho is not finite or opts.Strata has the wrong
// length, or when a large negative Rho makes the weights overflow. The
// inputs are not modified. For Rho ≠ 0 the cost is
// O(n log n + T·k²) for T distinct churn times.
func LogRankWith(duration []float64, event []bool, group []int, opts *LogRankOptions) (*LogRankTest, error) {
	const fn = "LogRankWith"
	var o LogRankOptions
	if opts != nil {
		o = *opts
	}
	c := checker(fn)
	if err := c.Scalar("opts.Rho", o.Rho, -math.MaxFloat64, math.MaxFloat64); err != nil {
		return nil, err
	}
	if o.Strata != nil {
		if err := c.Len("opts.Strata", len(o.Strata), len(duration)); err != nil {
			return nil, err
		}
	}
	if o.Rho == 0 {
		return logRank(fn, duration, event, group, o.Strata)
	}
	res, err := newLogRankTest(c, duration, event, group)
	if err != nil {
		return nil, err
	}

	// Order by stratum, then by duration.
	order := make([]int, len(duration))
	for i := range order {
		order[i] = i
	}
	stratum := func(i int) int {
		if o.Strata == nil {
			return 0
		}
		return o.Strata[i]
	}
	sort.Slice(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if si, sj := stratum(i), stratum(j); si != sj {
			return si < sj
		}
		return duration[i] < duration[j]
	})
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && stratum(order[hi]) == stratum(order[lo]) {
			hi++
		}
		logRankRhoAccumulate(res, order[lo:hi], duration, event, group, o.Rho)
		lo = hi
	}
	// S(t−)^Rho overflows for a large negative Rho once S is small.
	for g := range res.N {
		if math.IsInf(res.Observed[g], 0) || math.IsInf(res.Expected[g], 0) || math.IsNaN(res.Expected[g]) {
			return nil, c.Fail("opts.Rho", -1, check.Float(o.Rho), "the weights S(t−)^Rho overflow")
		}
	}
	return finishLogRank(c, res)
}

// logRankRhoAccumulate adds the G-rho weighted O, E and V contributions of
// the customers idx of one stratum, sorted by duration. The weight of a
// churn time is the pooled Kaplan-Meier estimate just before it, updated in
// the same increasing pass (survival's survdiff2.c does the same).
func logRankRhoAccumulate(res *LogRankTest, idx []int, duration []float64, event []bool, group []int, rho float64) {
	k := len(res.N)
	atRisk := make([]float64, k)
	died := make([]float64, k)
	for _, i := range idx {
		atRisk[group[i]]++
	}
	n := float64(len(idx))
	km := 1.0
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && duration[idx[hi]] == duration[idx[lo]] {
			hi++
		}
		d := 0.0
		for _, i := range idx[lo:hi] {
			if event[i] {
				died[group[i]]++
				d++
			}
		}
		if d > 0 {
			w := math.Pow(km, rho)
			f := 0.0
			if n > 1 {
				f = w * w * d * (n - d) / (n - 1)
			}
			for g := range k {
				pg := atRisk[g] / n
				res.Observed[g] += w * died[g]
				res.Expected[g] += w * d * pg
				died[g] = 0
				if f == 0 || pg == 0 {
					continue
				}
				row := res.Variance[g]
				row[g] += f * pg
				for h := range k {
					row[h] -= f * pg * atRisk[h] / n
				}
			}
			km *= (n - d) / n
		}
		for _, i := range idx[lo:hi] {
			atRisk[group[i]]--
		}
		n -= float64(hi - lo)
		lo = hi
	}
}

// newLogRankTest validates the inputs shared by the log-rank tests
// (durations, events, group labels 0..k−1 with every group used, k ≥ 2) and
// returns a result with its per-group slices allocated and N counted.
func newLogRankTest(c check.Checker, duration []float64, event []bool, group []int) (*LogRankTest, error) {
	if err := validateSurv(c, duration, event, nil, nil); err != nil {
		return nil, err
	}
	if err := c.Len("group", len(group), len(duration)); err != nil {
		return nil, err
	}
	k := 0
	for i, g := range group {
		if g < 0 {
			return nil, c.Fail("group", i, strconv.Itoa(g), "must be ≥ 0")
		}
		if g >= len(duration) {
			return nil, c.Fail("group", i, strconv.Itoa(g), "must be < the number of customers, "+strconv.Itoa(len(duration)))
		}
		k = max(k, g+1)
	}
	res := &LogRankTest{
		N:        make([]int, k),
		Observed: make([]float64, k),
		Expected: make([]float64, k),
		Variance: make([][]float64, k),
	}
	for g := range res.Variance {
		res.Variance[g] = make([]float64, k)
	}
	for _, g := range group {
		res.N[g]++
	}
	for g, n := range res.N {
		if n == 0 {
			return nil, c.Fail("group", -1, "", "group "+strconv.Itoa(g)+" is empty: labels must be 0..k−1, each used")
		}
	}
	if k < 2 {
		return nil, c.Fail("group", -1, "", "need at least two groups")
	}
	return res, nil
}
