package clv

// Summary is one customer's purchase history in the form the
// buy-till-you-die models take: x, t_x and T in periods of the caller's
// choice (see [Summarize]).
//
//	Frequency  x    number of repeat purchases (purchases after the first), ≥ 0
//	Recency    t_x  time of the last purchase, measured from the first, 0 ≤ t_x ≤ T (0 when x = 0)
//	T          T    time from the first purchase to the end of calibration, ≥ 0
//	MeanValue  m_x  mean value of the x repeat purchases (0 when x = 0), ≥ 0
type Summary struct {
	Customer  string
	Frequency float64
	Recency   float64
	T         float64
	MeanValue float64
}

// FitOptions controls the maximum-likelihood fits of this package. A nil
// *FitOptions means the defaults; the zero value of every field is its
// default.
type FitOptions struct {
	// L2 is a ridge penalty on the model parameters, added to the negative
	// log-likelihood as L2·Σθ², as lifetimes' penalizer_coef: the
	// log-likelihood is divided by the number of customers first, and θ are
	// the parameters on their natural scale. 0 (default) fits the plain
	// maximum-likelihood estimate.
	L2 float64
	// MaxIter caps the optimiser's major iterations; 0 means 1000.
	MaxIter int
	// Tol is the gradient-norm convergence tolerance; 0 means 1e-8.
	Tol float64
}
