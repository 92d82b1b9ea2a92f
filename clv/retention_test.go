package clv

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// retentionClosedTol is the tolerance of a closed form evaluated by hand.
const retentionClosedTol = 1e-12

func TestSimple(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name    string
		m, r, d float64
		want    float64
		reason  string
	}{
		// Gupta & Lehmann (2003): m·r/(1+i−r); m = 100, r = 0.8, i = 0.12 → 80/0.32 = 250.
		{name: "textbook", m: 100, r: 0.8, d: 0.12, want: 250},
		{name: "no retention", m: 100, r: 0, d: 0.1, want: 0},
		{name: "full retention", m: 10, r: 1, d: 0.25, want: 40, reason: "perpetuity m/d"},
		{name: "zero discount", m: 10, r: 0.5, d: 0, want: 10},
		{name: "negative margin", m: -10, r: 0.5, d: 0, want: -10},
		{name: "divergent", m: 10, r: 1, d: 0, want: inf, reason: "Σ 1 diverges"},
		{name: "divergent negative rate", m: -1, r: 0.9, d: -0.2, want: math.Inf(-1)},
		{name: "divergent zero margin", m: 0, r: 1, d: 0, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Simple(tc.m, tc.r, tc.d)
			if math.IsInf(tc.want, 0) {
				if got != tc.want {
					t.Errorf("Simple(%v, %v, %v) = %v, want %v (%s)", tc.m, tc.r, tc.d, got, tc.want, tc.reason)
				}
				return
			}
			if !scalar.EqualWithinAbsOrRel(got, tc.want, retentionClosedTol, retentionClosedTol) {
				t.Errorf("Simple(%v, %v, %v) = %v, want %v (%s)", tc.m, tc.r, tc.d, got, tc.want, tc.reason)
			}
			// The formula is the sum of the geometric series Σ_{t≥1} m (r/(1+d))^t.
			if tc.r < 1+tc.d {
				sum, q := 0.0, 1.0
				for range 20000 {
					q *= tc.r / (1 + tc.d)
					sum += tc.m * q
				}
				if !scalar.EqualWithinAbsOrRel(got, sum, 1e-9, 1e-9) {
					t.Errorf("Simple(%v, %v, %v) = %v, brute-force series %v", tc.m, tc.r, tc.d, got, sum)
				}
			}
		})
	}
}

func TestSimpleOutOfDomainIsNaN(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, in := range [][3]float64{
		{nan, 0.5, 0.1}, {1, nan, 0.1}, {1, 0.5, nan},
		{math.Inf(1), 0.5, 0.1}, {1, -0.1, 0.1}, {1, 1.1, 0.1},
		{1, 0.5, -1}, {1, 0.5, -2}, {1, 0.5, math.Inf(1)},
	} {
		if got := Simple(in[0], in[1], in[2]); !math.IsNaN(got) {
			t.Errorf("Simple(%v) = %v, want NaN", in, got)
		}
	}
}

func TestSimpleChecked(t *testing.T) {
	t.Parallel()
	got, err := SimpleChecked(100, 0.8, 0.12)
	if err != nil || !scalar.EqualWithinAbsOrRel(got, 250, retentionClosedTol, retentionClosedTol) {
		t.Fatalf("SimpleChecked(100, 0.8, 0.12) = %v, %v; want 250, nil", got, err)
	}
	tests := []struct {
		name    string
		m, r, d float64
		field   string
	}{
		{"nan margin", math.NaN(), 0.5, 0.1, "margin"},
		{"inf margin", math.Inf(-1), 0.5, 0.1, "margin"},
		{"retention above 1", 1, 1.5, 0.1, "retention"},
		{"negative retention", 1, -0.5, 0.1, "retention"},
		{"nan retention", 1, math.NaN(), 0.1, "retention"},
		{"discount -1", 1, 0.5, -1, "discount"},
		{"discount below -1", 1, 0.5, -3, "discount"},
		{"nan discount", 1, 0.5, math.NaN(), "discount"},
		{"divergent", 1, 1, 0, "discount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SimpleChecked(tc.m, tc.r, tc.d)
			retentionWantInputErr(t, err, tc.field, -1)
		})
	}
}

func TestDiscounted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cash []float64
		rate float64
		want float64
	}{
		{"empty", nil, 0.1, 0},
		{"first flow undiscounted", []float64{5}, 0.1, 5},
		// 100 + 110/1.1 + 121/1.21 = 300.
		{"hand computed", []float64{100, 110, 121}, 0.1, 300},
		{"zero rate", []float64{1, 2, 3}, 0, 6},
		// Negative rates above −1 are valid: 1 + 1/0.5 = 3.
		{"negative rate", []float64{1, 1}, -0.5, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]float64(nil), tc.cash...)
			got := Discounted(tc.cash, tc.rate)
			if !scalar.EqualWithinAbsOrRel(got, tc.want, retentionClosedTol, retentionClosedTol) {
				t.Errorf("Discounted(%v, %v) = %v, want %v", tc.cash, tc.rate, got, tc.want)
			}
			if diff := cmp.Diff(in, tc.cash); diff != "" {
				t.Errorf("Discounted modified cash (-before +after):\n%s", diff)
			}
			got2, err := DiscountedChecked(tc.cash, tc.rate)
			if err != nil || got2 != got {
				t.Errorf("DiscountedChecked = %v, %v; want %v, nil", got2, err, got)
			}
		})
	}
}

func TestDiscountedMatchesSimple(t *testing.T) {
	t.Parallel()
	// A long expected cash stream m·r^t for t ≥ 1 (0 at t = 0) discounts to Simple.
	m, r, d := 40.0, 0.85, 0.09
	cash := make([]float64, 3000)
	q := 1.0
	for i := 1; i < len(cash); i++ {
		q *= r
		cash[i] = m * q
	}
	if got, want := Discounted(cash, d), Simple(m, r, d); !scalar.EqualWithinAbsOrRel(got, want, 1e-10, 1e-10) {
		t.Errorf("Discounted(m r^t) = %v, Simple = %v", got, want)
	}
}

func TestDiscountedBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cash  []float64
		rate  float64
		field string
		index int
	}{
		{"nan cash", []float64{1, math.NaN()}, 0.1, "cash", 1},
		{"inf cash", []float64{math.Inf(1)}, 0.1, "cash", 0},
		{"rate -1", []float64{1}, -1, "rate", -1},
		{"nan rate", []float64{1}, math.NaN(), "rate", -1},
		{"inf rate", []float64{1}, math.Inf(1), "rate", -1},
		{"overflow", []float64{math.MaxFloat64, math.MaxFloat64}, -0.5, "cash", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.field != "cash" || tc.index >= 0 {
				if got := Discounted(tc.cash, tc.rate); !math.IsNaN(got) {
					t.Errorf("Discounted(%v, %v) = %v, want NaN", tc.cash, tc.rate, got)
				}
			}
			_, err := DiscountedChecked(tc.cash, tc.rate)
			retentionWantInputErr(t, err, tc.field, tc.index)
		})
	}
}

// retentionWantInputErr asserts that err wraps ErrInvalidInput and names
// field and index.
func retentionWantInputErr(t *testing.T, err error, field string, index int) {
	t.Helper()
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want one wrapping ErrInvalidInput", err)
	}
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an *InputError", err)
	}
	if ie.Field != field || ie.Index != index {
		t.Errorf("error names %s[%d], want %s[%d] (%v)", ie.Field, ie.Index, field, index, err)
	}
}
