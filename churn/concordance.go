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

// ConcordanceWeighted returns the weighted pair counts behind [Concordance];
// weight may be nil (unit weights), and a pair counts w_i·w_j. Use its C
// method for the index.
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
		return concordanceByRisk(riskSeq, slot, gatherWeight(riskOrder), nt)
	}
	riskRank := byCustomer(riskOrder, riskSeq)
	rs := make([]int32, n)
	ev := make([]bool, n)
	for p, i := range timeOrder {
		rs[p] = riskRank[i]
		ev[p] = event[i]
	}
	return concordanceByTime(timeSeq, rs, ev, gatherWeight(timeOrder), nr)
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
func concordanceByTime(timeSeq, rs []int32, ev []bool, w []float64, nr int32) ConcordanceCounts {
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
			cc.Concordant += wi * less
			cc.TiedRisk += wi * eq
			cc.Discordant += wi * max(total-less-eq, 0)
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
	return cc
}

// concordanceByRisk scans risks from the lowest up, keeping a Fenwick tree
// over duration slots: slot 2t−1 for a churn at duration rank t and slot 2t
// for a censoring there, so that the customers comparable with a churn at
// rank t are exactly those in slots > 2t−1. Position p of the risk order
// has risk rank riskSeq[p], slot slot[p] and weight w[p] (nil: 1).
func concordanceByRisk(riskSeq, slot []int32, w []float64, nt int32) ConcordanceCounts {
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
	tiedAll := -eventsSq
	for _, e := range eventsAt {
		tiedAll += e * e
	}
	tiedAll /= 2

	tree := make(fenwick, ns+1)
	group := make([]float64, nt+1) // this risk group's churn weights by duration rank
	total := 0.0
	q1 := make([]float64, 0, 16)
	var cc ConcordanceCounts
	for lo := 0; lo < len(slot); {
		hi := lo + 1
		for hi < len(slot) && riskSeq[hi] == riskSeq[lo] {
			hi++
		}
		q1 = q1[:0]
		for p := lo; p < hi; p++ {
			if s := slot[p]; s&1 == 1 {
				q1 = append(q1, total-tree.sum(s))
			}
		}
		for p := lo; p < hi; p++ {
			wi := weightAt(w, p)
			tree.add(slot[p], wi)
			total += wi
		}
		k := 0
		for p := lo; p < hi; p++ {
			s := slot[p]
			if s&1 == 0 {
				continue
			}
			wi, t := weightAt(w, p), (s+1)/2
			q2 := total - tree.sum(s)
			cc.Concordant += wi * q1[k]
			cc.TiedRisk += wi * (q2 - q1[k])
			cc.Discordant += wi * max(after[s]-q2, 0)
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
	return cc
}
