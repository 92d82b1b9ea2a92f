package crosssell

import "slices"

// FP-Growth after Han, Pei & Yin (2000), "Mining frequent patterns without
// candidate generation", SIGMOD, with the array-based trees, perfect
// extension pruning and single-path enumeration described by Borgelt (2005),
// "An implementation of the FP-growth algorithm", OSDM workshop.

// fpNode is one node of an FP-tree. Indices are into fpTree.nodes; node 0
// is the root.
type fpNode struct {
	item   int32 // local item code
	parent int32
	count  int32
	child  int32 // most recently created child, -1 if none
	sib    int32 // next older sibling, -1 if none
	next   int32 // next node with the same item, -1 if none
}

// fpTree is an FP-tree over local item codes 0..n-1, which keep the global
// frequency order: a path from the root has increasing codes.
type fpTree struct {
	nodes     []fpNode
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
	t.nodes = append(t.nodes[:0], fpNode{item: -1, parent: -1, child: -1, sib: -1, next: -1})
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
			nd = t.nodes[cur].child
			for nd >= 0 && t.nodes[nd].item != x {
				nd = t.nodes[nd].sib
			}
		}
		if nd < 0 {
			nd = int32(len(t.nodes))
			first := t.nodes[cur].child
			if first >= 0 {
				t.branched = true
			}
			t.nodes = append(t.nodes, fpNode{item: x, parent: cur, child: -1, sib: first, next: t.head[x]})
			t.nodes[cur].child = nd
			t.head[x] = nd
			if cur == 0 {
				t.rootChild[x] = nd
			}
		}
		t.nodes[nd].count += c
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
	nodes := t.nodes
	touched := m.touched[:0]
	steps := 0
	for nd := t.head[j]; nd >= 0; nd = nodes[nd].next {
		c := nodes[nd].count
		for p := nodes[nd].parent; p != 0; p = nodes[p].parent {
			it := nodes[p].item
			if m.cnt[it] == 0 {
				touched = append(touched, it)
			}
			m.cnt[it] += c
			steps++
		}
	}
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
	u.nodes = slices.Grow(u.nodes, steps)
	for nd := t.head[j]; nd >= 0; nd = nodes[nd].next {
		path := m.path[:0]
		for p := nodes[nd].parent; p != 0; p = nodes[p].parent {
			if k := m.code[nodes[p].item]; k >= 0 {
				path = append(path, k)
			}
		}
		if len(path) > 0 {
			u.insert(path, nodes[nd].count)
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
	for nd := t.nodes[0].child; nd >= 0; nd = t.nodes[nd].child {
		chain = append(chain, nd)
	}
	m.chain = chain[:0]
	for d := len(chain) - 1; d >= 0 && !m.stop; d-- {
		nd := t.nodes[chain[d]]
		mark := len(m.pe)
		for _, a := range chain[:d] {
			m.pe = append(m.pe, t.gid[t.nodes[a].item])
		}
		m.stack = append(m.stack, t.gid[nd.item])
		m.report(nd.count)
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
	t.nodes = slices.Grow(t.nodes, len(ds.tx))
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
// item IDs (a prefix sorts first), by a most-significant-digit radix sort:
// each group of transactions that agree on the first d items is sorted on
// item d with packed 64-bit keys, then each run is sorted on item d+1.
func lexOrder(ds *dataset) []int32 {
	n := ds.ntx()
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	keys := make([]uint64, n)
	var rec func(lo, hi, d int)
	rec = func(lo, hi, d int) {
		grp, kk := order[lo:hi], keys[lo:hi]
		for i, t := range grp {
			tr := ds.trans(int(t))
			k := uint64(0) // transaction ended: sorts first
			if d < len(tr) {
				k = uint64(tr[d]) + 1
			}
			kk[i] = k<<32 | uint64(t)
		}
		slices.Sort(kk)
		for i := range grp {
			grp[i] = int32(uint32(kk[i]))
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
	if n > 1 {
		rec(0, n, 0)
	}
	return order
}
