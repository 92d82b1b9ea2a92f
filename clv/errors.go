package clv

import (
	"errors"

	"github.com/clmkit/clm/internal/check"
)

// ErrInvalidInput is wrapped by every error that reports bad input to a
// function of this package. Test for it with errors.Is.
var ErrInvalidInput = errors.New("clv: invalid input")

// ErrPurchaseAfterEnd is the specific kind of input error returned by
// [Summarize] when a purchase falls after the end of the observation period.
// An error of this kind also matches [ErrInvalidInput].
var ErrPurchaseAfterEnd = errors.New("clv: purchase after end of period")

// InputError describes one bad input value: the function, the field, the
// element index (-1 when not indexed), the value and the reason. Retrieve it
// with errors.As; it unwraps to [ErrInvalidInput].
type InputError = check.Error

// checker returns the input checker for the named entry point.
func checker(fn string) check.Checker {
	return check.Checker{Pkg: "clv", Func: fn, Sentinel: ErrInvalidInput}
}

// ErrNotConverged is returned, together with the last model, when an
// iterative fit stops before meeting its convergence criterion. The model is
// non-nil and carries Converged = false, for inspection.
var ErrNotConverged = errors.New("clv: not converged")
