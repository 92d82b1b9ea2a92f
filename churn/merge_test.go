package churn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// mergeTestTol allows for the different order of summing weights.
const mergeTestTol = 1e-12

// TestMergeCurvesRossi splits rossi into three random shards and checks
// that the merged curve equals the curve of all customers.
func TestMergeCurvesRossi(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	r := rand.New(rand.NewPCG(11, 12))
	var dur [3][]float64
	var ev [3][]bool
	for i, w := range d.week {
		k := r.IntN(3)
		dur[k] = append(dur[k], w)
		ev[k] = append(ev[k], d.arrest[i])
	}
	var shards []*Curve
	for k := range 3 {
		c, err := KaplanMeier(dur[k], ev[k], nil)
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, c)
	}
	got, err := MergeCurves(shards...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := KaplanMeier(d.week, d.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(mergeTestTol, mergeTestTol)); diff != "" {
		t.Errorf("merged curve differs (-pooled +merged):\n%s", diff)
	}
}

// TestPropMergeEqualsPooled: merging the curves of any split of weighted
// data gives the pooled curve.
func TestPropMergeEqualsPooled(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := genSurv(false).Draw(t, "data")
		n := len(in.duration)
		w := make([]float64, n)
		for i := range w {
			w[i] = rapid.Float64Range(0.1, 3).Draw(t, "weight")
		}
		cut := rapid.IntRange(0, n).Draw(t, "cut")
		var shards []*Curve
		for _, part := range [][2]int{{0, cut}, {cut, n}} {
			if part[0] == part[1] {
				continue
			}
			c, err := KaplanMeier(in.duration[part[0]:part[1]], in.event[part[0]:part[1]], &SurvOptions{Weight: w[part[0]:part[1]]})
			if err != nil {
				t.Fatal(err)
			}
			shards = append(shards, c)
		}
		got, err := MergeCurves(shards...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := KaplanMeier(in.duration, in.event, &SurvOptions{Weight: w})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 1e-12)); diff != "" {
			t.Fatalf("merged curve differs (-pooled +merged):\n%s", diff)
		}
	})
}

func TestMergeCurvesBadInput(t *testing.T) {
	t.Parallel()
	good, _ := KaplanMeier([]float64{1, 2, 3}, []bool{true, false, true}, nil)
	delayed, _ := KaplanMeier([]float64{2, 3, 5}, []bool{true, true, true}, &SurvOptions{Entry: []float64{0, 2.5, 0}})
	tests := []struct {
		name   string
		curves []*Curve
		index  int
	}{
		{"none", nil, -1},
		{"nil", []*Curve{good, nil}, 1},
		{"empty", []*Curve{{}}, 0},
		{"ragged", []*Curve{{Time: []float64{1}, AtRisk: []float64{1}}}, 0},
		{"NaN", []*Curve{{Time: []float64{1}, AtRisk: []float64{1}, Events: []float64{math.NaN()}, Censored: []float64{0}}}, 0},
		{"decreasing time", []*Curve{{Time: []float64{2, 1}, AtRisk: []float64{2, 1}, Events: []float64{1, 1}, Censored: []float64{0, 0}}}, 0},
		{"delayed entry", []*Curve{good, delayed}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := MergeCurves(tc.curves...)
			assertInputError(t, err, "curves", tc.index)
		})
	}
}
