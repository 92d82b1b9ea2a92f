package clv_test

import (
	"fmt"

	"github.com/clmkit/clm/clv"
)

// With the BG/NBD fitted to the CDNOW sample (Fader, Hardie & Lee 2005,
// Sec. 7), the distribution of repeat purchases in the first 39 weeks of a
// new customer, and the expected histogram of a cohort of 2,357 customers
// each watched for 39 weeks.
func ExampleBGNBD_PurchasesPMF() {
	m := &clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	const customers = 2357
	rest := 1.0
	for n := range 4 {
		p := m.PurchasesPMF(39, n)
		rest -= p
		fmt.Printf("x = %d:  P = %.4f  %4.0f customers\n", n, p, customers*p)
	}
	fmt.Printf("x ≥ 4:  P = %.4f  %4.0f customers\n", rest, customers*rest)
	// Output:
	// x = 0:  P = 0.5738  1352 customers
	// x = 1:  P = 0.1994   470 customers
	// x = 2:  P = 0.0854   201 customers
	// x = 3:  P = 0.0459   108 customers
	// x ≥ 4:  P = 0.0955   225 customers
}
