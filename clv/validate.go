package clv

import (
	"math"

	"github.com/clmkit/clm/internal/check"
)

// validateSummaries checks the (x, t_x, T, m_x) rows every fit takes: a
// non-empty slice; all values finite and ≥ 0; x a whole number; t_x ≤ T;
// t_x = 0 when x = 0.
func validateSummaries(c check.Checker, s []Summary) error {
	if err := c.NonEmpty("s", len(s)); err != nil {
		return err
	}
	for i, r := range s {
		for _, f := range [...]struct {
			name string
			v    float64
		}{{"s.Frequency", r.Frequency}, {"s.Recency", r.Recency}, {"s.T", r.T}, {"s.MeanValue", r.MeanValue}} {
			if err := c.NonNegative(f.name, []float64{f.v}); err != nil {
				return c.Fail(f.name, i, check.Float(f.v), err.(*check.Error).Reason)
			}
		}
		if r.Frequency != math.Trunc(r.Frequency) {
			return c.Fail("s.Frequency", i, check.Float(r.Frequency), "must be a whole number")
		}
		if r.Recency > r.T {
			return c.Fail("s.Recency", i, check.Float(r.Recency), "must be ≤ T = "+check.Float(r.T))
		}
		if r.Frequency == 0 && r.Recency > 0 {
			return c.Fail("s.Recency", i, check.Float(r.Recency), "must be 0 when Frequency is 0")
		}
	}
	return nil
}
