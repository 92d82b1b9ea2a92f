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
	cc := concordanceCounts(risk, duration, event, weight)
	if !(cc.Concordant+cc.Discordant+cc.TiedRisk > 0) {
		return cc, c.Fail("event", -1, "", "no comparable pair: need a churn before another customer's later duration")
	}
	return cc, nil
}

func concordanceCounts(risk, duration []float64, event []bool, weight []float64) ConcordanceCounts {
	n := len(duration)
	keys := make([]uint64, n)
	idx := make([]uint32, n)
	kbuf := make([]uint64, n)
	ibuf := make([]uint32, n)

	// Dense ranks 1..nr of the risks.
	for i, r := range risk {
		keys[i] = orderKey(r)
		idx[i] = uint32(i)
	}
	sk, si := radixSortPairs(keys, idx, kbuf, ibuf)
	rank := make([]int32, n)
	nr := int32(0)
	for k := range sk {
		if k == 0 || sk[k] != sk[k-1] {
			nr++
		}
		rank[si[k]] = nr
	}

	// Order by duration.
	for i, d := range duration {
		keys[i] = orderKey(d)
		idx[i] = uint32(i)
	}
	sk, si = radixSortPairs(keys, idx, kbuf, ibuf)

	w := func(i uint32) float64 {
		if weight == nil {
			return 1
		}
		return weight[i]
	}
	tree := make([]float64, nr+1) // Fenwick tree of weights by rank
	atRank := make([]float64, nr+1)
	group := make([]float64, nr+1) // weights of this duration's churns by rank
	total := 0.0
	insert := func(r int32, wi float64) {
		atRank[r] += wi
		total += wi
		for j := r; j <= nr; j += j & -j {
			tree[j] += wi
		}
	}
	var cc ConcordanceCounts
	for hi := n; hi > 0; {
		lo := hi - 1
		for lo > 0 && sk[lo-1] == sk[hi-1] {
			lo--
		}
		g := si[lo:hi]
		for _, i := range g {
			if !event[i] {
				insert(rank[i], w(i))
			}
		}
		tied, both := 0.0, 0.0
		for _, i := range g {
			if !event[i] {
				continue
			}
			r, wi := rank[i], w(i)
			less := 0.0
			for j := r - 1; j > 0; j -= j & -j {
				less += tree[j]
			}
			eq := atRank[r]
			cc.Concordant += wi * less
			cc.TiedRisk += wi * eq
			cc.Discordant += wi * max(total-less-eq, 0)
			both += wi * group[r]
			group[r] += wi
			tied += wi
		}
		for _, i := range g {
			if event[i] {
				r, wi := rank[i], w(i)
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
