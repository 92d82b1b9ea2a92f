package clv

import (
	"cmp"
	"math"
	"slices"
)

// btydTerms is a set of customer summaries compressed for the likelihoods:
// customers with equal (x, t_x, T) share one weighted btydTerm (as lifetimes'
// weights do), and the distinct x values and the distinct times (t_x and T
// together) are listed once, so that a likelihood evaluation computes the
// log-gamma and logarithm terms once per distinct value rather than once per
// customer.
type btydTerms struct {
	xs    []float64 // distinct x, ascending
	times []float64 // distinct t_x and T values, ascending
	rows  []btydTerm
	n     float64 // number of customers (Σ w)
	sumX  float64 // Σ w·x
	sumT  float64 // Σ w·T
}

type btydTerm struct {
	xi, txi, ti int32 // indexes into xs, times, times
	w           float64
}

// compressSummaries builds the terms of s, which must be valid summaries.
func compressSummaries(s []Summary) *btydTerms {
	type key struct{ x, tx, t float64 }
	// An open-addressing table on the bit patterns of (x, t_x, T): about
	// five times faster than a Go map on a million rows. +0 and −0 are
	// the same key, as they would be in a map.
	bits := func(v float64) uint64 {
		if v == 0 {
			return 0
		}
		return math.Float64bits(v)
	}
	mix := func(h uint64) uint64 { // MurmurHash3's fmix64
		h ^= h >> 33
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
		h *= 0xc4ceb9fe1a85ec53
		return h ^ h>>33
	}
	hash := func(a, b, c uint64) uint64 { return mix(mix(mix(a)^b) ^ c) }
	size := 1024
	for size < 2*min(len(s), 1<<20) {
		size *= 2
	}
	slot := make([]int32, size) // index into keys + 1; 0 = empty
	var keys []key
	var w []float64
	tm := &btydTerms{n: float64(len(s))}
	for i := range s {
		k := key{s[i].Frequency, s[i].Recency, s[i].T}
		if 2*len(keys) >= len(slot) {
			slot = make([]int32, 2*len(slot))
			for j, kk := range keys {
				h := hash(bits(kk.x), bits(kk.tx), bits(kk.t)) & uint64(len(slot)-1)
				for slot[h] != 0 {
					h = (h + 1) & uint64(len(slot)-1)
				}
				slot[h] = int32(j + 1)
			}
		}
		h := hash(bits(k.x), bits(k.tx), bits(k.t)) & uint64(len(slot)-1)
		for {
			j := slot[h]
			if j == 0 {
				keys = append(keys, k)
				w = append(w, 1)
				slot[h] = int32(len(keys))
				break
			}
			if keys[j-1] == k {
				w[j-1]++
				break
			}
			h = (h + 1) & uint64(len(slot)-1)
		}
	}
	xs := make([]float64, 0, 64)
	times := make([]float64, 0, 2*len(keys))
	for _, k := range keys {
		xs = append(xs, k.x)
		times = append(times, k.tx, k.t)
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	slices.Sort(times)
	times = slices.Compact(times)
	tm.xs, tm.times = xs, times
	find := func(v []float64, x float64) int32 {
		i, _ := slices.BinarySearchFunc(v, x, cmp.Compare[float64])
		return int32(i)
	}
	tm.rows = make([]btydTerm, len(keys))
	for j, k := range keys {
		tm.rows[j] = btydTerm{xi: find(xs, k.x), txi: find(times, k.tx), ti: find(times, k.t), w: w[j]}
	}
	// Sorted rows make the summation order, and so the result, independent
	// of the order of the input.
	slices.SortFunc(tm.rows, func(a, b btydTerm) int {
		if c := cmp.Compare(a.xi, b.xi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.txi, b.txi); c != 0 {
			return c
		}
		return cmp.Compare(a.ti, b.ti)
	})
	for _, r := range tm.rows {
		tm.sumX += r.w * xs[r.xi]
		tm.sumT += r.w * times[r.ti]
	}
	return tm
}
