package crosssell

import "slices"

// FP-Growth after Han, Pei & Yin (2000), "Mining frequent patterns without
// candidate generation", SIGMOD, with the array-based trees, perfect
// extension pruning and single-path enumeration described by Borgelt (2005),
// "An implementation of the FP-growth algorithm", OSDM workshop.

// An FP-tree node is split in two arrays indexed by node: up holds what
// the walks towards the root read (item and parent, 8 bytes, so that a
// cache line holds eight nodes), aux the rest. Node 0 is the root.
type fpUp struct {
	item   int32 // local item code
	parent int32
}

type fpAux struct {
	count int32
	child int32 // most recently created child, -1 if none
	sib   int32 // next older sibling, -1 if none
	next  int32 // next node with the same item, -1 if none
}

// fpTree is an FP-tree over local item codes 0..n-1, which keep the global
// frequency order: a path from the root has increasing codes.
type fpTree struct {
	up        []fpUp
	aux       []fpAux
	head      []int32 // head[c]: first node of item c
	rootChild []int32 // rootChild[c]: the root's child for item c
	total     []int32 // total[c]: count of item c in this tree
	gid       []int32 // gid[c]: global item ID of code c
	n         int
	branched  bool // some node has two children
}

func growTo(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n, n+n/4)
	}
	return s[:n]
}

// reset empties the tree and sizes its per-item tables for up to n items.
func (t *fpTree) reset(n int) {
	t.up = append(t.up[:0], fpUp{-1, -1})
	t.aux = append(t.aux[:0], fpAux{0, -1, -1, -1})
	t.head = growTo(t.head, n)
	t.rootChild = growTo(t.rootChild, n)
	t.total = growTo(t.total, n)
	t.gid = growTo(t.gid, n)
	t.n = n
	t.branched = false
}

// setItems fixes the number of items and clears their lists.
func (t *fpTree) setItems(n int) {
	t.n = n
	for i := 0; i < n; i++ {
		t.head[i] = -1
		t.rootChild[i] = -1
	}
}

// insert adds a path given in decreasing code order with count c. Paths
// arrive in (nearly) lexicographic order, so the matching child, if any, is
// almost always the most recently created one, which is checked first.
func (t *fpTree) insert(path []int32, c int32) {
	cur := int32(0)
	for k := len(path) - 1; k >= 0; k-- {
		x := path[k]
		var nd int32
		if cur == 0 {
			nd = t.rootChild[x]
		} else {
			nd = t.aux[cur].child
			for nd >= 0 && t.up[nd].item != x {
				nd = t.aux[nd].sib
			}
		}
		if nd < 0 {
			nd = int32(len(t.up))
			first := t.aux[cur].child
			if first >= 0 {
				t.branched = true
			}
			t.up = append(t.up, fpUp{x, cur})
			t.aux = append(t.aux, fpAux{0, -1, first, t.head[x]})
			t.aux[cur].child = nd
			t.head[x] = nd
			if cur == 0 {
				t.rootChild[x] = nd
			}
		}
		t.aux[nd].count += c
		cur = nd
	}
}

// fpMiner holds one worker's FP-Growth state; the trees per recursion depth
// and the scratch arrays are reused, so the search allocates only while the
// trees grow to their peak size.
type fpMiner struct {
	enum
	trees   []*fpTree
	cnt     []int32 // per local code, all zero between uses
	code    []int32 // old code → new code, or -1
	path    []int32
	chain   []int32
	touched []int32
	freq    []int32
	pbuf    []int32 // conditional pattern base: items of the paths
	pend    []int32 // end of each path in pbuf
	pcnt    []int32 // count of each path
}

func newFPMiner(ds *dataset) *fpMiner {
	return &fpMiner{
		enum: enum{ds: ds},
		cnt:  make([]int32, ds.nItems),
		code: make([]int32, ds.nItems),
	}
}

func (m *fpMiner) tree(depth int) *fpTree {
	for len(m.trees) <= depth {
		m.trees = append(m.trees, &fpTree{})
	}
	return m.trees[depth]
}

// cond builds the conditional tree of item j of t into the tree for
// depth+1, appending the perfect extensions of the current itemset to m.pe.
func (m *fpMiner) cond(t *fpTree, j int32, depth int) *fpTree {
	// One walk up from each node of j counts the items of the conditional
	// pattern base and records the paths, so that building the
	// conditional tree reads them sequentially.
	up, aux := t.up, t.aux
	touched := m.touched[:0]
	pbuf, pend, pcnt := m.pbuf[:0], m.pend[:0], m.pcnt[:0]
	for nd := t.head[j]; nd >= 0; nd = aux[nd].next {
		c := aux[nd].count
		for p := up[nd].parent; p != 0; p = up[p].parent {
			it := up[p].item
			if m.cnt[it] == 0 {
				touched = append(touched, it)
			}
			m.cnt[it] += c
			pbuf = append(pbuf, it)
		}
		pend = append(pend, int32(len(pbuf)))
		pcnt = append(pcnt, c)
	}
	m.pbuf, m.pend, m.pcnt = pbuf, pend, pcnt
	tot, minCount := t.total[j], m.ds.minCount
	freq := m.freq[:0]
	for _, i := range touched {
		c := m.cnt[i]
		switch {
		case c == tot:
			m.pe = append(m.pe, t.gid[i])
		case c >= minCount:
			freq = append(freq, i)
			continue
		}
		m.code[i] = -1
		m.cnt[i] = 0
	}
	m.touched, m.freq = touched, freq
	// Keep the frequency order: new codes follow the old ones.
	insertionSort(freq)
	u := m.tree(depth + 1)
	u.reset(len(freq))
	for n, i := range freq {
		m.code[i] = int32(n)
		u.gid[n] = t.gid[i]
		u.total[n] = m.cnt[i]
		m.cnt[i] = 0
	}
	n := len(freq)
	u.setItems(n)
	if n == 0 {
		return u
	}
	u.up = slices.Grow(u.up, len(pbuf))
	u.aux = slices.Grow(u.aux, len(pbuf))
	start := int32(0)
	for k, end := range pend {
		path := m.path[:0]
		for _, it := range pbuf[start:end] {
			if code := m.code[it]; code >= 0 {
				path = append(path, code)
			}
		}
		start = end
		if len(path) > 0 {
			u.insert(path, pcnt[k])
		}
		m.path = path
	}
	return u
}

// grow reports every frequent itemset of the current itemset's conditional
// tree t.
func (m *fpMiner) grow(t *fpTree, depth int) {
	if !t.branched {
		m.single(t)
		return
	}
	for j := int32(t.n - 1); j >= 0 && !m.stop; j-- {
		m.item(t, j, depth)
	}
}

// item reports the current itemset extended by item j of t, then its
// extensions.
func (m *fpMiner) item(t *fpTree, j int32, depth int) {
	m.stack = append(m.stack, t.gid[j])
	mark := len(m.pe)
	var u *fpTree
	if m.canGrow() {
		u = m.cond(t, j, depth)
	}
	m.report(t.total[j])
	if u != nil && u.n > 0 && !m.stop {
		m.grow(u, depth+1)
	}
	m.pe = m.pe[:mark]
	m.stack = m.stack[:len(m.stack)-1]
}

// single enumerates a tree that is one path: each item d of the path, with
// the items above it as perfect extensions, since every basket in the
// conditional data that holds d also holds them.
func (m *fpMiner) single(t *fpTree) {
	chain := m.chain[:0]
	for nd := t.aux[0].child; nd >= 0; nd = t.aux[nd].child {
		chain = append(chain, nd)
	}
	m.chain = chain[:0]
	for d := len(chain) - 1; d >= 0 && !m.stop; d-- {
		nd := chain[d]
		mark := len(m.pe)
		for _, a := range chain[:d] {
			m.pe = append(m.pe, t.gid[t.up[a].item])
		}
		m.stack = append(m.stack, t.gid[t.up[nd].item])
		m.report(t.aux[nd].count)
		m.stack = m.stack[:len(m.stack)-1]
		m.pe = m.pe[:mark]
	}
}

// buildFPTree builds the FP-tree of the whole dataset. Transactions are
// inserted in lexicographic order, so that each insertion only compares
// with the most recent child.
func buildFPTree(ds *dataset) *fpTree {
	t := &fpTree{}
	t.reset(ds.nItems)
	for i := range ds.nItems {
		t.gid[i] = int32(i)
		t.total[i] = ds.count[i]
	}
	t.setItems(ds.nItems)
	order := lexOrder(ds)
	t.up = slices.Grow(t.up, len(ds.tx))
	t.aux = slices.Grow(t.aux, len(ds.tx))
	var path []int32
	for _, i := range order {
		tr := ds.trans(int(i))
		path = path[:0]
		for k := len(tr) - 1; k >= 0; k-- {
			path = append(path, tr[k])
		}
		t.insert(path, 1)
	}
	return t
}

func mineFPGrowth(ds *dataset, workers int, out sink) {
	t := buildFPTree(ds)
	n := ds.nItems
	runTasks(n, workers, func() func(int, sink) bool {
		m := newFPMiner(ds)
		return func(task int, out sink) bool {
			m.out, m.stop = out, false
			m.item(t, int32(n-1-task), 0)
			return !m.stop
		}
	}, out)
}

// lexOrder returns the transaction indices in lexicographic order of their
// item IDs (a prefix sorts first).
func lexOrder(ds *dataset) []int32 {
	order := make([]int32, ds.ntx())
	for i := range order {
		order[i] = int32(i)
	}
	radixSort(order, make([]uint64, len(order)), ds.nItems, func(t int32) []int32 { return ds.trans(int(t)) })
	return order
}

// radixSort sorts order by the lexicographic order of the sequences seq(i)
// of values in [0, maxVal) (a prefix sorts first; ties keep increasing
// index) by a most-significant-digit radix sort. The group of sequences
// that agree on their first d elements is sorted on element d, by a stable
// counting sort when the group is large against maxVal, else by sorting
// packed 64-bit keys; then each run is sorted on element d+1. Each group
// arrives in increasing index order, so stability keeps ties in that
// order. keys is scratch space of len(order) or more.
func radixSort(order []int32, keys []uint64, maxVal int, seq func(i int32) []int32) {
	var tmp []int32
	var counts []int32
	var rec func(lo, hi, d int)
	rec = func(lo, hi, d int) {
		grp, kk := order[lo:hi], keys[lo:hi]
		for i, t := range grp {
			s := seq(t)
			k := uint64(0) // sequence ended: sorts first
			if d < len(s) {
				k = uint64(s[d]) + 1
			}
			kk[i] = k<<32 | uint64(uint32(t))
		}
		if n := hi - lo; n >= 1024 && n >= maxVal/4 {
			if tmp == nil {
				tmp = make([]int32, len(order))
				counts = make([]int32, maxVal+2)
			}
			clear(counts)
			for _, k := range kk {
				counts[k>>32+1]++
			}
			for v := 1; v < len(counts); v++ {
				counts[v] += counts[v-1]
			}
			tk := tmp[lo:hi]
			for _, k := range kk {
				v := k >> 32
				tk[counts[v]] = int32(uint32(k))
				counts[v]++
			}
			copy(grp, tk)
			for i, t := range grp {
				s := seq(t)
				k := uint64(0)
				if d < len(s) {
					k = uint64(s[d]) + 1
				}
				kk[i] = k<<32 | uint64(uint32(t))
			}
		} else {
			slices.Sort(kk)
			for i := range grp {
				grp[i] = int32(uint32(kk[i]))
			}
		}
		for i := lo; i < hi; {
			k := keys[i] >> 32
			j := i + 1
			for j < hi && keys[j]>>32 == k {
				j++
			}
			if k != 0 && j-i > 1 {
				rec(i, j, d+1)
			}
			i = j
		}
	}
	if len(order) > 1 {
		rec(0, len(order), 0)
	}
}
