package segment

import (
	"math/bits"
	"slices"
)

// selectRanks partially orders a in place so that, for every r in ranks,
// a[r] holds the r-th smallest element (0-based), as a full ascending sort
// would. ranks must be ascending and within [0, len(a)); duplicates are
// allowed. a must not contain NaN.
//
// It is a multi-rank quickselect with a three-way partition, so that long
// runs of equal values (common in frequency and recency data) cost one pass;
// it falls back to slices.Sort on a sub-range after 2·log2(n) unlucky
// partitions, which bounds the worst case at O(n log n). The expected cost is
// O(n log r) for r distinct ranks.
func selectRanks(a []float64, ranks []int) {
	if len(a) == 0 || len(ranks) == 0 {
		return
	}
	selectRec(a, 0, len(a), ranks, 2*bits.Len(uint(len(a))))
}

func selectRec(a []float64, lo, hi int, ranks []int, budget int) {
	for len(ranks) > 0 {
		if hi-lo <= 16 {
			insertionSort(a[lo:hi])
			return
		}
		if budget == 0 {
			slices.Sort(a[lo:hi])
			return
		}
		budget--
		p := pivot(a, lo, hi)
		lt, gt := partition3(a, lo, hi, p)
		// a[lo:lt] < p, a[lt:gt] == p, a[gt:hi] >= p.
		i := 0
		for i < len(ranks) && ranks[i] < lt {
			i++
		}
		j := i
		for j < len(ranks) && ranks[j] < gt {
			j++
		}
		left, right := ranks[:i], ranks[j:]
		// Recurse into the smaller side, loop on the larger one.
		if lt-lo < hi-gt {
			selectRec(a, lo, lt, left, budget)
			lo, ranks = gt, right
		} else {
			selectRec(a, gt, hi, right, budget)
			hi, ranks = lt, left
		}
	}
}

func insertionSort(a []float64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// pivot returns the median of three (or, for long ranges, Tukey's ninther)
// of a[lo:hi].
func pivot(a []float64, lo, hi int) float64 {
	n := hi - lo
	m := lo + n/2
	if n < 128 {
		return median3(a[lo], a[m], a[hi-1])
	}
	s := n / 8
	return median3(
		median3(a[lo], a[lo+s], a[lo+2*s]),
		median3(a[m-s], a[m], a[m+s]),
		median3(a[hi-1-2*s], a[hi-1-s], a[hi-1]),
	)
}

func median3(x, y, z float64) float64 {
	if x > y {
		x, y = y, x
	}
	if y > z {
		y = z
	}
	if x > y {
		return x
	}
	return y
}

// partition3 rearranges a[lo:hi] into < p, == p, > p and returns the bounds
// lt, gt of the middle part, which is left empty (lt == gt) when p is not
// the smallest value of the range: the equal values then stay on the right
// and are separated later, when a pivot equal to them is the smallest of its
// range. This keeps the common case to one branch-free pass while long runs
// of ties still cost a single extra pass.
func partition3(a []float64, lo, hi int, p float64) (lt, gt int) {
	lt = lo + partitionLess(a[lo:hi], p)
	if lt > lo {
		return lt, lt
	}
	return lo, lo + partitionLessEq(a[lo:hi], p)
}

// partitionLess moves the elements < p to the front of a (branch-free
// Lomuto scheme) and returns their number.
func partitionLess(a []float64, p float64) int {
	lt := 0
	for i, v := range a {
		a[i] = a[lt]
		a[lt] = v
		inc := 0
		if v < p {
			inc = 1
		}
		lt += inc
	}
	return lt
}

// partitionLessEq moves the elements <= p to the front of a and returns
// their number.
func partitionLessEq(a []float64, p float64) int {
	lt := 0
	for i, v := range a {
		a[i] = a[lt]
		a[lt] = v
		inc := 0
		if v <= p {
			inc = 1
		}
		lt += inc
	}
	return lt
}
