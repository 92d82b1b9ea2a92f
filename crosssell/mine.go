package crosssell

import (
	"cmp"
	"slices"
)

// Itemset is a frequent itemset: a set of items and the number of baskets
// that hold all of them.
type Itemset[T cmp.Ordered] struct {
	// Items holds the items in increasing order, without duplicates.
	Items []T `json:"items"`
	// Count is the number of baskets that hold every item, ≥ 1.
	Count int `json:"count"`
	// Support is Count/n for n baskets, in (0, 1].
	Support float64 `json:"support"`
}

// Mine returns the frequent itemsets of baskets selected by opts.
//
// Each basket is a set of items: the products a customer holds, or the
// products bought together. Duplicate items in a basket count once, and
// empty baskets count in n (so they lower every support). An itemset is
// frequent when at least ⌈opts.MinSupport·n⌉ baskets (or opts.MinCount
// baskets) hold all of its items. The empty itemset is not reported.
//
// The result is sorted by increasing length, then lexicographically by
// items (in increasing item order), so that it is identical for every
// Algorithm and every number of Workers. Each Itemset's Items slice is
// freshly allocated (many share one backing array, with capacities cut so
// that appending to one never overwrites another).
//
// Mine returns an error wrapping [ErrInvalidInput] when baskets is nil, a
// floating-point item is NaN, or opts is invalid (see [Options]). Use [Each]
// to stream itemsets without holding them all in memory.
//
// The running time is output-sensitive: roughly linear in the number of
// item occurrences times the number of frequent itemsets in the worst case,
// and far less in practice.
func Mine[T cmp.Ordered](baskets [][]T, opts Options) ([]Itemset[T], error) {
	ds, byRank, err := encode("Mine", baskets, opts)
	if err != nil {
		return nil, err
	}
	s := &rankSink{rank: ds.rank}
	mine(ds, opts, s)

	order := canonicalOrder(s)
	items := make([]T, len(s.ids))
	out := make([]Itemset[T], len(order))
	pos := 0
	for k, i := range order {
		set := s.set(int(i))
		for j, r := range set {
			items[pos+j] = byRank[r]
		}
		c := int(s.counts[i])
		out[k] = Itemset[T]{
			Items:   items[pos : pos+len(set) : pos+len(set)],
			Count:   c,
			Support: float64(c) / float64(ds.n),
		}
		pos += len(set)
	}
	return out, nil
}

// Each calls yield for every frequent itemset of baskets selected by opts,
// with the itemset's items in increasing order and its count, until yield
// returns false. The items slice is reused between calls: copy it to keep
// it. With Target All and one worker, Each holds no itemsets: memory stays
// constant however many itemsets there are, and the caller can filter,
// count or write them out as they come. Closed and Maximal targets, and
// Workers > 1, buffer itemsets internally.
//
// Baskets and options are as for [Mine], and so are the errors; Each returns
// nil when yield stops the search. The order of the calls is deterministic
// for a given input, Algorithm and Target, and the same for any number of
// Workers, but differs between algorithms; use [Mine] for a canonical order.
func Each[T cmp.Ordered](baskets [][]T, opts Options, yield func(items []T, count int) bool) error {
	ds, byRank, err := encode("Each", baskets, opts)
	if err != nil {
		return err
	}
	if yield == nil {
		return checker("Each").Fail("yield", -1, "nil", "must not be nil")
	}
	mine(ds, opts, &yieldSink[T]{rank: ds.rank, byRank: byRank, yield: yield})
	return nil
}

// yieldSink decodes IDs into items in increasing order and calls yield.
type yieldSink[T cmp.Ordered] struct {
	rank    []int32
	byRank  []T
	scratch []int32
	items   []T
	yield   func([]T, int) bool
}

func (s *yieldSink[T]) emit(ids []int32, count int32) bool {
	sc := s.scratch[:0]
	for _, id := range ids {
		sc = append(sc, s.rank[id])
	}
	insertionSort(sc)
	it := s.items[:0]
	for _, r := range sc {
		it = append(it, s.byRank[r])
	}
	s.scratch, s.items = sc, it
	return s.yield(it, int(count))
}

// rankSink stores itemsets as sorted item ranks.
type rankSink struct {
	bufSink
	rank []int32
}

func (s *rankSink) emit(ids []int32, count int32) bool {
	start := len(s.ids)
	for _, id := range ids {
		s.ids = append(s.ids, s.rank[id])
	}
	insertionSort(s.ids[start:])
	s.end = append(s.end, len(s.ids))
	s.counts = append(s.counts, count)
	return true
}

// canonicalOrder returns the indices of the itemsets in b sorted by length,
// then lexicographically: a counting sort by length, then a comparison sort
// within each length.
func canonicalOrder(b *rankSink) []int32 {
	n := b.len()
	start := make([]int, n)
	maxLen := 0
	for i := 0; i < n; i++ {
		if i > 0 {
			start[i] = b.end[i-1]
		}
		maxLen = max(maxLen, b.end[i]-start[i])
	}
	pos := make([]int, maxLen+2)
	for i := 0; i < n; i++ {
		pos[b.end[i]-start[i]+1]++
	}
	for l := 1; l < len(pos); l++ {
		pos[l] += pos[l-1]
	}
	order := make([]int32, n)
	next := slices.Clone(pos)
	for i := 0; i < n; i++ {
		l := b.end[i] - start[i]
		order[next[l]] = int32(i)
		next[l]++
	}
	keys := make([]uint64, n)
	for l := 1; l <= maxLen; l++ {
		radixSort(order[pos[l]:pos[l+1]], keys, len(b.rank), func(i int32) []int32 { return b.ids[start[i] : start[i]+l] })
	}
	return order
}
