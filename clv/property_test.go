package clv

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func TestPropPAliveInUnitInterval(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := genTransactionModel().Draw(t, "model")
		s := genSummary().Draw(t, "s")
		if p := m.PAlive(s.Frequency, s.Recency, s.T); !(p >= 0 && p <= 1) {
			t.Fatalf("PAlive(%g, %g, %g) = %g, want in [0, 1]", s.Frequency, s.Recency, s.T, p)
		}
	})
}

func TestPropBGNBDPAliveOneWithoutRepeat(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := genBGNBD().Draw(t, "model")
		T := rapid.Float64Range(0, 1e6).Draw(t, "T")
		if p := m.PAlive(0, 0, T); p != 1 {
			t.Fatalf("PAlive(0, 0, %g) = %g, want 1", T, p)
		}
	})
}

func TestPropConditionalNonNegativeIncreasing(t *testing.T) {
	t.Parallel()
	// ₂F₁ is accurate to about 1e-9 relative; allow that much slack.
	const slack = 1e-8
	rapid.Check(t, func(t *rapid.T) {
		m := genTransactionModel().Draw(t, "model")
		s := genSummary().Draw(t, "s")
		t1 := rapid.Float64Range(0, 500).Draw(t, "t1")
		t2 := t1 + rapid.Float64Range(0, 500).Draw(t, "dt")
		e1 := m.ConditionalPurchases(t1, s.Frequency, s.Recency, s.T)
		e2 := m.ConditionalPurchases(t2, s.Frequency, s.Recency, s.T)
		if !(e1 >= 0) || math.IsInf(e1, 0) {
			t.Fatalf("ConditionalPurchases(%g, …) = %g, want finite ≥ 0", t1, e1)
		}
		if !(e2 >= e1*(1-slack)) {
			t.Fatalf("ConditionalPurchases(%g) = %.12g > ConditionalPurchases(%g) = %.12g", t1, e1, t2, e2)
		}
	})
}

func TestPropExpectedNonNegativeIncreasing(t *testing.T) {
	t.Parallel()
	const slack = 1e-8
	rapid.Check(t, func(t *rapid.T) {
		m := genTransactionModel().Draw(t, "model")
		t1 := rapid.Float64Range(0, 500).Draw(t, "t1")
		t2 := t1 + rapid.Float64Range(0, 500).Draw(t, "dt")
		e1, e2 := m.ExpectedPurchases(t1), m.ExpectedPurchases(t2)
		if !(e1 >= 0) || math.IsInf(e1, 0) || !(e2 >= e1*(1-slack)) {
			t.Fatalf("ExpectedPurchases(%g) = %.12g, ExpectedPurchases(%g) = %.12g", t1, e1, t2, e2)
		}
	})
}

func TestPropCLVDecreasingInDiscountRate(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := genTransactionModel().Draw(t, "model")
		s := genSummary().Draw(t, "s")
		d1 := rapid.Float64Range(-0.5, 1).Draw(t, "rate")
		d2 := d1 + rapid.Float64Range(0, 1).Draw(t, "more")
		opts := LifetimeOptions{Steps: rapid.IntRange(1, 24).Draw(t, "steps"), StepLength: 4.345, Rate: d1}
		v1, err := LifetimeValue(m, meanSpend{def: 10}, []Summary{s}, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Rate = d2
		v2, err := LifetimeValue(m, meanSpend{def: 10}, []Summary{s}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !(v1[0] >= 0) || v2[0] > v1[0] {
			t.Fatalf("CLV at rate %g = %g, at rate %g = %g", d1, v1[0], d2, v2[0])
		}
	})
}

func TestPropCLVIncreasingInHorizon(t *testing.T) {
	t.Parallel()
	const slack = 1e-8
	rapid.Check(t, func(t *rapid.T) {
		m := genTransactionModel().Draw(t, "model")
		s := genSummary().Draw(t, "s")
		opts := LifetimeOptions{Steps: rapid.IntRange(1, 24).Draw(t, "steps"), StepLength: 1, Rate: 0.01}
		v1, err1 := LifetimeValue(m, meanSpend{def: 10}, []Summary{s}, opts)
		opts.Steps += rapid.IntRange(1, 12).Draw(t, "more")
		v2, err2 := LifetimeValue(m, meanSpend{def: 10}, []Summary{s}, opts)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if v2[0] < v1[0]*(1-slack) {
			t.Fatalf("longer horizon lowers CLV: %g → %g", v1[0], v2[0])
		}
	})
}

func TestPropSummarizeValidAndOrderFree(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		p := genPurchases().Draw(t, "p")
		g := Grouping(rapid.IntRange(0, 2).Draw(t, "grouping"))
		end := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		orig := append([]Purchase(nil), p...)
		got, err := SummarizeWith(p, end, 24*time.Hour, &SummarizeOptions{Grouping: g})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(orig, p); diff != "" {
			t.Fatalf("input modified:\n%s", diff)
		}
		if err := validateSummaries(checker("test"), got); err != nil {
			t.Fatalf("invalid summary: %v", err)
		}
		total := 0.0
		for _, s := range got {
			total += s.Frequency + 1
		}
		if total > float64(len(p)) {
			t.Fatalf("%g transactions from %d rows", total, len(p))
		}
		if g == NoGrouping {
			// Rows at equal times are taken in input order, so which is
			// the first purchase depends on it.
			return
		}
		// Reversing the rows permutes the customers but not their
		// summaries (up to the rounding of the grouped amounts' sums).
		rev := make([]Purchase, len(p))
		for i := range p {
			rev[len(p)-1-i] = p[i]
		}
		back, err := SummarizeWith(rev, end, 24*time.Hour, &SummarizeOptions{Grouping: g})
		if err != nil {
			t.Fatal(err)
		}
		byID := make(map[string]Summary)
		for _, s := range back {
			byID[s.Customer] = s
		}
		for _, s := range got {
			if diff := cmp.Diff(s, byID[s.Customer], cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Fatalf("summary depends on row order:\n%s", diff)
			}
		}
	})
}

func TestPropFitOrderInvariant(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SliceOfN(genSummary(), 5, 30).Draw(t, "s")
		orig := append([]Summary(nil), s...)
		m1, err1 := FitBGNBD(s, &FitOptions{MaxIter: 30})
		if diff := cmp.Diff(orig, s); diff != "" {
			t.Fatalf("FitBGNBD modified s:\n%s", diff)
		}
		rev := make([]Summary, len(s))
		for i := range s {
			rev[len(s)-1-i] = s[i]
		}
		m2, err2 := FitBGNBD(rev, &FitOptions{MaxIter: 30})
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v, %v", err1, err2)
		}
		if diff := cmp.Diff(m1, m2); diff != "" {
			t.Fatalf("fit depends on row order:\n%s", diff)
		}
	})
}
