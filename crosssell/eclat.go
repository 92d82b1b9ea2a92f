package crosssell

import "slices"

// Eclat after Zaki (2000), "Scalable algorithms for association mining",
// IEEE TKDE 12(3), with diffsets from Zaki & Gouda (2003), "Fast vertical
// mining using diffsets", KDD: each itemset carries the sorted list of the
// baskets that hold it (its tid-list), or, below a prefix X, the baskets
// that hold X but not the itemset (its diffset), whichever is shorter.
// Diffsets win on dense data, tid-lists on sparse data. Perfect extensions
// are pruned as in FP-Growth (see enum).

// member is one itemset of an equivalence class: the class prefix plus
// item. set is a tid-list or a diffset, as the class says.
type member struct {
	item  int32
	count int32
	set   []int32
}

// eclatMiner holds one worker's Eclat state: per depth, a member list and
// an arena for the sets of that depth's class.
type eclatMiner struct {
	enum
	members [][]member
	arena   [][]int32
	cnt     []int32 // per item ID, zero between uses
}

func (m *eclatMiner) level(depth int) {
	for len(m.members) <= depth {
		m.members = append(m.members, nil)
		m.arena = append(m.arena, nil)
	}
}

// intersect appends a ∩ b to dst; it gives up (ok false) as soon as fewer
// than need elements can result.
func intersect(dst, a, b []int32, need int) ([]int32, bool) {
	start := len(dst)
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if len(dst)-start+min(len(a)-i, len(b)-j) < need {
			return dst[:start], false
		}
		x, y := a[i], b[j]
		switch {
		case x < y:
			i++
		case x > y:
			j++
		default:
			dst = append(dst, x)
			i++
			j++
		}
	}
	return dst, len(dst)-start >= need
}

// intersectGallop appends a ∩ b to dst for a much shorter than b, by
// binary search of each element of a in the rest of b.
func intersectGallop(dst, a, b []int32) []int32 {
	lo := 0
	for _, x := range a {
		i, found := slices.BinarySearch(b[lo:], x)
		lo += i
		if found {
			dst = append(dst, x)
			lo++
		}
		if lo >= len(b) {
			break
		}
	}
	return dst
}

// difference appends a \ b to dst; it gives up (ok false) as soon as the
// result would exceed limit elements.
func difference(dst, a, b []int32, limit int) ([]int32, bool) {
	start := len(dst)
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			continue
		}
		if len(dst)-start >= limit {
			return dst[:start], false
		}
		dst = append(dst, x)
	}
	return dst, true
}

// class reports every itemset that extends the current itemset by members
// of cls and their extensions. diff tells whether cls holds diffsets.
func (m *eclatMiner) class(cls []member, diff bool, depth int) {
	for i := range cls {
		if m.stop {
			return
		}
		m.extendBy(cls, i, diff, depth)
	}
}

// extendBy reports the current itemset plus cls[i].item, then recurses
// into the class of its extensions by the later members.
func (m *eclatMiner) extendBy(cls []member, i int, diff bool, depth int) {
	a := cls[i]
	m.stack = append(m.stack, a.item)
	mark := len(m.pe)
	var kids []member
	kidDiff := diff
	if m.canGrow() && i+1 < len(cls) {
		m.level(depth + 1)
		buf := m.arena[depth+1][:0]
		kids = m.members[depth+1][:0]
		minCount := int(m.ds.minCount)
		tidTotal, diffTotal := 0, 0
		if depth == 0 {
			// At the top the class holds every more frequent item, thousands
			// on sparse data: count a's partners over a's transactions
			// (Σ|t|² work) and intersect only the frequent pairs.
			for _, t := range a.set {
				for _, id := range m.ds.trans(int(t)) {
					if id >= a.item {
						break
					}
					m.cnt[id]++
				}
			}
		}
		for _, b := range cls[i+1:] {
			start := len(buf)
			var ok bool
			var c int
			if depth == 0 {
				c = int(m.cnt[b.item])
				m.cnt[b.item] = 0
				if c < minCount {
					continue
				}
				if c < int(a.count) {
					buf = intersectGallop(buf, a.set, b.set)
				}
				ok = true
			} else if diff {
				// d(ab) = d(b) \ d(a); count(ab) = count(a) − |d(ab)|.
				buf, ok = difference(buf, b.set, a.set, int(a.count)-minCount)
				c = int(a.count) - (len(buf) - start)
			} else {
				if len(b.set) > 16*len(a.set) {
					buf = intersectGallop(buf, a.set, b.set)
					ok = len(buf)-start >= minCount
				} else {
					buf, ok = intersect(buf, a.set, b.set, minCount)
				}
				c = len(buf) - start
			}
			if !ok {
				buf = buf[:start]
				continue
			}
			if c == int(a.count) {
				m.pe = append(m.pe, b.item)
				buf = buf[:start]
				continue
			}
			kids = append(kids, member{b.item, int32(c), buf[start:len(buf):len(buf)]})
			tidTotal += c
			diffTotal += int(a.count) - c
		}
		if !diff && diffTotal < tidTotal {
			// Diffsets are shorter: d(ab) = t(a) \ t(ab).
			kidDiff = true
			for k := range kids {
				start := len(buf)
				buf, _ = difference(buf, a.set, kids[k].set, len(a.set))
				kids[k].set = buf[start:len(buf):len(buf)]
			}
		}
		m.arena[depth+1] = buf
		m.members[depth+1] = kids
	}
	m.report(a.count)
	if len(kids) > 0 && !m.stop {
		m.class(kids, kidDiff, depth+1)
	}
	m.pe = m.pe[:mark]
	m.stack = m.stack[:len(m.stack)-1]
}

// tidLists returns the tid-list of every item: the indices of the
// transactions that hold it, in increasing order.
func tidLists(ds *dataset) [][]int32 {
	flat := make([]int32, len(ds.tx))
	start := make([]int32, ds.nItems+1)
	for _, id := range ds.tx {
		start[id+1]++
	}
	for i := 1; i <= ds.nItems; i++ {
		start[i] += start[i-1]
	}
	fill := make([]int32, ds.nItems)
	copy(fill, start)
	for t := 0; t < ds.ntx(); t++ {
		for _, id := range ds.trans(t) {
			flat[fill[id]] = int32(t)
			fill[id]++
		}
	}
	out := make([][]int32, ds.nItems)
	for i := range out {
		out[i] = flat[start[i]:start[i+1]:start[i+1]]
	}
	return out
}

func mineEclat(ds *dataset, workers int, out sink) {
	tids := tidLists(ds)
	// Items in increasing order of count (decreasing ID): each item's class
	// then holds the more frequent items, which keeps classes small.
	top := make([]member, ds.nItems)
	for k := range top {
		id := int32(ds.nItems - 1 - k)
		top[k] = member{id, ds.count[id], tids[id]}
	}
	runTasks(len(top), workers, func() func(int, sink) bool {
		m := &eclatMiner{enum: enum{ds: ds}, cnt: make([]int32, ds.nItems)}
		return func(task int, out sink) bool {
			m.out, m.stop = out, false
			m.extendBy(top, task, false, 0)
			return !m.stop
		}
	}, out)
}
