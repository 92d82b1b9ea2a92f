package churn

import "math"

// coxFloatKey maps a float64 to a uint64 whose unsigned order is the numeric
// order of the floats (-0 and +0 map to neighbouring keys, which is harmless
// for the finite times used here).
func coxFloatKey(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// coxRadixOrder returns the permutation that sorts key ascending, stably.
func coxRadixOrder(key []uint64) []int32 {
	idx := make([]int32, len(key))
	for i := range idx {
		idx[i] = int32(i)
	}
	return coxRadixSort(key, idx)
}

// coxRadixSort reorders the index permutation idx stably by key[idx[i]]
// and returns it (possibly in a different backing array). It is an LSD radix
// sort on bytes, skipping the byte positions on which all keys agree, so
// that it costs a few linear passes whatever the ties: on a million
// whole-day times it is several times faster than a comparison sort.
func coxRadixSort(key []uint64, idx []int32) []int32 {
	n := len(idx)
	if n < 2 {
		return idx
	}
	var diff uint64
	k0 := key[0]
	for _, k := range key {
		diff |= k ^ k0
	}
	tmpIdx := make([]int32, n)
	keys := make([]uint64, n)
	for i, j := range idx {
		keys[i] = key[j]
	}
	tmpKeys := make([]uint64, n)
	var count [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		if (diff>>shift)&0xff == 0 {
			continue
		}
		count = [256]int{}
		for _, k := range keys {
			count[(k>>shift)&0xff]++
		}
		pos := 0
		for b := range count {
			c := count[b]
			count[b] = pos
			pos += c
		}
		for i, k := range keys {
			b := (k >> shift) & 0xff
			j := count[b]
			count[b]++
			tmpKeys[j] = k
			tmpIdx[j] = idx[i]
		}
		keys, tmpKeys = tmpKeys, keys
		idx, tmpIdx = tmpIdx, idx
	}
	return idx
}

// coxStableByGroup reorders perm stably by group[perm[i]] (values in
// [0, ngroup)), a counting sort.
func coxStableByGroup(perm []int32, group []int32, ngroup int) []int32 {
	if ngroup <= 1 {
		return perm
	}
	start := make([]int, ngroup+1)
	for _, i := range perm {
		start[group[i]+1]++
	}
	for g := 1; g <= ngroup; g++ {
		start[g] += start[g-1]
	}
	out := make([]int32, len(perm))
	for _, i := range perm {
		g := group[i]
		out[start[g]] = i
		start[g]++
	}
	return out
}
