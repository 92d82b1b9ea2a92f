package clv

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// fhlRounded is the BG/NBD fitted to the CDNOW sample, at the parameters
// printed by Fader, Hardie & Lee (2005), Sec. 7.
var fhlRounded = &BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}

func TestBGNBDPurchasesPMFReference(t *testing.T) {
	t.Parallel()
	// A value printed to k significant digits is exact to half a unit in
	// its last digit: rel 0.5·10^(1−k).
	const (
		sf6 = 5e-6
		sf7 = 5e-7
	)
	type tcase struct {
		name string
		t    float64
		n    int
		want float64
		tol  float64
	}
	// BTYD (R) values at (0.243, 4.414, 0.793, 2.426), as asserted by
	// lifetimes tests/test_estimation.py @4f2833f citing BTYD.pdf.
	tests := []tcase{
		{"P(X(2)=10)", 2, 10, 1.07869e-07, sf6},
		{"P(X(39)=0)", 39, 0, 0.5737864, sf7},
	}
	// Same source: P(X(30) = n), n = 11..20, printed to 10 decimals, so at
	// least 7 significant digits.
	pmf30 := []float64{0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
		0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260}
	for i, w := range pmf30 {
		tests = append(tests, tcase{"P(X(30)=n)", 30, 11 + i, w, sf7})
	}
	for _, tc := range tests {
		if got := fhlRounded.PurchasesPMF(tc.t, tc.n); !scalar.EqualWithinRel(got, tc.want, tc.tol) {
			t.Errorf("%s: PurchasesPMF(%v, %d) = %.10g, want %.10g (rel tol %g)", tc.name, tc.t, tc.n, got, tc.want, tc.tol)
		}
	}
}

// TestBGNBDPurchasesPMFMoments checks that the PMF sums to 1 and that its
// mean equals the closed form E[X(t)] of FHL eq. (7), which is computed
// through ₂F₁ independently of eq. (8).
func TestBGNBDPurchasesPMFMoments(t *testing.T) {
	t.Parallel()
	const (
		// Summing a few thousand positive terms of size ≤ 1 loses at most
		// about n·ε; the truncated tail is below 1e-15.
		sumTol = 1e-12
		// The ₂F₁ of ExpectedPurchases is accurate to about 1e-12
		// relative; the mean series adds n·ε of rounding.
		meanTol = 1e-10
	)
	models := []struct {
		name string
		m    *BGNBD
	}{
		{"CDNOW", fhlRounded},
		{"a>1", &BGNBD{R: 1.5, Alpha: 2, A: 3.2, B: 4}},
		{"small r", &BGNBD{R: 0.05, Alpha: 0.5, A: 0.4, B: 0.8}},
		{"large r", &BGNBD{R: 20, Alpha: 10, A: 1.7, B: 9}},
	}
	for _, mc := range models {
		for _, tt := range []float64{0.01, 1, 30, 78, 300} {
			// Past the mode of the active customers' counts, near r·t/α,
			// the terms fall off geometrically; stop once n·P(n) < 1e-18.
			var sum, mean float64
			active := mc.m.R * tt / mc.m.Alpha
			for n := 0; n < 1_000_000; n++ {
				p := mc.m.PurchasesPMF(tt, n)
				sum += p
				mean += float64(n) * p
				if float64(n) > 2*active+10 && float64(n)*p < 1e-18 {
					break
				}
			}
			if math.Abs(sum-1) > sumTol {
				t.Errorf("%s: Σ_n PurchasesPMF(%v, n) = %.16g, want 1", mc.name, tt, sum)
			}
			if e := mc.m.ExpectedPurchases(tt); !scalar.EqualWithinRel(mean, e, meanTol) {
				t.Errorf("%s: Σ_n n·PurchasesPMF(%v, n) = %.15g, ExpectedPurchases = %.15g", mc.name, tt, mean, e)
			}
		}
	}
}

func TestBGNBDPurchasesPMFEdgeCases(t *testing.T) {
	t.Parallel()
	m := fhlRounded
	// t = +Inf: every customer has dropped out after n purchases with
	// probability E[p(1−p)^(n−1)] = B(a+1, b+n−1)/B(a, b).
	inf1 := m.A / (m.A + m.B)
	tests := []struct {
		name string
		t    float64
		n    int
		want float64
	}{
		{"negative n", 10, -1, 0},
		{"t = 0, n = 0", 0, 0, 1},
		{"t = 0, n = 3", 0, 3, 0},
		{"t < 0, n = 0", -5, 0, 1},
		{"t = -Inf, n = 1", math.Inf(-1), 1, 0},
		{"t = +Inf, n = 0", math.Inf(1), 0, 0},
		{"t = +Inf, n = 1", math.Inf(1), 1, inf1},
		{"n = 0 closed form", 39, 0, math.Pow(m.Alpha/(m.Alpha+39), m.R)},
		{"huge n", 30, math.MaxInt, 0},
		{"subnormal t, n = 0", 5e-324, 0, 1},
		{"subnormal t, n = 1", 5e-324, 1, 0},
	}
	const closedTol = 1e-12
	for _, tc := range tests {
		if got := m.PurchasesPMF(tc.t, tc.n); !scalar.EqualWithinAbsOrRel(got, tc.want, closedTol, closedTol) {
			t.Errorf("%s: PurchasesPMF(%v, %d) = %v, want %v", tc.name, tc.t, tc.n, got, tc.want)
		}
	}
	if got := m.PurchasesPMF(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("PurchasesPMF(NaN, 2) = %v, want NaN", got)
	}
	for _, bad := range []*BGNBD{
		{R: 0, Alpha: 1, A: 1, B: 1},
		{R: 1, Alpha: math.Inf(1), A: 1, B: 1},
		{R: 1, Alpha: 1, A: 2 * maxPMFParam, B: 1},
		{R: 1, Alpha: 1, A: 1, B: math.NaN()},
	} {
		if got := bad.PurchasesPMF(1, 1); !math.IsNaN(got) {
			t.Errorf("%+v: PurchasesPMF(1, 1) = %v, want NaN", *bad, got)
		}
	}
	// Far in the tail the probabilities stay positive and decreasing
	// instead of collapsing to rounding noise of 1 − Σ.
	prev := m.PurchasesPMF(2, 40)
	for n := 41; n <= 60; n++ {
		p := m.PurchasesPMF(2, n)
		if !(p > 0 && p < prev) {
			t.Fatalf("PurchasesPMF(2, %d) = %v after %v: want positive and decreasing", n, p, prev)
		}
		prev = p
	}
}

func TestBGNBDPurchasesPMFAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = fhlRounded.PurchasesPMF(30, 15)
	})
	if allocs != 0 {
		t.Errorf("PurchasesPMF allocates %v times per call, want 0", allocs)
	}
}

func FuzzBGNBDPurchasesPMF(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, 30.0, 11)
	f.Add(1e-300, 1e300, 1e-300, 1e300, 1e9, 1<<40)
	f.Add(1e300, 1e-300, 1e300, 1e-300, 5e-324, 0)
	f.Add(0.5, 2.0, 3.0, 0.1, math.Inf(1), 3)
	f.Add(0.5, 2.0, 3.0, 0.1, math.NaN(), 3)
	f.Add(0.5, 2.0, 3.0, 0.1, -4.0, -3)
	f.Add(0.0, math.Inf(1), -1.0, math.NaN(), 1.0, 1)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, tt float64, n int) {
		m := &BGNBD{R: r, Alpha: alpha, A: a, B: b}
		p := m.PurchasesPMF(tt, n)
		valid := !math.IsNaN(tt)
		for _, v := range []float64{r, alpha, a, b} {
			valid = valid && v > 0 && v <= maxPMFParam
		}
		if !valid {
			if !math.IsNaN(p) {
				t.Fatalf("%+v: PurchasesPMF(%v, %d) = %v, want NaN", *m, tt, n, p)
			}
			return
		}
		if !(p >= 0 && p <= 1) {
			t.Fatalf("%+v: PurchasesPMF(%v, %d) = %v, want in [0, 1]", *m, tt, n, p)
		}
	})
}
