package crosssell

import (
	"fmt"
	"math/bits"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// bruteForce enumerates every itemset over the items of baskets by
// counting, the specification of Mine with Target All.
func bruteForce(baskets [][]int, opts Options) []Itemset[int] {
	var items []int
	for _, b := range baskets {
		items = append(items, b...)
	}
	slices.Sort(items)
	items = slices.Compact(items)
	minCount := opts.countThreshold(len(baskets))
	var out []Itemset[int]
	for mask := 1; mask < 1<<len(items); mask++ {
		if opts.MaxLen > 0 && bits.OnesCount(uint(mask)) > opts.MaxLen {
			continue
		}
		var set []int
		for i, v := range items {
			if mask&(1<<i) != 0 {
				set = append(set, v)
			}
		}
		c := 0
		for _, b := range baskets {
			all := true
			for _, v := range set {
				all = all && slices.Contains(b, v)
			}
			if all {
				c++
			}
		}
		if c >= minCount {
			out = append(out, Itemset[int]{set, c, float64(c) / float64(len(baskets))})
		}
	}
	slices.SortFunc(out, func(a, b Itemset[int]) int {
		if len(a.Items) != len(b.Items) {
			return len(a.Items) - len(b.Items)
		}
		return slices.Compare(a.Items, b.Items)
	})
	return out
}

func key(items []int) string { return fmt.Sprint(items) }

// TestPropCountsMatchBruteForce: every algorithm, with any number of
// workers, finds exactly the itemsets and counts of a brute-force count.
func TestPropCountsMatchBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		baskets := genBaskets().Draw(t, "baskets")
		opts := genOptions().Draw(t, "opts")
		opts.Target = All
		got, err := Mine(baskets, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForce(baskets, opts)
		if len(want) == 0 {
			want = []Itemset[int]{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Mine(%v) vs brute force (-want +got):\n%s", opts, diff)
		}
	})
}

// TestPropSupportAntiMonotone: every subset of a frequent itemset is
// frequent, with a count at least as large.
func TestPropSupportAntiMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		baskets := genBaskets().Draw(t, "baskets")
		opts := genOptions().Draw(t, "opts")
		opts.Target = All
		sets, err := Mine(baskets, opts)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, s := range sets {
			count[key(s.Items)] = s.Count
		}
		for _, s := range sets {
			for i := range s.Items {
				sub := slices.Delete(slices.Clone(s.Items), i, i+1)
				if len(sub) == 0 {
					continue
				}
				c, ok := count[key(sub)]
				if !ok || c < s.Count {
					t.Fatalf("%v has count %d but subset %v has %d (present %v)", s.Items, s.Count, sub, c, ok)
				}
			}
		}
	})
}

// TestPropAlgorithmsAgree: the three algorithms, each target and any
// number of workers give identical results.
func TestPropAlgorithmsAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		baskets := genBaskets().Draw(t, "baskets")
		opts := genOptions().Draw(t, "opts")
		ref := opts
		ref.Algorithm, ref.Workers = FPGrowth, 1
		want, err := Mine(baskets, ref)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Mine(baskets, opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%v differs from FP-Growth with one worker (-fpgrowth +got):\n%s", opts, diff)
		}
	})
}

// TestPropClosedMaximal: Closed and Maximal are the closed and maximal
// members of the full collection, by definition.
func TestPropClosedMaximal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		baskets := genBaskets().Draw(t, "baskets")
		opts := genOptions().Draw(t, "opts")
		opts.Target = All
		all, err := Mine(baskets, opts)
		if err != nil {
			t.Fatal(err)
		}
		var closed, maximal []Itemset[int]
		for _, x := range all {
			isClosed, isMaximal := true, true
			for _, y := range all {
				if len(y.Items) > len(x.Items) && isSubset(x.Items, y.Items) {
					isMaximal = false
					if y.Count == x.Count {
						isClosed = false
					}
				}
			}
			if isClosed {
				closed = append(closed, x)
			}
			if isMaximal {
				maximal = append(maximal, x)
			}
		}
		for _, tc := range []struct {
			target Target
			want   []Itemset[int]
		}{{Closed, closed}, {Maximal, maximal}} {
			o := opts
			o.Target = tc.target
			got, err := Mine(baskets, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.want) == 0 {
				tc.want = []Itemset[int]{}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("%v (-definition +got):\n%s", tc.target, diff)
			}
		}
	})
}

func isSubset(a, b []int) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

// TestPropRulesConfidence: every rule clears the confidence, its metrics
// come from the itemset counts, and no rule is missed.
func TestPropRulesConfidence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		baskets := genBaskets().Draw(t, "baskets")
		if len(baskets) == 0 {
			return
		}
		sets, err := Mine(baskets, Options{MinCount: rapid.IntRange(1, 3).Draw(t, "minCount")})
		if err != nil {
			t.Fatal(err)
		}
		minConf := rapid.Float64Range(0, 1).Draw(t, "minConf")
		rules, err := Rules(sets, len(baskets), minConf)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, s := range sets {
			count[key(s.Items)] = s.Count
		}
		want := 0
		for _, s := range sets {
			k := len(s.Items)
			for mask := 1; mask < 1<<k-1; mask++ {
				var x []int
				for b := 0; b < k; b++ {
					if mask&(1<<b) != 0 {
						x = append(x, s.Items[b])
					}
				}
				if float64(s.Count)/float64(count[key(x)]) >= minConf {
					want++
				}
			}
		}
		if len(rules) != want {
			t.Fatalf("%d rules, by enumeration %d", len(rules), want)
		}
		for _, r := range rules {
			union := slices.Sorted(slices.Values(append(slices.Clone(r.If), r.Then...)))
			if r.Count != count[key(union)] || r.Confidence < minConf ||
				r.Confidence != float64(r.Count)/float64(count[key(r.If)]) {
				t.Fatalf("rule %+v inconsistent with counts", r)
			}
		}
	})
}

// TestPropRecommendNeverHeld: suggestions never include a held item, are
// at most k, distinct, best first, and each is justified by a rule whose
// antecedent is held and whose consequent holds the item.
func TestPropRecommendNeverHeld(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		baskets := genBaskets().Draw(t, "baskets")
		if len(baskets) == 0 {
			return
		}
		sets, _ := Mine(baskets, Options{MinCount: 1})
		rules, err := Rules(sets, len(baskets), rapid.Float64Range(0, 1).Draw(t, "minConf"))
		if err != nil {
			t.Fatal(err)
		}
		by := rapid.SampledFrom([]Metric{Confidence, Lift, Leverage, Conviction}).Draw(t, "by")
		rec := NewRecommender(rules, by)
		held := rapid.SliceOfN(rapid.IntRange(0, 8), 0, 6).Draw(t, "held")
		k := rapid.IntRange(-1, 6).Draw(t, "k")
		got := rec.Recommend(held, k)
		if len(got) > max(k, 0) {
			t.Fatalf("%d suggestions for k = %d", len(got), k)
		}
		seen := map[int]bool{}
		for i, s := range got {
			if slices.Contains(held, s.Item) {
				t.Fatalf("suggested held item %d (held %v)", s.Item, held)
			}
			if seen[s.Item] {
				t.Fatalf("item %d suggested twice", s.Item)
			}
			seen[s.Item] = true
			if i > 0 && s.Score > got[i-1].Score {
				t.Fatalf("not best first: %v", got)
			}
			if !isSubset(s.Rule.If, held) || !slices.Contains(s.Rule.Then, s.Item) {
				t.Fatalf("rule %v → %v does not justify %d for %v", s.Rule.If, s.Rule.Then, s.Item, held)
			}
		}
	})
}
