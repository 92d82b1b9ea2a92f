package churn

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// expModel is an exponential proportional-hazards model with hazard
// rate·exp(x[0]), whose conditional churn probability has the closed form
// 1 − exp(−rate·exp(x[0])·h), whatever the tenure (no memory).
type expModel struct{ rate float64 }

func (m expModel) Survival(x []float64, t float64) float64 {
	return math.Exp(-m.rate * math.Exp(x[0]) * t)
}

type badModel struct{}

func (badModel) Survival(x []float64, t float64) float64 {
	if x[0] > 0 {
		return math.NaN()
	}
	return 1
}

func TestWarningAssessClosedForm(t *testing.T) {
	t.Parallel()
	w := DefaultWarning(3)
	x := mat.NewDense(4, 1, []float64{-1, 0, 1, 2})
	tenure := []float64{0, 10, 5, 1}
	value := []float64{100, 50, 20, 10}
	m := expModel{rate: 0.1}
	alerts, err := w.Assess(m, x, tenure, value)
	if err != nil {
		t.Fatal(err)
	}
	probs := make([]float64, 4)
	for i := range probs {
		probs[i] = 1 - math.Exp(-0.1*math.Exp(x.At(i, 0))*3)
	}
	// probs ≈ 0.1046, 0.2592, 0.5564, 0.8912; levels 0, 1, 2, 3;
	// value at risk ≈ 10.46, 12.96, 11.13, 8.91.
	wantOrder := []int{1, 2, 0, 3}
	wantLevel := []int{0, 1, 2, 3}
	for k, a := range alerts {
		i := wantOrder[k]
		if a.Customer != i {
			t.Fatalf("rank %d: customer %d, want %d", k, a.Customer, i)
		}
		if !scalar.EqualWithinAbsOrRel(a.Prob, probs[i], survHandTol, survHandTol) {
			t.Errorf("customer %d: Prob %v, want %v", i, a.Prob, probs[i])
		}
		if a.Level != wantLevel[i] || a.Tenure != tenure[i] || a.Value != value[i] || a.ValueAtRisk != a.Prob*a.Value {
			t.Errorf("customer %d: %+v", i, a)
		}
	}
	if got := w.CountByLevel(alerts); !cmp.Equal(got, []int{1, 1, 1, 1, 0}) {
		t.Errorf("CountByLevel = %v", got)
	}
	if got := ChurnProb(m, []float64{1}, 7, 3); !scalar.EqualWithinAbsOrRel(got, probs[2], survHandTol, survHandTol) {
		t.Errorf("ChurnProb = %v, want %v", got, probs[2])
	}
}

// TestWarningKaplanMeierConditional checks P(churn by t+h | survived to t)
// from a curve: S = 7/8, 5/8, 5/8, 5/12, 5/12 at 1, 2, 3, 5, 8.
func TestWarningKaplanMeierConditional(t *testing.T) {
	t.Parallel()
	c, err := KaplanMeier([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := Warning{Horizon: 2, Levels: []Level{{Name: "watch", MinProb: 0.2}, {Name: "act", MinProb: 0.3}}}
	alerts, err := w.Assess(CurveModel{c}, nil, []float64{0, 1, 3, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{
		0: 1 - 5.0/8,            // S(2)/S(0)
		1: 1 - (5.0/8)/(7.0/8),  // S(3)/S(1)
		2: 1 - (5.0/12)/(5.0/8), // S(5)/S(3)
		3: 0,                    // S(8)/S(6) = 1: no churn after 5
	}
	wantLevel := map[int]int{0: 1, 1: 0, 2: 1, 3: -1}
	for _, a := range alerts {
		if !scalar.EqualWithinAbsOrRel(a.Prob, want[a.Customer], survHandTol, survHandTol) || a.Level != wantLevel[a.Customer] {
			t.Errorf("customer %d: Prob %v level %d, want %v level %d", a.Customer, a.Prob, a.Level, want[a.Customer], wantLevel[a.Customer])
		}
		if a.Value != 1 || a.ValueAtRisk != a.Prob {
			t.Errorf("customer %d: no value given, got %+v", a.Customer, a)
		}
	}
	if alerts[0].Customer != 0 || alerts[3].Customer != 3 {
		t.Errorf("ranking %+v", alerts)
	}
}

func TestWarningLevelBoundaries(t *testing.T) {
	t.Parallel()
	w := DefaultWarning(30)
	tests := []struct {
		p    float64
		want int
	}{{0, -1}, {0.0999, -1}, {0.1, 0}, {0.2499, 0}, {0.25, 1}, {0.5, 2}, {0.75, 3}, {1, 3}, {math.NaN(), -1}}
	for _, tc := range tests {
		if got := w.Level(tc.p); got != tc.want {
			t.Errorf("Level(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
	if err := w.Validate(); err != nil {
		t.Errorf("DefaultWarning invalid: %v", err)
	}
	for _, l := range w.Levels {
		if len(l.Actions) == 0 {
			t.Errorf("level %s has no actions", l.Name)
		}
	}
}

func TestWarningBadInput(t *testing.T) {
	t.Parallel()
	good := DefaultWarning(1)
	x := mat.NewDense(2, 1, []float64{0, 1})
	tests := []struct {
		name   string
		w      Warning
		m      Model
		x      mat.Matrix
		tenure []float64
		value  []float64
		field  string
		index  int
	}{
		{"zero horizon", Warning{Horizon: 0, Levels: good.Levels}, expModel{1}, x, []float64{1, 2}, nil, "Warning.Horizon", -1},
		{"NaN horizon", Warning{Horizon: math.NaN(), Levels: good.Levels}, expModel{1}, x, []float64{1, 2}, nil, "Warning.Horizon", -1},
		{"no levels", Warning{Horizon: 1}, expModel{1}, x, []float64{1, 2}, nil, "Warning.Levels", -1},
		{"unnamed", Warning{Horizon: 1, Levels: []Level{{MinProb: 0.5}}}, expModel{1}, x, []float64{1, 2}, nil, "Warning.Levels.Name", 0},
		{"prob 0", Warning{Horizon: 1, Levels: []Level{{Name: "a", MinProb: 0}}}, expModel{1}, x, []float64{1, 2}, nil, "Warning.Levels.MinProb", 0},
		{"not increasing", Warning{Horizon: 1, Levels: []Level{{Name: "a", MinProb: 0.5}, {Name: "b", MinProb: 0.5}}}, expModel{1}, x, []float64{1, 2}, nil, "Warning.Levels.MinProb", 1},
		{"nil model", good, nil, x, []float64{1, 2}, nil, "m", -1},
		{"no customers", good, expModel{1}, x, nil, nil, "tenure", -1},
		{"negative tenure", good, expModel{1}, x, []float64{1, -2}, nil, "tenure", 1},
		{"value length", good, expModel{1}, x, []float64{1, 2}, []float64{1}, "value", -1},
		{"value Inf", good, expModel{1}, x, []float64{1, 2}, []float64{1, math.Inf(1)}, "value", 1},
		{"x rows", good, expModel{1}, mat.NewDense(3, 1, nil), []float64{1, 2}, nil, "x rows", -1},
		{"model NaN", good, badModel{}, x, []float64{1, 2}, nil, "x", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.w.Assess(tc.m, tc.x, tc.tenure, tc.value)
			assertInputError(t, err, tc.field, tc.index)
		})
	}
}

func TestWarningJSONRoundTrip(t *testing.T) {
	t.Parallel()
	w := DefaultWarning(90)
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var back Warning
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestWarningInputsUnchanged(t *testing.T) {
	t.Parallel()
	w := DefaultWarning(2)
	x := mat.NewDense(3, 1, []float64{0, 1, -1})
	tenure, value := []float64{1, 2, 3}, []float64{5, 1, 3}
	t0, v0, x0 := append([]float64(nil), tenure...), append([]float64(nil), value...), mat.DenseCopyOf(x)
	if _, err := w.Assess(expModel{0.2}, x, tenure, value); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(t0, tenure) || !cmp.Equal(v0, value) || !mat.Equal(x0, x) {
		t.Error("Assess modified its inputs")
	}
}

// The fitted regression models are early-warning models.
var (
	_ Model = (*Cox)(nil)
	_ Model = (*Weibull)(nil)
	_ Model = CurveModel{}
)

// TestWarningWithFittedModels assesses the rossi customers with a Cox and a
// Weibull model fitted to them: each probability must be the model's own
// conditional probability, and a wrong covariate count is an error.
func TestWarningWithFittedModels(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	names := []string{"fin", "age", "race", "wexp", "mar", "paro", "prio"}
	n := len(d.week)
	x := mat.NewDense(n, len(names), nil)
	for j, name := range names {
		for i, v := range d.col[name] {
			x.Set(i, j, v)
		}
	}
	cox, err := FitCox(x, d.week, d.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := FitWeibull(x, d.week, d.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	tenure := make([]float64, n)
	for i := range tenure {
		tenure[i] = float64(i % 40)
	}
	w := DefaultWarning(12)
	for _, m := range []Model{cox, wb} {
		alerts, err := w.Assess(m, x, tenure, d.col["prio"])
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range alerts {
			row := x.RawRowView(a.Customer)
			want := 1 - m.Survival(row, a.Tenure+12)/m.Survival(row, a.Tenure)
			if !scalar.EqualWithinAbsOrRel(a.Prob, want, survHandTol, survHandTol) || a.Level != w.Level(a.Prob) {
				t.Fatalf("%T: customer %d: %+v, want Prob %v", m, a.Customer, a, want)
			}
		}
		_, err = w.Assess(m, mat.NewDense(n, 2, nil), tenure, nil)
		assertInputError(t, err, "x", 0)
	}
}
