package churn

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// coxRossi is the rossi recidivism data (shared/data/rossi/rossi.csv):
// week, arrest and the seven covariates of the R reference fits.
type coxRossi struct {
	names []string
	week  []float64
	event []bool
	x     *mat.Dense
}

func coxReadRossi(t testing.TB) coxRossi {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/rossi/rossi.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	names := []string{"fin", "age", "race", "wexp", "mar", "paro", "prio"}
	n := len(recs) - 1
	r := coxRossi{names: names, week: make([]float64, n), event: make([]bool, n), x: mat.NewDense(n, len(names), nil)}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, rec := range recs[1:] {
		r.week[i] = num(rec[col["week"]])
		r.event[i] = num(rec[col["arrest"]]) == 1
		for j, nm := range names {
			r.x.Set(i, j, num(rec[col[nm]]))
		}
	}
	return r
}

type coxRef struct {
	Cox struct {
		N             int       `json:"n"`
		Nevent        int       `json:"nevent"`
		Terms         []string  `json:"terms"`
		Coef          []float64 `json:"coef"`
		SE            []float64 `json:"se_coef"`
		Z             []float64 `json:"z"`
		P             []float64 `json:"p"`
		ExpCoef       []float64 `json:"exp_coef"`
		Vcov          [][]float64
		LoglikInitial float64 `json:"loglik_initial"`
		LoglikFinal   float64 `json:"loglik_final"`
		Iterations    int     `json:"iterations"`
		Concordance   float64 `json:"concordance"`
		LRT           struct{ Stat, P float64 }
		Wald          struct{ Stat, P float64 }
		Score         struct{ Stat, P float64 }
	} `json:"cox"`
}

// Tolerances against R survival 3.5-3 (issue 4): the fits are iterative, so
// agreement is limited by R's convergence point, not by rounding.
const (
	coxCoefTol   = 1e-6 // relative, coefficients and standard errors
	coxLogLikTol = 1e-6 // absolute, log partial likelihoods
	coxTestTol   = 1e-6 // relative, LR / Wald / score statistics
	coxConcTol   = 1e-6 // absolute, concordance
)

func TestFitCoxRossiReference(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	for _, tc := range []struct {
		file string
		ties Ties
	}{
		// Values computed by R 4.2.2, survival 3.5-3:
		// coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi, ties = ...)
		{"rossi_coxph_efron.json", Efron},
		{"rossi_coxph_breslow.json", Breslow},
	} {
		t.Run(tc.ties.String(), func(t *testing.T) {
			t.Parallel()
			var ref coxRef
			readRef(t, tc.file, &ref)
			m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: tc.ties, Names: d.names})
			if err != nil {
				t.Fatal(err)
			}
			want := ref.Cox
			if m.N != want.N || m.Events != want.Nevent {
				t.Errorf("N, Events = %d, %d, want %d, %d", m.N, m.Events, want.N, want.Nevent)
			}
			if m.Iter != want.Iterations {
				t.Errorf("Iter = %d, want %d", m.Iter, want.Iterations)
			}
			sum := m.Summary()
			for j := range want.Coef {
				checkRel(t, "coef "+want.Terms[j], sum[j].Coef, want.Coef[j], coxCoefTol)
				checkRel(t, "se "+want.Terms[j], sum[j].StdErr, want.SE[j], coxCoefTol)
				checkRel(t, "exp(coef) "+want.Terms[j], sum[j].HazardRatio, want.ExpCoef[j], coxCoefTol)
				checkRel(t, "z "+want.Terms[j], sum[j].Z, want.Z[j], coxCoefTol)
				checkRel(t, "p "+want.Terms[j], sum[j].P, want.P[j], 1e-5)
				for k := range want.Coef {
					checkAbs(t, "vcov", m.Cov[j][k], want.Vcov[j][k], coxCoefTol*want.SE[j]*want.SE[k])
				}
			}
			checkAbs(t, "loglik initial", m.LogLikNull, want.LoglikInitial, coxLogLikTol)
			checkAbs(t, "loglik final", m.LogLik, want.LoglikFinal, coxLogLikTol)
			checkRel(t, "LRT", m.LikelihoodRatio.Chi2, want.LRT.Stat, coxTestTol)
			checkRel(t, "Wald", m.Wald.Chi2, want.Wald.Stat, coxTestTol)
			checkRel(t, "score", m.Score.Chi2, want.Score.Stat, coxTestTol)
			checkRel(t, "LRT p", m.LikelihoodRatio.P, want.LRT.P, 1e-5)
			checkRel(t, "Wald p", m.Wald.P, want.Wald.P, 1e-5)
			checkRel(t, "score p", m.Score.P, want.Score.P, 1e-5)
			checkAbs(t, "concordance", m.Concordance, want.Concordance, coxConcTol)
		})
	}
}

func checkRel(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !scalar.EqualWithinRel(got, want, tol) {
		t.Errorf("%s = %.12g, want %.12g (rel err %.3g > %g)", what, got, want, math.Abs(got-want)/math.Abs(want), tol)
	}
}

func checkAbs(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !scalar.EqualWithinAbs(got, want, tol) {
		t.Errorf("%s = %.12g, want %.12g (abs err %.3g > %g)", what, got, want, math.Abs(got-want), tol)
	}
}

var _ = errors.Is
var _ = rand.New
var _ = json.Marshal
var _ = sync.Mutex{}
var _ = cmp.Diff

func TestCoxBenchDataShape(t *testing.T) {
	x, dur, ev := coxBenchData(200000, 1)
	_ = x
	cens := 0
	uniq := map[float64]bool{}
	for i := range dur {
		if !ev[i] {
			cens++
		}
		uniq[dur[i]] = true
	}
	t.Logf("censored %.3f distinct %d", float64(cens)/float64(len(dur)), len(uniq))
}

func TestCoxBenchIter(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	x, dur, ev := coxBenchData(1000000, 1)
	for _, ties := range []Ties{Efron, Breslow} {
		m, err := FitCox(x, dur, ev, &CoxOptions{Ties: ties})
		t.Log(ties, m.Iter, err, m.Coef)
	}
}
