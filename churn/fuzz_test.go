package churn

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// fuzzFloat decodes one byte into a duration-like value: mostly a quarter
// grid on [0, 62] (many ties), and NaN, ±Inf, −1, −0 or a huge value for
// the top bytes.
func fuzzFloat(b byte) float64 {
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
		return math.Copysign(0, -1)
	case 250:
		return math.MaxFloat64
	}
	return float64(b) / 4
}

// fuzzSurv decodes b into survival data: three bytes per customer
// (duration, event and option bits, weight or entry).
func fuzzSurv(b []byte, weighted, delayed bool) (duration []float64, event []bool, opts *SurvOptions) {
	n := len(b) / 3
	duration = make([]float64, n)
	event = make([]bool, n)
	opts = &SurvOptions{}
	if weighted {
		opts.Weight = make([]float64, n)
	}
	if delayed {
		opts.Entry = make([]float64, n)
	}
	for i := range n {
		duration[i] = fuzzFloat(b[3*i])
		event[i] = b[3*i+1]&1 == 1
		if weighted {
			opts.Weight[i] = fuzzFloat(b[3*i+2]) / 8
		}
		if delayed {
			opts.Entry[i] = fuzzFloat(b[3*i+2])
		}
	}
	return duration, event, opts
}

func checkCurve(t *testing.T, c *Curve) {
	t.Helper()
	prev := 1.0
	for i, s := range c.Survival {
		if !(s >= 0 && s <= prev) || !(c.StdErr[i] >= 0) || math.IsInf(c.StdErr[i], 0) {
			t.Fatalf("row %d: S = %v (previous %v), StdErr = %v", i, s, prev, c.StdErr[i])
		}
		prev = s
	}
	for _, m := range []BandMethod{Log, LogLog, Plain} {
		lo, up := c.Band(0.95, m)
		for i, s := range c.Survival {
			if !(lo[i] >= 0 && lo[i] <= s+1e-12 && s <= up[i]+1e-12 && up[i] <= 1) {
				t.Fatalf("%v band at %d: S = %v outside [%v, %v]", m, i, s, lo[i], up[i])
			}
		}
	}
	for _, p := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if math.IsNaN(c.Quantile(p)) {
			t.Fatalf("Quantile(%v) is NaN", p)
		}
	}
	if _, err := json.Marshal(c); err != nil {
		t.Fatalf("json: %v", err)
	}
}

func FuzzKaplanMeier(f *testing.F) {
	f.Add([]byte{4, 1, 0, 8, 1, 0, 8, 0, 0, 12, 1, 0}, false, false)
	f.Add([]byte{4, 1, 8, 8, 1, 4, 8, 0, 2, 12, 1, 0}, true, false)
	f.Add([]byte{4, 1, 2, 8, 1, 4, 9, 0, 8, 12, 1, 0}, false, true)
	f.Add([]byte{255, 1, 0, 252, 0, 0}, true, true)
	f.Fuzz(func(t *testing.T, b []byte, weighted, delayed bool) {
		duration, event, opts := fuzzSurv(b, weighted, delayed)
		c, err := KaplanMeier(duration, event, opts)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		checkCurve(t, c)
	})
}

func FuzzNelsonAalen(f *testing.F) {
	f.Add([]byte{4, 1, 0, 8, 1, 0, 8, 0, 0, 12, 1, 0}, false, false)
	f.Add([]byte{4, 1, 2, 8, 1, 4, 9, 0, 8, 12, 1, 0}, true, true)
	f.Fuzz(func(t *testing.T, b []byte, weighted, delayed bool) {
		duration, event, opts := fuzzSurv(b, weighted, delayed)
		h, err := NelsonAalen(duration, event, opts)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		prev := 0.0
		for i, x := range h.Hazard {
			if !(x >= prev) || math.IsInf(x, 0) || !(h.Variance[i] >= 0) {
				t.Fatalf("row %d: H = %v after %v, Var = %v", i, x, prev, h.Variance[i])
			}
			prev = x
		}
	})
}

// FuzzCurveMethods checks that the methods without an error are total.
func FuzzCurveMethods(f *testing.F) {
	c, err := KaplanMeier([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(1.5, 0.5, 0.95, 6.0)
	f.Add(math.NaN(), -1.0, 1.0, math.Inf(1))
	f.Fuzz(func(t *testing.T, x, p, level, tau float64) {
		if s := c.At(x); math.IsNaN(s) != math.IsNaN(x) || (!math.IsNaN(s) && !(s >= 0 && s <= 1)) {
			t.Fatalf("At(%v) = %v", x, s)
		}
		q := c.Quantile(p)
		if math.IsNaN(q) != (math.IsNaN(p) || p < 0 || p > 1) {
			t.Fatalf("Quantile(%v) = %v", p, q)
		}
		lo, up := c.Band(level, Plain)
		if (lo == nil) != !(level > 0 && level < 1) || len(lo) != len(up) {
			t.Fatalf("Band(%v): %v %v", level, lo, up)
		}
		if r := c.RMST(tau); math.IsNaN(r) != math.IsNaN(tau) || r < 0 {
			t.Fatalf("RMST(%v) = %v", tau, r)
		}
		if r := c.RMSTStdErr(tau); math.IsNaN(r) != math.IsNaN(tau) || r < 0 {
			t.Fatalf("RMSTStdErr(%v) = %v", tau, r)
		}
	})
}

func FuzzConcordance(f *testing.F) {
	f.Add([]byte{4, 1, 3, 8, 1, 1, 8, 0, 2, 12, 0, 3})
	f.Add([]byte{255, 1, 3, 8, 1, 254})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b) / 3
		risk, duration, event := make([]float64, n), make([]float64, n), make([]bool, n)
		for i := range n {
			duration[i] = fuzzFloat(b[3*i])
			event[i] = b[3*i+1]&1 == 1
			risk[i] = fuzzFloat(b[3*i+2]) - 30
		}
		c, err := Concordance(risk, duration, event)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if !(c >= 0 && c <= 1) {
			t.Fatalf("C = %v", c)
		}
		if n <= 40 {
			if want := bruteConcordance(risk, duration, event, nil).C(); math.Abs(c-want) > 1e-12 {
				t.Fatalf("C = %v, brute force %v", c, want)
			}
		}
	})
}

func FuzzLogRank(f *testing.F) {
	f.Add([]byte{4, 1, 0, 8, 1, 1, 8, 0, 0, 12, 1, 1}, false)
	f.Add([]byte{4, 1, 0, 8, 1, 1, 8, 0, 2, 12, 1, 1, 3, 1, 2}, true)
	f.Fuzz(func(t *testing.T, b []byte, stratified bool) {
		n := len(b) / 3
		duration, event, group, strata := make([]float64, n), make([]bool, n), make([]int, n), make([]int, n)
		for i := range n {
			duration[i] = fuzzFloat(b[3*i])
			event[i] = b[3*i+1]&1 == 1
			group[i] = int(b[3*i+2]%4) - int(b[3*i+2]/252) // 0..3, sometimes negative
			strata[i] = int(b[3*i+1] >> 4)
		}
		var res *LogRankTest
		var err error
		if stratified {
			res, err = LogRankStratified(duration, event, group, strata)
		} else {
			res, err = LogRank(duration, event, group)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if !(res.Chi2 >= -1e-9) || !(res.P >= 0 && res.P <= 1) || res.DF < 1 {
			t.Fatalf("result %+v", res)
		}
	})
}

func FuzzWarningAssess(f *testing.F) {
	f.Add([]byte{4, 1, 8, 1, 8, 0, 12, 1}, []byte{0, 4, 8}, 2.0)
	f.Add([]byte{4, 1}, []byte{255, 252}, math.NaN())
	f.Fuzz(func(t *testing.T, b, tb []byte, horizon float64) {
		n := len(b) / 2
		duration, event := make([]float64, n), make([]bool, n)
		for i := range n {
			duration[i] = fuzzFloat(b[2*i])
			event[i] = b[2*i+1]&1 == 1
		}
		c, err := KaplanMeier(duration, event, nil)
		if err != nil {
			return
		}
		tenure := make([]float64, len(tb))
		for i, x := range tb {
			tenure[i] = fuzzFloat(x)
		}
		w := DefaultWarning(horizon)
		alerts, err := w.Assess(CurveModel{c}, nil, tenure, nil)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		for _, a := range alerts {
			if !(a.Prob >= 0 && a.Prob <= 1) {
				t.Fatalf("alert %+v", a)
			}
		}
	})
}

func FuzzMergeCurves(f *testing.F) {
	f.Add([]byte{4, 1, 0, 8, 1, 0, 8, 0, 0, 12, 1, 0}, 2, []byte{1, 2, 3, 4})
	f.Add([]byte{4, 1, 3, 8, 1, 0}, 1, []byte{255, 0, 1, 2})
	f.Fuzz(func(t *testing.T, b []byte, cut int, raw []byte) {
		duration, event, _ := fuzzSurv(b, false, false)
		if cut < 0 || cut > len(duration) {
			cut = len(duration) / 2
		}
		var curves []*Curve
		for _, part := range [][2]int{{0, cut}, {cut, len(duration)}} {
			if c, err := KaplanMeier(duration[part[0]:part[1]], event[part[0]:part[1]], nil); err == nil {
				curves = append(curves, c)
			}
		}
		// A hand-made, possibly malformed, curve.
		if len(raw) >= 4 {
			curves = append(curves, &Curve{
				Time:     []float64{fuzzFloat(raw[0])},
				AtRisk:   []float64{fuzzFloat(raw[1])},
				Events:   []float64{fuzzFloat(raw[2])},
				Censored: []float64{fuzzFloat(raw[3])},
			})
		}
		m, err := MergeCurves(curves...)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		checkCurve(t, m)
	})
}
