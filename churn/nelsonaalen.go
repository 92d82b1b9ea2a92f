package churn

import (
	"encoding/json"
	"math"
)

// CumHazard is a Nelson-Aalen cumulative hazard estimate: one row per
// distinct duration (event or censoring time), in increasing order, as R's
// survfit(..., ctype = 1) reports it. Like [Curve] it is immutable, safe for
// concurrent use and round-trips through encoding/json.
type CumHazard struct {
	Time     []float64 // distinct durations, increasing
	AtRisk   []float64 // (weighted) number at risk just before Time[i]
	Events   []float64 // (weighted) number of events at Time[i]
	Censored []float64 // (weighted) number censored at Time[i]
	Hazard   []float64 // cumulative hazard H(Time[i]) = Σ_{t_j ≤ t} d_j/n_j
	// Variance is the variance of H(Time[i]), Σ_{t_j ≤ t} d_j/n_j²
	// (Aalen 1978, Ann. Statist. 6:701–726; R's survfit std.err squared).
	Variance []float64
}

// NelsonAalen estimates the cumulative hazard H(t) = Σ_{t_i ≤ t} d_i/n_i
// (Nelson 1972, Technometrics 14:945–966; Aalen 1978, eq. 2.1) with its
// variance Σ d_i/n_i², as R's survfit(Surv(duration, event) ~ 1,
// ctype = 1). Weights and delayed entry are as in [KaplanMeier]; opts may be
// nil. exp(−H(t)) is the Fleming-Harrington estimate of S(t).
//
// Like KaplanMeier it runs in linear time and does not modify its inputs.
func NelsonAalen(duration []float64, event []bool, opts *SurvOptions) (*CumHazard, error) {
	weight, entry := opts.parts()
	c := checker("NelsonAalen")
	if err := validateSurv(c, duration, event, weight, entry); err != nil {
		return nil, err
	}
	if err := validatePositiveTotal(c, weight); err != nil {
		return nil, err
	}
	t := newRiskTable(duration, event, weight, entry)
	m := len(t.time)
	h := &CumHazard{
		Time:     t.time,
		AtRisk:   t.atRisk,
		Events:   t.events,
		Censored: t.censored,
		Hazard:   make([]float64, m),
		Variance: make([]float64, m),
	}
	cum, v := 0.0, 0.0
	for i := range m {
		if n, d := t.atRisk[i], t.events[i]; d > 0 && n > 0 {
			cum += d / n
			v += d / (n * n)
		}
		h.Hazard[i] = cum
		h.Variance[i] = v
	}
	return h, nil
}

// At returns H(t), the step function: 0 before the first time (and for
// t < 0), its last value after the last time, NaN for NaN.
func (h *CumHazard) At(t float64) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	i := timeIndex(h.Time, t)
	if i == 0 {
		return 0
	}
	return h.Hazard[i-1]
}

// UnmarshalJSON decodes a CumHazard encoded by encoding/json and checks
// that its columns have equal lengths.
func (h *CumHazard) UnmarshalJSON(b []byte) error {
	type plain CumHazard
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	m := len(p.Time)
	for _, col := range [...]struct {
		name string
		n    int
	}{{"AtRisk", len(p.AtRisk)}, {"Events", len(p.Events)}, {"Censored", len(p.Censored)}, {"Hazard", len(p.Hazard)}, {"Variance", len(p.Variance)}} {
		if err := checker("CumHazard.UnmarshalJSON").Len(col.name, col.n, m); err != nil {
			return err
		}
	}
	*h = CumHazard(p)
	return nil
}
