package clv

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// simConfig describes a simulated cohort: n customers with ages T drawn
// uniformly from [tMin, tMax], rounded to multiples of grid when grid > 0
// (grid 1/7 gives whole days in weekly periods), as are the purchase times.
type simConfig struct {
	n          int
	tMin, tMax float64
	grid       float64
	seed       uint64
}

func (c simConfig) round(v float64) float64 {
	if c.grid > 0 {
		return math.Floor(v/c.grid) * c.grid
	}
	return v
}

// simBGNBD draws summaries from the BG/NBD model (FHL 2005 Sec. 2), or from
// the MBG/NBD (Batislam et al. 2007) when mbg is set, in which the customer
// may also drop out at time 0, right after the first purchase.
func simBGNBD(c simConfig, r, alpha, a, b float64, mbg bool) []Summary {
	rng := rand.New(rand.NewPCG(c.seed, 0x5eed))
	lam := distuv.Gamma{Alpha: r, Beta: alpha, Src: rng}
	pd := distuv.Beta{Alpha: a, Beta: b, Src: rng}
	out := make([]Summary, c.n)
	for i := range out {
		T := c.round(c.tMin + (c.tMax-c.tMin)*rng.Float64())
		l, p := lam.Rand(), pd.Rand()
		x, tx, t := 0.0, 0.0, 0.0
		alive := !mbg || rng.Float64() >= p
		for alive {
			t += rng.ExpFloat64() / l
			if c.round(t) > T {
				break
			}
			x++
			tx = c.round(t)
			alive = rng.Float64() >= p
		}
		out[i] = Summary{Frequency: x, Recency: tx, T: T}
	}
	return out
}

// simParetoNBD draws summaries from the Pareto/NBD model (Schmittlein,
// Morrison & Colombo 1987): purchases at rate λ ~ Gamma(r, α) during an
// exponential lifetime of rate μ ~ Gamma(s, β).
func simParetoNBD(c simConfig, r, alpha, s, beta float64) []Summary {
	rng := rand.New(rand.NewPCG(c.seed, 0x9a7e))
	lam := distuv.Gamma{Alpha: r, Beta: alpha, Src: rng}
	mu := distuv.Gamma{Alpha: s, Beta: beta, Src: rng}
	out := make([]Summary, c.n)
	for i := range out {
		T := c.round(c.tMin + (c.tMax-c.tMin)*rng.Float64())
		l := lam.Rand()
		end := math.Min(T, rng.ExpFloat64()/mu.Rand())
		x, tx, t := 0.0, 0.0, 0.0
		for {
			t += rng.ExpFloat64() / l
			if t > end || c.round(t) > T {
				break
			}
			x++
			tx = c.round(t)
		}
		out[i] = Summary{Frequency: x, Recency: tx, T: T}
	}
	return out
}
