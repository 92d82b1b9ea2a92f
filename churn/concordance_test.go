package churn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/floats/scalar"
)

// bruteConcordance counts pairs by the definition in ConcordanceCounts, in
// O(n²).
func bruteConcordance(risk, duration []float64, event []bool, weight []float64) ConcordanceCounts {
	w := func(i int) float64 {
		if weight == nil {
			return 1
		}
		return weight[i]
	}
	var c ConcordanceCounts
	n := len(duration)
	ic, id, it := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range duration {
		if !event[i] {
			continue
		}
		for j := range duration {
			if j == i {
				continue
			}
			ww := w(i) * w(j)
			switch {
			case duration[j] > duration[i] || (duration[j] == duration[i] && !event[j]):
				switch {
				case risk[i] > risk[j]:
					c.Concordant += ww
					ic[i] += w(j)
					ic[j] += w(i)
				case risk[i] < risk[j]:
					c.Discordant += ww
					id[i] += w(j)
					id[j] += w(i)
				default:
					c.TiedRisk += ww
					it[i] += w(j)
					it[j] += w(i)
				}
			case duration[j] == duration[i] && j > i: // both churned: count once
				if risk[i] == risk[j] {
					c.TiedBoth += ww
				} else {
					c.TiedTime += ww
				}
			}
		}
	}
	// R's infinitesimal jackknife (survival's concordancefit: dfbeta,
	// var = sum(dfbeta^2)/4), written out on the pair counts.
	np := c.Concordant + c.Discordant + c.TiedRisk
	if np > 0 {
		somer := (c.Concordant - c.Discordant) / np
		v := 0.0
		for i := range n {
			b := w(i) * ((ic[i]-id[i])/np - somer*(ic[i]+id[i]+it[i])/np)
			v += b * b
		}
		c.StdErr = math.Sqrt(v / 4)
	}
	return c
}

// TestConcordanceRossiReference checks the pair counts and C against R
// 4.2.2, survival 3.5-3: coxph(Surv(week, arrest) ~ fin + age + race +
// wexp + mar + paro + prio, data = rossi)$concordance, whose counts are
// concordant 27242, discordant 15291, tied.x 49, tied.y 111, tied.xy 0,
// C 0.640329247099714 and its standard error 0.0266581227726475
// (shared/reference/rossi_coxph_efron.json). The risk
// is the linear predictor at R's coefficients; equal covariate rows give
// exactly equal risks, so the counts are integers and must match exactly.
func TestConcordanceRossiReference(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	var ref struct {
		Cox struct {
			Terms         []string `json:"terms"`
			Coef          []float64
			Concordance   float64
			ConcordanceSE float64            `json:"concordance_se"`
			Counts        map[string]float64 `json:"concordance_counts"`
		} `json:"cox"`
	}
	readRef(t, "rossi_coxph_efron.json", &ref)
	risk := make([]float64, len(d.week))
	for j, name := range ref.Cox.Terms {
		for i, x := range d.col[name] {
			risk[i] += ref.Cox.Coef[j] * x
		}
	}
	got, err := ConcordanceWeighted(risk, d.week, d.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	for path := 1; path <= 2; path++ {
		if diff := cmp.Diff(got, concordanceCounts(risk, d.week, d.arrest, nil, path), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("path %d differs (-auto +path):\n%s", path, diff)
		}
	}
	want := ConcordanceCounts{
		Concordant: ref.Cox.Counts["concordant"],
		Discordant: ref.Cox.Counts["discordant"],
		TiedRisk:   ref.Cox.Counts["tied.x"],
		TiedTime:   ref.Cox.Counts["tied.y"],
		TiedBoth:   ref.Cox.Counts["tied.xy"],
		StdErr:     ref.Cox.ConcordanceSE,
	}
	// The standard error is a sum of squares: compare it to the 15 digits
	// R printed.
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("counts mismatch (-want +got):\n%s", diff)
	}
	c, err := Concordance(risk, d.week, d.arrest)
	if err != nil {
		t.Fatal(err)
	}
	// Both are ratios of the same integers: closed-form tolerance.
	if !scalar.EqualWithinAbsOrRel(c, ref.Cox.Concordance, survHandTol, survHandTol) {
		t.Errorf("Concordance = %.15g, want %.15g", c, ref.Cox.Concordance)
	}
}

// TestConcordanceHand checks a case counted by hand. Customers (duration,
// churned, risk): A (1, yes, 3), B (2, yes, 1), C (2, no, 2), D (2, yes, 1),
// E (3, no, 3). Comparable pairs: A with B, C, D, E: concordant with B, C,
// D, tied with E; B with C (censored at the same time): discordant; B with
// E: discordant; D with C, E: discordant. B and D churned together with the
// same risk: TiedBoth 1. C = (3 + ½)/(3 + 4 + 1) = 3.5/8.
func TestConcordanceHand(t *testing.T) {
	t.Parallel()
	risk := []float64{3, 1, 2, 1, 3}
	duration := []float64{1, 2, 2, 2, 3}
	event := []bool{true, true, false, true, false}
	got, err := ConcordanceWeighted(risk, duration, event, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ConcordanceCounts{Concordant: 3, Discordant: 4, TiedRisk: 1, TiedBoth: 1}
	got.StdErr = 0 // checked against the brute force elsewhere
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if c, _ := Concordance(risk, duration, event); c != 3.5/8 {
		t.Errorf("C = %v, want %v", c, 3.5/8)
	}
}

// TestConcordanceMatchesBruteForce compares the O(n log n) counts with the
// O(n²) definition on data with heavy ties in risk and in time, with and
// without weights.
func TestConcordanceMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for rep := range 50 {
		n := 1 + r.IntN(60)
		risk := make([]float64, n)
		duration := make([]float64, n)
		event := make([]bool, n)
		weight := make([]float64, n)
		nrisk, ntime := 1+r.IntN(12), 1+r.IntN(12)
		for i := range n {
			risk[i] = float64(r.IntN(nrisk)) - 2
			duration[i] = float64(r.IntN(ntime))
			event[i] = r.IntN(3) > 0
			weight[i] = float64(r.IntN(4)) / 2
		}
		for _, w := range [][]float64{nil, weight} {
			want := bruteConcordance(risk, duration, event, w)
			for path := 1; path <= 2; path++ {
				got := concordanceCounts(risk, duration, event, w, path)
				if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
					t.Fatalf("rep %d (weighted %v, path %d): mismatch (-brute +fast):\n%s", rep, w != nil, path, diff)
				}
			}
		}
	}
}

func TestConcordanceBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		risk     []float64
		duration []float64
		event    []bool
		field    string
		index    int
	}{
		{"empty", nil, nil, nil, "duration", -1},
		{"risk length", []float64{1}, []float64{1, 2}, []bool{true, false}, "risk", -1},
		{"risk NaN", []float64{1, math.NaN()}, []float64{1, 2}, []bool{true, false}, "risk", 1},
		{"risk Inf", []float64{math.Inf(-1), 0}, []float64{1, 2}, []bool{true, false}, "risk", 0},
		{"negative duration", []float64{1, 2}, []float64{1, -2}, []bool{true, false}, "duration", 1},
		{"all censored", []float64{1, 2}, []float64{1, 2}, []bool{false, false}, "event", -1},
		{"single churn last", []float64{1, 2}, []float64{1, 2}, []bool{false, true}, "event", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Concordance(tc.risk, tc.duration, tc.event)
			assertInputError(t, err, tc.field, tc.index)
		})
	}
	_, err := ConcordanceWeighted([]float64{1, 2}, []float64{1, 2}, []bool{true, false}, []float64{1, math.NaN()})
	assertInputError(t, err, "opts.Weight", 1)
}

func TestConcordanceInputsUnchanged(t *testing.T) {
	t.Parallel()
	risk := []float64{0.3, -1, 2, 2, 0}
	duration := []float64{5, 1, 3, 3, 2}
	event := []bool{true, true, false, true, true}
	r0, d0, e0 := append([]float64(nil), risk...), append([]float64(nil), duration...), append([]bool(nil), event...)
	if _, err := Concordance(risk, duration, event); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{cmp.Diff(r0, risk), cmp.Diff(d0, duration), cmp.Diff(e0, event)} {
		if d != "" {
			t.Errorf("input modified (-before +after):\n%s", d)
		}
	}
}
