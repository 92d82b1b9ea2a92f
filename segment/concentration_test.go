package segment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// giniMAD is the definition: half the relative mean absolute difference,
// Σ_i Σ_j |x_i − x_j| / (2 n² μ).
func giniMAD(x []float64) float64 {
	n := float64(len(x))
	sum, mad := 0.0, 0.0
	for _, a := range x {
		sum += a
		for _, b := range x {
			mad += math.Abs(a - b)
		}
	}
	return mad / (2 * n * n * (sum / n))
}

func TestGiniClosedForm(t *testing.T) {
	t.Parallel()
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i + 1)
		}
		return v
	}
	tests := []struct {
		name  string
		value []float64
		want  float64
	}{
		// Equal values: no concentration.
		{"equal", []float64{3, 3, 3}, 0},
		// One of n holds everything: (n−1)/n.
		{"one holds all, n=4", []float64{0, 0, 7, 0}, 3.0 / 4},
		// Two values a < b: (b−a)/(2(a+b)).
		{"two values", []float64{3, 1}, 2.0 / 8},
		// 1..n: mean absolute difference (n²−1)/(3n), mean (n+1)/2, so
		// G = (n−1)/(3n).
		{"1..10", seq(10), 9.0 / 30},
		{"1..1000", seq(1000), 999.0 / 3000},
		{"single customer", []float64{5}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig := slices.Clone(tc.value)
			got, err := Gini(tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(got, tc.want, closedFormTol) {
				t.Errorf("Gini = %.17g, want %.17g", got, tc.want)
			}
			if diff := cmp.Diff(orig, tc.value); diff != "" {
				t.Errorf("Gini modified value:\n%s", diff)
			}
		})
	}
}

func TestGiniMatchesMeanAbsoluteDifference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 50 {
		n := 1 + rng.IntN(400)
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Exp(3 * rng.NormFloat64()) // heavy-tailed, like balances
		}
		got, err := Gini(v)
		if err != nil {
			t.Fatal(err)
		}
		// The double sum accumulates n² terms: allow for its rounding.
		if want := giniMAD(v); !relClose(got, want, 1e-10) {
			t.Errorf("trial %d: Gini = %.17g, mean-absolute-difference form %.17g", trial, got, want)
		}
	}
}

func TestLorenz(t *testing.T) {
	t.Parallel()
	// Hand-computed: total 10.
	share, cum, err := Lorenz([]float64{4, 1, 3, 2})
	if err != nil {
		t.Fatal(err)
	}
	opt := cmpopts.EquateApprox(closedFormTol, 0)
	if diff := cmp.Diff([]float64{0, 0.25, 0.5, 0.75, 1}, share, opt); diff != "" {
		t.Errorf("share mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0, 0.1, 0.3, 0.6, 1}, cum, opt); diff != "" {
		t.Errorf("cumValue mismatch (-want +got):\n%s", diff)
	}
	// Gini = 1 − 2·(area under the Lorenz curve), trapezoid rule exact for
	// the piecewise-linear curve.
	v := []float64{5, 0, 12, 1, 1, 40, 7}
	share, cum, err = Lorenz(v)
	if err != nil {
		t.Fatal(err)
	}
	area := 0.0
	for i := 1; i < len(share); i++ {
		area += (share[i] - share[i-1]) * (cum[i] + cum[i-1]) / 2
	}
	g, _ := Gini(v)
	if !relClose(g, 1-2*area, closedFormTol) {
		t.Errorf("Gini = %v, 1 − 2·area = %v", g, 1-2*area)
	}
}

func TestTopShare(t *testing.T) {
	t.Parallel()
	v := []float64{1, 2, 3, 4} // total 10
	tests := []struct {
		top, want float64
	}{
		{0, 0},
		{0.125, 0.2}, // half of the top customer: 2/10
		{0.25, 0.4},
		{0.5, 0.7},
		{0.6, 0.78}, // 2.4 customers: 4 + 3 + 0.4·2 = 7.8
		{1, 1},
	}
	for _, tc := range tests {
		got, err := TopShare(v, tc.top)
		if err != nil {
			t.Fatal(err)
		}
		if !relClose(got, tc.want, closedFormTol) {
			t.Errorf("TopShare(%v) = %.17g, want %v", tc.top, got, tc.want)
		}
	}
}

func TestConcentrationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value []float64
		field string
		index int
	}{
		{"empty", nil, "value", -1},
		{"negative", []float64{1, -1}, "value", 1},
		{"NaN", []float64{math.NaN()}, "value", 0},
		{"all zero", []float64{0, 0}, "value", -1},
		{"overflowing total", []float64{math.MaxFloat64, math.MaxFloat64}, "value", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Gini(tc.value)
			wantInputError(t, err, tc.field, tc.index)
			_, _, err = Lorenz(tc.value)
			wantInputError(t, err, tc.field, tc.index)
			_, err = TopShare(tc.value, 0.2)
			wantInputError(t, err, tc.field, tc.index)
		})
	}
	_, err := TopShare([]float64{1}, 1.5)
	wantInputError(t, err, "top", -1)
}
