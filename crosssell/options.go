package crosssell

import (
	"cmp"
	"math"
	"strconv"
)

// Options configures [Mine] and [Each]. It is passed by value; set exactly
// one of MinSupport and MinCount.
type Options struct {
	// MinSupport is the minimum support as a fraction of the baskets, in
	// (0, 1]. The count threshold is ⌈MinSupport·n⌉ for n baskets (empty
	// baskets included), as in arules and mlxtend; a product MinSupport·n
	// within 1e-9 (relative) of an integer is taken as that integer, so that
	// 0.07·100 means 7 and not 8 after float rounding. 0 means unset.
	MinSupport float64
	// MinCount is the minimum number of baskets that must contain an
	// itemset, ≥ 1. 0 means unset.
	MinCount int
	// MaxLen is the largest itemset size to report; 0 means no limit.
	MaxLen int
	// Algorithm selects the mining algorithm; the zero value is FPGrowth.
	// All algorithms return the same itemsets with the same counts.
	Algorithm Algorithm
	// Target selects all frequent itemsets (the zero value), closed or
	// maximal ones.
	Target Target
	// Workers is the number of goroutines that mine in parallel; 0 or 1
	// mines sequentially in the calling goroutine. FPGrowth and Eclat split
	// the search by first item; Apriori always counts sequentially. Results,
	// and the order in which [Each] reports them, do not depend on Workers.
	Workers int
}

// Target selects which frequent itemsets are reported.
type Target int

const (
	// All reports every frequent itemset.
	All Target = iota
	// Closed reports the frequent itemsets that have no superset with the
	// same count (among itemsets of at most MaxLen items).
	Closed
	// Maximal reports the frequent itemsets that have no frequent superset
	// (among itemsets of at most MaxLen items).
	Maximal
)

// String returns "all", "closed" or "maximal".
func (t Target) String() string {
	switch t {
	case All:
		return "all"
	case Closed:
		return "closed"
	case Maximal:
		return "maximal"
	}
	return "Target(" + strconv.Itoa(int(t)) + ")"
}

// Algorithm selects the frequent-itemset mining algorithm. The algorithms
// differ only in speed and memory; they report identical itemsets.
type Algorithm int

const (
	// FPGrowth is pattern growth on a frequent-pattern tree (Han, Pei & Yin
	// 2000), the default. It is the fastest choice on most data.
	FPGrowth Algorithm = iota
	// Apriori is level-wise candidate generation and counting with a prefix
	// tree of candidates (Agrawal & Srikant 1994). It is the slowest and is
	// kept as the textbook baseline.
	Apriori
	// Eclat is depth-first search over vertical tid-lists (Zaki 2000),
	// switching to diffsets (Zaki & Gouda 2003) where they are shorter,
	// which makes it fast on dense data.
	Eclat
)

// String returns "fpgrowth", "apriori" or "eclat".
func (a Algorithm) String() string {
	switch a {
	case FPGrowth:
		return "fpgrowth"
	case Apriori:
		return "apriori"
	case Eclat:
		return "eclat"
	}
	return "Algorithm(" + strconv.Itoa(int(a)) + ")"
}

// validate checks the options (not the baskets) for entry point fn.
func (o Options) validate(fn string) error {
	c := checker(fn)
	switch {
	case o.MinSupport != 0 && o.MinCount != 0:
		return c.Fail("opts.MinCount", -1, strconv.Itoa(o.MinCount), "set only one of MinSupport and MinCount")
	case o.MinSupport == 0 && o.MinCount == 0:
		return c.Fail("opts.MinSupport", -1, "", "set MinSupport or MinCount")
	case o.MinCount < 0:
		return c.Fail("opts.MinCount", -1, strconv.Itoa(o.MinCount), "must be ≥ 1")
	case o.MinCount == 0 && (math.IsNaN(o.MinSupport) || o.MinSupport <= 0 || o.MinSupport > 1):
		return c.Fail("opts.MinSupport", -1, strconv.FormatFloat(o.MinSupport, 'g', -1, 64), "must be in (0, 1]")
	case o.MaxLen < 0:
		return c.Fail("opts.MaxLen", -1, strconv.Itoa(o.MaxLen), "must be ≥ 0")
	case o.Workers < 0:
		return c.Fail("opts.Workers", -1, strconv.Itoa(o.Workers), "must be ≥ 0")
	case o.Algorithm < FPGrowth || o.Algorithm > Eclat:
		return c.Fail("opts.Algorithm", -1, o.Algorithm.String(), "unknown algorithm")
	case o.Target < All || o.Target > Maximal:
		return c.Fail("opts.Target", -1, o.Target.String(), "unknown target")
	}
	return nil
}

// countThreshold returns the minimum count for n baskets: MinCount, or
// ⌈MinSupport·n⌉ with a guard against float rounding (0.07·100 is
// 7.000000000000001 in float64 but means 7). The result is at least 1.
func (o Options) countThreshold(n int) int {
	if o.MinCount > 0 {
		return o.MinCount
	}
	x := o.MinSupport * float64(n)
	r := math.Round(x)
	c := math.Ceil(x)
	if math.Abs(x-r) <= 1e-9*math.Max(1, x) {
		c = r
	}
	if c < 1 {
		c = 1
	}
	if c > math.MaxInt32 {
		c = math.MaxInt32
	}
	return int(c)
}

// isNaN reports whether v is a floating-point NaN; for other ordered types it
// is always false.
func isNaN[T cmp.Ordered](v T) bool { return v != v }
