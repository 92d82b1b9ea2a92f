package churn_test

import (
	"fmt"

	"github.com/clmkit/clm/churn"
)

func ExampleCurve_QuantileCI() {
	// Tenure in months; true marks customers who closed their account.
	months := []float64{1, 2, 2, 3, 4, 4, 5, 6, 7, 8}
	closed := []bool{false, true, true, false, true, false, true, true, false, true}
	c, err := churn.KaplanMeier(months, closed, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range []churn.BandMethod{churn.Log, churn.LogLog, churn.Plain} {
		lo, up := c.QuantileCI(0.3, 0.95, m)
		fmt.Printf("%-7v: 30%% gone by month %.4g, 95%% CI [%.4g, %.4g]\n", m, c.Quantile(0.3), lo, up)
	}
	// Output:
	// log    : 30% gone by month 4, 95% CI [2, +Inf]
	// log-log: 30% gone by month 4, 95% CI [2, 6]
	// plain  : 30% gone by month 4, 95% CI [2, 6]
}
