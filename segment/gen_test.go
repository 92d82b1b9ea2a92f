package segment

import (
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// genValues draws 1..200 customer values, either continuous or from a small
// set so that ties (and ties at tier boundaries) are common.
func genValues(nonNegative bool) *rapid.Generator[[]float64] {
	return rapid.Custom(func(t *rapid.T) []float64 {
		n := rapid.IntRange(1, 200).Draw(t, "n")
		lo := -1e6
		if nonNegative {
			lo = 0
		}
		var elem *rapid.Generator[float64]
		if rapid.Bool().Draw(t, "ties") {
			levels := rapid.IntRange(1, 6).Draw(t, "levels")
			elem = rapid.Map(rapid.IntRange(0, levels-1), func(i int) float64 { return float64(i) * 10 })
		} else {
			elem = rapid.Float64Range(lo, 1e6)
		}
		return rapid.SliceOfN(elem, n, n).Draw(t, "value")
	})
}

// genPyramid draws 1..6 tiers with positive shares summing to 1.
func genPyramid() *rapid.Generator[Pyramid] {
	return rapid.Custom(func(t *rapid.T) Pyramid {
		w := rapid.SliceOfN(rapid.IntRange(1, 100), 1, 6).Draw(t, "weights")
		sum := 0
		for _, x := range w {
			sum += x
		}
		p := make(Pyramid, len(w))
		for i, x := range w {
			p[i] = Tier{Name: string(rune('A' + i)), Share: float64(x) / float64(sum)}
		}
		return p
	})
}

// genRFM draws 1..200 customers with integer-ish recency and frequency
// (ties) and continuous monetary value.
func genRFM() *rapid.Generator[[]RFM] {
	return rapid.Custom(func(t *rapid.T) []RFM {
		n := rapid.IntRange(1, 200).Draw(t, "n")
		in := make([]RFM, n)
		for i := range in {
			in[i] = RFM{
				Recency:   float64(rapid.IntRange(0, 30).Draw(t, "recency")),
				Frequency: float64(rapid.IntRange(0, 8).Draw(t, "frequency")),
				Monetary:  rapid.Float64Range(-100, 1e4).Draw(t, "monetary"),
			}
		}
		return in
	})
}

// genLabels draws n labels in [0, k).
func genLabels(n, k int) *rapid.Generator[[]int] {
	return rapid.SliceOfN(rapid.IntRange(0, k-1), n, n)
}

// genFeatures draws an n × d feature matrix (n in 1..60, d in 1..4) with
// values from a small grid (duplicate rows are common) or continuous.
func genFeatures() *rapid.Generator[*mat.Dense] {
	return rapid.Custom(func(t *rapid.T) *mat.Dense {
		n := rapid.IntRange(1, 60).Draw(t, "n")
		d := rapid.IntRange(1, 4).Draw(t, "d")
		var elem *rapid.Generator[float64]
		if rapid.Bool().Draw(t, "grid") {
			elem = rapid.Map(rapid.IntRange(-3, 3), func(i int) float64 { return float64(i) })
		} else {
			elem = rapid.Float64Range(-100, 100)
		}
		return mat.NewDense(n, d, rapid.SliceOfN(elem, n*d, n*d).Draw(t, "x"))
	})
}
