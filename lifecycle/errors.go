package lifecycle

import (
	"errors"

	"github.com/clmkit/clm/internal/check"
)

// ErrInvalidInput is wrapped by every error that reports bad input to a
// function of this package. Test for it with errors.Is.
var ErrInvalidInput = errors.New("lifecycle: invalid input")

// ErrIllegalTransition is wrapped by the error [Track] returns when the
// classified stages of a history move along an edge that the [Graph] does not
// allow. Such an error also matches [ErrInvalidInput].
var ErrIllegalTransition = errors.New("lifecycle: illegal transition")

// InputError describes one bad input value: the function, the field, the
// element index (-1 when not indexed), the value and the reason. Retrieve it
// with errors.As; it unwraps to [ErrInvalidInput] and, for illegal moves, to
// [ErrIllegalTransition].
type InputError = check.Error

// checker returns the input checker for the named entry point.
func checker(fn string) check.Checker {
	return check.Checker{Pkg: "lifecycle", Func: fn, Sentinel: ErrInvalidInput}
}
