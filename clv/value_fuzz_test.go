package clv

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ggFuzzFloats decodes b into float64s, two bytes each: mostly small
// non-negative values (a uint16/64), with a few byte patterns mapped to the
// hostile values NaN, ±Inf, −1 and 0.
func ggFuzzFloats(b []byte) []float64 {
	out := make([]float64, 0, len(b)/2)
	for ; len(b) >= 2; b = b[2:] {
		u := binary.LittleEndian.Uint16(b)
		switch u {
		case 0xFFFF:
			out = append(out, math.NaN())
		case 0xFFFE:
			out = append(out, math.Inf(1))
		case 0xFFFD:
			out = append(out, math.Inf(-1))
		case 0xFFFC:
			out = append(out, -1)
		default:
			out = append(out, float64(u)/64)
		}
	}
	return out
}

// ggFuzzCheckFit asserts the contract of a fit: an input error with no
// model, or a model (possibly not converged) with finite values.
func ggFuzzCheckFit(t *testing.T, err error, model bool, values ...float64) {
	t.Helper()
	switch {
	case errors.Is(err, ErrInvalidInput):
		if model {
			t.Fatalf("input error %v came with a model", err)
		}
		return
	case err != nil && !errors.Is(err, ErrNotConverged):
		t.Fatalf("unexpected error %v", err)
	case !model:
		t.Fatalf("nil model with err = %v", err)
	}
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite model value %v (err = %v)", values, err)
		}
	}
}

func FuzzSimple(f *testing.F) {
	f.Add(100.0, 0.8, 0.12)
	f.Add(1.0, 1.0, 0.0)
	f.Add(-5.0, 0.5, -0.9)
	f.Add(math.NaN(), 2.0, -1.0)
	f.Fuzz(func(t *testing.T, m, r, d float64) {
		v := Simple(m, r, d)
		checked, err := SimpleChecked(m, r, d)
		if !retentionValid(m, r, d) {
			if !math.IsNaN(v) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("out of domain: Simple = %v, SimpleChecked err = %v", v, err)
			}
			return
		}
		if math.IsNaN(v) {
			t.Fatalf("Simple(%v, %v, %v) = NaN inside the domain", m, r, d)
		}
		if err == nil && checked != v {
			t.Fatalf("SimpleChecked = %v, Simple = %v", checked, v)
		}
		if err != nil && !math.IsInf(v, 0) && m != 0 {
			t.Fatalf("SimpleChecked failed (%v) but Simple = %v is finite", err, v)
		}
	})
}

func FuzzDiscounted(f *testing.F) {
	f.Add([]byte{100, 0, 50, 0, 25, 0}, 0.1)
	f.Add([]byte{0xFF, 0xFF}, 0.1)
	f.Add([]byte{}, -1.0)
	f.Fuzz(func(t *testing.T, b []byte, rate float64) {
		cash := ggFuzzFloats(b)
		v := Discounted(cash, rate)
		got, err := DiscountedChecked(cash, rate)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		if got != v || math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("DiscountedChecked = %v, Discounted = %v", got, v)
		}
	})
}

func FuzzFitSBG(f *testing.F) {
	f.Add([]byte{0, 250, 0, 160, 0, 120, 0, 100})
	f.Add([]byte{0, 100, 0, 0})
	f.Add([]byte{0, 100, 0, 110})
	f.Add([]byte{0xFF, 0xFF, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		alive := ggFuzzFloats(b)
		if len(alive) > 200 {
			alive = alive[:200]
		}
		m, err := FitSBG(alive)
		if m == nil {
			ggFuzzCheckFit(t, err, false)
			return
		}
		ggFuzzCheckFit(t, err, true, m.Gamma, m.Delta, m.LogLik, m.StdErr[0], m.StdErr[1])
		for _, tt := range []float64{0, 1, 2.5, 100} {
			if s := m.Survival(tt); s < 0 || s > 1 || math.IsNaN(s) {
				t.Fatalf("Survival(%v) = %v", tt, s)
			}
		}
	})
}

func FuzzSBGPredict(f *testing.F) {
	f.Add(0.704, 1.182, 3.0, 0.1, 2)
	f.Add(1e-300, 1e300, math.Inf(1), 1e-12, 0)
	f.Add(5.0, 0.001, -1.0, -1.0, -3)
	f.Fuzz(func(t *testing.T, g, d, tt, rate float64, n int) {
		if !(g > 0 && d > 0) || math.IsInf(g, 0) || math.IsInf(d, 0) {
			return // not a model FitSBG can return
		}
		n %= 1000
		m := &SBG{Gamma: g, Delta: d}
		s, r := m.Survival(tt), m.Retention(tt)
		if !math.IsNaN(tt) && (math.IsNaN(s) || s < 0 || s > 1 || math.IsNaN(r) || r < 0 || r > 1) {
			t.Fatalf("Survival(%v) = %v, Retention = %v", tt, s, r)
		}
		v, err := m.DERL(rate, n)
		if err == nil && (math.IsNaN(v) || v < 0) {
			t.Fatalf("DERL(%v, %d) = %v", rate, n, v)
		}
		if err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("DERL error %v", err)
		}
	})
}

func FuzzFitGammaGamma(f *testing.F) {
	f.Add([]byte{64, 0, 0, 10, 128, 0, 0, 5, 192, 0, 0, 30})
	f.Add([]byte{64, 0, 0, 0})
	f.Add([]byte{0xFF, 0xFF, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		v := ggFuzzFloats(b)
		if len(v) > 400 {
			v = v[:400]
		}
		s := make([]Summary, 0, len(v)/2)
		for i := 0; i+1 < len(v); i += 2 {
			x := math.Floor(v[i])
			rec := 0.0
			if x > 0 {
				rec = 1
			}
			s = append(s, Summary{Frequency: x, Recency: rec, T: 2, MeanValue: v[i+1]})
		}
		m, err := FitGammaGamma(s, &FitOptions{MaxIter: 200})
		if m == nil {
			ggFuzzCheckFit(t, err, false)
			return
		}
		ggFuzzCheckFit(t, err, true, m.P, m.Q, m.Gamma, m.LogLik)
		if e := m.ExpectedValue(1, 10); math.IsNaN(e) || e < 0 {
			t.Fatalf("ExpectedValue = %v", e)
		}
	})
}

func FuzzGammaGammaExpectedValue(f *testing.F) {
	f.Add(6.25, 3.74, 15.44, 2.0, 20.0)
	f.Add(0.5, 0.5, 1.0, 0.0, 0.0)
	f.Add(1.0, 2.0, 3.0, math.NaN(), -1.0)
	f.Fuzz(func(t *testing.T, p, q, g, x, mx float64) {
		if !(p > 0 && q > 0 && g > 0) || math.IsInf(p+q+g, 0) {
			return
		}
		m := &GammaGamma{P: p, Q: q, Gamma: g}
		v := m.ExpectedValue(x, mx)
		valid := x >= 0 && mx >= 0 // false for NaN
		if valid && (math.IsNaN(v) || v < 0) {
			t.Fatalf("ExpectedValue(%v, %v) = %v", x, mx, v)
		}
		if !valid && !math.IsNaN(v) {
			t.Fatalf("ExpectedValue(%v, %v) = %v, want NaN", x, mx, v)
		}
	})
}

func FuzzFitBGBB(f *testing.F) {
	f.Add([]byte{0, 0, 6, 30, 1, 2, 6, 12, 3, 4, 6, 9, 2, 2, 6, 5})
	f.Add([]byte{0, 0, 0, 1})
	f.Add([]byte{3, 2, 6, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 400 {
			b = b[:400]
		}
		var s []Summary
		var w []float64
		for ; len(b) >= 4; b = b[4:] {
			// x, t_x, n from bytes (n ≤ 63), count 0..255; 0xFF marks NaN.
			v := func(c byte) float64 {
				if c == 0xFF {
					return math.NaN()
				}
				return float64(c & 63)
			}
			s = append(s, Summary{Frequency: v(b[0]), Recency: v(b[1]), T: v(b[2])})
			w = append(w, float64(b[3]))
		}
		m, err := FitBGBB(s, w, &FitOptions{MaxIter: 100})
		if m == nil {
			ggFuzzCheckFit(t, err, false)
			return
		}
		ggFuzzCheckFit(t, err, true, m.Alpha, m.Beta, m.Gamma, m.Delta, m.LogLik)
		for _, r := range s {
			if p := m.PAlive(r.Frequency, r.Recency, r.T); !(p >= 0 && p <= 1) {
				t.Fatalf("PAlive(%v) = %v", r, p)
			}
		}
	})
}

func FuzzBGBBPredict(f *testing.F) {
	f.Add(1.2, 0.75, 0.66, 2.8, 5.0, 2.0, 4.0, 6.0)
	f.Add(1e-300, 1e300, 1.0, 1e-10, math.Inf(1), 0.0, 0.0, 0.0)
	f.Add(1.0, 1.0, 1.0, 1.0, -1.0, 1.5, 2.0, 1e9)
	f.Fuzz(func(t *testing.T, a, b, g, d, tt, x, tx, n float64) {
		for _, v := range []float64{a, b, g, d} {
			if !(v > 0) || math.IsInf(v, 0) {
				return
			}
		}
		m := &BGBB{Alpha: a, Beta: b, Gamma: g, Delta: d}
		if p := m.PAlive(x, tx, n); !math.IsNaN(p) && !(p >= 0 && p <= 1) {
			t.Fatalf("PAlive = %v", p)
		}
		if e := m.ConditionalPurchases(tt, x, tx, n); e < 0 {
			t.Fatalf("ConditionalPurchases = %v", e)
		}
		if e := m.ExpectedPurchases(tt); e < 0 {
			t.Fatalf("ExpectedPurchases = %v", e)
		}
		if p := m.PMF(x, n); p < 0 || p > 1 {
			t.Fatalf("PMF = %v", p)
		}
	})
}

func FuzzMarkovCLV(f *testing.F) {
	f.Add([]byte{3, 7, 0, 0, 0, 9, 40, 0}, 0.2, 10)
	f.Add([]byte{1, 255, 255, 255}, -0.5, -1)
	f.Add([]byte{2, 1, 1, 1, 1, 5, 5}, 0.0, 5000)
	f.Fuzz(func(t *testing.T, b []byte, d float64, horizon int) {
		if len(b) == 0 {
			return
		}
		s := int(b[0]%6) + 1
		b = b[1:]
		if len(b) < s*s+s {
			return
		}
		// Row weights from bytes, normalised; a 0xFF byte injects a NaN.
		p := mat.NewDense(s, s, nil)
		for i := range s {
			sum := 0.0
			for j := range s {
				sum += float64(b[i*s+j])
			}
			for j := range s {
				v := float64(b[i*s+j]) / sum
				if b[i*s+j] == 0xFF {
					v = math.NaN()
				}
				p.Set(i, j, v)
			}
		}
		r := make([]float64, s)
		for i := range r {
			r[i] = float64(b[s*s+i]) - 100
		}
		horizon %= 1 << 24
		v, err := MarkovCLV(p, r, d, horizon)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) || v != nil {
				t.Fatalf("v = %v, err = %v", v, err)
			}
			return
		}
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("non-finite value %v", v)
			}
		}
	})
}
