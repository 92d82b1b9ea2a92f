package churn

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// coxFuzzValue maps a byte to a float64, mostly small non-negative values
// with ties, sometimes hostile ones (NaN, ±Inf, negative, huge).
func coxFuzzValue(b byte) float64 {
	switch b {
	case 255:
		return math.NaN()
	case 254:
		return math.Inf(1)
	case 253:
		return math.Inf(-1)
	case 252:
		return -1
	case 251:
		return 1e300
	}
	return float64(b) / 16
}

// coxFuzzDecode turns the fuzzer's bytes into a data set: the first byte
// picks the number of covariates (1..3) and the option set; every further
// group of 2+p bytes is one row: duration, event bit (and entry), covariates.
func coxFuzzDecode(data []byte) (x *mat.Dense, dur []float64, ev []bool, entry []float64, opts byte) {
	if len(data) < 1 {
		return nil, nil, nil, nil, 0
	}
	p := int(data[0]%3) + 1
	opts = data[0] / 3
	rec := 2 + p
	n := (len(data) - 1) / rec
	if n == 0 {
		return nil, nil, nil, nil, opts
	}
	x = mat.NewDense(n, p, nil)
	dur = make([]float64, n)
	ev = make([]bool, n)
	entry = make([]float64, n)
	for i := 0; i < n; i++ {
		r := data[1+i*rec : 1+(i+1)*rec]
		dur[i] = coxFuzzValue(r[0])
		ev[i] = r[1]&1 == 1
		entry[i] = float64(r[1]>>1) / 32
		for j := 0; j < p; j++ {
			x.Set(i, j, coxFuzzValue(r[2+j])-4)
		}
	}
	return x, dur, ev, entry, opts
}

func FuzzFitCox(f *testing.F) {
	f.Add([]byte{0, 16, 1, 3, 32, 1, 9, 48, 0, 40, 20, 1, 2, 64, 1, 70})
	f.Add([]byte{4, 16, 3, 3, 5, 32, 1, 9, 9, 48, 0, 40, 1, 20, 1, 2, 2, 64, 1, 70, 7})
	f.Add([]byte{7, 16, 1, 0, 32, 1, 0, 48, 1, 0, 64, 0, 0})       // constant column
	f.Add([]byte{0, 16, 1, 1, 32, 1, 2, 48, 0, 100, 64, 0, 120})   // separation
	f.Add([]byte{0, 255, 1, 3, 32, 1, 254, 48, 0, 40, 252, 1, 2})  // hostile values
	f.Add([]byte{9, 16, 7, 3, 32, 9, 9, 48, 2, 40, 20, 11, 2, 64}) // entry
	f.Fuzz(func(t *testing.T, data []byte) {
		x, dur, ev, entry, o := coxFuzzDecode(data)
		if x == nil {
			return
		}
		opts := &CoxOptions{Ties: Ties(o % 2)}
		if o&2 != 0 {
			opts.Entry = entry
		}
		if o&4 != 0 {
			opts.L2 = 0.5
		}
		if o&8 != 0 {
			n, _ := x.Dims()
			opts.Strata = make([]int, n)
			for i := range opts.Strata {
				opts.Strata[i] = i % 2
			}
		}
		m, err := FitCox(x, dur, ev, opts)
		if err != nil {
			if m != nil && !errors.Is(err, ErrNotConverged) {
				t.Fatalf("model returned with error %v", err)
			}
			if m == nil && !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v wraps neither sentinel", err)
			}
		}
		if m == nil {
			return
		}
		if !coxFinite(m) {
			t.Fatalf("non-finite model: %+v (err %v)", m, err)
		}
		if !(m.Concordance >= 0 && m.Concordance <= 1) {
			t.Fatalf("concordance %g", m.Concordance)
		}
		row := mat.Row(nil, 0, x)
		if s := m.Survival(row, dur[0]); !(s >= 0 && s <= 1) {
			t.Fatalf("Survival = %g", s)
		}
		for _, tr := range []TimeTransform{TransformKM, TransformRank} {
			z, zerr := m.PHTest(x, dur, ev, opts, tr)
			if zerr != nil {
				t.Fatalf("PHTest on fitted data: %v", zerr)
			}
			if math.IsNaN(z.Global.Chi2) || z.Global.Chi2 < 0 {
				t.Fatalf("PHTest global chi2 = %g", z.Global.Chi2)
			}
		}
	})
}

func FuzzFitWeibull(f *testing.F) {
	f.Add([]byte{0, 16, 1, 3, 32, 1, 9, 48, 0, 40, 20, 1, 2, 64, 1, 70})
	f.Add([]byte{1, 16, 1, 3, 5, 32, 1, 9, 9, 48, 0, 40, 1, 20, 1, 2, 2})
	f.Add([]byte{0, 0, 1, 3, 32, 1, 255, 48, 0, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, dur, ev, _, o := coxFuzzDecode(data)
		if x == nil {
			return
		}
		var xm mat.Matrix = x
		if o&1 == 1 {
			xm = nil
		}
		m, err := FitWeibull(xm, dur, ev, nil)
		if err != nil && m == nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		if err != nil && !errors.Is(err, ErrNotConverged) {
			t.Fatalf("model returned with error %v", err)
		}
		var row []float64
		if xm != nil {
			row = mat.Row(nil, 0, x)
		}
		if s := m.Survival(row, 1); !(s >= 0 && s <= 1) {
			t.Fatalf("Survival = %g", s)
		}
		if math.IsNaN(m.LogLik) || math.IsNaN(m.Intercept) {
			t.Fatalf("NaN estimate: %+v", m)
		}
	})
}
