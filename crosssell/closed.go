package crosssell

import "slices"

// setTable is an open-addressing hash index over sorted ID sequences held
// elsewhere; set(i) returns sequence i.
type setTable struct {
	slot []int32 // -1: empty; otherwise a sequence index
	mask uint64
	set  func(i int) []int32
}

func hashIDs(ids []int32) uint64 {
	h := uint64(len(ids)) * 0x9e3779b97f4a7c15
	for _, v := range ids {
		h = (h ^ uint64(uint32(v))) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
	}
	return h
}

// newSetTable returns an empty table with room for n sequences.
func newSetTable(n int, set func(i int) []int32) *setTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	t := &setTable{slot: make([]int32, size), mask: uint64(size - 1), set: set}
	for i := range t.slot {
		t.slot[i] = -1
	}
	return t
}

// add inserts sequence i and returns -1, or returns the index of an equal
// sequence already present (leaving the table unchanged).
func (t *setTable) add(i int) int {
	s := t.set(i)
	for h := hashIDs(s) & t.mask; ; h = (h + 1) & t.mask {
		j := t.slot[h]
		if j < 0 {
			t.slot[h] = int32(i)
			return -1
		}
		if slices.Equal(t.set(int(j)), s) {
			return int(j)
		}
	}
}

// find returns the index of the sequence equal to s, or -1.
func (t *setTable) find(s []int32) int {
	for h := hashIDs(s) & t.mask; ; h = (h + 1) & t.mask {
		j := t.slot[h]
		if j < 0 {
			return -1
		}
		if slices.Equal(t.set(int(j)), s) {
			return int(j)
		}
	}
}

// filterTarget sends to out the closed or maximal itemsets among the
// complete collection b of frequent itemsets (IDs sorted within each set).
//
// An itemset X is not closed exactly when some X ∪ {e} has the same count,
// and not maximal exactly when some X ∪ {e} is frequent: a longer superset
// with equal count or any frequent superset implies one with a single extra
// item, by anti-monotonicity. So one pass over every itemset Y and its
// subsets Y \ {e} decides both, with O(Σ|Y|) hash look-ups.
func filterTarget(b *bufSink, target Target, out sink) {
	n := b.len()
	idx := newSetTable(n, b.set)
	for i := 0; i < n; i++ {
		idx.add(i)
	}
	drop := make([]bool, n)
	var sub []int32
	for i := 0; i < n; i++ {
		y := b.set(i)
		if len(y) < 2 {
			continue
		}
		for k := range y {
			sub = append(append(sub[:0], y[:k]...), y[k+1:]...)
			j := idx.find(sub)
			if j < 0 {
				panic("crosssell: subset of a frequent itemset missing")
			}
			if target == Maximal || b.counts[j] == b.counts[i] {
				drop[j] = true
			}
		}
	}
	for i := 0; i < n; i++ {
		if !drop[i] && !out.emit(b.set(i), b.counts[i]) {
			return
		}
	}
}
