package churn

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

// Selections of customers for sortTimes.
const (
	selEvents = iota
	selCensored
	selAll
)

// sortTimes returns the sorted keys of x[i] for the customers selected by
// sel (by event), m of them, with their weights when weight is non-nil.
func sortTimes(x []float64, event []bool, weight []float64, sel, m int) sortedTimes {
	key := make([]uint64, 0, m)
	buf := make([]uint64, m)
	keep := func(i int) bool { return sel == selAll || event[i] == (sel == selEvents) }
	if weight == nil {
		for i, v := range x {
			if keep(i) {
				key = append(key, orderKey(v))
			}
		}
		return sortedTimes{key: radixSort(key, buf)}
	}
	w := make([]float64, 0, m)
	wbuf := make([]float64, m)
	for i, v := range x {
		if keep(i) {
			key = append(key, orderKey(v))
			w = append(w, weight[i])
		}
	}
	k, ws := radixSortPairs(key, w, buf, wbuf)
	return sortedTimes{key: k, weight: ws}
}

// newRiskTable builds the risk table of validated inputs in O(n) time
// (a radix sort of the durations, then one merge).
func newRiskTable(duration []float64, event []bool, weight, entry []float64) *riskTable {
	n := len(duration)
	ne := 0
	for _, e := range event {
		if e {
			ne++
		}
	}
	ev := sortTimes(duration, event, weight, selEvents, ne)
	ce := sortTimes(duration, event, weight, selCensored, n-ne)

	// Count the distinct times, then fill.
	m := 0
	for i, j := 0, 0; i < len(ev.key) || j < len(ce.key); m++ {
		k := nextKey(ev.key, ce.key, i, j)
		for i < len(ev.key) && ev.key[i] == k {
			i++
		}
		for j < len(ce.key) && ce.key[j] == k {
			j++
		}
	}
	t := &riskTable{
		time:     make([]float64, m),
		atRisk:   make([]float64, m),
		events:   make([]float64, m),
		censored: make([]float64, m),
	}
	for i, j, r := 0, 0, 0; r < m; r++ {
		k := nextKey(ev.key, ce.key, i, j)
		d, c := 0.0, 0.0
		for i < len(ev.key) && ev.key[i] == k {
			d += ev.w(i)
			i++
		}
		for j < len(ce.key) && ce.key[j] == k {
			c += ce.w(j)
			j++
		}
		t.time[r] = keyFloat(k)
		t.events[r] = d
		t.censored[r] = c
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
		en := sortTimes(entry, event, weight, selAll, n)
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

func nextKey(a, b []uint64, i, j int) uint64 {
	if j == len(b) || (i < len(a) && a[i] <= b[j]) {
		return a[i]
	}
	return b[j]
}
