package churn_test

import (
	"fmt"
	"math"

	"github.com/clmkit/clm/churn"
)

// Tenure in months of ten customers; true marks those who closed their
// account, false those still with the bank today.
var (
	tenure = []float64{3, 5, 5, 8, 12, 12, 15, 20, 24, 24}
	closed = []bool{true, true, false, true, true, false, true, false, true, false}
)

func ExampleKaplanMeier() {
	c, err := churn.KaplanMeier(tenure, closed, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, t := range c.Time {
		fmt.Printf("month %2.0f: at risk %2.0f, closed %.0f, S = %.3f (se %.3f)\n",
			t, c.AtRisk[i], c.Events[i], c.Survival[i], c.StdErr[i])
	}
	fmt.Printf("S(10) = %.3f\n", c.At(10))
	// Output:
	// month  3: at risk 10, closed 1, S = 0.900 (se 0.095)
	// month  5: at risk  9, closed 1, S = 0.800 (se 0.126)
	// month  8: at risk  7, closed 1, S = 0.686 (se 0.151)
	// month 12: at risk  6, closed 1, S = 0.571 (se 0.164)
	// month 15: at risk  4, closed 1, S = 0.429 (se 0.174)
	// month 20: at risk  3, closed 0, S = 0.429 (se 0.174)
	// month 24: at risk  2, closed 1, S = 0.214 (se 0.175)
	// S(10) = 0.686
}

func ExampleCurve_Median() {
	c, _ := churn.KaplanMeier(tenure, closed, nil)
	fmt.Printf("median tenure: %.4g months\n", c.Median())
	fmt.Printf("a quarter gone by: %.4g months\n", c.Quantile(0.25))
	fmt.Printf("mean tenure over 2 years: %.4g months\n", c.RMST(24))

	never, _ := churn.KaplanMeier([]float64{6, 12, 18}, []bool{true, false, false}, nil)
	fmt.Println("median when S never falls to 0.5:", never.Median())
	// Output:
	// median tenure: 15 months
	// a quarter gone by: 8 months
	// mean tenure over 2 years: 15.51 months
	// median when S never falls to 0.5: +Inf
}

func ExampleCurve_Band() {
	c, _ := churn.KaplanMeier(tenure, closed, nil)
	lo, up := c.Band(0.95, churn.LogLog)
	fmt.Printf("S(12) = %.3f, 95%% log-log band [%.3f, %.3f]\n", c.Survival[3], lo[3], up[3])
	// Output:
	// S(12) = 0.571, 95% log-log band [0.217, 0.815]
}

func ExampleNelsonAalen() {
	h, _ := churn.NelsonAalen(tenure, closed, nil)
	fmt.Printf("H(12) = %.4f (se %.4f)\n", h.At(12), math.Sqrt(h.Variance[3]))
	// Output:
	// H(12) = 0.5206 (se 0.2656)
}

func ExampleLogRank() {
	// Customers with (1) and without (0) a salary account.
	salary := []int{0, 0, 1, 0, 1, 0, 1, 1, 1, 1}
	lr, err := churn.LogRank(tenure, closed, salary)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("observed %v, expected %.3f\n", lr.Observed, lr.Expected)
	fmt.Printf("chi2 = %.3f on %d df, p = %.3f\n", lr.Chi2, lr.DF, lr.P)
	// Output:
	// observed [3 3], expected [1.186 4.814]
	// chi2 = 4.088 on 1 df, p = 0.043
}

func ExampleConcordance() {
	// A risk score: higher means expected to leave sooner.
	risk := []float64{2.1, 1.7, 0.2, 1.5, 0.9, 0.1, 0.4, -0.3, 0.8, -1}
	c, err := churn.Concordance(risk, tenure, closed)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("C = %.3f\n", c)
	// Output:
	// C = 0.969
}

// Example_earlyWarning grades customers by their probability of closing in
// the next 6 months, given how long they have already stayed, and ranks them
// by value at risk.
func Example_earlyWarning() {
	c, _ := churn.KaplanMeier(tenure, closed, nil)
	w := churn.DefaultWarning(6)
	current := []float64{2, 7, 10, 22}       // tenure today, months
	value := []float64{1200, 300, 5000, 800} // annual revenue
	alerts, err := w.Assess(churn.CurveModel{Curve: c}, nil, current, value)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range alerts {
		name := "none"
		if a.Level >= 0 {
			name = w.Levels[a.Level].Name
		}
		fmt.Printf("customer %d: P = %.2f, %-8s value at risk %6.0f\n", a.Customer, a.Prob, name, a.ValueAtRisk)
	}
	fmt.Println("first action for high:", w.Levels[2].Actions[0])
	// Output:
	// customer 2: P = 0.38, elevated value at risk   1875
	// customer 3: P = 0.50, high     value at risk    400
	// customer 0: P = 0.31, elevated value at risk    377
	// customer 1: P = 0.29, elevated value at risk     86
	// first action for high: personalised retention offer (fee waiver or rate bonus)
}

// ExampleMergeCurves estimates the curve of two branches separately, then
// of the whole bank, without pooling the customer records.
func ExampleMergeCurves() {
	north, _ := churn.KaplanMeier(tenure[:5], closed[:5], nil)
	south, _ := churn.KaplanMeier(tenure[5:], closed[5:], nil)
	bank, err := churn.MergeCurves(north, south)
	if err != nil {
		fmt.Println(err)
		return
	}
	pooled, _ := churn.KaplanMeier(tenure, closed, nil)
	fmt.Printf("merged S(12) = %.3f, pooled S(12) = %.3f\n", bank.At(12), pooled.At(12))
	// Output:
	// merged S(12) = 0.571, pooled S(12) = 0.571
}
