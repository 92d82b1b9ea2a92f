package churn

import (
	"cmp"
	"math"
	"slices"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
)

// Model is what early warning needs from a fitted survival model: the
// probability S(t | x) that a customer with covariates x is still a customer
// at tenure t. The fitted [Cox] and [Weibull] models implement it; wrap a
// Kaplan-Meier [Curve] in a [CurveModel].
type Model interface {
	Survival(x []float64, t float64) float64
}

// CurveModel adapts a Kaplan-Meier curve to [Model]: every customer gets the
// population curve, whatever x (which may be nil). Conditioning on the
// customer's tenure (see [Warning.Assess]) still makes the warning
// personal: P(churn by t+h | still a customer at t).
type CurveModel struct {
	Curve *Curve
}

// Survival returns Curve.At(t); x is ignored.
func (m CurveModel) Survival(_ []float64, t float64) float64 { return m.Curve.At(t) }

// Level is one grade of early warning, such as "watch" or "critical".
type Level struct {
	Name string
	// MinProb is the probability of churning within the horizon at or
	// above which a customer is at this level (or higher).
	MinProb float64
	// Actions are the measures recommended for customers at this level, in
	// the order the retention team should take them.
	Actions []string
}

// Warning is a graded early-warning scheme: customers are put on a level by
// their predicted probability of churning within the next Horizon periods
// (the unit of the durations the model was fitted on), given that they are
// still customers at their current tenure. Levels are ordered by strictly
// increasing MinProb; a customer is at the highest level whose MinProb the
// probability reaches, or at no level (-1) below the first.
//
// A Warning is plain data: build one with [DefaultWarning] or as a literal,
// check it with [Warning.Validate], and store it as JSON.
type Warning struct {
	Horizon float64
	Levels  []Level
}

// DefaultWarning returns a four-level scheme for the given horizon, with
// retail-banking measures as a starting point to adapt:
//
//	watch     P ≥ 0.10
//	elevated  P ≥ 0.25
//	high      P ≥ 0.50
//	critical  P ≥ 0.75
func DefaultWarning(horizon float64) Warning {
	return Warning{
		Horizon: horizon,
		Levels: []Level{
			{Name: "watch", MinProb: 0.10, Actions: []string{
				"monitor activity and balances at the next monthly review",
				"include in the next satisfaction survey",
			}},
			{Name: "elevated", MinProb: 0.25, Actions: []string{
				"relationship manager check-in call within a month",
				"review fees and rates against the main competitors' offers",
			}},
			{Name: "high", MinProb: 0.50, Actions: []string{
				"personalised retention offer (fee waiver or rate bonus)",
				"resolve any open complaint within 48 hours",
				"offer a product that deepens the relationship",
			}},
			{Name: "critical", MinProb: 0.75, Actions: []string{
				"senior relationship manager contact within one week",
				"escalate to the retention team with a tailored win-back package",
			}},
		},
	}
}

// Validate reports an error wrapping [ErrInvalidInput] unless Horizon is
// finite and > 0 and the levels are non-empty, named, with MinProb in
// (0, 1] and strictly increasing.
func (w *Warning) Validate() error {
	return w.validate(checker("Warning.Validate"))
}

func (w *Warning) validate(c check.Checker) error {
	if math.IsNaN(w.Horizon) || math.IsInf(w.Horizon, 0) || w.Horizon <= 0 {
		return c.Fail("Warning.Horizon", -1, check.Float(w.Horizon), "must be finite and > 0")
	}
	if err := c.NonEmpty("Warning.Levels", len(w.Levels)); err != nil {
		return err
	}
	for i, l := range w.Levels {
		if l.Name == "" {
			return c.Fail("Warning.Levels.Name", i, "", "must not be empty")
		}
		if !(l.MinProb > 0 && l.MinProb <= 1) {
			return c.Fail("Warning.Levels.MinProb", i, check.Float(l.MinProb), "must be in (0, 1]")
		}
		if i > 0 && l.MinProb <= w.Levels[i-1].MinProb {
			return c.Fail("Warning.Levels.MinProb", i, check.Float(l.MinProb), "must be > the previous level's, "+check.Float(w.Levels[i-1].MinProb))
		}
	}
	return nil
}

// Level returns the index in Levels of the level for churn probability p:
// the highest level with MinProb ≤ p, or -1 when p is below every level or
// NaN.
func (w *Warning) Level(p float64) int {
	lvl := -1
	for i, l := range w.Levels {
		if p >= l.MinProb {
			lvl = i
		}
	}
	return lvl
}

// ChurnProb returns the probability that a customer who is still a customer
// at tenure churns within the next horizon periods:
//
//	P(T ≤ tenure + horizon | T > tenure) = 1 − S(tenure + horizon | x) / S(tenure | x).
//
// It is 1 when S(tenure | x) = 0 (the model gives the customer no chance of
// having stayed this long) and is clipped to [0, 1]. It is NaN when the
// model returns NaN.
func ChurnProb(m Model, x []float64, tenure, horizon float64) float64 {
	s0 := m.Survival(x, tenure)
	s1 := m.Survival(x, tenure+horizon)
	if math.IsNaN(s0) || math.IsNaN(s1) {
		return math.NaN()
	}
	if s0 <= 0 {
		return 1
	}
	return min(max(1-s1/s0, 0), 1)
}

// Alert is the early-warning assessment of one customer.
type Alert struct {
	Customer    int     // row index in the inputs
	Tenure      float64 // current tenure
	Prob        float64 // P(churn within Horizon | still a customer at Tenure)
	Level       int     // index in Warning.Levels, or -1 below every level
	Value       float64 // the value supplied by the caller (1 when none)
	ValueAtRisk float64 // Prob × Value
}

// Assess scores every customer: row i of x (the covariates, as the model
// was fitted on; x may be nil for a [CurveModel]), with current tenure[i]
// and value[i] (for example the customer's lifetime value or annual revenue;
// value may be nil, meaning 1 for everyone, which ranks by probability). It
// returns one Alert per customer, ranked by value at risk, Prob × Value,
// highest first (ties: higher Prob, then lower index), so that the retention
// budget goes first where the expected loss is largest.
//
// It returns an error wrapping [ErrInvalidInput] when the Warning is
// invalid, a tenure is negative or not finite, a value is not finite, the
// lengths differ, or the model returns NaN or a value outside [0, 1] for a
// customer (naming that customer's row). The inputs are not modified.
func (w *Warning) Assess(m Model, x mat.Matrix, tenure, value []float64) ([]Alert, error) {
	c := checker("Warning.Assess")
	if err := w.validate(c); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, c.Fail("m", -1, "nil", "must be a fitted model")
	}
	if err := c.NonEmpty("tenure", len(tenure)); err != nil {
		return nil, err
	}
	if err := c.NonNegative("tenure", tenure); err != nil {
		return nil, err
	}
	if value != nil {
		if err := c.Len("value", len(value), len(tenure)); err != nil {
			return nil, err
		}
		if err := c.Finite("value", value); err != nil {
			return nil, err
		}
	}
	var row []float64
	if x != nil {
		r, p := x.Dims()
		if err := c.Len("x rows", r, len(tenure)); err != nil {
			return nil, err
		}
		row = make([]float64, p)
	}
	alerts := make([]Alert, len(tenure))
	for i, t := range tenure {
		if x != nil {
			mat.Row(row, i, x)
		}
		s0 := m.Survival(row, t)
		s1 := m.Survival(row, t+w.Horizon)
		for _, s := range [2]float64{s0, s1} {
			if !(s >= 0 && s <= 1) {
				return nil, c.Fail("x", i, check.Float(s), "the model's survival probability for this customer must be in [0, 1]")
			}
		}
		p := 1.0
		if s0 > 0 {
			p = min(max(1-s1/s0, 0), 1)
		}
		v := 1.0
		if value != nil {
			v = value[i]
		}
		alerts[i] = Alert{Customer: i, Tenure: t, Prob: p, Level: w.Level(p), Value: v, ValueAtRisk: p * v}
	}
	slices.SortFunc(alerts, func(a, b Alert) int {
		if c := cmp.Compare(b.ValueAtRisk, a.ValueAtRisk); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Prob, a.Prob); c != 0 {
			return c
		}
		return cmp.Compare(a.Customer, b.Customer)
	})
	return alerts, nil
}

// CountByLevel returns how many alerts are at each level of w (index i for
// w.Levels[i]) and, last, how many are below every level.
func (w *Warning) CountByLevel(alerts []Alert) []int {
	n := make([]int, len(w.Levels)+1)
	for _, a := range alerts {
		if a.Level >= 0 && a.Level < len(w.Levels) {
			n[a.Level]++
		} else {
			n[len(w.Levels)]++
		}
	}
	return n
}
