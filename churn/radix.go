package churn

import "math"

// This file holds the LSD radix sorts behind the O(n) risk tables of
// KaplanMeier and NelsonAalen and the O(n log n) Concordance. Sorting the
// IEEE-754 bit patterns byte by byte is linear in n and, for durations in
// whole days, needs only the two or three bytes that vary, which makes it
// several times faster than a comparison sort.

// orderKey maps a finite float64 to a uint64 whose unsigned order is the
// numeric order of the floats; -0 and +0 map to the same key.
func orderKey(x float64) uint64 {
	if x == 0 {
		return 1 << 63
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// radixHist counts, for each of the 8 bytes of the keys, how many keys hold
// each byte value.
func radixHist(keys []uint64) *[8][256]int {
	var c [8][256]int
	for _, k := range keys {
		c[0][byte(k)]++
		c[1][byte(k>>8)]++
		c[2][byte(k>>16)]++
		c[3][byte(k>>24)]++
		c[4][byte(k>>32)]++
		c[5][byte(k>>40)]++
		c[6][byte(k>>48)]++
		c[7][byte(k>>56)]++
	}
	return &c
}

// radixSort sorts keys in ascending order, using buf (len(buf) ≥
// len(keys)) as scratch space, and returns the sorted keys, which live in
// either keys or buf. Bytes that are equal in every key are skipped.
func radixSort(keys, buf []uint64) []uint64 {
	n := len(keys)
	if n < 2 {
		return keys
	}
	c := radixHist(keys)
	src, dst := keys, buf[:n]
	for d := range 8 {
		shift := uint(8 * d)
		cd := &c[d]
		if cd[byte(src[0]>>shift)] == n {
			continue
		}
		sum := 0
		for i, v := range cd {
			cd[i] = sum
			sum += v
		}
		for _, k := range src {
			b := byte(k >> shift)
			dst[cd[b]] = k
			cd[b]++
		}
		src, dst = dst, src
	}
	return src
}

// radixSortPairs sorts keys in ascending order and permutes vals with them
// (stably: equal keys keep their input order). kbuf and vbuf are scratch
// space of at least len(keys). It returns the sorted keys and values, each
// in either the input or the scratch slice.
func radixSortPairs[V any](keys []uint64, vals []V, kbuf []uint64, vbuf []V) ([]uint64, []V) {
	n := len(keys)
	if n < 2 {
		return keys, vals
	}
	c := radixHist(keys)
	ks, kd := keys, kbuf[:n]
	vs, vd := vals, vbuf[:n]
	for d := range 8 {
		shift := uint(8 * d)
		cd := &c[d]
		if cd[byte(ks[0]>>shift)] == n {
			continue
		}
		sum := 0
		for i, v := range cd {
			cd[i] = sum
			sum += v
		}
		for i, k := range ks {
			b := byte(k >> shift)
			j := cd[b]
			kd[j] = k
			vd[j] = vs[i]
			cd[b]++
		}
		ks, kd = kd, ks
		vs, vd = vd, vs
	}
	return ks, vs
}
