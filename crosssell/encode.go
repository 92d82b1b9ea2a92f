package crosssell

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// dataset is the encoded form of the baskets that the miners work on. Items
// that reach the count threshold get dense IDs 0..nItems-1 in order of
// decreasing count (ties by increasing item value), so that ID order is the
// frequency order that FP-Growth wants. Infrequent items are dropped.
type dataset struct {
	n        int     // baskets, empty ones included
	minCount int32   // count threshold
	maxLen   int     // 0: unlimited
	nItems   int     // frequent items
	count    []int32 // count[id]: baskets that hold item id
	rank     []int32 // rank[id]: position of item id in increasing item order
	tx       []int32 // transactions, concatenated; each sorted by increasing ID, no duplicates
	off      []int32 // transaction t is tx[off[t]:off[t+1]]; only non-empty ones are kept
}

func (d *dataset) ntx() int { return len(d.off) - 1 }

func (d *dataset) trans(t int) []int32 { return d.tx[d.off[t]:d.off[t+1]] }

// encode validates baskets and options and builds the dataset. byRank[r] is
// the item with rank r.
func encode[T cmp.Ordered](fn string, baskets [][]T, opts Options) (*dataset, []T, error) {
	if err := opts.validate(fn); err != nil {
		return nil, nil, err
	}
	c := checker(fn)
	if baskets == nil {
		return nil, nil, c.Fail("baskets", -1, "nil", "must not be nil")
	}
	if len(baskets) >= math.MaxInt32 {
		return nil, nil, c.Fail("baskets", -1, "", "too many baskets")
	}
	total := 0
	for i, b := range baskets {
		for j, v := range b {
			if isNaN(v) {
				return nil, nil, c.Fail(fmt.Sprintf("baskets[%d]", i), j, "NaN", "items must not be NaN")
			}
		}
		total += len(b)
	}
	if total >= math.MaxInt32 {
		return nil, nil, c.Fail("baskets", -1, strconv.Itoa(total), "too many items in total")
	}

	// Pass 1: distinct items and their basket counts. occ holds the distinct
	// index of every item occurrence so that pass 2 needs no map look-ups.
	index := make(map[T]int32)
	var distinct []T
	var dcount, last []int32
	occ := make([]int32, total)
	k := 0
	for i, b := range baskets {
		for _, v := range b {
			d, ok := index[v]
			if !ok {
				d = int32(len(distinct))
				index[v] = d
				distinct = append(distinct, v)
				dcount = append(dcount, 0)
				last = append(last, -1)
			}
			occ[k] = d
			k++
			if last[d] != int32(i) { // a duplicate item in a basket counts once
				last[d] = int32(i)
				dcount[d]++
			}
		}
	}

	ds := &dataset{n: len(baskets), minCount: int32(opts.countThreshold(len(baskets))), maxLen: opts.MaxLen}
	freq := make([]int32, 0, len(distinct))
	for d, n := range dcount {
		if n >= ds.minCount {
			freq = append(freq, int32(d))
		}
	}
	slices.SortFunc(freq, func(a, b int32) int {
		if dcount[a] != dcount[b] {
			return cmp.Compare(dcount[b], dcount[a])
		}
		return cmp.Compare(distinct[a], distinct[b])
	})
	ds.nItems = len(freq)
	ds.count = make([]int32, len(freq))
	id := make([]int32, len(distinct))
	for i := range id {
		id[i] = -1
	}
	for i, d := range freq {
		id[d] = int32(i)
		ds.count[i] = dcount[d]
	}
	byID := make([]int32, len(freq)) // IDs in item order
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return cmp.Compare(distinct[freq[a]], distinct[freq[b]]) })
	ds.rank = make([]int32, len(freq))
	byRank := make([]T, len(freq))
	for r, i := range byID {
		ds.rank[i] = int32(r)
		byRank[r] = distinct[freq[i]]
	}

	// Pass 2: recode, drop infrequent items and duplicates, sort by ID.
	for i := range last {
		last[i] = -1
	}
	ds.tx = make([]int32, 0, total)
	ds.off = make([]int32, 1, len(baskets)+1)
	k = 0
	for i, b := range baskets {
		start := len(ds.tx)
		for range b {
			d := occ[k]
			k++
			if id[d] >= 0 && last[d] != int32(i) {
				last[d] = int32(i)
				ds.tx = append(ds.tx, id[d])
			}
		}
		if len(ds.tx) > start {
			insertionSort(ds.tx[start:])
			ds.off = append(ds.off, int32(len(ds.tx)))
		}
	}
	return ds, byRank, nil
}

// insertionSort sorts short slices in place; longer ones go to slices.Sort.
func insertionSort(a []int32) {
	if len(a) > 24 {
		slices.Sort(a)
		return
	}
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i
		for j > 0 && a[j-1] > v {
			a[j] = a[j-1]
			j--
		}
		a[j] = v
	}
}
