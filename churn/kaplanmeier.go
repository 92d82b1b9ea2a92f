package churn

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/stat/distuv"
)

// SurvOptions holds the optional inputs of [KaplanMeier] and [NelsonAalen].
// A nil *SurvOptions means unit weights and no delayed entry.
type SurvOptions struct {
	// Weight holds a case weight ≥ 0 per customer; nil means 1 for all.
	Weight []float64
	// Entry holds each customer's entry time (delayed entry, or left
	// truncation): a customer counts in the risk set at time t only when
	// Entry[i] < t ≤ duration[i]. Use it for customers who joined before
	// the observation window began. Entry[i] must be < duration[i]. Nil
	// means every customer is at risk from time 0.
	Entry []float64
}

func (o *SurvOptions) parts() (weight, entry []float64) {
	if o == nil {
		return nil, nil
	}
	return o.Weight, o.Entry
}

// Curve is a Kaplan-Meier survival curve: one row per distinct duration
// (event or censoring time), in increasing order, as R's survfit reports it.
//
// A Curve is immutable once built: its methods never write to it, so it is
// safe for concurrent use, and its exported fields are its whole state, so
// it round-trips through encoding/json.
type Curve struct {
	Time     []float64 // distinct durations, increasing
	AtRisk   []float64 // (weighted) number at risk just before Time[i]
	Events   []float64 // (weighted) number of events at Time[i]
	Censored []float64 // (weighted) number censored at Time[i]
	Survival []float64 // Kaplan-Meier S(Time[i])
	// StdErr is the Greenwood standard error of S(Time[i]) (not of
	// −log S, which is R's survfit()$std.err): S·sqrt(Σ d/(n(n−d))). Where
	// S has reached 0 it is reported as 0.
	StdErr []float64
}

// KaplanMeier estimates the survival function S(t) of the durations by the
// product-limit estimator of Kaplan & Meier (1958), J. Amer. Statist. Assoc.
// 53:457–481, eq. (2.2): S(t) = Π_{t_i ≤ t} (1 − d_i/n_i), with the
// Greenwood (1926) variance Var S(t) = S(t)² Σ_{t_i ≤ t} d_i/(n_i(n_i − d_i)).
// With weights, d_i and n_i are sums of weights; with opts.Entry, n_i counts
// only customers who have entered before t_i. It agrees with R's
// survfit(Surv(duration, event) ~ 1) (and Surv(entry, duration, event)).
//
// event[i] is true when customer i churned at duration[i] and false when
// still a customer then (censored). opts may be nil. All-censored data are
// valid: the curve is 1 throughout.
//
// The risk table is built by a radix sort of the durations, so the cost is
// linear in len(duration). The inputs are not modified.
func KaplanMeier(duration []float64, event []bool, opts *SurvOptions) (*Curve, error) {
	weight, entry := opts.parts()
	c := checker("KaplanMeier")
	if err := validateSurv(c, duration, event, weight, entry); err != nil {
		return nil, err
	}
	if err := validatePositiveTotal(c, weight); err != nil {
		return nil, err
	}
	t := newRiskTable(duration, event, weight, entry)
	return kmFromTable(t), nil
}

// validatePositiveTotal reports an error when weights are given and all 0.
func validatePositiveTotal(c check.Checker, weight []float64) error {
	if weight == nil {
		return nil
	}
	for _, w := range weight {
		if w > 0 {
			return nil
		}
	}
	return c.Fail("opts.Weight", -1, "", "must not all be 0")
}

// weightRoundoff is the relative size below which n − d counts as 0 in the
// product-limit step: far above the rounding of sums of weights, far below
// any real difference (1e-12 of the at-risk weight).
const weightRoundoff = 1e-12

func kmFromTable(t *riskTable) *Curve {
	m := len(t.time)
	c := &Curve{
		Time:     t.time,
		AtRisk:   t.atRisk,
		Events:   t.events,
		Censored: t.censored,
		Survival: make([]float64, m),
		StdErr:   make([]float64, m),
	}
	s, v := 1.0, 0.0
	for i := range m {
		n, d := t.atRisk[i], t.events[i]
		if d > 0 && s > 0 {
			// With weights and delayed entry, n is a difference of sums, so
			// "everyone at risk churned" can show as n − d of rounding size.
			if n-d <= weightRoundoff*n {
				s = 0
			} else {
				s *= 1 - d/n
				v += d / (n * (n - d))
			}
		}
		c.Survival[i] = s
		if s > 0 {
			c.StdErr[i] = s * math.Sqrt(v)
		}
	}
	return c
}

// timeIndex returns the number of curve times ≤ t.
func timeIndex(time []float64, t float64) int {
	return sort.Search(len(time), func(i int) bool { return time[i] > t })
}

// At returns S(t), the estimated probability of still being a customer at
// duration t. The curve is a right-continuous step function: S(t) = 1 for t
// before the first time (and for t < 0), and it stays at its last value
// after the last time. At(NaN) is NaN.
func (c *Curve) At(t float64) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	i := timeIndex(c.Time, t)
	if i == 0 {
		return 1
	}
	return c.Survival[i-1]
}

// quantileTol is R's default tolerance in quantile.survfit,
// sqrt(.Machine$double.eps), within which the curve is taken to be flat
// exactly at the requested probability.
var quantileTol = math.Sqrt(0x1p-52)

// Quantile returns the duration by which a share p of customers has churned,
// with the conventions of R's quantile.survfit (survival 3.x): the smallest
// t with S(t) ≤ 1 − p; where the curve is flat at exactly 1 − p (within
// sqrt(machine epsilon)) from t_j up to its next drop at t_{j+1}, the
// midpoint (t_j + t_{j+1})/2 (the usual midpoint rule for medians); if that
// flat stretch is the end of the curve, the midpoint of t_j and the last
// time. Quantile(0) is 0. It returns +Inf when the curve never falls to
// 1 − p (R reports NA), and NaN when p is NaN or outside [0, 1].
func (c *Curve) Quantile(p float64) float64 {
	if math.IsNaN(p) || p < 0 || p > 1 {
		return math.NaN()
	}
	if p == 0 {
		return 0
	}
	// x, y: the jump points of the cumulative distribution 1 − S, with a
	// leading (0, 0), duplicates of y removed (R's findq).
	x := []float64{0}
	y := []float64{0}
	for i, s := range c.Survival {
		if f := 1 - s; f != y[len(y)-1] {
			x = append(x, c.Time[i])
			y = append(y, f)
		}
	}
	n := len(y)
	if y[n-1] < p {
		return math.Inf(1)
	}
	i1 := sort.Search(n, func(k int) bool { return y[k]+quantileTol >= p })
	i2 := sort.Search(n, func(k int) bool { return y[k]-quantileTol >= p })
	if math.Abs(p-y[n-1]) < quantileTol {
		xmax := 0.0
		if len(c.Time) > 0 {
			xmax = c.Time[len(c.Time)-1]
		}
		return (x[i1] + xmax) / 2
	}
	if i1 == n || i2 == n {
		return math.Inf(1)
	}
	return (x[i1] + x[i2]) / 2
}

// Median returns the median duration, Quantile(0.5): the smallest t with
// S(t) ≤ 0.5, or the midpoint of the flat stretch where S is exactly 0.5
// (R's rule). It is +Inf when S never falls to 0.5, never NaN. It is a
// method, not a field, because encoding/json cannot carry +Inf.
func (c *Curve) Median() float64 { return c.Quantile(0.5) }

// BandMethod selects the scale on which a pointwise confidence band for
// S(t) is built. The names and formulas are those of R survfit's conf.type.
type BandMethod int

const (
	// Log: exp(log S ± z·se(log S)), upper end capped at 1; R's default
	// conf.type = "log".
	Log BandMethod = iota
	// LogLog: exp(−exp(log(−log S) ∓ z·se(log S)/log S)); R's "log-log"
	// (Kalbfleisch & Prentice 1980, eq. 1.12).
	LogLog
	// Plain: S ± z·se(S), clipped to [0, 1]; R's "plain".
	Plain
)

var bandNames = [...]string{"log", "log-log", "plain"}

// String returns R's conf.type name: "log", "log-log" or "plain".
func (m BandMethod) String() string {
	if m < 0 || int(m) >= len(bandNames) {
		return "BandMethod(" + strconv.Itoa(int(m)) + ")"
	}
	return bandNames[m]
}

// MarshalText implements encoding.TextMarshaler with the String names.
func (m BandMethod) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(bandNames) {
		return nil, checker("BandMethod.MarshalText").Fail("BandMethod", -1, strconv.Itoa(int(m)), "unknown value")
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see [ParseBandMethod].
func (m *BandMethod) UnmarshalText(b []byte) error {
	v, err := ParseBandMethod(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseBandMethod parses "log", "log-log" (or "loglog") or "plain",
// case-insensitively.
func ParseBandMethod(s string) (BandMethod, error) {
	switch strings.ToLower(s) {
	case "log":
		return Log, nil
	case "log-log", "loglog":
		return LogLog, nil
	case "plain":
		return Plain, nil
	}
	return 0, checker("ParseBandMethod").Fail("method", -1, `"`+s+`"`, "unknown name")
}

// Band returns pointwise confidence limits for S(Time[i]) at the given level
// (for example 0.95), built as R's survfit does for conf.type = "log",
// "log-log" or "plain" (survival's survfit_confint), with z the
// (1+level)/2 normal quantile and the Greenwood standard error.
//
// Where R reports NA the band is degenerate instead: [0, 0] where S = 0 (Log
// and LogLog) and [1, 1] where S = 1 (LogLog). Band returns nil, nil when
// level is not in (0, 1). It panics on a BandMethod outside its constants.
func (c *Curve) Band(level float64, method BandMethod) (lower, upper []float64) {
	if !(level > 0 && level < 1) {
		return nil, nil
	}
	if method < 0 || int(method) >= len(bandNames) {
		panic("churn: Curve.Band: unknown BandMethod " + strconv.Itoa(int(method)))
	}
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	m := len(c.Survival)
	lower = make([]float64, m)
	upper = make([]float64, m)
	for i, s := range c.Survival {
		se := c.StdErr[i] // of S
		switch {
		case s <= 0:
			// lower, upper = 0
		case method == Plain:
			lower[i] = max(s-z*se, 0)
			upper[i] = min(s+z*se, 1)
		case method == Log:
			sl := se / s // se of log S
			lower[i] = math.Exp(math.Log(s) - z*sl)
			upper[i] = min(math.Exp(math.Log(s)+z*sl), 1)
		case s >= 1:
			lower[i], upper[i] = 1, 1
		default: // LogLog
			ls := math.Log(s)
			w := z * (se / s) / ls
			lower[i] = math.Exp(-math.Exp(math.Log(-ls) - w))
			upper[i] = math.Exp(-math.Exp(math.Log(-ls) + w))
		}
	}
	return lower, upper
}

// RMST returns the restricted mean survival time up to tau, ∫_0^tau S(t) dt:
// the expected number of periods, of the next tau, a customer stays
// (Royston & Parmar 2013, BMC Med. Res. Methodol. 13:152, eq. 1). It equals
// R's print(survfit(...), rmean = tau). Beyond the last time the curve is
// extended at its last value. RMST(tau) is 0 for tau ≤ 0 and NaN for NaN.
func (c *Curve) RMST(tau float64) float64 {
	if math.IsNaN(tau) {
		return math.NaN()
	}
	if tau <= 0 {
		return 0
	}
	area, prevT, prevS := 0.0, 0.0, 1.0
	for i, t := range c.Time {
		if t >= tau {
			break
		}
		area += prevS * (t - prevT)
		prevT, prevS = t, c.Survival[i]
	}
	return area + prevS*(tau-prevT)
}

// RMSTStdErr returns the standard error of RMST(tau) as R's print.survfit
// computes it: sqrt(Σ_{t_i < tau} A_i² d_i/(n_i(n_i − d_i))), where A_i is
// the area under the curve from t_i to tau. It is 0 for tau ≤ 0 and NaN for
// NaN.
func (c *Curve) RMSTStdErr(tau float64) float64 {
	if math.IsNaN(tau) {
		return math.NaN()
	}
	if tau <= 0 {
		return 0
	}
	k := sort.SearchFloat64s(c.Time, tau) // times < tau
	// Area from Time[i] to tau, accumulated backwards.
	v, area, next := 0.0, 0.0, tau
	for i := k - 1; i >= 0; i-- {
		area += c.Survival[i] * (next - c.Time[i])
		next = c.Time[i]
		n, d := c.AtRisk[i], c.Events[i]
		if d > 0 && n > d {
			v += area * area * d / (n * (n - d))
		}
	}
	return math.Sqrt(v)
}

// UnmarshalJSON decodes a Curve encoded by encoding/json and checks that
// its columns have equal lengths, so that the methods of a decoded Curve
// never index out of range.
func (c *Curve) UnmarshalJSON(b []byte) error {
	type plain Curve
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	m := len(p.Time)
	for _, col := range [...]struct {
		name string
		n    int
	}{{"AtRisk", len(p.AtRisk)}, {"Events", len(p.Events)}, {"Censored", len(p.Censored)}, {"Survival", len(p.Survival)}, {"StdErr", len(p.StdErr)}} {
		if err := checker("Curve.UnmarshalJSON").Len(col.name, col.n, m); err != nil {
			return err
		}
	}
	*c = Curve(p)
	return nil
}

// QuantileCI returns confidence limits for [Curve.Quantile](p), computed as
// R's quantile.survfit and print.survfit do (survival 3.x, Brookmeyer &
// Crowley 1982, Biometrics 38:29–41): lower is the time where the lower
// pointwise band of [Curve.Band](level, method) crosses 1 − p, and upper
// the time where the upper band does, each found by the same rule as
// Quantile (the first time the band is ≤ 1 − p; the midpoint of a stretch
// where it is flat at exactly 1 − p within sqrt(machine epsilon); the
// midpoint with the last time when that stretch ends the curve).
//
// As in R, band values that R reports as NA take no part: the band where
// S = 0 (every method) and, for LogLog, where S = 1. A limit the band never
// reaches is +Inf (R's NA); upper is +Inf whenever the upper band stays
// above 1 − p, which is common for the median of a short follow-up.
// Repeated band values count once, at their first time, as in R.
//
// QuantileCI(0, ...) is 0, 0, as Quantile(0) is. It returns NaN, NaN when p
// is NaN or outside [0, 1], or when level is not in (0, 1). It panics on a
// BandMethod outside its constants. The cost is O(m) in the number of curve
// times, with O(m) scratch space.
func (c *Curve) QuantileCI(p, level float64, method BandMethod) (lower, upper float64) {
	if math.IsNaN(p) || p < 0 || p > 1 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	if method < 0 || int(method) >= len(bandNames) {
		panic("churn: Curve.QuantileCI: unknown BandMethod " + strconv.Itoa(int(method)))
	}
	if p == 0 {
		return 0, 0
	}
	lo, up := c.bandR(level, method)
	xmax := 0.0
	if len(c.Time) > 0 {
		xmax = c.Time[len(c.Time)-1]
	}
	return findQuantile(c.Time, lo, xmax, p), findQuantile(c.Time, up, xmax, p)
}

// bandR is [Curve.Band] with R's missing values kept as NaN: where S = 0
// for every method, and where S = 1 for LogLog.
func (c *Curve) bandR(level float64, method BandMethod) (lower, upper []float64) {
	lower, upper = c.Band(level, method)
	for i, s := range c.Survival {
		if s <= 0 || (method == LogLog && s >= 1) {
			lower[i], upper[i] = math.NaN(), math.NaN()
		}
	}
	return lower, upper
}

// findQuantile is survival's internal findq applied to the band values
// band (S-scale) at the curve times time: with x = (0, time) and
// y = (0, 1 − band), where NaN stands for R's NA, it returns the time at
// which y reaches p > 0, or +Inf for NA.
//
// R deletes repeated y values (duplicated(), so all NAs after the first),
// then finds, with approx(method = "constant", f = 1) on y ± tol, the index
// of the smallest y value that reaches p; approx drops NA pairs and sorts
// its knots, so a band that is not monotone (Plain's upper band can rise) is
// handled by the smallest such value rather than the first in time.
func findQuantile(time, band []float64, xmax, p float64) float64 {
	x := make([]float64, 0, len(time)+1)
	y := make([]float64, 0, len(time)+1)
	x = append(x, 0)
	y = append(y, 0)
	maxY := 0.0
	seen := map[float64]bool{0: true}
	seenNaN := false
	for i, b := range band {
		f := 1 - b
		if math.IsNaN(f) {
			if seenNaN {
				continue
			}
			seenNaN = true
		} else {
			maxY = max(maxY, f)
			if seen[f] {
				continue
			}
			seen[f] = true
		}
		x = append(x, time[i])
		y = append(y, f)
	}
	if maxY < p {
		return math.Inf(1)
	}
	// index returns the index of the smallest knot y[k]+shift ≥ p, or −1
	// when p is outside the range of the knots (approx's rule = 1).
	index := func(shift float64) int {
		best, bestKnot, minKnot := -1, math.Inf(1), math.Inf(1)
		for k, v := range y {
			if math.IsNaN(v) {
				continue
			}
			knot := v + shift
			minKnot = min(minKnot, knot)
			if knot >= p && knot < bestKnot {
				best, bestKnot = k, knot
			}
		}
		if p < minKnot {
			return -1
		}
		return best
	}
	i1, i2 := index(quantileTol), index(-quantileTol)
	q := math.Inf(1)
	if i1 >= 0 && i2 >= 0 {
		q = (x[i1] + x[i2]) / 2
	}
	if last := y[len(y)-1]; !math.IsNaN(last) && math.Abs(p-last) < quantileTol {
		q = math.Inf(1)
		if i1 >= 0 {
			q = (x[i1] + xmax) / 2
		}
	}
	return q
}
