package churn

import (
	"strconv"

	"github.com/clmkit/clm/internal/check"
)

// validateSurv checks the survival inputs shared by the estimators: duration
// and event of equal, non-zero length; durations finite and ≥ 0; optional
// weights finite and ≥ 0 (nil means all ones); optional entry times finite,
// ≥ 0 and strictly less than the matching duration.
func validateSurv(c check.Checker, duration []float64, event []bool, weight, entry []float64) error {
	if err := c.NonEmpty("duration", len(duration)); err != nil {
		return err
	}
	if err := c.Len("event", len(event), len(duration)); err != nil {
		return err
	}
	if err := c.NonNegative("duration", duration); err != nil {
		return err
	}
	if weight != nil {
		if err := c.Len("opts.Weight", len(weight), len(duration)); err != nil {
			return err
		}
		if err := c.NonNegative("opts.Weight", weight); err != nil {
			return err
		}
	}
	if entry != nil {
		if err := c.Len("opts.Entry", len(entry), len(duration)); err != nil {
			return err
		}
		if err := c.NonNegative("opts.Entry", entry); err != nil {
			return err
		}
		for i, e := range entry {
			if e >= duration[i] {
				return c.Fail("opts.Entry", i, check.Float(e), "must be < duration["+strconv.Itoa(i)+"] = "+check.Float(duration[i]))
			}
		}
	}
	return nil
}
