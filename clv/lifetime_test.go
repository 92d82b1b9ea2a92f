package clv

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// poissonModel buys at a constant rate forever: E[Y(t)] = rate·t.
type poissonModel struct{ rate float64 }

func (m poissonModel) ConditionalPurchases(t, x, tx, T float64) float64 { return m.rate * t }

// meanSpend predicts the customer's own mean value, or a default for
// customers without repeat purchases.
type meanSpend struct{ def float64 }

func (m meanSpend) ExpectedValue(x, mx float64) float64 {
	if x == 0 {
		return m.def
	}
	return mx
}

func TestLifetimeValueClosedForm(t *testing.T) {
	t.Parallel()
	// With E[Y(t)] = λt and spend m, the value is an annuity:
	// m·λ·L·Σ_{k=1..K}(1+d)^−k = m·λ·L·(1 − (1+d)^−K)/d.
	const closedForm = 1e-12
	s := []Summary{{Frequency: 3, Recency: 5, T: 9, MeanValue: 20}, {T: 4}}
	orig := append([]Summary(nil), s...)
	tests := []struct {
		name string
		opts LifetimeOptions
		want func(m float64) float64
	}{
		{"monthly 1%", LifetimeOptions{Steps: 12, StepLength: 4.345, Rate: 0.01}, func(m float64) float64 {
			return m * 0.5 * 4.345 * (1 - math.Pow(1.01, -12)) / 0.01
		}},
		{"no discount", LifetimeOptions{Steps: 12, StepLength: 4.345}, func(m float64) float64 { return m * 0.5 * 4.345 * 12 }},
		// lifetimes' convention: a discount rate of 1 over one step halves
		// the value.
		{"rate 1 halves", LifetimeOptions{Steps: 1, StepLength: 2, Rate: 1}, func(m float64) float64 { return m * 0.5 * 2 / 2 }},
		{"margin", LifetimeOptions{Steps: 3, StepLength: 1, Rate: 0.1, Margin: 0.3}, func(m float64) float64 {
			return 0.3 * m * 0.5 * (1/1.1 + 1/1.21 + 1/1.331)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LifetimeValue(poissonModel{0.5}, meanSpend{10}, s, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i, m := range []float64{20, 10} {
				if want := tc.want(m); !scalar.EqualWithinRel(got[i], want, closedForm) {
					t.Errorf("customer %d: CLV = %.15g, want %.15g", i, got[i], want)
				}
			}
			if diff := cmp.Diff(orig, s); diff != "" {
				t.Errorf("LifetimeValue modified s (-before +after):\n%s", diff)
			}
		})
	}
}

func TestLifetimeValueBGNBD(t *testing.T) {
	t.Parallel()
	// Undiscounted, the step sums telescope to the conditional expectation
	// over the whole horizon: CLV = m·E[Y(K·L) | x, t_x, T].
	m := &BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	s := []Summary{{Frequency: 2, Recency: 30.43, T: 38.86, MeanValue: 22.35}}
	got, err := LifetimeValue(m, meanSpend{}, s, LifetimeOptions{Steps: 12, StepLength: 52.0 / 12})
	if err != nil {
		t.Fatal(err)
	}
	const telescoping = 1e-12
	if want := 22.35 * m.ConditionalPurchases(52, 2, 30.43, 38.86); !scalar.EqualWithinRel(got[0], want, telescoping) {
		t.Errorf("CLV = %.15g, want %.15g", got[0], want)
	}
}

// badModel returns NaN predictions.
type badModel struct{}

func (badModel) ConditionalPurchases(t, x, tx, T float64) float64 { return math.NaN() }

func TestLifetimeValueBadInput(t *testing.T) {
	t.Parallel()
	s := []Summary{{Frequency: 1, Recency: 1, T: 2, MeanValue: 5}}
	ok := LifetimeOptions{Steps: 12, StepLength: 1, Rate: 0.01}
	tests := []struct {
		name  string
		tm    TransactionModel
		sm    SpendModel
		s     []Summary
		opts  LifetimeOptions
		field string
		index int
	}{
		{"nil transaction model", nil, meanSpend{}, s, ok, "tm", -1},
		{"nil spend model", poissonModel{1}, nil, s, ok, "sm", -1},
		{"no steps", poissonModel{1}, meanSpend{}, s, LifetimeOptions{StepLength: 1}, "opts.Steps", -1},
		{"zero step length", poissonModel{1}, meanSpend{}, s, LifetimeOptions{Steps: 1}, "opts.StepLength", -1},
		{"rate -1", poissonModel{1}, meanSpend{}, s, LifetimeOptions{Steps: 1, StepLength: 1, Rate: -1}, "opts.Rate", -1},
		{"rate below -1", poissonModel{1}, meanSpend{}, s, LifetimeOptions{Steps: 1, StepLength: 1, Rate: -2}, "opts.Rate", -1},
		{"NaN rate", poissonModel{1}, meanSpend{}, s, LifetimeOptions{Steps: 1, StepLength: 1, Rate: math.NaN()}, "opts.Rate", -1},
		{"negative margin", poissonModel{1}, meanSpend{}, s, LifetimeOptions{Steps: 1, StepLength: 1, Margin: -1}, "opts.Margin", -1},
		{"empty", poissonModel{1}, meanSpend{}, nil, ok, "s", -1},
		{"recency > T", poissonModel{1}, meanSpend{}, []Summary{{Frequency: 1, Recency: 3, T: 2}}, ok, "s.Recency", 0},
		{"NaN prediction", badModel{}, meanSpend{}, s, ok, "tm.ConditionalPurchases", 0},
		{"negative spend", poissonModel{1}, meanSpend{def: -1}, []Summary{{T: 1}}, ok, "sm.ExpectedValue", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LifetimeValue(tc.tm, tc.sm, tc.s, tc.opts)
			var ie *InputError
			if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &ie) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if ie.Field != tc.field || ie.Index != tc.index {
				t.Errorf("field, index = %q, %d; want %q, %d", ie.Field, ie.Index, tc.field, tc.index)
			}
		})
	}
}

func TestLifetimeValueCDNOWLifetimes(t *testing.T) {
	t.Parallel()
	// lifetimes docs/Quickstart.md (CamDavidsonPilon/lifetimes @2445a20):
	// ggf.customer_lifetime_value(bgf, …, time=12, discount_rate=0.01) on the
	// CDNOW summary with monetary value, with the BG/NBD and Gamma-Gamma
	// (p, q, v = 6.25, 3.74, 15.45) fitted to it, printed to 6 decimals for
	// the first 10 customers. lifetimes' default freq="D" makes each of the
	// 12 monthly steps 30 periods long, although CDNOW is in weeks, and
	// discounts step k by 1.01^k; StepLength: 30 reproduces that.
	want := []float64{140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216, 38.180574}
	s := readCDNOWZbar(t)
	bg, err := FitBGNBD(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := FitGammaGamma(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := LifetimeValue(bg, gg, s[:10], LifetimeOptions{Steps: 12, StepLength: 30, Rate: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	// Two independent maximum-likelihood fits agree to about 1e-6
	// relative in the parameters; the CLV inherits that.
	const fitsAgree = 1e-5
	for i := range want {
		if !scalar.EqualWithinRel(got[i], want[i], fitsAgree) {
			t.Errorf("customer %s: CLV = %.6f, want %.6f", s[i].Customer, got[i], want[i])
		}
	}
}

// scalarOnly hides a model's batch method, forcing LifetimeValue's
// per-customer path.
type scalarOnly struct{ TransactionModel }

func TestLifetimeValueBatchMatchesScalar(t *testing.T) {
	t.Parallel()
	s := simBGNBD(simConfig{n: 2000, tMin: 0, tMax: 52, grid: 1.0 / 7, seed: 9}, 0.243, 4.414, 0.793, 2.426, false)
	opts := LifetimeOptions{Steps: 12, StepLength: 52.0 / 12, Rate: 0.01, Margin: 0.2}
	for _, m := range []TransactionModel{
		&BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		&MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
		&ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
	} {
		batch, err1 := LifetimeValue(m, meanSpend{def: 30}, s, opts)
		one, err2 := LifetimeValue(scalarOnly{m}, meanSpend{def: 30}, s, opts)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		// Same arithmetic in the same order: equal bit for bit.
		if diff := cmp.Diff(one, batch); diff != "" {
			t.Errorf("%T: batch and per-customer CLV differ (-scalar +batch):\n%s", m, diff)
		}
	}
}
