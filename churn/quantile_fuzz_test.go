package churn

import (
	"math"
	"testing"
)

// FuzzQuantileCI checks that Curve.QuantileCI is total on curves built from
// arbitrary (weighted, delayed-entry) data: NaN exactly when p or level is
// invalid, and otherwise each limit is +Inf or a time in [0, last time].
func FuzzQuantileCI(f *testing.F) {
	f.Add([]byte{4, 1, 8, 8, 1, 8, 8, 0, 8, 12, 1, 8, 20, 1, 8}, 0.5, 0.95, uint8(0), false, false)
	f.Add([]byte{4, 1, 8, 8, 0, 4, 12, 1, 2, 20, 1, 0}, 0.25, 0.9, uint8(2), true, false)
	f.Add([]byte{4, 1, 1, 8, 1, 2, 12, 1, 3, 20, 0, 4}, 1.0, 0.5, uint8(1), false, true)
	f.Add([]byte{}, math.NaN(), 1.0, uint8(3), false, false)
	f.Fuzz(func(t *testing.T, b []byte, p, level float64, mb uint8, weighted, delayed bool) {
		duration, event, opts := fuzzSurv(b, weighted, delayed)
		c, err := KaplanMeier(duration, event, opts)
		if err != nil {
			return
		}
		m := BandMethod(mb % 3)
		lo, up := c.QuantileCI(p, level, m)
		invalid := math.IsNaN(p) || p < 0 || p > 1 || !(level > 0 && level < 1)
		if invalid {
			if !math.IsNaN(lo) || !math.IsNaN(up) {
				t.Fatalf("QuantileCI(%v, %v, %v) = (%v, %v), want NaN", p, level, m, lo, up)
			}
			return
		}
		last := 0.0
		if len(c.Time) > 0 {
			last = c.Time[len(c.Time)-1]
		}
		for _, q := range []float64{lo, up} {
			if !math.IsInf(q, 1) && !(q >= 0 && q <= last) {
				t.Fatalf("QuantileCI(%v, %v, %v) = (%v, %v): outside [0, %v] and not +Inf", p, level, m, lo, up, last)
			}
		}
	})
}
