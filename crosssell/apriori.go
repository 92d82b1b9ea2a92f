package crosssell

import "slices"

// Apriori after Agrawal & Srikant (1994), "Fast algorithms for mining
// association rules", VLDB: level k joins frequent (k−1)-itemsets that share
// their first k−2 items, prunes candidates with an infrequent (k−1)-subset,
// and counts the survivors in one pass over the transactions. Candidates
// live in a prefix tree whose levels are built one after the other, so that
// the children of a node are contiguous and sorted; counting walks the tree
// along each transaction (Borgelt 2003). Identical transactions are merged
// with a weight first, and level 2 is counted directly (see below).

type apTree struct {
	item   []int32
	parent []int32
	first  []int32 // first child
	nkids  []int32 // number of children
	count  []int32
}

func (t *apTree) add(item, parent int32) int32 {
	nd := int32(len(t.item))
	t.item = append(t.item, item)
	t.parent = append(t.parent, parent)
	t.first = append(t.first, 0)
	t.nkids = append(t.nkids, 0)
	t.count = append(t.count, 0)
	return nd
}

// child returns the child of nd with the given item, or -1.
func (t *apTree) child(nd, item int32) int32 {
	lo, hi := t.first[nd], t.first[nd]+t.nkids[nd]
	for lo < hi {
		mid := int32(uint32(lo+hi) >> 1)
		if t.item[mid] < item {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < t.first[nd]+t.nkids[nd] && t.item[lo] == item {
		return lo
	}
	return -1
}

// countTx adds weight w to every candidate at depth k that t contains,
// walking from node nd at depth d.
func (t *apTree) countTx(nd int32, tx []int32, d, k int, w int32) {
	lo, hi := t.first[nd], t.first[nd]+t.nkids[nd]
	if lo == hi {
		return
	}
	i := 0
	for c := lo; c < hi && i < len(tx); {
		x, y := t.item[c], tx[i]
		switch {
		case x < y:
			c++
		case x > y:
			i++
		default:
			if d+1 == k {
				t.count[c] += w
			} else if len(tx)-i-1 >= k-d-1 {
				t.countTx(c, tx[i+1:], d+1, k, w)
			}
			c++
			i++
		}
	}
}

func mineApriori(ds *dataset, _ int, out sink) {
	// Merge identical transactions.
	order := lexOrder(ds)
	var txs [][]int32
	var weight []int32
	for _, i := range order {
		tr := ds.trans(int(i))
		if n := len(txs); n > 0 && slices.Equal(txs[n-1], tr) {
			weight[n-1]++
			continue
		}
		txs = append(txs, tr)
		weight = append(weight, 1)
	}

	t := &apTree{}
	root := t.add(-1, -1)
	t.first[root] = 1
	t.nkids[root] = int32(ds.nItems)
	var ids []int32
	for id := 0; id < ds.nItems; id++ {
		nd := t.add(int32(id), root)
		t.count[nd] = ds.count[id]
		ids = append(ids[:0], int32(id))
		if !out.emit(ids, ds.count[id]) {
			return
		}
	}
	level := []int32{} // frequent nodes of the last level, in tree order
	for nd := int32(1); nd <= int32(ds.nItems); nd++ {
		level = append(level, nd)
	}
	used := make([]bool, ds.nItems)
	var buf, sub []int32
	if ds.maxLen == 0 || ds.maxLen >= 2 {
		// Level 2 has a candidate for every pair of frequent items, which
		// is millions on sparse data; count the pairs directly instead, per
		// first item over its tid-list, and keep only the frequent ones
		// (Borgelt 2003 counts level 2 in a triangular array for the same
		// reason).
		tids := tidLists(ds)
		cnt := make([]int32, ds.nItems)
		var touched []int32
		next := level[:0:0]
		for _, p := range level {
			a := t.item[p]
			touched = touched[:0]
			for _, tr := range tids[a] {
				for _, b := range ds.trans(int(tr)) {
					if b > a {
						if cnt[b] == 0 {
							touched = append(touched, b)
						}
						cnt[b]++
					}
				}
			}
			slices.Sort(touched)
			t.first[p] = int32(len(t.item))
			for _, b := range touched {
				if cnt[b] >= ds.minCount {
					nd := t.add(b, p)
					t.count[nd] = cnt[b]
					t.nkids[p]++
					next = append(next, nd)
				}
				cnt[b] = 0
			}
		}
		level = next
		for _, nd := range level {
			ids = append(ids[:0], t.item[t.parent[nd]], t.item[nd])
			if !out.emit(ids, t.count[nd]) {
				return
			}
		}
		if len(level) == 0 {
			return
		}
	}
	for k := 3; ds.maxLen == 0 || k <= ds.maxLen; k++ {
		// Candidates: children of each frequent (k−1)-node, one per later
		// frequent sibling whose join has only frequent (k−1)-subsets.
		var cands []int32
		for li, p := range level {
			t.first[p] = int32(len(t.item))
			for _, q := range level[li+1:] {
				if t.parent[q] != t.parent[p] {
					break
				}
				if !apSubsetsFrequent(t, p, t.item[q], &sub) {
					continue
				}
				cands = append(cands, t.add(t.item[q], p))
				t.nkids[p]++
			}
		}
		if len(cands) == 0 {
			return
		}
		// Count, on transactions reduced to items of frequent (k−1)-sets.
		clear(used)
		for _, p := range level {
			for q := p; q > 0; q = t.parent[q] {
				used[t.item[q]] = true
			}
		}
		for i, tr := range txs {
			buf = buf[:0]
			for _, x := range tr {
				if used[x] {
					buf = append(buf, x)
				}
			}
			if len(buf) >= k {
				t.countTx(root, buf, 0, k, weight[i])
			}
		}
		// Keep the frequent candidates, compacting each child range.
		level = level[:0]
		for _, p := range uniqueParents(t, cands) {
			lo, n := t.first[p], int32(0)
			for c := lo; c < lo+t.nkids[p]; c++ {
				if t.count[c] >= ds.minCount {
					t.item[lo+n], t.count[lo+n] = t.item[c], t.count[c]
					level = append(level, lo+n)
					n++
				}
			}
			t.nkids[p] = n
		}
		for _, nd := range level {
			ids = ids[:0]
			for q := nd; q > 0; q = t.parent[q] {
				ids = append(ids, t.item[q])
			}
			if !out.emit(ids, t.count[nd]) {
				return
			}
		}
		if len(level) == 0 {
			return
		}
	}
}

// uniqueParents lists the parents of the candidates in tree order.
func uniqueParents(t *apTree, cands []int32) []int32 {
	var ps []int32
	for _, c := range cands {
		if p := t.parent[c]; len(ps) == 0 || ps[len(ps)-1] != p {
			ps = append(ps, p)
		}
	}
	return ps
}

// apSubsetsFrequent reports whether every (k−1)-subset of P ∪ {y} that
// leaves out one item of P's prefix is a frequent node; P itself and its
// prefix plus y are frequent by construction.
func apSubsetsFrequent(t *apTree, p, y int32, scratch *[]int32) bool {
	path := (*scratch)[:0]
	for q := p; q > 0; q = t.parent[q] {
		path = append(path, t.item[q])
	}
	slices.Reverse(path) // P's items in increasing order
	*scratch = path
	for skip := 0; skip < len(path)-1; skip++ {
		nd := int32(0)
		for i, x := range path {
			if i == skip {
				continue
			}
			if nd = t.child(nd, x); nd < 0 {
				return false
			}
		}
		if t.child(nd, y) < 0 {
			return false
		}
	}
	return true
}
