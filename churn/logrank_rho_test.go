package churn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// logRankRhoTol is the relative tolerance against R's survdiff: the sums
// are the same in a different order, so they agree to rounding; 1e-8 is
// far above that and far below any difference in the method.
const logRankRhoTol = 1e-8

// logRankRhoRef holds R's G-rho tests on rossi.
// Values calculated by R 4.2.2, survival 3.5.3, with:
//
//	library(survival)
//	rossi <- read.csv("shared/data/rossi/rossi.csv")
//	rossi$prio3 <- ifelse(rossi$prio == 0, 0, ifelse(rossi$prio <= 2, 1, 2))
//	g <- function(v) paste(sprintf("%.17g", v), collapse = ", ")
//	emit <- function(name, s, rho) {
//	  k <- length(s$n)
//	  cat(sprintf('\t{%s, %s,\n\t\t%s,\n\t\t[]float64{%s},\n\t\t[]float64{%s},\n\t\t[]float64{%s}},\n',
//	    name, sprintf("%.17g", rho), sprintf("%.17g", s$chisq), g(s$obs), g(s$exp), g(s$var)))
//	}
//	for (r in c(0, 0.5, 1, -0.5)) emit('"fin"', survdiff(Surv(week, arrest) ~ fin, data = rossi, rho = r), r)
//	for (r in c(0, 1)) emit('"fin+strata(race)"', survdiff(Surv(week, arrest) ~ fin + strata(race), data = rossi, rho = r), r)
//	for (r in c(0.5, 2)) emit('"prio3"', survdiff(Surv(week, arrest) ~ prio3, data = rossi, rho = r), r)
//
// With strata, R reports observed and expected per group within each
// stratum (column-major, groups fastest); the test sums over strata.
// Variance is the k×k matrix in column-major order.
var logRankRhoRef = []struct {
	model              string
	rho                float64
	chi2               float64
	obs, exp, variance []float64
}{
	{"fin", 0,
		3.837569576549055,
		[]float64{66, 48},
		[]float64{55.574442768409554, 58.425557231590446},
		[]float64{28.323198165154732, -28.323198165154736, -28.323198165154736, 28.323198165154739}},
	{"fin", 0.5,
		3.7995921140735125,
		[]float64{61.550466332611471, 44.770388917443491},
		[]float64{51.865314791253226, 54.455540458801735},
		[]float64{24.687428956291161, -24.687428956291168, -24.687428956291168, 24.687428956291161}},
	{"fin", 1,
		3.7494996822154869,
		[]float64{57.511574074074069, 41.835648148148159},
		[]float64{48.495370370370395, 50.851851851851848},
		[]float64{21.680740396448506, -21.680740396448517, -21.680740396448517, 21.680740396448495}},
	{"fin", -0.5,
		3.8627099027323255,
		[]float64{70.908472754183819, 51.558647656339105},
		[]float64{59.662290669081877, 62.804829741441061},
		[]float64{32.74297440814901, -32.742974408149003, -32.742974408149003, 32.742974408148989}},
	{"fin+strata(race)", 0,
		4.0484965977397271,
		[]float64{8, 4, 58, 44},
		[]float64{6.990239057791503, 5.0097609422084961, 48.33059108040068, 53.66940891959932},
		[]float64{28.169634377614504, -28.169634377614504, -28.1696343776145, 28.169634377614493}},
	{"fin+strata(race)", 1,
		4.0004316120446548,
		[]float64{7.1698113207547172, 3.6415094339622645, 50.49340369393137, 38.150395778364121},
		[]float64{6.3018867924528292, 4.5094339622641515, 42.063324538258577, 46.580474934036907},
		[]float64{21.610886247101686, -21.6108862471017, -21.6108862471017, 21.610886247101693}},
	{"prio3", 0.5,
		13.703453995330953,
		[]float64{9.4045293949961337, 37.853001947263685, 59.063323907795123},
		[]float64{9.1867755915711431, 55.381475874739635, 41.752603783744185},
		[]float64{7.7966558732063014, -4.4409761110684096, -3.3556797621378962, -4.4409761110684096, 24.644375320395824, -20.203399209327404, -3.3556797621378958, -20.203399209327404, 23.559078971465311}},
	{"prio3", 2,
		14.51280788143259,
		[]float64{7.9336634087791511, 30.130336934156396, 49.167566872428004},
		[]float64{7.5235661008230457, 45.270442172496587, 34.437558942043907},
		[]float64{5.3810308788766932, -3.0414403888793728, -2.3395904899973203, -3.0414403888793728, 17.066714826682404, -14.025274437803027, -2.3395904899973203, -14.025274437803025, 16.364864927800344}},
}

func TestLogRankWithRossiReference(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	groups := map[string][]int{}
	var fin, race, prio3 []int
	for i := range d.week {
		fin = append(fin, int(d.col["fin"][i]))
		race = append(race, int(d.col["race"][i]))
		p := 2
		switch pr := d.col["prio"][i]; {
		case pr == 0:
			p = 0
		case pr <= 2:
			p = 1
		}
		prio3 = append(prio3, p)
	}
	groups["fin"], groups["fin+strata(race)"], groups["prio3"] = fin, fin, prio3
	for _, tc := range logRankRhoRef {
		opts := &LogRankOptions{Rho: tc.rho}
		if tc.model == "fin+strata(race)" {
			opts.Strata = race
		}
		got, err := LogRankWith(d.week, d.arrest, groups[tc.model], opts)
		if err != nil {
			t.Fatalf("%s rho %v: %v", tc.model, tc.rho, err)
		}
		k := len(got.N)
		fold := func(v []float64) []float64 {
			out := make([]float64, k)
			for j, x := range v {
				out[j%k] += x
			}
			return out
		}
		close := func(what string, g, w float64) {
			if !scalar.EqualWithinAbsOrRel(g, w, logRankRhoTol, logRankRhoTol) {
				t.Errorf("%s rho %v: %s = %.17g, want %.17g", tc.model, tc.rho, what, g, w)
			}
		}
		close("Chi2", got.Chi2, tc.chi2)
		if got.DF != k-1 {
			t.Errorf("%s rho %v: DF = %d, want %d", tc.model, tc.rho, got.DF, k-1)
		}
		obs, exp := fold(tc.obs), fold(tc.exp)
		for g := range k {
			close("Observed", got.Observed[g], obs[g])
			close("Expected", got.Expected[g], exp[g])
			for h := range k {
				close("Variance", got.Variance[g][h], tc.variance[h*k+g])
			}
		}
	}
}

// TestLogRankWithRhoZeroIsLogRank checks that Rho = 0 and nil options give
// exactly LogRank and LogRankStratified, and that the Rho ≠ 0 code path
// gives the same result as Rho = 0 to rounding as Rho → 0.
func TestLogRankWithRhoZeroIsLogRank(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	for rep := range 20 {
		n := 5 + rng.IntN(60)
		duration := make([]float64, n)
		event := make([]bool, n)
		group := make([]int, n)
		strata := make([]int, n)
		k := 2 + rng.IntN(3)
		for i := range n {
			duration[i] = float64(1 + rng.IntN(12))
			event[i] = rng.Float64() < 0.7
			group[i] = i % k
			strata[i] = rng.IntN(3) - 1
		}
		want, werr := LogRank(duration, event, group)
		got, gerr := LogRankWith(duration, event, group, nil)
		got0, gerr0 := LogRankWith(duration, event, group, &LogRankOptions{})
		if (werr == nil) != (gerr == nil) || (werr == nil) != (gerr0 == nil) {
			t.Fatalf("rep %d: errors %v, %v, %v", rep, werr, gerr, gerr0)
		}
		if werr == nil {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rep %d: LogRankWith(nil) mismatch (-want +got):\n%s", rep, diff)
			}
			if diff := cmp.Diff(want, got0); diff != "" {
				t.Errorf("rep %d: LogRankWith(Rho 0) mismatch (-want +got):\n%s", rep, diff)
			}
			tiny, err := LogRankWith(duration, event, group, &LogRankOptions{Rho: 1e-300})
			if err != nil {
				t.Fatalf("rep %d: Rho 1e-300: %v", rep, err)
			}
			if !scalar.EqualWithinAbsOrRel(tiny.Chi2, want.Chi2, 1e-10, 1e-10) {
				t.Errorf("rep %d: Rho 1e-300: Chi2 = %v, LogRank %v", rep, tiny.Chi2, want.Chi2)
			}
		}
		ws, werr := LogRankStratified(duration, event, group, strata)
		gs, gerr := LogRankWith(duration, event, group, &LogRankOptions{Strata: strata})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("rep %d: stratified errors %v, %v", rep, werr, gerr)
		}
		if diff := cmp.Diff(ws, gs); werr == nil && diff != "" {
			t.Errorf("rep %d: stratified mismatch (-want +got):\n%s", rep, diff)
		}
	}
}

func TestLogRankWithBadInput(t *testing.T) {
	t.Parallel()
	duration := []float64{1, 2, 3, 4}
	event := []bool{true, true, false, true}
	group := []int{0, 1, 0, 1}
	tests := []struct {
		name     string
		duration []float64
		group    []int
		opts     *LogRankOptions
		field    string
		index    int
	}{
		{"rho NaN", duration, group, &LogRankOptions{Rho: math.NaN()}, "opts.Rho", -1},
		{"rho Inf", duration, group, &LogRankOptions{Rho: math.Inf(1)}, "opts.Rho", -1},
		{"strata length", duration, group, &LogRankOptions{Rho: 1, Strata: []int{0}}, "opts.Strata", -1},
		{"negative duration", []float64{1, -2, 3, 4}, group, &LogRankOptions{Rho: 1}, "duration", 1},
		{"negative group", duration, []int{0, 1, -1, 1}, &LogRankOptions{Rho: 1}, "group", 2},
		{"group too large", duration, []int{0, 1, 9, 1}, &LogRankOptions{Rho: 1}, "group", 2},
		{"one group", duration, []int{0, 0, 0, 0}, &LogRankOptions{Rho: 1}, "group", -1},
		{"empty group", duration, []int{0, 2, 0, 2}, &LogRankOptions{Rho: 1}, "group", -1},
		{"group length", duration, []int{0, 1}, &LogRankOptions{Rho: 1}, "group", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LogRankWith(tc.duration, event, tc.group, tc.opts)
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || ie.Index != tc.index {
				t.Errorf("err = %v, want field %q index %d", err, tc.field, tc.index)
			}
		})
	}
	// The only churn is when one customer is at risk: no test is possible.
	_, err := LogRankWith([]float64{1, 2}, []bool{false, true}, []int{0, 1}, &LogRankOptions{Rho: 1})
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("one at risk: err = %v, want ErrInvalidInput", err)
	}
}

func TestLogRankWithInputsUnchanged(t *testing.T) {
	t.Parallel()
	duration := []float64{5, 1, 3, 3, 2, 8, 4}
	event := []bool{true, false, true, true, true, false, true}
	group := []int{1, 0, 1, 0, 0, 1, 0}
	strata := []int{2, 1, 2, 1, 2, 1, 2}
	d0, e0, g0, s0 := append([]float64(nil), duration...), append([]bool(nil), event...), append([]int(nil), group...), append([]int(nil), strata...)
	if _, err := LogRankWith(duration, event, group, &LogRankOptions{Rho: 1, Strata: strata}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d0, duration); diff != "" {
		t.Errorf("duration modified:\n%s", diff)
	}
	if diff := cmp.Diff(e0, event); diff != "" {
		t.Errorf("event modified:\n%s", diff)
	}
	if diff := cmp.Diff(g0, group); diff != "" {
		t.Errorf("group modified:\n%s", diff)
	}
	if diff := cmp.Diff(s0, strata); diff != "" {
		t.Errorf("strata modified:\n%s", diff)
	}
}
