package clv_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/clmkit/clm/clv"
)

func ExampleSimple() {
	// A $100 annual margin, 80% retention, 12% discount rate.
	fmt.Printf("%.2f\n", clv.Simple(100, 0.8, 0.12))
	// Output: 250.00
}

func ExampleDiscounted() {
	// Cash at t = 0, 1, 2 discounted at 10% per period.
	fmt.Printf("%.2f\n", clv.Discounted([]float64{100, 110, 121}, 0.10))
	// Output: 300.00
}

func ExampleFitSBG() {
	// Survivors per 1,000 "regular" customers at years 0..7
	// (Fader & Hardie 2007).
	alive := []float64{1000, 631, 468, 382, 326, 289, 262, 241}
	m, err := clv.FitSBG(alive)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("gamma %.3f delta %.3f LL %.1f\n", m.Gamma, m.Delta, m.LogLik)
	for _, t := range []float64{1, 8, 12} {
		fmt.Printf("year %2.0f: retention %.3f, survivors %.0f\n", t, m.Retention(t), 1000*m.Survival(t))
	}
	// Output:
	// gamma 0.704 delta 1.182 LL -1680.3
	// year  1: retention 0.627, survivors 627
	// year  8: retention 0.921, survivors 220
	// year 12: retention 0.945, survivors 170
}

func ExampleSBG_DERL() {
	m := &clv.SBG{Gamma: 0.704, Delta: 1.182}
	// Expected discounted renewals still to come, at a 10% discount rate,
	// for a new customer and for one who has renewed 5 times.
	for _, renewals := range []int{0, 5} {
		v, err := m.DERL(0.10, renewals)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("after %d renewals: %.3f periods\n", renewals, v)
	}
	// Output:
	// after 0 renewals: 2.965 periods
	// after 5 renewals: 6.265 periods
}

func ExampleFitGammaGamma() {
	// Customers' repeat purchases in a 39-week window and their mean value.
	s := []clv.Summary{
		{Frequency: 3, Recency: 9, T: 39, MeanValue: 48.8},
		{Frequency: 7, Recency: 21, T: 39, MeanValue: 33.1},
		{Frequency: 7, Recency: 21, T: 39, MeanValue: 37.2},
		{Frequency: 4, Recency: 12, T: 39, MeanValue: 21.1},
		{Frequency: 7, Recency: 21, T: 39, MeanValue: 45.2},
		{Frequency: 5, Recency: 15, T: 39, MeanValue: 81.4},
		{Frequency: 3, Recency: 9, T: 39, MeanValue: 15.3},
		{Frequency: 1, Recency: 3, T: 39, MeanValue: 5.6},
		{Frequency: 3, Recency: 9, T: 39, MeanValue: 115.9},
		{Frequency: 2, Recency: 6, T: 39, MeanValue: 25.6},
		{Frequency: 2, Recency: 6, T: 39, MeanValue: 12.2},
		{Frequency: 6, Recency: 18, T: 39, MeanValue: 19},
		{Frequency: 8, Recency: 24, T: 39, MeanValue: 18.1},
		{Frequency: 4, Recency: 12, T: 39, MeanValue: 13},
		{Frequency: 0, Recency: 0, T: 39, MeanValue: 0}, // no repeat purchase: skipped
	}
	m, err := clv.FitGammaGamma(s, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := clv.FrequencyValueCorrelation(s)
	fmt.Printf("customers %d, corr(x, m_x) %.2f\n", m.N, r)
	fmt.Printf("p %.2f q %.2f gamma %.1f\n", m.P, m.Q, m.Gamma)
	fmt.Printf("population mean %.2f\n", m.PopulationMean())
	fmt.Printf("E(M | x=3, m=115.9) %.2f\n", m.ExpectedValue(3, 115.9))
	// Output:
	// customers 14, corr(x, m_x) 0.06
	// p 1.48 q 4.09 gamma 75.8
	// population mean 36.34
	// E(M | x=3, m=115.9) 83.28
}

func ExampleFitBGBB() {
	// Yearly donations after a first gift (Fader, Hardie & Shang 2010):
	// x repeat gifts in n = 6 years, the last in year t_x, and the number
	// of donors with each (x, t_x).
	pattern := [][2]float64{
		{0, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {2, 2}, {2, 3}, {2, 4}, {2, 5},
		{2, 6}, {3, 3}, {3, 4}, {3, 5}, {3, 6}, {4, 4}, {4, 5}, {4, 6}, {5, 5}, {5, 6}, {6, 6},
	}
	donors := []float64{3464, 1091, 277, 129, 78, 119, 129, 613, 255, 155, 173,
		234, 322, 181, 225, 357, 240, 284, 512, 335, 728, 1203}
	s := make([]clv.Summary, len(pattern))
	for i, p := range pattern {
		s[i] = clv.Summary{Frequency: p[0], Recency: p[1], T: 6}
	}
	m, err := clv.FitBGBB(s, donors, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha %.3f beta %.3f gamma %.3f delta %.3f LL %.1f\n", m.Alpha, m.Beta, m.Gamma, m.Delta, m.LogLik)
	for _, h := range [][2]float64{{0, 0}, {2, 4}, {6, 6}} {
		fmt.Printf("x=%v t_x=%v: P(alive) %.2f, next 5 years %.2f gifts\n",
			h[0], h[1], m.PAlive(h[0], h[1], 6), m.ConditionalPurchases(5, h[0], h[1], 6))
	}
	// Output:
	// alpha 1.204 beta 0.750 gamma 0.657 delta 2.783 LL -33225.6
	// x=0 t_x=0: P(alive) 0.11, next 5 years 0.07 gifts
	// x=2 t_x=4: P(alive) 0.59, next 5 years 1.06 gifts
	// x=6 t_x=6: P(alive) 0.93, next 5 years 3.75 gifts
}

func ExampleMarkovCLV() {
	// A customer-migration model (Pfeifer & Carraway 2000): the state is
	// the number of periods since the last purchase (1-4, then 5 = lost).
	// From state i a customer buys again with probability buy[i] (back to
	// state 1) or drifts to state i+1. A purchase earns 40; a mailing to a
	// customer in states 1-4 costs 4.
	buy := []float64{0.30, 0.20, 0.15, 0.05, 0}
	p := mat.NewDense(5, 5, nil)
	for i, b := range buy {
		p.Set(i, 0, b)
		next := min(i+1, 4)
		p.Set(i, next, p.At(i, next)+1-b)
	}
	reward := []float64{36, -4, -4, -4, 0}
	for _, h := range []int{0, 3, clv.MarkovInfinite} {
		v, err := clv.MarkovCLV(p, reward, 0.2, h)
		if err != nil {
			fmt.Println(err)
			return
		}
		label := fmt.Sprint(h)
		if h == clv.MarkovInfinite {
			label = "inf"
		}
		fmt.Printf("horizon %3s: %.2f\n", label, v)
	}
	// Output:
	// horizon   0: [36.00 -4.00 -4.00 -4.00 0.00]
	// horizon   3: [48.48 3.42 0.21 -2.07 0.00]
	// horizon inf: [52.32 5.55 1.25 -1.82 0.00]
}
