package churn

import "math"

// riskTable is the sufficient statistic of right-censored, possibly
// left-truncated, weighted survival data: for each distinct duration (in
// increasing order) the weight at risk just before it, the weight of events
// and the weight of censorings at it. Kaplan-Meier and Nelson-Aalen are both
// computed from it in one pass.
type riskTable struct {
	time, atRisk, events, censored []float64
}

// sortedTimes holds sorted orderKey keys and, when weighted, their weights.
type sortedTimes struct {
	key    []uint64
	weight []float64 // nil: every weight is 1
}

func (s sortedTimes) w(i int) float64 {
	if s.weight == nil {
		return 1
	}
	return s.weight[i]
}

// sortTimes returns the sorted orderKey keys of x, with their weights when
// weight is non-nil.
func sortTimes(x []float64, weight []float64) sortedTimes {
	n := len(x)
	key := make([]uint64, n)
	for i, v := range x {
		key[i] = orderKey(v)
	}
	if weight == nil {
		return sortedTimes{key: radixSort(key, make([]uint64, n))}
	}
	w := append([]float64(nil), weight...)
	k, ws := radixSortPairs(key, w, make([]uint64, n), make([]float64, n))
	return sortedTimes{key: k, weight: ws}
}

// newRiskTable builds the risk table of validated inputs in O(n) time: one
// radix sort of keys that hold the duration's bits and, in the lowest bit,
// whether the customer was censored (so that, at equal durations, churns
// come first), then one pass.
func newRiskTable(duration []float64, event []bool, weight, entry []float64) *riskTable {
	n := len(duration)
	keys := make([]uint64, n)
	buf := make([]uint64, n)
	for i, d := range duration {
		// d ≥ 0, so its bits are its order; the shift drops the sign of −0.
		k := math.Float64bits(d) << 1
		if !event[i] {
			k |= 1
		}
		keys[i] = k
	}
	var ws []float64
	if weight == nil {
		keys = radixSort(keys, buf)
	} else {
		w := append([]float64(nil), weight...)
		keys, ws = radixSortPairs(keys, w, buf, make([]float64, n))
	}

	m := 0
	prev := ^uint64(0)
	for _, k := range keys {
		if k>>1 != prev {
			m++
			prev = k >> 1
		}
	}
	t := &riskTable{
		time:     make([]float64, m),
		atRisk:   make([]float64, m),
		events:   make([]float64, m),
		censored: make([]float64, m),
	}
	r := -1
	prev = ^uint64(0)
	for p, k := range keys {
		if k>>1 != prev {
			r++
			prev = k >> 1
			t.time[r] = math.Float64frombits(prev)
		}
		c := float64(k & 1)
		if ws == nil {
			t.events[r] += 1 - c
			t.censored[r] += c
		} else {
			t.events[r] += ws[p] * (1 - c)
			t.censored[r] += ws[p] * c
		}
	}
	// At risk at time t: the weight with duration ≥ t, less the weight
	// that has not yet entered (entry ≥ t). Summed from the end, as R does,
	// so that the last at-risk weight equals its events plus censorings.
	cum := 0.0
	for r := m - 1; r >= 0; r-- {
		cum += t.events[r] + t.censored[r]
		t.atRisk[r] = cum
	}
	if entry != nil {
		en := sortTimes(entry, weight)
		p := len(en.key) - 1
		late := 0.0
		for r := m - 1; r >= 0; r-- {
			k := orderKey(t.time[r])
			for p >= 0 && en.key[p] >= k {
				late += en.w(p)
				p--
			}
			t.atRisk[r] = max(t.atRisk[r]-late, 0)
		}
	}
	return t
}
