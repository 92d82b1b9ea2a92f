package churn

import (
	"math"
	"slices"
	"strconv"

	"github.com/clmkit/clm/internal/check"
)

// mergeTol is the relative tolerance of the no-delayed-entry check in
// MergeCurves: sums of weights may differ by rounding, nothing more.
const mergeTol = 1e-9

// MergeCurves combines Kaplan-Meier curves estimated on disjoint shards of
// customers (one per branch, region or database partition, say) into the
// curve of all of them: the result equals KaplanMeier on the pooled data,
// up to the rounding of sums of weights. Only the shards' risk tables (Time,
// AtRisk, Events, Censored) are used, so shards can be fitted where the data
// live and merged centrally.
//
// The shards must have been estimated without delayed entry: a risk table
// with entry times does not record when customers entered, so it cannot be
// merged; MergeCurves detects this (AtRisk[i] must equal AtRisk[i+1] +
// Events[i] + Censored[i]) and returns an error wrapping [ErrInvalidInput],
// naming the curve by its index (Field "curves") as for any malformed
// curve. The inputs are not modified.
func MergeCurves(curves ...*Curve) (*Curve, error) {
	c := checker("MergeCurves")
	if err := c.NonEmpty("curves", len(curves)); err != nil {
		return nil, err
	}
	total := 0
	for k, cv := range curves {
		if err := validateShard(c, k, cv); err != nil {
			return nil, err
		}
		total += len(cv.Time)
	}
	times := make([]float64, 0, total)
	for _, cv := range curves {
		times = append(times, cv.Time...)
	}
	slices.Sort(times)
	times = slices.Compact(times)
	m := len(times)
	t := &riskTable{
		time:     times,
		atRisk:   make([]float64, m),
		events:   make([]float64, m),
		censored: make([]float64, m),
	}
	for _, cv := range curves {
		j := 0
		for r, x := range times {
			if j == len(cv.Time) {
				break
			}
			// Without delayed entry, the shard's weight with duration ≥ x
			// is its at-risk weight at its next time ≥ x.
			t.atRisk[r] += cv.AtRisk[j]
			if cv.Time[j] == x {
				t.events[r] += cv.Events[j]
				t.censored[r] += cv.Censored[j]
				j++
			}
		}
	}
	return kmFromTable(t), nil
}

func validateShard(c check.Checker, k int, cv *Curve) error {
	bad := func(reason string) error {
		return c.Fail("curves", k, "", reason)
	}
	if cv == nil {
		return bad("nil curve")
	}
	m := len(cv.Time)
	if m == 0 || len(cv.AtRisk) != m || len(cv.Events) != m || len(cv.Censored) != m {
		return bad("Time, AtRisk, Events and Censored must be non-empty and of equal length")
	}
	for i := range m {
		for _, v := range [...]float64{cv.Time[i], cv.AtRisk[i], cv.Events[i], cv.Censored[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return bad("row " + strconv.Itoa(i) + ": " + check.Float(v) + " must be finite and ≥ 0")
			}
		}
		if i > 0 && !(cv.Time[i] > cv.Time[i-1]) {
			return bad("Time must be increasing at row " + strconv.Itoa(i))
		}
		next := 0.0
		if i+1 < m {
			next = cv.AtRisk[i+1]
		}
		want := next + cv.Events[i] + cv.Censored[i]
		if math.Abs(cv.AtRisk[i]-want) > mergeTol*max(want, 1) {
			return bad("AtRisk[" + strconv.Itoa(i) + "] ≠ AtRisk[i+1] + Events[i] + Censored[i]: estimated with delayed entry, which cannot be merged; pool the raw data instead")
		}
	}
	return nil
}
