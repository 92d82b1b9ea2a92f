package segment

import (
	"math"
	"slices"

	"github.com/clmkit/clm/internal/check"
)

// sortedValues validates value for the concentration measures (non-empty,
// finite, non-negative, positive total) and returns an ascending copy and
// its sum.
func sortedValues(c check.Checker, value []float64) ([]float64, float64, error) {
	if err := c.NonEmpty("value", len(value)); err != nil {
		return nil, 0, err
	}
	if err := c.NonNegative("value", value); err != nil {
		return nil, 0, err
	}
	s := slices.Clone(value)
	slices.Sort(s)
	total := 0.0
	for _, v := range s {
		total += v
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return nil, 0, c.Fail("value", -1, check.Float(total), "total must be positive and finite")
	}
	return s, total, nil
}

// Gini returns the Gini coefficient of the customers' values, the standard
// measure of value concentration: 0 when every customer has the same value,
// approaching 1 when one customer holds everything. It is
//
//	G = Σ_i Σ_j |x_i − x_j| / (2 n² μ)
//
// (half the relative mean absolute difference), computed in O(n log n) from
// the ascending order statistics x_(1) <= ... <= x_(n) as
//
//	G = 2 Σ_i i·x_(i) / (n Σ_i x_i) − (n+1)/n
//
// It equals one minus twice the area under the [Lorenz] curve, lies in
// [0, 1 − 1/n], and does not change when all values are scaled by the same
// positive factor.
//
// Gini returns an error wrapping [ErrInvalidInput] if value is empty, a value
// is negative, NaN or ±Inf, or the total is 0 (concentration of nothing is
// undefined).
func Gini(value []float64) (float64, error) {
	s, total, err := sortedValues(checker("Gini"), value)
	if err != nil {
		return 0, err
	}
	n := float64(len(s))
	// Σ (2i − n − 1)·x_(i)/total: the centred weights keep the sum small and
	// non-negative up to rounding, and dividing each value by the total
	// first rules out overflow for values near the float64 limit.
	acc := 0.0
	for i, v := range s {
		acc += float64(2*(i+1)-len(s)-1) * (v / total)
	}
	g := acc / n
	return min(max(g, 0), 1-1/n), nil
}

// Lorenz returns the Lorenz curve of the customers' values: the points
// (share[i], cumValue[i]) for i = 0..n, where share[i] = i/n is the share of
// customers counted from the least valuable and cumValue[i] the share of the
// total value they hold. Both start at 0 and end at 1; the curve is convex
// and lies on or below the diagonal.
//
// Lorenz returns an error wrapping [ErrInvalidInput] if value is empty, a
// value is negative, NaN or ±Inf, or the total is 0. It runs in
// O(n log n) time.
func Lorenz(value []float64) (share, cumValue []float64, err error) {
	s, total, err := sortedValues(checker("Lorenz"), value)
	if err != nil {
		return nil, nil, err
	}
	n := len(s)
	share = make([]float64, n+1)
	cumValue = make([]float64, n+1)
	acc := 0.0
	for i, v := range s {
		acc += v
		share[i+1] = float64(i+1) / float64(n)
		cumValue[i+1] = acc / total
	}
	share[n], cumValue[n] = 1, 1
	return share, cumValue, nil
}

// TopShare answers the Pareto question: what share of the total value do
// the top fraction top of customers (by value) hold? TopShare(v, 0.2) is the
// "80" of an 80/20 rule. When top·n is not a whole number of customers the
// Lorenz curve is interpolated linearly, so the result is continuous and
// non-decreasing in top; TopShare(v, 0) = 0 and TopShare(v, 1) = 1.
//
// TopShare returns an error wrapping [ErrInvalidInput] if top is outside
// [0, 1], value is empty, a value is negative, NaN or ±Inf, or the total
// is 0. It runs in O(n log n) time.
func TopShare(value []float64, top float64) (float64, error) {
	c := checker("TopShare")
	if err := c.Scalar("top", top, 0, 1); err != nil {
		return 0, err
	}
	s, total, err := sortedValues(c, value)
	if err != nil {
		return 0, err
	}
	n := len(s)
	pos := top * float64(n) // customers counted from the top
	whole := int(pos)
	if whole >= n {
		return 1, nil
	}
	acc := 0.0
	for i := range whole {
		acc += s[n-1-i]
	}
	acc += (pos - float64(whole)) * s[n-1-whole]
	return min(acc/total, 1), nil
}
