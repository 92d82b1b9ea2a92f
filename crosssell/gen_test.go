package crosssell

import (
	"pgregory.net/rapid"
)

// genBaskets draws up to 14 baskets of up to 7 items from an alphabet of
// 8 items, duplicates and empty baskets included.
func genBaskets() *rapid.Generator[[][]int] {
	return rapid.Custom(func(t *rapid.T) [][]int {
		alphabet := rapid.IntRange(1, 8).Draw(t, "alphabet")
		return rapid.SliceOfN(rapid.SliceOfN(rapid.IntRange(0, alphabet-1), 0, 7), 0, 14).Draw(t, "baskets")
	})
}

// genOptions draws valid options: a count or support threshold, a length
// limit, an algorithm, a target and a worker count.
func genOptions() *rapid.Generator[Options] {
	return rapid.Custom(func(t *rapid.T) Options {
		var o Options
		if rapid.Bool().Draw(t, "byCount") {
			o.MinCount = rapid.IntRange(1, 5).Draw(t, "minCount")
		} else {
			o.MinSupport = rapid.Float64Range(0.01, 1).Draw(t, "minSupport")
		}
		o.MaxLen = rapid.IntRange(0, 4).Draw(t, "maxLen")
		o.Algorithm = rapid.SampledFrom([]Algorithm{FPGrowth, Eclat, Apriori}).Draw(t, "algorithm")
		o.Target = rapid.SampledFrom([]Target{All, Closed, Maximal}).Draw(t, "target")
		o.Workers = rapid.IntRange(0, 3).Draw(t, "workers")
		return o
	})
}
