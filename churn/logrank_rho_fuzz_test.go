package churn

import (
	"errors"
	"math"
	"testing"
)

// FuzzLogRankWith checks that the G-rho test never panics and either
// returns an error wrapping ErrInvalidInput or a finite statistic with a
// p-value in [0, 1], and that Rho = 0 agrees with LogRank.
func FuzzLogRankWith(f *testing.F) {
	f.Add([]byte{4, 1, 0, 8, 1, 1, 8, 0, 0, 12, 1, 1}, 1.0, false)
	f.Add([]byte{4, 1, 0, 8, 1, 1, 8, 0, 2, 12, 1, 1, 3, 1, 2}, 0.5, true)
	f.Add([]byte{4, 1, 0, 8, 1, 1, 8, 1, 2, 12, 1, 1, 3, 1, 0}, -800.0, false)
	f.Add([]byte{4, 1, 0, 8, 1, 1}, math.NaN(), false)
	f.Add([]byte{4, 1, 0, 8, 1, 1, 9, 1, 0}, 0.0, true)
	f.Fuzz(func(t *testing.T, b []byte, rho float64, stratified bool) {
		n := len(b) / 3
		duration, event, group, strata := make([]float64, n), make([]bool, n), make([]int, n), make([]int, n)
		for i := range n {
			duration[i] = fuzzFloat(b[3*i])
			event[i] = b[3*i+1]&1 == 1
			group[i] = int(b[3*i+2]%4) - int(b[3*i+2]/252) // 0..3, sometimes negative
			strata[i] = int(b[3*i+1] >> 4)
		}
		opts := &LogRankOptions{Rho: rho}
		if stratified {
			opts.Strata = strata
		}
		res, err := LogRankWith(duration, event, group, opts)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if math.IsInf(res.Chi2, 0) || !(res.Chi2 >= -1e-9) || !(res.P >= 0 && res.P <= 1) || res.DF < 1 {
			t.Fatalf("result %+v", res)
		}
		if rho == 0 && !stratified {
			want, err := LogRank(duration, event, group)
			if err != nil || want.Chi2 != res.Chi2 {
				t.Fatalf("Rho 0: Chi2 = %v; LogRank = %v, %v", res.Chi2, want, err)
			}
		}
	})
}
