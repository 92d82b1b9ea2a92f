package churn

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// zphRefTol: R's cox.zph chi-squares are evaluated at R's β̂, which agrees
// with ours to about 1e-9 relative; 1e-6 relative leaves room for that.
const zphRefTol = 1e-6

func TestCoxPHTestRossiReference(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	// Values computed by R 4.2.2, survival 3.5-3:
	// cox.zph(coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi), transform = ...)
	type table struct {
		Terms []string
		Chisq []float64
		DF    []int
		P     []float64
	}
	var ref struct{ KM, Identity, Rank table }
	readRef(t, "rossi_coxzph.json", &ref)
	m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Names: d.names})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tr   TimeTransform
		want table
	}{{TransformKM, ref.KM}, {TransformIdentity, ref.Identity}, {TransformRank, ref.Rank}} {
		t.Run(tc.tr.String(), func(t *testing.T) {
			got, err := m.PHTest(d.x, d.week, d.event, &CoxOptions{Names: d.names}, tc.tr)
			if err != nil {
				t.Fatal(err)
			}
			p := len(d.names)
			for j := 0; j < p; j++ {
				checkRel(t, "chisq "+tc.want.Terms[j], got.Covariates[j].Chi2, tc.want.Chisq[j], zphRefTol)
				checkRel(t, "p "+tc.want.Terms[j], got.Covariates[j].P, tc.want.P[j], zphRefTol)
				if got.Covariates[j].DF != 1 {
					t.Errorf("df = %d, want 1", got.Covariates[j].DF)
				}
			}
			checkRel(t, "global chisq", got.Global.Chi2, tc.want.Chisq[p], zphRefTol)
			checkRel(t, "global p", got.Global.P, tc.want.P[p], zphRefTol)
			if got.Global.DF != tc.want.DF[p] {
				t.Errorf("global df = %d, want %d", got.Global.DF, tc.want.DF[p])
			}
			if len(got.Time) != m.Events || len(got.Scaled) != m.Events || len(got.X) != m.Events {
				t.Fatalf("residual rows = %d/%d/%d, want %d events", len(got.Time), len(got.X), len(got.Scaled), m.Events)
			}
		})
	}
}

// TestCoxPHTestScaledMean: the Schoenfeld residuals sum to the score, which
// is zero at β̂, so the scaled residuals average to β̂ (Grambsch & Therneau
// 1994, eq. 3).
func TestCoxPHTestScaledMean(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, &CoxOptions{Ties: Breslow, Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	z, err := m.PHTest(d.x, d.week, d.event, &CoxOptions{Ties: Breslow}, TransformIdentity)
	if err != nil {
		t.Fatal(err)
	}
	for j := range m.Coef {
		var s float64
		for _, r := range z.Scaled {
			s += r[j]
		}
		checkAbs(t, "mean scaled residual", s/float64(len(z.Scaled)), m.Coef[j], 1e-7)
	}
	for i := 1; i < len(z.Time); i++ {
		if z.Time[i] < z.Time[i-1] {
			t.Fatalf("Time not ascending at %d", i)
		}
	}
}

// TestCoxPHTestDetectsTrend: a covariate whose effect reverses halfway
// through follow-up fails the test; a proportional one passes.
func TestCoxPHTestDetectsTrend(t *testing.T) {
	t.Parallel()
	n := 4000
	x, dur, ev := coxSimWeibull(n, []float64{0.8, 0.5, 0}, 21)
	// Make column 1's effect time-varying: flip its sign for late events.
	for i := 0; i < n; i++ {
		if dur[i] > 8 {
			x.Set(i, 1, -x.At(i, 1))
		}
	}
	m, err := FitCox(x, dur, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	z, err := m.PHTest(x, dur, ev, nil, TransformKM)
	if err != nil {
		t.Fatal(err)
	}
	if z.Covariates[1].P > 1e-6 {
		t.Errorf("time-varying covariate p = %g, want < 1e-6", z.Covariates[1].P)
	}
	if z.Covariates[0].P < 1e-3 {
		t.Errorf("proportional covariate p = %g, want not significant", z.Covariates[0].P)
	}
}

func TestCoxPHTestErrors(t *testing.T) {
	t.Parallel()
	d := coxReadRossi(t)
	m, err := FitCox(d.x, d.week, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PHTest(d.x, d.week, d.event, nil, TimeTransform(9)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("unknown transform: error = %v", err)
	}
	if _, err := m.PHTest(mat.NewDense(432, 2, nil), d.week, d.event, nil, TransformKM); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("wrong columns: error = %v", err)
	}
	if _, err := m.PHTest(d.x, d.week[:10], d.event, nil, TransformKM); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("short duration: error = %v", err)
	}
	z, err := m.PHTest(d.x, d.week, d.event, nil, TransformLog)
	if err != nil || math.IsNaN(z.Global.Chi2) {
		t.Errorf("log transform: %v, %v", z, err)
	}
	if s := TimeTransform(9).String(); s != "TimeTransform(9)" {
		t.Errorf("String() = %q", s)
	}
}

func TestTimeTransformText(t *testing.T) {
	t.Parallel()
	for tr := TransformKM; tr <= TransformLog; tr++ {
		b, err := tr.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back TimeTransform
		if err := back.UnmarshalText(b); err != nil || back != tr {
			t.Errorf("round trip of %v = %v, %v", tr, back, err)
		}
	}
	if v, err := ParseTimeTransform("Rank"); err != nil || v != TransformRank {
		t.Errorf("ParseTimeTransform(Rank) = %v, %v", v, err)
	}
	if _, err := ParseTimeTransform("spline"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("ParseTimeTransform(spline) error = %v", err)
	}
	if _, err := TimeTransform(-1).MarshalText(); err == nil {
		t.Error("MarshalText(-1) succeeded")
	}
}
