package clv

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestFitMBGNBDCDNOW(t *testing.T) {
	t.Parallel()
	s := readCDNOWSummary(t)
	m, err := FitMBGNBD(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", m)
	// BTYDplus (Platzer) MBG/NBD on the CDNOW sample, as asserted in
	// lifetimes' tests/test_estimation.py test_params_out_is_close_to_BTYDplus
	// (CamDavidsonPilon/lifetimes): r, α, a, b = 0.525, 6.183, 0.891, 1.614,
	// to 3 decimals.
	const dec3 = 1.5e-3
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, 0.525}, {"alpha", m.Alpha, 6.183}, {"a", m.A, 0.891}, {"b", m.B, 1.614}} {
		if !scalar.EqualWithinAbs(c.got, c.want, dec3) {
			t.Errorf("%s = %.6g, want %.4g (3 decimals)", c.name, c.got, c.want)
		}
	}
	// The log-likelihood at the estimates must equal the one recomputed
	// from the parameters.
	ll, err := m.LogLikelihood(s)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbs(ll, m.LogLik, 1e-6) {
		t.Errorf("LogLikelihood = %.6f, LogLik = %.6f", ll, m.LogLik)
	}
	// Closed forms: P(alive | 0, 0, T) = 1/(1 + a/b·((α+T)/α)^r) < 1.
	const closedForm = 1e-12
	if got, want := m.PAlive(0, 0, 10), 1/(1+m.A/m.B*math.Pow((m.Alpha+10)/m.Alpha, m.R)); !scalar.EqualWithinRel(got, want, closedForm) {
		t.Errorf("PAlive(0, 0, 10) = %.15g, want %.15g", got, want)
	}
	// At T = 0 a new customer's conditional expectation is E[X(t)].
	if got, want := m.ConditionalPurchases(39, 0, 0, 0), m.ExpectedPurchases(39); !scalar.EqualWithinRel(got, want, closedForm) {
		t.Errorf("ConditionalPurchases(39, 0, 0, 0) = %.15g, ExpectedPurchases(39) = %.15g", got, want)
	}
}

func TestFitMBGNBDRecovery(t *testing.T) {
	t.Parallel()
	const r, alpha, a, b = 0.5, 6, 0.9, 1.6
	s := simBGNBD(simConfig{n: 20000, tMin: 20, tMax: 80, grid: 1.0 / 7, seed: 21}, r, alpha, a, b, true)
	m, err := FitMBGNBD(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.StdErr) != 4 {
		t.Fatalf("StdErr = %v", m.StdErr)
	}
	const zMax = 3
	for i, c := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, r}, {"alpha", m.Alpha, alpha}, {"a", m.A, a}, {"b", m.B, b}} {
		if z := (c.got - c.want) / m.StdErr[i]; math.Abs(z) > zMax {
			t.Errorf("%s = %.4g ± %.2g, true %.4g (z = %.2f)", c.name, c.got, m.StdErr[i], c.want, z)
		}
	}
}
