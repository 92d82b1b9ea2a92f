package clv

import (
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestLogPNBDJ(t *testing.T) {
	t.Parallel()
	// Values calculated with mpmath 1.3.0 at 50 digits:
	// mp.log(mp.hyp2f1(n, b, n+1, z)/n). They cover the Pareto/NBD range:
	// small and large n = r+s+x, b = s+1 or r+x, and z = |α−β|/(max+τ) up to
	// 1 − 1e-8 (α much larger than β, small τ).
	tests := []struct{ n, b, z, want float64 }{
		{0.5, 1.5, 0.3, 0.87148465252931149},
		{1.16, 1.6, 0.0, -0.14842000511827321},
		{1.16, 1.6, 0.5, 0.43039524679993845},
		{0.05, 1.01, 0.999, 3.299101179011387},
		{3.2, 2.0, 0.9999, 9.2086588301167788},
		{500.3, 1.6, 0.99, 0.90836636335260067},
		{3000.5, 1.2, 0.999999, 3.9236889871381225},
		{0.7, 501.0, 0.95, 1491.7028536190399},
		{2.5, 3.0, 0.99999999, 36.148214292295268},
		{10.5, 1.0001, 0.7, -1.311772362203691},
		{1.3, 1.0, 0.6, 0.21508789270760672},
	}
	// The continued fraction is accurate to about 2e-10 relative at
	// z = 1 − 1e-8 and to 1e-14 for z ≤ 0.99 (checked on 3,000 random cases
	// during development); the log is compared in absolute terms.
	const cfAbs = 1e-9
	for _, tc := range tests {
		got, ok := logPNBDJ(tc.n, tc.b, tc.z)
		if !ok || !scalar.EqualWithinAbs(got, tc.want, cfAbs) {
			t.Errorf("logPNBDJ(%g, %g, %g) = %.17g (ok=%v), want %.17g", tc.n, tc.b, tc.z, got, ok, tc.want)
		}
	}
}

func TestEuler2F1(t *testing.T) {
	t.Parallel()
	// Values calculated with mpmath 1.3.0 at 50 digits:
	// (1−z)^bp·mp.hyp2f1(ap, bp, c, z), in the transformed parameters the
	// BG/NBD and MBG/NBD expectations use (ap = c−r, bp = a−1).
	tests := []struct{ ap, bp, c, z, want float64 }{
		{1.95, -0.207, 2.219, 0.5, 1.0220642368618747},
		{1.95, -0.207, 502.2, 0.95, 1.8577220236462291},
		{2.5, 1.5, 3.7, 0.999999, 6.5038793157263593e-7},
		{-20.0, 0.3, 5.5, 0.8, 0.39915629412084899},
		{30.1, -0.5, 100.2, 0.99, 8.3777914179046823},
		{1.0, 2.0, 3.0, 0.0, 1.0},
	}
	// gonum's Hypergeo is accurate to about 1e-9 relative here.
	const hypRel = 1e-8
	for _, tc := range tests {
		if got := euler2F1(tc.ap, tc.bp, tc.c, tc.z); !scalar.EqualWithinRel(got, tc.want, hypRel) {
			t.Errorf("euler2F1(%g, %g, %g, %g) = %.17g, want %.17g", tc.ap, tc.bp, tc.c, tc.z, got, tc.want)
		}
	}
}

func TestBGExpectQuadratureAgrees(t *testing.T) {
	t.Parallel()
	// The quadrature fallback and the closed form compute the same
	// expectation; where both apply they must agree.
	const quadRel = 1e-9
	for _, c := range []struct{ r, alpha, a, bc, t float64 }{
		{0.243, 4.414, 0.793, 1.426, 39},
		{0.243, 4.414, 0.793, 1.426, 1},
		{2.243, 43.3, 0.793, 3.426, 52},
		{1.5, 2, 3.5, 0.5, 10},
		{0.5, 10, 2.2, 20, 100},
		// a = 1, where the closed form's c/(a−1) factor is singular.
		{0.243, 4.414, 1, 1.426, 39},
		{0.243, 4.414, 1 + 1e-7, 1.426, 39},
		// c = a + bc ≤ 0 (a+b < 1 for x = 0) falls back to quadrature.
		{0.5, 3, 0.3, -0.5, 20},
	} {
		closed := bgExpect(c.r, c.alpha, c.a, c.bc, c.t)
		quad := bgExpectQuad(c.r, c.alpha, c.a, c.bc+1, c.t)
		if !scalar.EqualWithinRel(closed, quad, quadRel) {
			t.Errorf("%+v: closed form %.12g, quadrature %.12g", c, closed, quad)
		}
	}
}

func TestLogPNBDJGrad(t *testing.T) {
	t.Parallel()
	// The series value must match the continued fraction, and its
	// derivatives central differences of it, over the model domain
	// b < n+1 (b is s+1 or r+x, n = r+s+x).
	const valAbs, derivRel = 1e-12, 1e-5
	for _, c := range []struct{ n, b, z float64 }{
		{0.5, 1.2, 0.3}, {1.16, 1.6, 0}, {1.16, 1.6, 0.5}, {500.3, 1.6, 0.9}, {501.7, 501, 0.2},
		{10.5, 1.0001, 0.7}, {3.2, 2, 0.97}, {0.05, 1.01, 0.94},
	} {
		g, ok := logPNBDJGrad(c.n, c.b, c.z, 1-c.z)
		want, _ := logPNBDJ(c.n, c.b, c.z)
		if !ok || !scalar.EqualWithinAbs(g.l, want, valAbs) {
			t.Errorf("%+v: log J = %.15g, continued fraction %.15g", c, g.l, want)
		}
		num := func(f func(h float64) float64, h float64) float64 { return (f(h) - f(-h)) / (2 * h) }
		dn := num(func(h float64) float64 { v, _ := logPNBDJ(c.n+h, c.b, c.z); return v }, 1e-5)
		db := num(func(h float64) float64 { v, _ := logPNBDJ(c.n, c.b+h, c.z); return v }, 1e-5)
		dz := num(func(h float64) float64 { v, _ := logPNBDJ(c.n, c.b, c.z+h); return v }, 1e-6*(1-c.z))
		if c.z == 0 {
			dz = num(func(h float64) float64 { v, _ := logPNBDJ(c.n, c.b, h+1e-6); return v }, 1e-7)
		}
		for _, d := range []struct {
			name      string
			got, want float64
		}{{"dn", g.dn, dn}, {"db", g.db, db}, {"dz", g.dz, dz}} {
			if !scalar.EqualWithinAbsOrRel(d.got, d.want, 1e-7, derivRel) {
				t.Errorf("%+v: %s = %.10g, numerical %.10g", c, d.name, d.got, d.want)
			}
		}
	}
}
