package crosssell

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// basketsFromBytes decodes fuzz bytes into baskets of small float items:
// byte 255 ends a basket, 254 is a NaN item, others are items mod 12.
func basketsFromBytes(data []byte) [][]float64 {
	baskets := [][]float64{{}}
	for _, b := range data {
		switch b {
		case 255:
			baskets = append(baskets, []float64{})
		case 254:
			baskets[len(baskets)-1] = append(baskets[len(baskets)-1], math.NaN())
		default:
			baskets[len(baskets)-1] = append(baskets[len(baskets)-1], float64(b%12))
		}
	}
	return baskets
}

// FuzzMine: Mine never panics; it either fails with ErrInvalidInput or
// returns sorted, distinct itemsets whose counts match a direct count, the
// same for every algorithm.
func FuzzMine(f *testing.F) {
	f.Add([]byte{1, 2, 3, 255, 1, 2, 255, 2, 3}, 0.5, 0, 0, uint8(0), uint8(0), 1)
	f.Add([]byte{1, 1, 255, 255, 1}, 0.0, 1, 2, uint8(1), uint8(1), 2)
	f.Add([]byte{254, 1}, 0.3, 0, 0, uint8(2), uint8(2), 0)
	f.Add([]byte{}, 1.0, 0, 0, uint8(0), uint8(0), 0)
	f.Fuzz(func(t *testing.T, data []byte, support float64, minCount, maxLen int, alg, target uint8, workers int) {
		if len(data) > 200 {
			return
		}
		baskets := basketsFromBytes(data)
		opts := Options{MinSupport: support, MinCount: minCount, MaxLen: maxLen,
			Algorithm: Algorithm(alg % 4), Target: Target(target % 4), Workers: workers % 5}
		sets, err := Mine(baskets, opts)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		ref := opts
		ref.Algorithm, ref.Workers = FPGrowth, 0
		want, err := Mine(baskets, ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(sets) {
			t.Fatalf("%v: %d itemsets, FP-Growth %d", opts, len(sets), len(want))
		}
		for i, s := range sets {
			if !slices.Equal(s.Items, want[i].Items) || s.Count != want[i].Count {
				t.Fatalf("itemset %d: %v, FP-Growth %v", i, s, want[i])
			}
			if !slices.IsSorted(s.Items) || len(slices.Compact(slices.Clone(s.Items))) != len(s.Items) {
				t.Fatalf("items %v not sorted and distinct", s.Items)
			}
			c := 0
			for _, b := range baskets {
				if isSubsetF(s.Items, b) {
					c++
				}
			}
			if c != s.Count {
				t.Fatalf("%v: count %d, direct count %d", s.Items, s.Count, c)
			}
		}
	})
}

func isSubsetF(a, b []float64) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

// FuzzRules: Rules never panics on arbitrary (often inconsistent) sets; it
// fails with ErrInvalidInput or returns rules within their ranges.
func FuzzRules(f *testing.F) {
	f.Add([]byte{1, 2, 255, 1, 2, 3}, 4, 0.5, false)
	f.Add([]byte{1, 1, 255}, 1, 0.0, true)
	f.Add([]byte{5, 255, 3, 5}, 2, 1.0, false)
	f.Fuzz(func(t *testing.T, data []byte, n int, minConf float64, mined bool) {
		if len(data) > 200 {
			return
		}
		var sets []Itemset[float64]
		if mined {
			baskets := basketsFromBytes(data)
			var err error
			if sets, err = Mine(baskets, Options{MinCount: 1, MaxLen: 4}); err != nil {
				return
			}
			n = len(baskets)
		} else {
			// Arbitrary sets: items from the bytes, counts from the next byte.
			for i, b := range basketsFromBytes(data) {
				c := 1 + i%3
				sets = append(sets, Itemset[float64]{b, c, float64(c) / float64(max(n, 1))})
			}
		}
		rules, err := Rules(sets, n, minConf)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		for _, r := range rules {
			if len(r.If) == 0 || len(r.Then) == 0 || r.Confidence < minConf || r.Confidence > 1 ||
				r.Support <= 0 || r.Support > 1 || r.Lift <= 0 || math.IsNaN(r.Conviction) || math.IsNaN(r.Zhang) ||
				r.Zhang < -1-1e-12 || r.Zhang > 1+1e-12 {
				t.Fatalf("rule out of range: %+v", r)
			}
		}
	})
}

// FuzzRecommend: Recommend is total: no panic, never a held item, at most
// k suggestions.
func FuzzRecommend(f *testing.F) {
	f.Add([]byte{1, 2, 255, 1, 2, 3, 255, 2, 3}, []byte{1}, 3, uint8(0))
	f.Add([]byte{1, 2}, []byte{254, 1, 1}, -1, uint8(9))
	f.Fuzz(func(t *testing.T, data, heldBytes []byte, k int, by uint8) {
		if len(data) > 200 {
			return
		}
		baskets := basketsFromBytes(data)
		sets, err := Mine(baskets, Options{MinCount: 1, MaxLen: 4})
		if err != nil {
			return
		}
		rules, err := Rules(sets, len(baskets), 0)
		if err != nil {
			t.Fatal(err)
		}
		rec := NewRecommender(rules, Metric(by%6))
		held := basketsFromBytes(heldBytes)[0]
		got := rec.Recommend(held, k%20)
		if len(got) > max(k%20, 0) {
			t.Fatalf("%d suggestions for k = %d", len(got), k%20)
		}
		for _, s := range got {
			if slices.Contains(held, s.Item) {
				t.Fatalf("suggested held item %v", s.Item)
			}
		}
	})
}
