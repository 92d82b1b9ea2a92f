package churn

import (
	"math"

	"pgregory.net/rapid"
)

// survInput is one draw of survival data.
type survInput struct {
	duration []float64
	event    []bool
	opts     *SurvOptions
}

// genSurv draws valid survival data: 1 to 60 customers, durations either
// on a coarse grid (heavy ties, as in whole days) or continuous in
// [0, 1000], and, when withOptions, optional weights in [0, 3] (not all 0)
// and optional entry times below each duration.
func genSurv(withOptions bool) *rapid.Generator[survInput] {
	return rapid.Custom(func(t *rapid.T) survInput {
		n := rapid.IntRange(1, 60).Draw(t, "n")
		tied := rapid.Bool().Draw(t, "tied")
		in := survInput{duration: make([]float64, n), event: make([]bool, n)}
		for i := range n {
			if tied {
				in.duration[i] = float64(rapid.IntRange(0, 8).Draw(t, "day"))
			} else {
				in.duration[i] = rapid.Float64Range(0, 1000).Draw(t, "duration")
			}
			in.event[i] = rapid.Bool().Draw(t, "event")
		}
		if !withOptions {
			return in
		}
		in.opts = &SurvOptions{}
		if rapid.Bool().Draw(t, "weighted") {
			in.opts.Weight = make([]float64, n)
			for i := range n {
				in.opts.Weight[i] = rapid.Float64Range(0, 3).Draw(t, "weight")
			}
			in.opts.Weight[rapid.IntRange(0, n-1).Draw(t, "positive")] = 1
		}
		if rapid.Bool().Draw(t, "delayed") {
			in.opts.Entry = make([]float64, n)
			for i, d := range in.duration {
				if d > 0 {
					in.opts.Entry[i] = d * rapid.Float64Range(0, 0.999).Draw(t, "entry share")
				} else {
					in.duration[i] = 1 // entry must be < duration
				}
			}
		}
		return in
	})
}

// concInput is one draw of data for Concordance.
type concInput struct {
	risk, duration []float64
	event          []bool
}

// genConcordance draws risks and durations with or without ties, and at
// least one churn before another customer's later duration.
func genConcordance(ties bool) *rapid.Generator[concInput] {
	return rapid.Custom(func(t *rapid.T) concInput {
		n := rapid.IntRange(2, 60).Draw(t, "n")
		in := concInput{risk: make([]float64, n), duration: make([]float64, n), event: make([]bool, n)}
		for i := range n {
			if ties {
				in.risk[i] = float64(rapid.IntRange(-3, 3).Draw(t, "risk"))
				in.duration[i] = float64(rapid.IntRange(0, 6).Draw(t, "day"))
			} else {
				in.risk[i] = rapid.Float64Range(-5, 5).Draw(t, "risk")
				in.duration[i] = rapid.Float64Range(0, 100).Draw(t, "duration")
			}
			in.event[i] = rapid.Bool().Draw(t, "event")
		}
		// Make the first customer churn strictly before the second.
		in.event[0] = true
		in.duration[1] = in.duration[0] + 1
		if !ties {
			in.risk[1] = math.Nextafter(in.risk[0], math.Inf(1)) + 0.5
		}
		return in
	})
}

// hostileFloat draws any float64, including NaN, ±Inf and negative values.
func hostileFloat() *rapid.Generator[float64] {
	return rapid.OneOf(
		rapid.Float64(),
		rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 0, math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64}),
	)
}
