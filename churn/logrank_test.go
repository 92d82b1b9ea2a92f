package churn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/floats/scalar"
)

// TestLogRankRossiReference checks the log-rank test by financial aid
// against R 4.2.2, survival 3.5-3: survdiff(Surv(week, arrest) ~ fin,
// data = rossi) (shared/reference/rossi_logrank_fin.json).
func TestLogRankRossiReference(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	var ref struct {
		LR struct {
			N        []int       `json:"n"`
			Observed []float64   `json:"observed"`
			Expected []float64   `json:"expected"`
			Chisq    float64     `json:"chisq"`
			DF       int         `json:"df"`
			P        float64     `json:"p"`
			Variance [][]float64 `json:"variance"`
		} `json:"logrank"`
	}
	readRef(t, "rossi_logrank_fin.json", &ref)
	group := make([]int, len(d.week))
	for i, f := range d.col["fin"] {
		group[i] = int(f)
	}
	got, err := LogRank(d.week, d.arrest, group)
	if err != nil {
		t.Fatal(err)
	}
	if got.DF != ref.LR.DF || !cmp.Equal(got.N, ref.LR.N) {
		t.Errorf("DF, N = %d, %v; want %d, %v", got.DF, got.N, ref.LR.DF, ref.LR.N)
	}
	closeSlices(t, "Observed", got.Observed, ref.LR.Observed, 0)
	closeSlices(t, "Expected", got.Expected, ref.LR.Expected, survRefTol)
	for g := range got.Variance {
		closeSlices(t, "Variance", got.Variance[g], ref.LR.Variance[g], survRefTol)
	}
	if !scalar.EqualWithinAbsOrRel(got.Chi2, ref.LR.Chisq, survRefTol, survRefTol) {
		t.Errorf("Chi2 = %.15g, want %.15g", got.Chi2, ref.LR.Chisq)
	}
	if !scalar.EqualWithinAbsOrRel(got.P, ref.LR.P, survRefTol, survRefTol) {
		t.Errorf("P = %.15g, want %.15g", got.P, ref.LR.P)
	}
	t.Logf("Chi2 deviation %.3g, P deviation %.3g", math.Abs(got.Chi2-ref.LR.Chisq), math.Abs(got.P-ref.LR.P))

	// Stratifying by a variable that is constant changes nothing.
	one := make([]int, len(group))
	s, err := LogRankStratified(d.week, d.arrest, group, one)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, s, cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
		t.Errorf("one stratum differs from unstratified (-want +got):\n%s", diff)
	}
}

// TestLogRankHand checks two groups counted by hand. Group 0 churns at 1
// and 3, group 1 at 2 and is censored at 4. At t=1: n=4 (2, 2), d=1:
// E_0 = 1/2, V = 1·3/3·(1/2)(1/2) = 1/4. At t=2: n=3 (1, 2), d=1: E_0 = 1/3,
// V = 1·2/2·(1/3)(2/3) = 2/9. At t=3: n=2 (1, 1), d=1: E_0 = 1/2,
// V = 1·1/1·(1/4) = 1/4. O_0 = 2, E_0 = 4/3, V = 13/18,
// Chi2 = (2/3)²/(13/18) = 8/13.
func TestLogRankHand(t *testing.T) {
	t.Parallel()
	got, err := LogRank([]float64{1, 3, 2, 4}, []bool{true, true, true, false}, []int{0, 0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := &LogRankTest{
		Chi2:     8.0 / 13,
		DF:       1,
		P:        math.Erfc(math.Sqrt(4.0 / 13)), // 1 − pchisq(x, 1) = erfc(sqrt(x/2))
		N:        []int{2, 2},
		Observed: []float64{2, 1},
		Expected: []float64{4.0 / 3, 5.0 / 3},
		Variance: [][]float64{{13.0 / 18, -13.0 / 18}, {-13.0 / 18, 13.0 / 18}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(survHandTol, survHandTol)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// naiveLogRank computes O, E and V for k groups by the definitions, one
// distinct churn time at a time, in O(n·T).
func naiveLogRank(duration []float64, event []bool, group []int, k int) (o, e []float64, v [][]float64) {
	o, e = make([]float64, k), make([]float64, k)
	v = make([][]float64, k)
	for g := range v {
		v[g] = make([]float64, k)
	}
	seen := map[float64]bool{}
	for i, t := range duration {
		if !event[i] || seen[t] {
			continue
		}
		seen[t] = true
		nr := make([]float64, k)
		var n, d float64
		for j, u := range duration {
			if u >= t {
				nr[group[j]]++
				n++
			}
			if u == t && event[j] {
				o[group[j]]++
				d++
			}
		}
		for g := range k {
			e[g] += d * nr[g] / n
			for h := range k {
				delta := 0.0
				if g == h {
					delta = 1
				}
				if n > 1 {
					v[g][h] += d * (n - d) / (n - 1) * nr[g] / n * (delta - nr[h]/n)
				}
			}
		}
	}
	return o, e, v
}

// TestLogRankMatchesDefinition compares k-group and stratified results with
// the naive computation on random tied data.
func TestLogRankMatchesDefinition(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	opt := cmpopts.EquateApprox(1e-12, 1e-12)
	checked, checkedStrata := 0, 0
	for rep := range 30 {
		n, k := 6+r.IntN(40), 2+r.IntN(3)
		duration := make([]float64, n)
		event := make([]bool, n)
		group := make([]int, n)
		strata := make([]int, n)
		for i := range n {
			duration[i] = float64(r.IntN(10))
			event[i] = r.IntN(4) > 0
			group[i] = i % k
			strata[i] = r.IntN(2)
		}
		got, err := LogRank(duration, event, group)
		if err != nil {
			continue // singular variance in a tiny sample
		}
		o, e, v := naiveLogRank(duration, event, group, k)
		if diff := cmp.Diff(o, got.Observed, opt); diff != "" {
			t.Fatalf("rep %d: Observed (-naive +got):\n%s", rep, diff)
		}
		if diff := cmp.Diff(e, got.Expected, opt); diff != "" {
			t.Fatalf("rep %d: Expected (-naive +got):\n%s", rep, diff)
		}
		if diff := cmp.Diff(v, got.Variance, opt); diff != "" {
			t.Fatalf("rep %d: Variance (-naive +got):\n%s", rep, diff)
		}
		checked++
		st, err := LogRankStratified(duration, event, group, strata)
		if err != nil {
			continue
		}
		checkedStrata++
		var so, se []float64
		sv := make([][]float64, k)
		for g := range sv {
			sv[g] = make([]float64, k)
		}
		for s := range 2 {
			var ds []float64
			var es []bool
			var gs []int
			for i := range n {
				if strata[i] == s {
					ds, es, gs = append(ds, duration[i]), append(es, event[i]), append(gs, group[i])
				}
			}
			o, e, v := naiveLogRank(ds, es, gs, k)
			if so == nil {
				so, se = o, e
			} else {
				for g := range k {
					so[g] += o[g]
					se[g] += e[g]
				}
			}
			for g := range k {
				for h := range k {
					sv[g][h] += v[g][h]
				}
			}
		}
		if diff := cmp.Diff(se, st.Expected, opt); diff != "" {
			t.Fatalf("rep %d: stratified Expected (-naive +got):\n%s", rep, diff)
		}
		if diff := cmp.Diff(sv, st.Variance, opt); diff != "" {
			t.Fatalf("rep %d: stratified Variance (-naive +got):\n%s", rep, diff)
		}
	}
	if checked < 20 || checkedStrata < 20 {
		t.Errorf("only %d and %d of 30 samples were checked", checked, checkedStrata)
	}
}

func TestLogRankBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		duration []float64
		event    []bool
		group    []int
		field    string
		index    int
	}{
		{"empty", nil, nil, nil, "duration", -1},
		{"group length", []float64{1, 2}, []bool{true, true}, []int{0}, "group", -1},
		{"negative group", []float64{1, 2}, []bool{true, true}, []int{0, -1}, "group", 1},
		{"empty group", []float64{1, 2, 3}, []bool{true, true, true}, []int{0, 2, 2}, "group", -1},
		{"one group", []float64{1, 2}, []bool{true, true}, []int{0, 0}, "group", -1},
		{"huge label", []float64{1, 2}, []bool{true, true}, []int{0, 1 << 40}, "group", 1},
		{"NaN duration", []float64{1, math.NaN()}, []bool{true, true}, []int{0, 1}, "duration", 1},
		{"all censored", []float64{1, 2}, []bool{false, false}, []int{0, 1}, "event", -1},
		{"singular", []float64{1, 2}, []bool{false, true}, []int{0, 1}, "event", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := LogRank(tc.duration, tc.event, tc.group)
			assertInputError(t, err, tc.field, tc.index)
		})
	}
	_, err := LogRankStratified([]float64{1, 2}, []bool{true, true}, []int{0, 1}, []int{0})
	assertInputError(t, err, "strata", -1)
}
