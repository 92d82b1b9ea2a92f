package check

import (
	"errors"
	"math"
	"testing"
)

var errSentinel = errors.New("pkg: invalid input")
var errKind = errors.New("pkg: specific")

func TestErrorMessageAndUnwrap(t *testing.T) {
	t.Parallel()
	c := Checker{Pkg: "churn", Func: "KaplanMeier", Sentinel: errSentinel}
	err := c.NonNegative("duration", []float64{1, 2, -3})
	if got, want := err.Error(), "churn: KaplanMeier: duration[2] = -3: must be ≥ 0"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if !errors.Is(err, errSentinel) {
		t.Error("errors.Is(err, sentinel) = false")
	}
	var e *Error
	if !errors.As(err, &e) || e.Field != "duration" || e.Index != 2 {
		t.Errorf("errors.As: %+v", e)
	}
	k := c.Fail("stage", 4, "", "illegal")
	k.Kind = errKind
	if !errors.Is(k, errKind) || !errors.Is(k, errSentinel) {
		t.Error("Kind and Sentinel must both match")
	}
}

func TestCheckers(t *testing.T) {
	t.Parallel()
	c := Checker{Pkg: "p", Func: "F", Sentinel: errSentinel}
	tests := []struct {
		name  string
		err   error
		index int // -2: want nil
	}{
		{"len ok", c.Len("x", 3, 3), -2},
		{"len bad", c.Len("x", 2, 3), -1},
		{"empty", c.NonEmpty("x", 0), -1},
		{"nonempty", c.NonEmpty("x", 1), -2},
		{"finite nan", c.Finite("x", []float64{0, math.NaN()}), 1},
		{"finite inf", c.Finite("x", []float64{math.Inf(-1)}), 0},
		{"finite ok", c.Finite("x", []float64{-1, 0, 1}), -2},
		{"nonneg nan", c.NonNegative("x", []float64{math.NaN()}), 0},
		{"scalar nan", c.Scalar("x", math.NaN(), 0, 1), -1},
		{"scalar out", c.Scalar("x", 2, 0, 1), -1},
		{"scalar ok", c.Scalar("x", 1, 0, 1), -2},
	}
	for _, tc := range tests {
		if tc.index == -2 {
			if tc.err != nil {
				t.Errorf("%s: unexpected error %v", tc.name, tc.err)
			}
			continue
		}
		var e *Error
		if !errors.As(tc.err, &e) || e.Index != tc.index || !errors.Is(tc.err, errSentinel) {
			t.Errorf("%s: got %v, want index %d", tc.name, tc.err, tc.index)
		}
	}
}
