package churn_test

import (
	"fmt"

	"github.com/clmkit/clm/churn"
)

func ExampleLogRankWith() {
	// Tenure in months of customers with (1) and without (0) a salary
	// account; true marks those who closed their account.
	months := []float64{3, 5, 5, 8, 12, 12, 15, 20, 24, 24}
	closed := []bool{true, true, false, true, true, false, true, false, true, false}
	salary := []int{0, 0, 1, 0, 1, 0, 1, 1, 1, 1}
	for _, rho := range []float64{0, 1} {
		lr, err := churn.LogRankWith(months, closed, salary, &churn.LogRankOptions{Rho: rho})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("rho %g: observed %.3f, expected %.3f, chi2 = %.3f, p = %.3f\n",
			rho, lr.Observed, lr.Expected, lr.Chi2, lr.P)
	}
	// Output:
	// rho 0: observed [3.000 3.000], expected [1.186 4.814], chi2 = 4.088, p = 0.043
	// rho 1: observed [2.700 1.686], expected [1.043 3.343], chi2 = 4.459, p = 0.035
}
