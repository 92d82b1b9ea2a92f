package clv

import (
	"math"

	"github.com/clmkit/clm/internal/check"
)

// Simple returns the lifetime value of a customer under a constant retention
// rate: the margin m is earned at the end of every period the customer is
// still retained, discounted at rate d per period,
//
//	CLV = Σ_{t≥1} m·r^t/(1+d)^t = m·r/(1+d−r),
//
// the "simple retention" formula of Gupta & Lehmann (2003, "Customers as
// Assets", J. Interactive Marketing 17(1)), with the first margin at the end
// of period 1.
// The customer is counted from just after acquisition: the margin of the
// acquisition period itself is not included (add m for it).
//
// Simple is total. Its domain is margin finite, retention in [0, 1] and
// discount > −1. When r/(1+d) ≥ 1 (possible only for d ≤ 0) the series
// diverges and Simple returns +Inf·sign(m) (0 when m = 0). Any input outside
// the domain, including NaN, gives NaN; use [SimpleChecked] to get an error
// naming the bad argument instead.
//
// For m > 0, Simple is increasing in retention and decreasing in discount.
func Simple(margin, retention, discount float64) float64 {
	if !retentionValid(margin, retention, discount) {
		return math.NaN()
	}
	den := 1 + discount - retention
	if den <= 0 {
		// Σ (r/(1+d))^t with ratio ≥ 1 diverges.
		switch {
		case margin > 0:
			return math.Inf(1)
		case margin < 0:
			return math.Inf(-1)
		default:
			return 0
		}
	}
	return margin * retention / den
}

// SimpleChecked is [Simple] with its domain checked: it returns an error
// wrapping [ErrInvalidInput] when margin is not finite, retention is not in
// [0, 1], discount is not finite and > −1, or the series diverges
// (retention ≥ 1 + discount, possible only for discount ≤ 0).
func SimpleChecked(margin, retention, discount float64) (float64, error) {
	c := checker("SimpleChecked")
	if math.IsNaN(margin) || math.IsInf(margin, 0) {
		return 0, c.Fail("margin", -1, check.Float(margin), "must be finite")
	}
	if err := c.Scalar("retention", retention, 0, 1); err != nil {
		return 0, err
	}
	if err := retentionCheckRate(c, "discount", discount); err != nil {
		return 0, err
	}
	if 1+discount-retention <= 0 {
		return 0, c.Fail("discount", -1, check.Float(discount),
			"must be > retention − 1 = "+check.Float(retention-1)+" for the value to be finite")
	}
	return Simple(margin, retention, discount), nil
}

// Discounted returns the present value Σ_t cash[t]/(1+rate)^t of a stream of
// per-period cash flows. The first cash flow, cash[0], is at t = 0 and is not
// discounted; cash[t] is received t periods from now. This is the
// "annuity-due" convention, in which the acquisition period's margin is
// counted at t = 0; to discount the first flow too, prepend a 0.
//
// Discounted is total: an empty stream is worth 0; a NaN or ±Inf cash flow, or
// a rate that is NaN, ±Inf or ≤ −1, gives NaN. Use [DiscountedChecked] for an
// error naming the bad value.
func Discounted(cash []float64, rate float64) float64 {
	if math.IsNaN(rate) || math.IsInf(rate, 0) || rate <= -1 {
		return math.NaN()
	}
	v := 1 / (1 + rate)
	// Horner from the end: cash[0] + v·(cash[1] + v·(cash[2] + ...)).
	sum := 0.0
	for i := len(cash) - 1; i >= 0; i-- {
		c := cash[i]
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return math.NaN()
		}
		sum = c + v*sum
	}
	return sum
}

// DiscountedChecked is [Discounted] with its input checked: it returns an
// error wrapping [ErrInvalidInput] for a NaN or ±Inf cash flow (naming its
// index) and for a rate that is not finite or is ≤ −1. An empty stream is
// valid and worth 0.
func DiscountedChecked(cash []float64, rate float64) (float64, error) {
	c := checker("DiscountedChecked")
	if err := c.Finite("cash", cash); err != nil {
		return 0, err
	}
	if err := retentionCheckRate(c, "rate", rate); err != nil {
		return 0, err
	}
	v := Discounted(cash, rate)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, c.Fail("cash", -1, "", "present value overflows float64")
	}
	return v, nil
}

// retentionValid reports whether (m, r, d) lies in the domain of [Simple].
func retentionValid(m, r, d float64) bool {
	return !math.IsNaN(m) && !math.IsInf(m, 0) &&
		r >= 0 && r <= 1 && // false for NaN
		!math.IsInf(d, 0) && d > -1 // false for NaN
}

// retentionCheckRate checks a per-period discount rate: finite and > −1.
func retentionCheckRate(c check.Checker, field string, d float64) error {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return c.Fail(field, -1, check.Float(d), "must be finite")
	}
	if d <= -1 {
		return c.Fail(field, -1, check.Float(d), "must be > −1")
	}
	return nil
}
