package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// This file holds the Gauss hypergeometric function ₂F₁ in the two forms the
// models need, each checked against high-precision reference values in
// hyp2f1_test.go.
//
// BG/NBD and MBG/NBD expectations need (1−z)^R·₂F₁(R, B; C; z) with
// z = t/(α+T+t) ∈ [0, 1), and R, B, C growing with the purchase count x.
// In that form ₂F₁ overflows float64 long before the product does (for
// x = 500 it exceeds 1e800), so we apply Euler's transformation (Abramowitz &
// Stegun 15.3.3) and evaluate (1−z)^(C−B)·₂F₁(C−R, C−B; C; z), whose
// numerator parameters do not grow with x; gonum's mathext.Hypergeo (a port
// of Cephes hyp2f1) is accurate to about 1e-9 relative there for z up to
// 1 − 1e-8.
//
// Pareto/NBD needs ₂F₁(n, b; n+1; z)/n = ∫₀¹ v^(n−1)(1−zv)^(−b) dv with
// n, b > 0 and z ∈ [0, 1) possibly close to 1 (large α against β), where
// Hypergeo loses accuracy or returns NaN for large n. We transform it to
// (1−z)^(1−b)·₂F₁(1, n+1−b; n+1; z) (A&S 15.3.3), whose ₂F₁ lies in
// [1, 1/(1−z)], and evaluate that by Gauss's continued fraction
// (DLMF 15.7.5 with b = 0) with the modified Lentz method, in log space;
// for z > 0.99 we integrate instead (see logPNBDJ).

// maxCFIter bounds the continued fraction; it converges in a handful of
// terms for z ≤ 0.9 and needs about 1e5 terms at z = 1 − 1e-8.
const maxCFIter = 1_000_000

// logHyp1 returns log ₂F₁(1, b; c; z) for c > 0, c > b and 0 ≤ z < 1, and
// false when the continued fraction has not converged.
func logHyp1(b, c, z float64) (float64, bool) {
	if z == 0 {
		return 0, true
	}
	// ₂F₁(b, 1; c; z) = c' / K with c' = c−1 and
	// K = c' − u₁z/(c'+1 − u₂z/(c'+2 − …)),
	// u_(2k+1) = (b+k)(c'+k), u_(2k) = k(c'−b+k).
	cp := c - 1
	const tiny = 1e-300
	f := cp
	if f == 0 {
		f = tiny
	}
	cc, d := f, 0.0
	for k := 1; k <= maxCFIter; k++ {
		var u float64
		if k&1 == 1 {
			j := float64(k >> 1)
			u = (b + j) * (cp + j)
		} else {
			j := float64(k >> 1)
			u = j * (cp - b + j)
		}
		a := -u * z
		bk := cp + float64(k)
		d = bk + a*d
		if d == 0 {
			d = tiny
		}
		cc = bk + a/cc
		if cc == 0 {
			cc = tiny
		}
		d = 1 / d
		delta := cc * d
		f *= delta
		if math.Abs(delta-1) < 1e-16 {
			if cp == 0 {
				// c = 1 needs the limit c' → 0 of c'/K; K → −u₁z/(…) has
				// the factor c' too, so evaluate at the nearest float.
				return logHyp1(b, c*(1+1e-12), z)
			}
			return math.Log(cp / f), f > 0
		}
	}
	return math.Log(math.Abs(cp / f)), false
}

// logPNBDJ returns log(₂F₁(n, b; n+1; z)/n) = log ∫₀¹ v^(n−1)(1−zv)^(−b) dv
// for n > 0, b > 0, 0 ≤ z < 1; see logPNBDJe.
func logPNBDJ(n, b, z float64) (float64, bool) { return logPNBDJe(n, b, z, 1-z) }

// logPNBDJe is logPNBDJ with ε = 1 − z passed in, computed by the caller
// without cancellation. Up to z = 0.99 it uses the continued fraction;
// above, where that needs thousands of terms, it splits the integral at
// v = ½: the lower half is (½)^n·J(n, b, z/2), and the upper half, which
// holds the near-singularity at v = 1, is integrated by Gauss-Legendre
// quadrature on cells graded geometrically towards it.
func logPNBDJe(n, b, z, eps float64) (float64, bool) {
	if z > 0.99 {
		return logPNBDJSplit(n, b, z, math.Max(eps, 1e-300))
	}
	l, ok := logHyp1(n+1-b, n+1, z)
	return l + (1-b)*math.Log1p(-z) - math.Log(n), ok
}

func logPNBDJSplit(n, b, z, eps float64) (float64, bool) {
	lower, ok := logPNBDJe(n, b, z/2, 1-z/2)
	lower -= n * math.Ln2
	// Upper half, in u = ε + z·w, w = 1 − v ∈ [0, ½]: the integrand is
	// (1−w)^(n−1)·u^(−b)/z. Cells are geometric in u, with a ratio small
	// enough that u^(−b) varies by at most e^8 across a cell, and no wider
	// than 4/n in w, so that 16-point Gauss-Legendre is exact to rounding;
	// the sum stops where the integrand has fallen e^60 below its peak.
	lq := math.Min(math.Ln2, 8/b)
	maxW := math.Min(0.5, 4/math.Max(n-1, 1e-300))
	peak := -b * math.Log(eps)
	mx, sum := math.Inf(-1), 0.0
	add := func(l float64) {
		if l > mx {
			sum = sum*math.Exp(mx-l) + 1
			mx = l
		} else {
			sum += math.Exp(l - mx)
		}
	}
	uLo, uEnd := eps, eps+z/2
	for cells := 0; uLo < uEnd && cells < 100000; cells++ {
		uHi := math.Min(uEnd, math.Min(uLo*math.Exp(lq), uLo+z*maxW))
		half := (uHi - uLo) / 2
		for i, x := range gl16Nodes {
			u := uLo + half*(x+1)
			w := (u - eps) / z
			add(math.Log(gl16Weights[i]*half/z) + (n-1)*math.Log1p(-w) - b*math.Log(u))
		}
		if (n-1)*math.Log1p(-(uHi-eps)/z)-b*math.Log(uHi) < peak-60+math.Min(0, (n-1)*math.Ln2) {
			break
		}
		uLo = uHi
	}
	return logAddExp(lower, mx+math.Log(sum)), ok
}

// euler2F1 returns (1−z)^R·₂F₁(R, B; C; z) given the transformed parameters
// ap = C−R and bp = C−B: (1−z)^bp·₂F₁(ap, bp; C; z).
func euler2F1(ap, bp, c, z float64) float64 {
	if z == 0 {
		return 1
	}
	return math.Exp(bp*math.Log1p(-z)) * mathext.Hypergeo(ap, bp, c, z)
}

// pnbdJGrad holds log J(n, b, z) = log(₂F₁(n, b; n+1; z)/n) and its partial
// derivatives.
type pnbdJGrad struct {
	l, dn, db, dz float64
}

// logPNBDJGrad returns log J(n, b, z) and its derivatives in n, b and z,
// from the series of the Euler form
// J = (1−z)^(1−b)/n · Σ_k u_k, u_k = (n+1−b)_k/(n+1)_k · z^k,
// whose terms decrease at least as fast as z^k. For z > 0.95 it
// differentiates the continued fraction numerically instead.
func logPNBDJGrad(n, b, z, eps float64) (pnbdJGrad, bool) {
	if z > 0.95 {
		return logPNBDJNumGrad(n, b, z, eps)
	}
	bb, cc := n+1-b, n+1
	var f, fn, fb, fz float64 // Σu, Σu(P−Q), Σu·P, Σk·u
	u, p, q := 1.0, 0.0, 0.0
	f = 1
	for k := 0; k < 100000; k++ {
		fk := float64(k)
		p += 1 / (bb + fk)
		q += 1 / (cc + fk)
		u *= (bb + fk) / (cc + fk) * z
		f += u
		fn += u * (p - q)
		fb += u * p
		fz += u * (fk + 1)
		if u < 1e-17*f {
			break
		}
	}
	g := pnbdJGrad{
		l:  (1-b)*math.Log1p(-z) - math.Log(n) + math.Log(f),
		dn: fn/f - 1/n,
		db: -math.Log1p(-z) - fb/f,
	}
	g.dz = -(1-b)/(1-z) + fz/(f*math.Max(z, 1e-300))
	if z == 0 {
		g.dz = -(1 - b) + bb/cc
	}
	return g, true
}

func logPNBDJNumGrad(n, b, z, eps float64) (pnbdJGrad, bool) {
	l, ok := logPNBDJe(n, b, z, eps)
	if !ok {
		return pnbdJGrad{}, false
	}
	g := pnbdJGrad{l: l}
	hn, hb, hz := 1e-6*math.Max(n, 1), 1e-6*math.Max(b, 1), 1e-7*eps
	lp, ok1 := logPNBDJe(n+hn, b, z, eps)
	lm, ok2 := logPNBDJe(n-hn, b, z, eps)
	g.dn = (lp - lm) / (2 * hn)
	lp2, ok3 := logPNBDJe(n, b+hb, z, eps)
	lm2, ok4 := logPNBDJe(n, b-hb, z, eps)
	g.db = (lp2 - lm2) / (2 * hb)
	lp3, ok5 := logPNBDJe(n, b, z+hz, eps-hz)
	lm3, ok6 := logPNBDJe(n, b, z-hz, eps+hz)
	g.dz = (lp3 - lm3) / (2 * hz)
	return g, ok1 && ok2 && ok3 && ok4 && ok5 && ok6
}
