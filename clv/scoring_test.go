package clv

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAppendScoresMatchScalar(t *testing.T) {
	t.Parallel()
	s := simBGNBD(simConfig{n: 3000, tMin: 0, tMax: 52, grid: 1.0 / 7, seed: 8}, 0.243, 4.414, 0.793, 2.426, false)
	// Invalid rows score NaN, as in the scalar methods.
	s = append(s, Summary{Frequency: -1, T: 1}, Summary{Frequency: 1, Recency: 3, T: 2}, Summary{Frequency: 0.5, T: 1})
	orig := append([]Summary(nil), s...)
	bg := &BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	mbg := &MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}
	pn := &ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	scalar := func(f func(Summary) float64) []float64 {
		out := []float64{-1} // dst prefix must be kept
		for _, r := range s {
			out = append(out, f(r))
		}
		return out
	}
	for _, tt := range []float64{39, 0, math.NaN()} {
		tests := []struct {
			name      string
			got, want []float64
		}{
			{"BGNBD", bg.AppendConditionalPurchases([]float64{-1}, tt, s), scalar(func(r Summary) float64 {
				return bg.ConditionalPurchases(tt, r.Frequency, r.Recency, r.T)
			})},
			{"MBGNBD", mbg.AppendConditionalPurchases([]float64{-1}, tt, s), scalar(func(r Summary) float64 {
				return mbg.ConditionalPurchases(tt, r.Frequency, r.Recency, r.T)
			})},
			{"ParetoNBD", pn.AppendConditionalPurchases([]float64{-1}, tt, s), scalar(func(r Summary) float64 {
				return pn.ConditionalPurchases(tt, r.Frequency, r.Recency, r.T)
			})},
			{"ParetoNBD PAlive", pn.AppendPAlive([]float64{-1}, s), scalar(func(r Summary) float64 { return pn.PAlive(r.Frequency, r.Recency, r.T) })},
		}
		for _, tc := range tests {
			// Same arithmetic, same order: equal bit for bit.
			if diff := cmp.Diff(tc.want, tc.got, cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("%s t=%g: batch differs from scalar (-scalar +batch):\n%s", tc.name, tt, diff)
			}
		}
	}
	if diff := cmp.Diff(orig, s); diff != "" {
		t.Errorf("input modified:\n%s", diff)
	}
}
