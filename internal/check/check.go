// Package check holds the input-validation helpers and the error type shared
// by clm's packages, so that every package reports bad input the same way:
//
//	churn: KaplanMeier: duration[17] = -3: must be ≥ 0
//
// Each package aliases [Error] as its InputError and declares its own
// sentinels; an *Error unwraps to the package sentinel and, if set, to a more
// specific Kind.
package check

import (
	"math"
	"strconv"
	"strings"
)

// Error describes one bad input value: which function received it, which
// field and element, the offending value and why it was rejected.
//
// Callers test the class with errors.Is (for example
// errors.Is(err, churn.ErrInvalidInput)) and read the details with errors.As.
type Error struct {
	Pkg      string // package name, for example "churn"
	Func     string // the entry point that rejected the input, for example "KaplanMeier"
	Field    string // the argument or field as named in the API, for example "duration" or "opts.Weight"
	Index    int    // element index within Field, or -1 when the field is not indexed
	Value    string // the offending value as text; empty when it does not help
	Reason   string // what was expected, for example "must be ≥ 0"
	Sentinel error  // the package sentinel, for example churn.ErrInvalidInput
	Kind     error  // an optional more specific sentinel, for example lifecycle.ErrIllegalTransition
}

// Error formats the error as "pkg: Func: field[i] = value: reason".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pkg != "" {
		b.WriteString(e.Pkg)
		b.WriteString(": ")
	}
	if e.Func != "" {
		b.WriteString(e.Func)
		b.WriteString(": ")
	}
	b.WriteString(e.Field)
	if e.Index >= 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(e.Index))
		b.WriteByte(']')
	}
	if e.Value != "" {
		b.WriteString(" = ")
		b.WriteString(e.Value)
	}
	if e.Reason != "" {
		if e.Field != "" || e.Value != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns the package sentinel and, when set, the specific Kind, so
// that errors.Is matches either.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Sentinel != nil {
		errs = append(errs, e.Sentinel)
	}
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	return errs
}

// Checker builds [Error] values for one entry point of one package.
type Checker struct {
	Pkg      string
	Func     string
	Sentinel error
}

// Fail returns an *Error for field[index] (index -1 for a scalar field).
func (c Checker) Fail(field string, index int, value, reason string) *Error {
	return &Error{Pkg: c.Pkg, Func: c.Func, Field: field, Index: index, Value: value, Reason: reason, Sentinel: c.Sentinel}
}

// Float formats a float64 for an error message.
func Float(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Len reports an error unless got == want.
func (c Checker) Len(field string, got, want int) error {
	if got != want {
		return c.Fail(field, -1, "", "length "+strconv.Itoa(got)+", want "+strconv.Itoa(want))
	}
	return nil
}

// NonEmpty reports an error when n == 0.
func (c Checker) NonEmpty(field string, n int) error {
	if n == 0 {
		return c.Fail(field, -1, "", "must not be empty")
	}
	return nil
}

// Finite reports the first element of x that is NaN or ±Inf.
func (c Checker) Finite(field string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return c.Fail(field, i, Float(v), "must be finite")
		}
	}
	return nil
}

// NonNegative reports the first element of x that is NaN, ±Inf or negative.
func (c Checker) NonNegative(field string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return c.Fail(field, i, Float(v), "must be finite")
		}
		if v < 0 {
			return c.Fail(field, i, Float(v), "must be ≥ 0")
		}
	}
	return nil
}

// Scalar reports an error when v is NaN or ±Inf or lies outside [lo, hi].
func (c Checker) Scalar(field string, v, lo, hi float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return c.Fail(field, -1, Float(v), "must be finite")
	}
	if v < lo || v > hi {
		return c.Fail(field, -1, Float(v), "must be in ["+Float(lo)+", "+Float(hi)+"]")
	}
	return nil
}
