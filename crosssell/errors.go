package crosssell

import (
	"errors"

	"github.com/clmkit/clm/internal/check"
)

// ErrInvalidInput is wrapped by every error that reports bad input to a
// function of this package. Test for it with errors.Is.
var ErrInvalidInput = errors.New("crosssell: invalid input")

// InputError describes one bad input value: the function, the field, the
// element index (-1 when not indexed), the value and the reason. Retrieve it
// with errors.As; it unwraps to [ErrInvalidInput].
type InputError = check.Error

// checker returns the input checker for the named entry point.
func checker(fn string) check.Checker {
	return check.Checker{Pkg: "crosssell", Func: fn, Sentinel: ErrInvalidInput}
}
