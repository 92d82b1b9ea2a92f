package clv

import (
	"math"
	"time"

	"pgregory.net/rapid"
)

// genSummary draws one valid customer summary: x repeat purchases, the last
// at t_x ≤ T (0 when x = 0), and a mean value.
func genSummary() *rapid.Generator[Summary] {
	return rapid.Custom(func(t *rapid.T) Summary {
		x := float64(rapid.IntRange(0, 60).Draw(t, "x"))
		T := rapid.Float64Range(0, 200).Draw(t, "T")
		tx := 0.0
		if x > 0 {
			tx = T * rapid.Float64Range(0, 1).Draw(t, "tx/T")
		}
		return Summary{Frequency: x, Recency: tx, T: T, MeanValue: rapid.Float64Range(0, 500).Draw(t, "mx")}
	})
}

// genParam draws a positive model parameter on a log scale over
// [lo, hi].
func genParam(lo, hi float64, label string) func(t *rapid.T) float64 {
	return func(t *rapid.T) float64 {
		return math.Exp(rapid.Float64Range(math.Log(lo), math.Log(hi)).Draw(t, label))
	}
}

// genBGNBD draws BG/NBD parameters over the range fitted models reach.
func genBGNBD() *rapid.Generator[*BGNBD] {
	return rapid.Custom(func(t *rapid.T) *BGNBD {
		return &BGNBD{R: genParam(0.01, 20, "r")(t), Alpha: genParam(0.01, 200, "alpha")(t),
			A: genParam(0.05, 30, "a")(t), B: genParam(0.05, 30, "b")(t)}
	})
}

// genMBGNBD draws MBG/NBD parameters.
func genMBGNBD() *rapid.Generator[*MBGNBD] {
	return rapid.Custom(func(t *rapid.T) *MBGNBD {
		return &MBGNBD{R: genParam(0.01, 20, "r")(t), Alpha: genParam(0.01, 200, "alpha")(t),
			A: genParam(0.05, 30, "a")(t), B: genParam(0.05, 30, "b")(t)}
	})
}

// genParetoNBD draws Pareto/NBD parameters, including α ≫ β and α ≪ β.
func genParetoNBD() *rapid.Generator[*ParetoNBD] {
	return rapid.Custom(func(t *rapid.T) *ParetoNBD {
		return &ParetoNBD{R: genParam(0.01, 20, "r")(t), Alpha: genParam(0.01, 1000, "alpha")(t),
			S: genParam(0.01, 20, "s")(t), Beta: genParam(0.01, 1000, "beta")(t)}
	})
}

// genTransactionModel draws one of the three transaction models.
func genTransactionModel() *rapid.Generator[btydModel] {
	return rapid.OneOf(
		rapid.Map(genBGNBD(), func(m *BGNBD) btydModel { return m }),
		rapid.Map(genMBGNBD(), func(m *MBGNBD) btydModel { return m }),
		rapid.Map(genParetoNBD(), func(m *ParetoNBD) btydModel { return m }),
	)
}

// genPurchases draws transaction rows for a handful of customers over 60
// days, all at or before the returned end.
func genPurchases() *rapid.Generator[[]Purchase] {
	return rapid.Custom(func(t *rapid.T) []Purchase {
		start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		n := rapid.IntRange(1, 40).Draw(t, "n")
		p := make([]Purchase, n)
		for i := range p {
			p[i] = Purchase{
				Customer: rapid.SampledFrom([]string{"a", "b", "c", "d", "e"}).Draw(t, "customer"),
				At:       start.Add(time.Duration(rapid.Int64Range(0, 60*24*3600).Draw(t, "second")) * time.Second),
				Amount:   rapid.Float64Range(0, 1000).Draw(t, "amount"),
			}
		}
		return p
	})
}
