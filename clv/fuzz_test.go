package clv

import (
	"errors"
	"math"
	"testing"
	"time"
)

// fuzzValue decodes two bytes into a float64 that is mostly a plausible
// value in [0, 1e3) and sometimes hostile: NaN, ±Inf, negative or zero.
func fuzzValue(b, c byte) float64 {
	switch b % 16 {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1)
	case 2:
		return -float64(c)
	case 3:
		return 0
	}
	return float64(c) * math.Pow(2, float64(b%8)-3)
}

// fuzzParam decodes one byte into a positive model parameter in
// [e^−7, e^7].
func fuzzParam(b byte) float64 { return math.Exp(float64(b)/255*14 - 7) }

// fuzzSummaries decodes up to 40 rows of 6 bytes into summaries.
func fuzzSummaries(data []byte) []Summary {
	var s []Summary
	for len(data) >= 6 && len(s) < 40 {
		x := fuzzValue(data[0], data[1])
		if x == x && x > 0 && !math.IsInf(x, 0) {
			x = math.Round(x)
		}
		s = append(s, Summary{Frequency: x, Recency: fuzzValue(data[2], data[3]), T: fuzzValue(data[4], data[5])})
		data = data[6:]
	}
	return s
}

func addSummarySeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{4, 2, 4, 30, 4, 38, 4, 0, 3, 0, 4, 38, 4, 5, 4, 10, 4, 20})
	f.Add([]byte{0, 0, 0, 0, 0, 0})
	f.Add([]byte{4, 1, 4, 9, 4, 8}) // t_x > T
	f.Add([]byte{3, 0, 4, 1, 4, 8}) // x = 0 with t_x > 0
	f.Add([]byte{7, 200, 7, 250, 7, 255, 4, 0, 3, 0, 4, 1})
}

// checkFit asserts the contract of a fit: bad input is ErrInvalidInput;
// otherwise a model with finite positive parameters, also on
// ErrNotConverged.
func checkFit(t *testing.T, name string, m btydModel, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, ErrNotConverged) {
		if !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("%s: unexpected error %v", name, err)
		}
		return
	}
	if m == nil {
		t.Fatalf("%s: nil model with err = %v", name, err)
	}
	for _, v := range m.params() {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Fatalf("%s: parameters %v (err = %v)", name, m.params(), err)
		}
	}
}

func FuzzFitBGNBD(f *testing.F) {
	addSummarySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := asModel(FitBGNBD(fuzzSummaries(data), &FitOptions{MaxIter: 100}))
		checkFit(t, "FitBGNBD", m, err)
	})
}

func FuzzFitMBGNBD(f *testing.F) {
	addSummarySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := asModel(FitMBGNBD(fuzzSummaries(data), &FitOptions{MaxIter: 100}))
		checkFit(t, "FitMBGNBD", m, err)
	})
}

func FuzzFitParetoNBD(f *testing.F) {
	addSummarySeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := asModel(FitParetoNBD(fuzzSummaries(data), &FitOptions{MaxIter: 100}))
		checkFit(t, "FitParetoNBD", m, err)
	})
}

// FuzzPredictions checks that the prediction methods are total: NaN exactly
// for invalid (x, t_x, T) or t, and otherwise P(alive) in [0, 1] and finite
// non-negative expectations.
func FuzzPredictions(f *testing.F) {
	f.Add(byte(100), byte(140), byte(120), byte(145), byte(4), byte(39), byte(4), byte(2), byte(4), byte(30), byte(4), byte(38))
	f.Add(byte(255), byte(0), byte(255), byte(0), byte(0), byte(0), byte(3), byte(0), byte(3), byte(0), byte(1), byte(0))
	f.Add(byte(0), byte(255), byte(0), byte(255), byte(7), byte(255), byte(7), byte(255), byte(7), byte(1), byte(7), byte(255))
	f.Fuzz(func(t *testing.T, p0, p1, p2, p3, tb, tc, xb, xc, txb, txc, Tb, Tc byte) {
		tt, x, tx, T := fuzzValue(tb, tc), fuzzValue(xb, xc), fuzzValue(txb, txc), fuzzValue(Tb, Tc)
		a, b, c, d := fuzzParam(p0), fuzzParam(p1), fuzzParam(p2), fuzzParam(p3)
		valid := validXTT(x, tx, T)
		for _, m := range []btydModel{
			&BGNBD{R: a, Alpha: b, A: c, B: d},
			&MBGNBD{R: a, Alpha: b, A: c, B: d},
			&ParetoNBD{R: a, Alpha: b, S: c, Beta: d},
		} {
			pa := m.PAlive(x, tx, T)
			if valid != !math.IsNaN(pa) || (valid && !(pa >= 0 && pa <= 1)) {
				t.Fatalf("%T%v: PAlive(%g, %g, %g) = %g", m, m.params(), x, tx, T, pa)
			}
			e := m.ExpectedPurchases(tt)
			if math.IsNaN(tt) || math.IsInf(tt, 1) {
				if !math.IsNaN(e) {
					t.Fatalf("%T: ExpectedPurchases(%g) = %g, want NaN", m, tt, e)
				}
			} else if !(e >= 0) || math.IsInf(e, 0) {
				t.Fatalf("%T%v: ExpectedPurchases(%g) = %g", m, m.params(), tt, e)
			}
			cp := m.ConditionalPurchases(tt, x, tx, T)
			if !valid || math.IsNaN(tt) || math.IsInf(tt, 1) {
				if !math.IsNaN(cp) {
					t.Fatalf("%T: ConditionalPurchases(%g, %g, %g, %g) = %g, want NaN", m, tt, x, tx, T, cp)
				}
			} else if !(cp >= 0) || math.IsInf(cp, 0) {
				t.Fatalf("%T%v: ConditionalPurchases(%g, %g, %g, %g) = %g", m, m.params(), tt, x, tx, T, cp)
			}
		}
	})
}

func FuzzSummarize(f *testing.F) {
	f.Add([]byte{0, 1, 4, 10, 0, 20, 4, 12, 1, 5, 4, 1}, byte(0))
	f.Add([]byte{0, 200, 4, 10}, byte(1))
	f.Add([]byte{3, 0, 0, 0, 3, 0, 2, 5}, byte(2))
	f.Fuzz(func(t *testing.T, data []byte, g byte) {
		start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		end := start.Add(60 * 24 * time.Hour)
		var p []Purchase
		for len(data) >= 4 && len(p) < 64 {
			p = append(p, Purchase{
				Customer: string(rune('a' + data[0]%4)),
				At:       start.Add(time.Duration(data[1]) * 7 * time.Hour),
				Amount:   fuzzValue(data[2], data[3]),
			})
			data = data[4:]
		}
		s, err := SummarizeWith(p, end, 24*time.Hour, &SummarizeOptions{Grouping: Grouping(g % 4)})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if err := validateSummaries(checker("test"), s); err != nil {
			t.Fatalf("invalid summary: %v", err)
		}
		h, err := SplitHoldout(p, start.Add(30*24*time.Hour), end, 24*time.Hour, &SummarizeOptions{Grouping: Grouping(g % 3)})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for _, r := range h {
			if !(r.HoldoutFrequency >= 0) || !(r.HoldoutMeanValue >= 0) || r.HoldoutDuration != 30 {
				t.Fatalf("bad holdout row %+v", r)
			}
		}
	})
}

func FuzzLifetimeValue(f *testing.F) {
	f.Add(byte(100), byte(140), byte(120), byte(145), []byte{4, 2, 4, 30, 4, 38}, 12, 4.345, 0.01)
	f.Add(byte(0), byte(255), byte(0), byte(255), []byte{3, 0, 3, 0, 4, 1}, 0, 0.0, -1.0)
	f.Fuzz(func(t *testing.T, p0, p1, p2, p3 byte, data []byte, steps int, step, rate float64) {
		s := fuzzSummaries(data)
		if steps > 200 {
			steps = 200
		}
		opts := LifetimeOptions{Steps: steps, StepLength: step, Rate: rate}
		for _, m := range []TransactionModel{
			&BGNBD{R: fuzzParam(p0), Alpha: fuzzParam(p1), A: fuzzParam(p2), B: fuzzParam(p3)},
			&ParetoNBD{R: fuzzParam(p0), Alpha: fuzzParam(p1), S: fuzzParam(p2), Beta: fuzzParam(p3)},
		} {
			v, err := LifetimeValue(m, meanSpend{def: 1}, s, opts)
			if err != nil {
				if !errors.Is(err, ErrInvalidInput) {
					t.Fatalf("unexpected error %v", err)
				}
				continue
			}
			for i, c := range v {
				if !(c >= 0) || math.IsInf(c, 0) {
					t.Fatalf("CLV[%d] = %g", i, c)
				}
			}
		}
	})
}
