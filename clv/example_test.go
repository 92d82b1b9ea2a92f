package clv_test

import (
	"fmt"
	"time"

	"github.com/clmkit/clm/clv"
)

func ExampleSummarize() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 10, 0, 0, 0, time.UTC) }
	p := []clv.Purchase{
		{Customer: "anna", At: day(1, 3), Amount: 20},
		{Customer: "anna", At: day(1, 3), Amount: 5}, // same day: one transaction of 25
		{Customer: "anna", At: day(2, 14), Amount: 40},
		{Customer: "anna", At: day(3, 20), Amount: 30},
		{Customer: "ben", At: day(2, 1), Amount: 15},
	}
	end := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	s, err := clv.Summarize(p, end, 7*24*time.Hour) // in weeks
	if err != nil {
		panic(err)
	}
	for _, c := range s {
		fmt.Printf("%s: x=%g t_x=%.2f T=%.2f mean=%.1f\n", c.Customer, c.Frequency, c.Recency, c.T, c.MeanValue)
	}
	// Output:
	// anna: x=2 t_x=11.00 T=12.57 mean=35.0
	// ben: x=0 t_x=0.00 T=8.43 mean=0.0
}

// cohort returns a small cohort of customers in weeks: count customers
// share each (x, t_x, T).
func cohort() []clv.Summary {
	rows := []struct{ x, tx, T, count float64 }{
		{0, 0, 38, 60}, {0, 0, 30, 40}, {1, 5, 38, 15}, {1, 30, 36, 12}, {2, 10, 38, 8},
		{2, 33, 35, 10}, {3, 20, 38, 5}, {4, 36, 37, 6}, {6, 30, 38, 3}, {8, 37, 38, 4},
	}
	var s []clv.Summary
	for _, r := range rows {
		for range int(r.count) {
			s = append(s, clv.Summary{Frequency: r.x, Recency: r.tx, T: r.T})
		}
	}
	return s
}

func ExampleFitBGNBD() {
	m, err := clv.FitBGNBD(cohort(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("r=%.3f alpha=%.2f a=%.3f b=%.3f LL=%.1f\n", m.R, m.Alpha, m.A, m.B, m.LogLik)
	fmt.Printf("P(alive | x=2, t_x=10, T=38) = %.3f\n", m.PAlive(2, 10, 38))
	fmt.Printf("expected purchases in the next 52 weeks = %.3f\n", m.ConditionalPurchases(52, 2, 10, 38))
	// Output:
	// r=0.385 alpha=13.10 a=0.191 b=1.414 LL=-655.9
	// P(alive | x=2, t_x=10, T=38) = 0.655
	// expected purchases in the next 52 weeks = 1.481
}

func ExampleBGNBD_PAlive() {
	// The BG/NBD fitted to the CDNOW sample (Fader, Hardie & Lee 2005).
	m := &clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	// Customer 1: two repeat purchases, the last in week 30.43, observed
	// for 38.86 weeks.
	fmt.Printf("P(alive) = %.3f\n", m.PAlive(2, 30.43, 38.86))
	fmt.Printf("E[purchases in the next 39 weeks] = %.3f\n", m.ConditionalPurchases(39, 2, 30.43, 38.86))
	fmt.Printf("E[repeat purchases of a new customer in 78 weeks] = %.3f\n", m.ExpectedPurchases(78))
	// Output:
	// P(alive) = 0.727
	// E[purchases in the next 39 weeks] = 1.226
	// E[repeat purchases of a new customer in 78 weeks] = 1.861
}

func ExampleFitParetoNBD() {
	m, err := clv.FitParetoNBD(cohort(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("r=%.3f alpha=%.2f s=%.3f beta=%.2f LL=%.1f\n", m.R, m.Alpha, m.S, m.Beta, m.LogLik)
	fmt.Printf("P(alive | x=0, T=38) = %.3f\n", m.PAlive(0, 0, 38))
	// Output:
	// r=0.613 alpha=18.75 s=0.249 beta=8.57 LL=-655.0
	// P(alive | x=0, T=38) = 0.558
}

// flatSpend is a spend model that predicts the customer's own mean value,
// or 30 for customers without repeat purchases; a fitted Gamma-Gamma model
// plays this role in practice.
type flatSpend struct{}

func (flatSpend) ExpectedValue(x, mx float64) float64 {
	if x == 0 {
		return 30
	}
	return mx
}

func ExampleLifetimeValue() {
	m := &clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426} // weeks
	s := []clv.Summary{
		{Customer: "1", Frequency: 2, Recency: 30.43, T: 38.86, MeanValue: 22.35},
		{Customer: "3", T: 38.86},
	}
	// 12 monthly steps of 52/12 weeks, discounted at 1% a month.
	v, err := clv.LifetimeValue(m, flatSpend{}, s, clv.LifetimeOptions{Steps: 12, StepLength: 52.0 / 12, Rate: 0.01})
	if err != nil {
		panic(err)
	}
	for i, c := range s {
		fmt.Printf("customer %s: %.2f\n", c.Customer, v[i])
	}
	// Output:
	// customer 1: 32.81
	// customer 3: 7.11
}

func ExampleSplitHoldout() {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.UTC) }
	p := []clv.Purchase{
		{Customer: "anna", At: day(1, 3), Amount: 20},
		{Customer: "anna", At: day(2, 14), Amount: 40},
		{Customer: "anna", At: day(4, 2), Amount: 25}, // holdout
		{Customer: "anna", At: day(5, 9), Amount: 35}, // holdout
		{Customer: "ben", At: day(2, 1), Amount: 15},
		{Customer: "cara", At: day(4, 20), Amount: 50}, // first seen in the holdout: left out
	}
	calEnd := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	holdEnd := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	h, err := clv.SplitHoldout(p, calEnd, holdEnd, 7*24*time.Hour, nil)
	if err != nil {
		panic(err)
	}
	for _, c := range h {
		fmt.Printf("%s: x=%g T=%.2f | holdout: %g purchases in %.0f weeks, mean %.1f\n",
			c.Customer, c.Frequency, c.T, c.HoldoutFrequency, c.HoldoutDuration, c.HoldoutMeanValue)
	}
	// Output:
	// anna: x=1 T=12.57 | holdout: 2 purchases in 13 weeks, mean 30.0
	// ben: x=0 T=8.43 | holdout: 0 purchases in 13 weeks, mean 0.0
}
