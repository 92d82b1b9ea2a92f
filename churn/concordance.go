package churn

import "math"

// ConcordanceCounts holds the pair counts behind Harrell's C, named as in R's
// concordance()$count. A pair (i, j) is comparable when customer i churned
// at duration[i] and customer j was still a customer after it: duration[j]
// > duration[i], or duration[j] = duration[i] with j censored (a censoring
// at the time of a churn is taken to come after it, as in R). With weights,
// each pair counts w_i·w_j.
type ConcordanceCounts struct {
	Concordant float64 // comparable pairs where the customer who churned first had the higher risk
	Discordant float64 // comparable pairs where they had the lower risk
	TiedRisk   float64 // comparable pairs with equal risk (R's tied.x), counted as ½ in C
	TiedTime   float64 // pairs of churns at the same duration with unequal risk (R's tied.y); not comparable
	TiedBoth   float64 // pairs of churns at the same duration with equal risk (R's tied.xy); not comparable
	// StdErr is the infinitesimal-jackknife standard error of C, as
	// sqrt(concordance()$var) in R (Therneau & Atkinson, "The concordance
	// statistic", survival vignette, sec. 4): sqrt(Σ_i (w_i·∂C/∂w_i)²).
	StdErr float64
}

// C returns Harrell's concordance (Concordant + TiedRisk/2) /
// (Concordant + Discordant + TiedRisk), which is NaN when there is no
// comparable pair (ConcordanceWeighted reports that case as an error).
func (c ConcordanceCounts) C() float64 {
	return (c.Concordant + c.TiedRisk/2) / (c.Concordant + c.Discordant + c.TiedRisk)
}

// Concordance returns Harrell's C index of a risk score against observed
// churn (Harrell, Califf, Pryor, Lee & Rosati 1982, JAMA 247:2543–2546;
// Harrell, Lee & Mark 1996, Stat. Med. 15:361–387, sec. 5.5): among the
// comparable pairs (see [ConcordanceCounts]), the share in which the
// customer with the higher risk churned first, ties in risk counting ½.
// A higher risk must mean an earlier churn, as with a Cox linear predictor;
// C = 0.5 is chance and 1 is perfect ranking. It agrees with R's
// concordance(Surv(duration, event) ~ risk, reverse = TRUE), which coxph
// reports, including its handling of tied risks and tied times.
//
// It runs in O(n log n) time: a radix sort by duration and by risk, then a
// Fenwick tree over risk ranks (as R's concordance does with a balanced
// tree). It returns an error wrapping [ErrInvalidInput] when an input is
// invalid or no pair is comparable (for example when every customer is
// censored). The inputs are not modified.
func Concordance(risk, duration []float64, event []bool) (float64, error) {
	cc, err := concordance("Concordance", risk, duration, event, nil)
	if err != nil {
		return 0, err
	}
	return cc.C(), nil
}

// ConcordanceWeighted returns the weighted pair counts behind [Concordance]
// and the standard error of C; weight may be nil (unit weights), and a pair
// counts w_i·w_j, as in R's concordance(..., weights = w). Use its C method
// for the index.
func ConcordanceWeighted(risk, duration []float64, event []bool, weight []float64) (ConcordanceCounts, error) {
	return concordance("ConcordanceWeighted", risk, duration, event, weight)
}

func concordance(fn string, risk, duration []float64, event []bool, weight []float64) (ConcordanceCounts, error) {
	c := checker(fn)
	if err := validateSurv(c, duration, event, weight, nil); err != nil {
		return ConcordanceCounts{}, err
	}
	if err := c.Len("risk", len(risk), len(duration)); err != nil {
		return ConcordanceCounts{}, err
	}
	if err := c.Finite("risk", risk); err != nil {
		return ConcordanceCounts{}, err
	}
	if len(duration) > math.MaxInt32 {
		return ConcordanceCounts{}, c.Fail("duration", -1, "", "more than 2³¹−1 customers")
	}
	cc := concordanceCounts(risk, duration, event, weight, 0)
	if !(cc.Concordant+cc.Discordant+cc.TiedRisk > 0) {
		return cc, c.Fail("event", -1, "", "no comparable pair: need a churn before another customer's later duration")
	}
	return cc, nil
}

// concordanceCounts counts the pairs in O(n log n). Both risks and
// durations are ranked by radix sort; then one dimension is scanned in order
// while a Fenwick tree over the ranks of the other counts the pairs. The
// tree goes over whichever has fewer distinct values (durations in whole
// days, usually), so that it stays in cache, and the scan reads its inputs
// gathered into scan order, sequentially.
//
// path forces the scan for tests: 1 by duration, 2 by risk, 0 automatic.
func concordanceCounts(risk, duration []float64, event []bool, weight []float64, path int) ConcordanceCounts {
	n := len(duration)
	keys := make([]uint64, n)
	idx := make([]uint32, n)
	kbuf := make([]uint64, n)
	ibuf := make([]uint32, n)

	// sortRank returns the order of x and the dense rank (from 1) at each
	// position of that order.
	sortRank := func(x []float64) (order []uint32, seq []int32, nr int32) {
		for i, v := range x {
			keys[i] = orderKey(v)
			idx[i] = uint32(i)
		}
		sk, si := radixSortPairs(keys, idx, kbuf, ibuf)
		seq = make([]int32, n)
		for k := range sk {
			if k == 0 || sk[k] != sk[k-1] {
				nr++
			}
			seq[k] = nr
		}
		return append([]uint32(nil), si...), seq, nr
	}
	riskOrder, riskSeq, nr := sortRank(risk)
	timeOrder, timeSeq, nt := sortRank(duration)
	byCustomer := func(order []uint32, seq []int32) []int32 {
		r := make([]int32, n)
		for p, i := range order {
			r[i] = seq[p]
		}
		return r
	}
	gatherWeight := func(order []uint32) []float64 {
		if weight == nil {
			return nil
		}
		ws := make([]float64, n)
		for p, i := range order {
			ws[p] = weight[i]
		}
		return ws
	}
	if path == 2 || path == 0 && 2*int64(nt) < int64(nr) {
		timeRank := byCustomer(timeOrder, timeSeq)
		slot := make([]int32, n)
		for p, i := range riskOrder {
			slot[p] = 2 * timeRank[i]
			if event[i] {
				slot[p]--
			}
		}
		ws := gatherWeight(riskOrder)
		cc, inf := concordanceByRisk(riskSeq, slot, ws, nt)
		cc.StdErr = concordanceStdErr(cc, inf, ws)
		return cc
	}
	riskRank := byCustomer(riskOrder, riskSeq)
	rs := make([]int32, n)
	ev := make([]bool, n)
	for p, i := range timeOrder {
		rs[p] = riskRank[i]
		ev[p] = event[i]
	}
	ws := gatherWeight(timeOrder)
	cc, inf := concordanceByTime(timeSeq, rs, ev, ws, nr)
	cc.StdErr = concordanceStdErr(cc, inf, ws)
	return cc
}

// pairInfluence holds, per position of a scan, the weight of the partners
// in the concordant, discordant and tied-risk pairs the customer belongs to
// (as the earlier churn or as the later customer).
type pairInfluence struct {
	conc, disc, tied []float64
}

func newPairInfluence(n int) pairInfluence {
	return pairInfluence{conc: make([]float64, n), disc: make([]float64, n), tied: make([]float64, n)}
}

// concordanceStdErr is R's infinitesimal jackknife: with Somers'
// d = (C − D)/N over N comparable pairs, the influence of customer i is
// w_i·((c_i − d_i)/N − d·(c_i + d_i + t_i)/N), Var d = Σ influence², and
// se(C) = se(d)/2.
func concordanceStdErr(cc ConcordanceCounts, inf pairInfluence, w []float64) float64 {
	np := cc.Concordant + cc.Discordant + cc.TiedRisk
	if !(np > 0) {
		return 0
	}
	somer := (cc.Concordant - cc.Discordant) / np
	v := 0.0
	for p := range inf.conc {
		c, d, t := inf.conc[p], inf.disc[p], inf.tied[p]
		b := weightAt(w, p) * ((c-d)/np - somer*(c+d+t)/np)
		v += b * b
	}
	return math.Sqrt(v) / 2
}

// fenwick is a Fenwick (binary indexed) tree of weights over 1..n.
type fenwick []float64

func (f fenwick) add(i int32, w float64) {
	for ; int(i) < len(f); i += i & -i {
		f[i] += w
	}
}

// sum returns the total weight at 1..i.
func (f fenwick) sum(i int32) float64 {
	s := 0.0
	for ; i > 0; i -= i & -i {
		s += f[i]
	}
	return s
}

func weightAt(w []float64, p int) float64 {
	if w == nil {
		return 1
	}
	return w[p]
}

// concordanceByTime scans durations from the largest down, keeping a
// Fenwick tree over the risk ranks of the customers still at risk. Position
// p of the duration order has duration rank timeSeq[p], risk rank rs[p],
// event ev[p] and weight w[p] (nil: 1).
func concordanceByTime(timeSeq, rs []int32, ev []bool, w []float64, nr int32) (ConcordanceCounts, pairInfluence) {
	n := len(timeSeq)
	inf := newPairInfluence(n)
	tree := make(fenwick, nr+1)
	atRank := make([]float64, nr+1) // weight at risk by risk rank
	group := make([]float64, nr+1)  // weights of this duration's churns by rank
	total := 0.0
	insert := func(r int32, wi float64) {
		atRank[r] += wi
		total += wi
		tree.add(r, wi)
	}
	var cc ConcordanceCounts
	for hi := len(timeSeq); hi > 0; {
		lo := hi - 1
		for lo > 0 && timeSeq[lo-1] == timeSeq[hi-1] {
			lo--
		}
		// A censoring at the time of a churn counts as later.
		for p := lo; p < hi; p++ {
			if !ev[p] {
				insert(rs[p], weightAt(w, p))
			}
		}
		tied, both := 0.0, 0.0
		for p := lo; p < hi; p++ {
			if !ev[p] {
				continue
			}
			r, wi := rs[p], weightAt(w, p)
			less := tree.sum(r - 1)
			eq := atRank[r]
			more := max(total-less-eq, 0)
			cc.Concordant += wi * less
			cc.TiedRisk += wi * eq
			cc.Discordant += wi * more
			inf.conc[p] += less
			inf.tied[p] += eq
			inf.disc[p] += more
			both += wi * group[r]
			group[r] += wi
			tied += wi
		}
		for p := lo; p < hi; p++ {
			if ev[p] {
				r, wi := rs[p], weightAt(w, p)
				cc.TiedTime += wi * (tied - wi) / 2
				group[r] = 0
				insert(r, wi)
			}
		}
		cc.TiedBoth += both
		hi = lo
	}
	cc.TiedTime -= cc.TiedBoth

	// Each customer as the later member of a pair: scan durations upwards
	// with a tree of the earlier churns' risk ranks.
	clear(tree)
	clear(atRank)
	total = 0
	query := func(p int) {
		r := rs[p]
		less := tree.sum(r - 1)
		eq := atRank[r]
		inf.disc[p] += less // the earlier churn had the lower risk
		inf.tied[p] += eq
		inf.conc[p] += max(total-less-eq, 0)
	}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && timeSeq[hi] == timeSeq[lo] {
			hi++
		}
		for p := lo; p < hi; p++ {
			if ev[p] {
				query(p)
			}
		}
		for p := lo; p < hi; p++ {
			if ev[p] {
				insert(rs[p], weightAt(w, p))
			}
		}
		for p := lo; p < hi; p++ {
			if !ev[p] {
				query(p)
			}
		}
		lo = hi
	}
	return cc, inf
}

// concordanceByRisk scans risks from the lowest up, keeping a Fenwick tree
// over duration slots: slot 2t−1 for a churn at duration rank t and slot 2t
// for a censoring there, so that the customers comparable with a churn at
// rank t are exactly those in slots > 2t−1. Position p of the risk order
// has risk rank riskSeq[p], slot slot[p] and weight w[p] (nil: 1).
func concordanceByRisk(riskSeq, slot []int32, w []float64, nt int32) (ConcordanceCounts, pairInfluence) {
	n := len(slot)
	inf := newPairInfluence(n)
	ns := 2 * nt
	// after[s]: the weight in slots > s, over everyone.
	after := make([]float64, ns+1)
	eventsAt := make([]float64, nt+1)
	eventsSq := 0.0
	for p, s := range slot {
		wi := weightAt(w, p)
		after[s-1] += wi
		if s&1 == 1 {
			eventsAt[(s+1)/2] += wi
			eventsSq += wi * wi
		}
	}
	for s := ns - 1; s >= 0; s-- {
		after[s] += after[s+1]
	}
	// evBefore[s]: the churn weight in slots < s, over everyone.
	evBefore := make([]float64, ns+2)
	for p, s := range slot {
		if s&1 == 1 {
			evBefore[s+1] += weightAt(w, p)
		}
	}
	for s := int32(1); s <= ns+1; s++ {
		evBefore[s] += evBefore[s-1]
	}
	tiedAll := -eventsSq
	for _, e := range eventsAt {
		tiedAll += e * e
	}
	tiedAll /= 2

	tree := make(fenwick, ns+1)
	evTree := make(fenwick, ns+1)  // churns only, for the later members
	group := make([]float64, nt+1) // this risk group's churn weights by duration rank
	total := 0.0
	q1 := make([]float64, 0, 16)
	e1 := make([]float64, 0, 16)
	var cc ConcordanceCounts
	for lo := 0; lo < len(slot); {
		hi := lo + 1
		for hi < len(slot) && riskSeq[hi] == riskSeq[lo] {
			hi++
		}
		q1 = q1[:0]
		e1 = e1[:0]
		for p := lo; p < hi; p++ {
			s := slot[p]
			if s&1 == 1 {
				q1 = append(q1, total-tree.sum(s))
			}
			e1 = append(e1, evTree.sum(s-1))
		}
		for p := lo; p < hi; p++ {
			wi := weightAt(w, p)
			tree.add(slot[p], wi)
			total += wi
			if slot[p]&1 == 1 {
				evTree.add(slot[p], wi)
			}
		}
		// Each customer as the later member: the comparable churns are
		// those in slots < its own.
		for p := lo; p < hi; p++ {
			s := slot[p]
			lower := e1[p-lo]
			e2 := evTree.sum(s - 1)
			inf.disc[p] += lower // the earlier churn had the lower risk
			inf.tied[p] += e2 - lower
			inf.conc[p] += max(evBefore[s]-e2, 0)
		}
		k := 0
		for p := lo; p < hi; p++ {
			s := slot[p]
			if s&1 == 0 {
				continue
			}
			wi, t := weightAt(w, p), (s+1)/2
			q2 := total - tree.sum(s)
			more := max(after[s]-q2, 0)
			cc.Concordant += wi * q1[k]
			cc.TiedRisk += wi * (q2 - q1[k])
			cc.Discordant += wi * more
			inf.conc[p] += q1[k]
			inf.tied[p] += q2 - q1[k]
			inf.disc[p] += more
			cc.TiedBoth += wi * group[t]
			group[t] += wi
			k++
		}
		for p := lo; p < hi; p++ {
			group[(slot[p]+1)/2] = 0
		}
		lo = hi
	}
	cc.TiedTime = tiedAll - cc.TiedBoth
	return cc, inf
}
