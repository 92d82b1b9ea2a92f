package churn_test

import (
	"fmt"

	"github.com/clmkit/clm/churn"
	"gonum.org/v1/gonum/mat"
)

// Months until a customer closed the account (or until today, censored),
// whether they closed it, the number of products they hold and whether
// they complained in their first month.
var (
	exMonths   = []float64{3, 5, 6, 8, 9, 11, 12, 14, 15, 18, 20, 24, 24, 24, 7, 16}
	exClosed   = []bool{true, true, true, false, true, true, false, true, true, false, true, false, false, false, true, true}
	exProducts = []float64{1, 1, 2, 3, 1, 2, 4, 2, 1, 3, 3, 4, 2, 5, 2, 1}
	exComplain = []float64{1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0}
)

func exCovariates() *mat.Dense {
	x := mat.NewDense(len(exMonths), 2, nil)
	x.SetCol(0, exProducts)
	x.SetCol(1, exComplain)
	return x
}

func ExampleFitCox() {
	m, err := churn.FitCox(exCovariates(), exMonths, exClosed, &churn.CoxOptions{Names: []string{"products", "complaint"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Summary() {
		fmt.Printf("%-9s coef %6.3f  HR %5.3f  se %5.3f  p %5.3f\n", c.Name, c.Coef, c.HazardRatio, c.StdErr, c.P)
	}
	fmt.Printf("concordance %.3f, likelihood ratio %.2f on %d df\n", m.Concordance, m.LikelihoodRatio.Chi2, m.LikelihoodRatio.DF)
	// A new customer with 2 products and no complaint: still a customer
	// after 12 months?
	fmt.Printf("S(12 | 2 products) = %.3f\n", m.Survival([]float64{2, 0}, 12))
	// Output:
	// products  coef -1.088  HR 0.337  se 0.460  p 0.018
	// complaint coef  0.547  HR 1.728  se 0.699  p 0.434
	// concordance 0.787, likelihood ratio 9.83 on 2 df
	// S(12 | 2 products) = 0.717
}

func ExampleCox_PHTest() {
	x := exCovariates()
	m, err := churn.FitCox(x, exMonths, exClosed, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	z, err := m.PHTest(x, exMonths, exClosed, nil, churn.TransformKM)
	if err != nil {
		fmt.Println(err)
		return
	}
	for j, c := range z.Covariates {
		fmt.Printf("%s: chi2 %.3f p %.3f\n", z.Names[j], c.Chi2, c.P)
	}
	fmt.Printf("global: chi2 %.3f on %d df, p %.3f\n", z.Global.Chi2, z.Global.DF, z.Global.P)
	// Output:
	// x0: chi2 0.059 p 0.808
	// x1: chi2 0.246 p 0.620
	// global: chi2 0.341 on 2 df, p 0.843
}

func ExampleFitWeibull() {
	m, err := churn.FitWeibull(exCovariates(), exMonths, exClosed, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("intercept %.3f, coef %.3f %.3f, shape %.3f\n", m.Intercept, m.Coef[0], m.Coef[1], m.Shape())
	fmt.Printf("median tenure with 2 products: %.1f months\n", m.Median([]float64{2, 0}))
	fmt.Printf("S(12 | 2 products) = %.3f\n", m.Survival([]float64{2, 0}, 12))
	// Output:
	// intercept 1.818, coef 0.591 -0.252, shape 1.985
	// median tenure with 2 products: 16.7 months
	// S(12 | 2 products) = 0.698
}
