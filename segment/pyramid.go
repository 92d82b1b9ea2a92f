package segment

import (
	"math"
	"slices"
	"strconv"

	"github.com/clmkit/clm/internal/check"
)

// shareSumTol is how far the tier shares of a [Pyramid] may sum from 1:
// shares such as 0.01, 0.04, 0.15, 0.80 do not sum to exactly 1 in binary
// floating point.
const shareSumTol = 1e-9

// Tier is one layer of a [Pyramid]: its name and the share of customers,
// in (0, 1], that it holds.
type Tier struct {
	Name  string
	Share float64
}

// Pyramid is a customer pyramid: tiers ordered from the most valuable
// (index 0) down, whose shares of customers sum to 1. Customers are placed in
// tiers by value rank (Zeithaml, Rust & Lemon 2001). A Pyramid is a plain
// value; its methods do not modify it and are safe for concurrent use.
type Pyramid []Tier

// DefaultPyramid returns the four tiers of Zeithaml, Rust & Lemon (2001),
// "The Customer Pyramid: Creating and Serving Profitable Customers",
// California Management Review 43(4):118-142: Platinum, Gold, Iron and Lead.
//
// The paper defines the tiers by profitability and leaves their sizes to the
// firm. The default shares, 1 %, 4 %, 15 % and 80 % of customers, are the
// sizes of the "top, big, medium, small" layers of Curry & Curry's customer
// pyramid (The Customer Marketing Method, 2000), the usual convention in
// retail banking: a thin top that typically holds a large part of the value,
// and a broad base. They are a convention; a bank that defines tiers
// differently builds its own Pyramid, or uses [AssignByCutoff] for tiers
// defined by assets under management.
func DefaultPyramid() Pyramid {
	return Pyramid{
		{Name: "Platinum", Share: 0.01},
		{Name: "Gold", Share: 0.04},
		{Name: "Iron", Share: 0.15},
		{Name: "Lead", Share: 0.80},
	}
}

// boundaryEps is the rounding allowance for comparing a rank midpoint with
// the cumulative share boundary C·n: shares are decimal fractions that
// binary floating point only approximates.
func boundaryEps(cum float64, n int) float64 {
	return 1e-9 * max(1, cum*float64(n))
}

// validate checks that p has at least one tier and that its shares are
// finite, positive and sum to 1 within shareSumTol.
func (p Pyramid) validate(c check.Checker) error {
	if len(p) == 0 {
		return c.Fail("p", -1, "", "must have at least one tier")
	}
	sum := 0.0
	for i, t := range p {
		if math.IsNaN(t.Share) || math.IsInf(t.Share, 0) || t.Share <= 0 || t.Share > 1 {
			return c.Fail("p.Share", i, check.Float(t.Share), "must be in (0, 1]")
		}
		sum += t.Share
	}
	if math.Abs(sum-1) > shareSumTol {
		return c.Fail("p.Share", -1, check.Float(sum), "shares must sum to 1")
	}
	return nil
}

// Assign returns the tier index (0 = top tier) of each customer, by rank of
// value: the customers with the highest values fill tier 0 up to its share,
// the next ones tier 1, and so on. Values may be negative (profit can be).
//
// Rounding: with n customers ranked from 0 (highest value) to n-1, the
// customer at rank r belongs to tier t when the midpoint of its rank
// quantile, (r+½)/n, lies in [C(t-1), C(t)), where C(t) is the cumulative
// share of tiers 0..t. So the tiers down to t hold C(t)·n customers rounded
// to the nearest integer, an exact half rounding down (C(t)·n is compared
// with a relative tolerance of 1e-9, so that 0.01+0.04 counts as 0.05), and
// a tier may be empty for small n.
//
// Ties are never split: all customers with the same value get the same tier.
// A group of tied values that occupies ranks a..b and straddles a tier
// boundary goes, as a whole, to the tier that holds its middle rank
// ⌈(a+b)/2⌉. So a group goes up to the higher tier only when more than half
// of it lies there, and down otherwise (an exact half-and-half split goes
// down); when all customers have the same value they all land in the tier
// holding the median rank (Lead with [DefaultPyramid]).
//
// Assign returns an error wrapping [ErrInvalidInput] if p has no tiers, a
// share is outside (0, 1] or the shares do not sum to 1, if value is empty,
// or if a value is NaN or ±Inf. It runs in expected O(n·k) time for n
// customers and k tiers (a selection of the 2(k−1) boundary ranks and one
// pass, not a sort) and allocates the result and one copy of value.
func (p Pyramid) Assign(value []float64) ([]int, error) {
	c := checker("Pyramid.Assign")
	if err := p.validate(c); err != nil {
		return nil, err
	}
	if err := c.NonEmpty("value", len(value)); err != nil {
		return nil, err
	}
	if err := c.Finite("value", value); err != nil {
		return nil, err
	}
	n := len(value)
	k := len(p)

	// last[t] is the last rank (0-based, descending value) that falls in
	// tiers 0..t by the midpoint rule: the largest r with r+½ < C(t)·n,
	// where a boundary within rounding error of r+½ counts as r+½.
	last := make([]int, k)
	cum := 0.0
	for t := range k {
		cum += p[t].Share
		if t == k-1 {
			last[t] = n - 1
			break
		}
		r := int(math.Ceil(cum*float64(n)-0.5-boundaryEps(cum, n))) - 1
		last[t] = min(max(r, -1), n-1)
	}

	// Rank r in descending order is index n-1-r in ascending order. We need
	// the values at last[t] and last[t]+1 for every inner boundary.
	asc := slices.Clone(value)
	ranks := make([]int, 0, 2*k)
	for t := range k - 1 {
		if r := last[t]; r >= 0 && r < n-1 {
			ranks = append(ranks, n-1-r, n-2-r)
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	selectRanks(asc, ranks)
	desc := func(r int) float64 { return asc[n-1-r] }

	// theta[t]: a value v is in tiers 0..t by the rank of its group's first
	// member exactly when v >= theta[t]. That is the tier of every value whose
	// tied group lies inside one tier.
	theta := make([]float64, k-1)
	for t := range k - 1 {
		switch r := last[t]; {
		case r < 0:
			theta[t] = math.Inf(1)
		case r >= n-1:
			theta[t] = math.Inf(-1)
		default:
			theta[t] = desc(r)
		}
	}

	// Tied groups that straddle a boundary: their tier follows the average
	// rank of the group.
	var special []float64
	for t := range k - 1 {
		if r := last[t]; r >= 0 && r < n-1 && desc(r) == desc(r+1) {
			if u := desc(r); len(special) == 0 || special[len(special)-1] != u {
				special = append(special, u)
			}
		}
	}
	specialTier := make([]int, len(special))
	if len(special) > 0 {
		above := make([]int, len(special)) // #{x > u}
		equal := make([]int, len(special)) // #{x == u}
		for _, v := range value {
			for j, u := range special {
				if v > u {
					above[j]++
				} else if v == u {
					equal[j]++
				}
			}
		}
		for j := range special {
			// The middle rank is ⌈(a+b)/2⌉ with b = a+equal-1; it lies in
			// tiers 0..t exactly when a+b <= 2·last[t].
			twice := 2*above[j] + equal[j] - 1
			t := 0
			for t < k-1 && twice > 2*last[t] {
				t++
			}
			specialTier[j] = t
		}
	}

	tier := make([]int, n)
	for i, v := range value {
		t := 0
		for t < k-1 && v < theta[t] {
			t++
		}
		for j, u := range special {
			if v == u {
				t = specialTier[j]
				break
			}
		}
		tier[i] = t
	}
	return tier, nil
}

// AssignByCutoff places customers in tiers by absolute value, for banks that
// define tiers by assets under management or revenue rather than by rank.
// cutoff lists the lower bounds of tiers 0..len(cutoff)-1, strictly
// decreasing: a customer goes to the first tier t with value >= cutoff[t],
// and to tier len(cutoff) (the base) when the value is below every cut-off.
// A value exactly equal to a cut-off belongs to the higher tier, and equal
// values always share a tier.
//
// AssignByCutoff returns an error wrapping [ErrInvalidInput] if value is
// empty, a value or cut-off is NaN or ±Inf, or cutoff is not strictly
// decreasing. An empty cutoff puts everyone in tier 0. It runs in
// O(n log k) time.
func AssignByCutoff(value, cutoff []float64) ([]int, error) {
	c := checker("AssignByCutoff")
	if err := c.NonEmpty("value", len(value)); err != nil {
		return nil, err
	}
	if err := c.Finite("value", value); err != nil {
		return nil, err
	}
	if err := c.Finite("cutoff", cutoff); err != nil {
		return nil, err
	}
	for i := 1; i < len(cutoff); i++ {
		if !(cutoff[i] < cutoff[i-1]) {
			return nil, c.Fail("cutoff", i, check.Float(cutoff[i]), "must be strictly decreasing")
		}
	}
	tier := make([]int, len(value))
	for i, v := range value {
		// First t with cutoff[t] <= v; cutoff is decreasing.
		lo, hi := 0, len(cutoff)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if cutoff[m] > v {
				lo = m + 1
			} else {
				hi = m
			}
		}
		tier[i] = lo
	}
	return tier, nil
}

// TierSummary is one row of the per-tier table built by [SummarizeTiers]:
// the table that shows that a few percent of customers hold most of the
// value.
type TierSummary struct {
	Tier          int     // tier index, 0 = top
	Name          string  // tier name; set by [Pyramid.Summarize], empty from [SummarizeTiers]
	Customers     int     // number of customers in the tier
	CustomerShare float64 // Customers / n, in [0, 1]
	Value         float64 // total value of the tier
	ValueShare    float64 // Value / total value of all customers; 0 when that total is 0
	Min, Max      float64 // smallest and largest value in the tier; 0 for an empty tier
	Mean          float64 // Value / Customers; 0 for an empty tier
}

// SummarizeTiers returns one [TierSummary] per tier 0..k-1, given each
// customer's value and tier (for example from [Pyramid.Assign]). Empty tiers
// get a row with zero counts. When values may be negative, ValueShare may lie
// outside [0, 1]; it is 0 for every tier when the total value is 0.
//
// It returns an error wrapping [ErrInvalidInput] if value is empty, the
// lengths differ, a value is NaN or ±Inf, a sum of values overflows, k < 1
// or a tier is outside [0, k). It runs in O(n) time.
func SummarizeTiers(value []float64, tier []int, k int) ([]TierSummary, error) {
	return summarizeTiers(checker("SummarizeTiers"), value, tier, k)
}

// Summarize is [SummarizeTiers] with k = len(p) and the tier names filled in.
func (p Pyramid) Summarize(value []float64, tier []int) ([]TierSummary, error) {
	c := checker("Pyramid.Summarize")
	if len(p) == 0 {
		return nil, c.Fail("p", -1, "", "must have at least one tier")
	}
	rows, err := summarizeTiers(c, value, tier, len(p))
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].Name = p[i].Name
	}
	return rows, nil
}

func summarizeTiers(c check.Checker, value []float64, tier []int, k int) ([]TierSummary, error) {
	if k < 1 {
		return nil, c.Fail("k", -1, strconv.Itoa(k), "must be ≥ 1")
	}
	if err := c.NonEmpty("value", len(value)); err != nil {
		return nil, err
	}
	if err := c.Len("tier", len(tier), len(value)); err != nil {
		return nil, err
	}
	if err := c.Finite("value", value); err != nil {
		return nil, err
	}
	for i, t := range tier {
		if t < 0 || t >= k {
			return nil, c.Fail("tier", i, strconv.Itoa(t), "must be in [0, "+strconv.Itoa(k)+")")
		}
	}
	rows := make([]TierSummary, k)
	total := 0.0
	for i, v := range value {
		r := &rows[tier[i]]
		if r.Customers == 0 {
			r.Min, r.Max = v, v
		} else {
			r.Min, r.Max = min(r.Min, v), max(r.Max, v)
		}
		r.Customers++
		r.Value += v
		total += v
	}
	if math.IsInf(total, 0) || math.IsNaN(total) {
		return nil, c.Fail("value", -1, "", "sum overflows float64")
	}
	for t := range rows {
		if math.IsInf(rows[t].Value, 0) {
			return nil, c.Fail("value", -1, "", "sum of tier "+strconv.Itoa(t)+" overflows float64")
		}
	}
	n := float64(len(value))
	for t := range rows {
		r := &rows[t]
		r.Tier = t
		r.CustomerShare = float64(r.Customers) / n
		if total != 0 {
			r.ValueShare = r.Value / total
		}
		if r.Customers > 0 {
			r.Mean = r.Value / float64(r.Customers)
		}
	}
	return rows, nil
}
