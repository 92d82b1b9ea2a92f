package crosssell

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// Rule is an association rule If → Then: customers who hold every item of
// If tend to hold every item of Then. Write X for If, Y for Then, supp(Z)
// for the share of baskets holding all of Z, and n for the number of
// baskets. The metrics follow Hahsler's arules and mlxtend's
// association_rules.
//
// Conviction is +Inf when Confidence is 1; encoding/json cannot write +Inf,
// so a Rule marshals it as the JSON string "+Inf" (and reads it back).
type Rule[T cmp.Ordered] struct {
	// If is the antecedent, non-empty, in increasing order.
	If []T
	// Then is the consequent, non-empty, disjoint from If, in increasing order.
	Then []T
	// Count is the number of baskets holding X ∪ Y, ≥ 1.
	Count int
	// Support is supp(X ∪ Y) = Count/n, in (0, 1].
	Support float64
	// Confidence is supp(X ∪ Y)/supp(X), the share of the baskets holding
	// X that also hold Y, in (0, 1].
	Confidence float64
	// Lift is Confidence/supp(Y), in (0, ∞); 1 means independence, > 1
	// that X makes Y more likely.
	Lift float64
	// Leverage is supp(X ∪ Y) − supp(X)·supp(Y), in [−0.25, 0.25]; 0 means
	// independence.
	Leverage float64
	// Conviction is (1 − supp(Y))/(1 − Confidence), in [0, +Inf]; +Inf when
	// Confidence is 1 (the rule never fails), 1 under independence.
	Conviction float64
	// Coverage is supp(X), the share of baskets the rule applies to, in (0, 1].
	Coverage float64
	// Zhang is Zhang's metric (Zhang 2000),
	//	(supp(X∪Y) − supp(X)supp(Y)) / max(supp(X∪Y)(1 − supp(X)), supp(X)(supp(Y) − supp(X∪Y))),
	// in [−1, 1]: 1 means Y always comes with X, −1 never. When the
	// denominator is 0 (X is in every basket, so X ∪ Y and Y have the same
	// support) it is 0, independence.
	Zhang float64
	// Jaccard is supp(X∪Y)/(supp(X) + supp(Y) − supp(X∪Y)), in (0, 1].
	Jaccard float64
	// Kulczynski is (supp(X∪Y)/supp(X) + supp(X∪Y)/supp(Y))/2, the mean of
	// the confidences of X → Y and Y → X, in (0, 1].
	Kulczynski float64
	// AllConfidence is supp(X∪Y)/max(supp(X), supp(Y)), in (0, 1].
	AllConfidence float64
}

// RuleOptions configures [RulesWith].
type RuleOptions[T cmp.Ordered] struct {
	// MinConfidence is the least confidence a rule needs, in [0, 1]; 0
	// keeps every rule.
	MinConfidence float64
	// SingleThen restricts consequents to one item, as arules does.
	SingleThen bool
	// IfItems, when non-nil, keeps only rules whose antecedent items are all
	// in IfItems (arules' appearance lhs).
	IfItems []T
	// ThenItems, when non-nil, keeps only rules whose consequent items are
	// all in ThenItems (arules' appearance rhs), for example only rules
	// that recommend a credit product.
	ThenItems []T
}

// Rules returns every association rule X → Y that splits an itemset of
// sets into a non-empty antecedent X and consequent Y with confidence at
// least minConfidence. baskets is the number of baskets the sets were mined
// from (len(baskets) passed to [Mine]).
//
// sets must hold every non-empty subset of each of its itemsets, with the
// counts from the same baskets: the output of [Mine] with Target All
// qualifies. Rules returns an error wrapping [ErrInvalidInput] when
// baskets < 1, minConfidence is not in [0, 1], an itemset is empty,
// unsorted or repeated, a Count is not in [1, baskets], a Support is not
// Count/baskets (sets mined from a different number of baskets), or a
// subset is missing.
//
// Rules are ordered by antecedent length, then antecedent items, then
// consequent length, then consequent items. For each itemset the
// consequents are grown level-wise and a consequent is only extended while
// its rule clears minConfidence (ap-genrules, Agrawal & Srikant 1994), so
// the cost is proportional to the rules found plus their failed
// extensions, with one hash look-up per rule. Itemsets longer than 62 items
// are rejected.
func Rules[T cmp.Ordered](sets []Itemset[T], baskets int, minConfidence float64) ([]Rule[T], error) {
	return rules("Rules", sets, baskets, RuleOptions[T]{MinConfidence: minConfidence})
}

// RulesWith is [Rules] with options: a minimum confidence, single-item
// consequents, and filters on the items allowed in antecedents and
// consequents. Filters do not change which rules are derived, only which
// are returned.
func RulesWith[T cmp.Ordered](sets []Itemset[T], baskets int, opts RuleOptions[T]) ([]Rule[T], error) {
	return rules("RulesWith", sets, baskets, opts)
}

// supportTol is the relative tolerance for a set's Support against
// Count/baskets; Support is computed as exactly that quotient by Mine.
const supportTol = 1e-9

func rules[T cmp.Ordered](fn string, sets []Itemset[T], n int, opts RuleOptions[T]) ([]Rule[T], error) {
	c := checker(fn)
	if n < 1 {
		return nil, c.Fail("baskets", -1, strconv.Itoa(n), "must be ≥ 1")
	}
	field := "minConfidence"
	if fn == "RulesWith" {
		field = "opts.MinConfidence"
	}
	if err := c.Scalar(field, opts.MinConfidence, 0, 1); err != nil {
		return nil, err
	}
	for i, it := range opts.IfItems {
		if isNaN(it) {
			return nil, c.Fail("opts.IfItems", i, "NaN", "items must not be NaN")
		}
	}
	for i, it := range opts.ThenItems {
		if isNaN(it) {
			return nil, c.Fail("opts.ThenItems", i, "NaN", "items must not be NaN")
		}
	}

	// Encode items to IDs in increasing item order, so that ID order is
	// item order.
	total := 0
	for i, s := range sets {
		f := fmt.Sprintf("sets[%d].Items", i)
		if len(s.Items) == 0 {
			return nil, c.Fail(f, -1, "", "must not be empty")
		}
		for j, v := range s.Items {
			if isNaN(v) {
				return nil, c.Fail(f, j, "NaN", "items must not be NaN")
			}
			if j > 0 && s.Items[j-1] >= v {
				return nil, c.Fail(f, j, fmt.Sprint(v), "items must be strictly increasing")
			}
		}
		if s.Count < 1 || s.Count > n {
			return nil, c.Fail(fmt.Sprintf("sets[%d].Count", i), -1, strconv.Itoa(s.Count), "must be in [1, baskets = "+strconv.Itoa(n)+"]")
		}
		want := float64(s.Count) / float64(n)
		if math.IsNaN(s.Support) || math.Abs(s.Support-want) > supportTol*want {
			return nil, c.Fail(fmt.Sprintf("sets[%d].Support", i), -1, strconv.FormatFloat(s.Support, 'g', -1, 64),
				"must be Count/baskets = "+strconv.FormatFloat(want, 'g', -1, 64)+" (sets mined from a different number of baskets?)")
		}
		if len(s.Items) > 62 {
			return nil, c.Fail(f, -1, "", "itemsets longer than 62 items are not supported")
		}
		total += len(s.Items)
	}
	index := make(map[T]int32)
	var items []T
	for _, s := range sets {
		for _, v := range s.Items {
			if _, ok := index[v]; !ok {
				index[v] = 0
				items = append(items, v)
			}
		}
	}
	slices.Sort(items)
	for i, v := range items {
		index[v] = int32(i)
	}
	flat := make([]int32, 0, total)
	end := make([]int, len(sets))
	for i, s := range sets {
		for _, v := range s.Items {
			flat = append(flat, index[v])
		}
		end[i] = len(flat)
	}
	get := func(i int) []int32 {
		start := 0
		if i > 0 {
			start = end[i-1]
		}
		return flat[start:end[i]]
	}
	table := newSetTable(len(sets), get)
	for i := range sets {
		if j := table.add(i); j >= 0 {
			return nil, c.Fail(fmt.Sprintf("sets[%d].Items", i), -1, "", "repeats sets["+strconv.Itoa(j)+"]")
		}
	}
	allowIf := allowed(index, opts.IfItems)
	allowThen := allowed(index, opts.ThenItems)

	g := ruleGen[T]{n: float64(n), minConf: opts.MinConfidence, items: items}
	var xs, ys []int32
	var level, nextLevel []uint64
	keptSet := make(map[uint64]bool)
	cand := make(map[uint64]bool)
	for si, s := range sets {
		set := get(si)
		k := len(set)
		if k < 2 {
			continue
		}
		full := uint64(1)<<k - 1
		cXY := float64(s.Count)
		// count returns the count of the sub-itemset of set given by mask.
		count := func(mask uint64) (float64, error) {
			sub := xs[:0]
			for b := mask; b != 0; b &= b - 1 {
				sub = append(sub, set[bits.TrailingZeros64(b)])
			}
			xs = sub
			j := table.find(sub)
			if j < 0 {
				return 0, c.Fail(fmt.Sprintf("sets[%d].Items", si), -1, "", "a subset is missing from sets: pass every frequent itemset (Target All)")
			}
			return float64(sets[j].Count), nil
		}
		level = level[:0]
		for b := 0; b < k; b++ {
			level = append(level, uint64(1)<<b)
		}
		for m := 1; m < k && len(level) > 0; m++ {
			nextLevel = nextLevel[:0]
			kept := level[:0]
			for _, then := range level {
				cX, err := count(full &^ then)
				if err != nil {
					return nil, err
				}
				if cXY/cX < opts.MinConfidence {
					continue
				}
				kept = append(kept, then)
				if !allowMask(set, full&^then, allowIf) || !allowMask(set, then, allowThen) {
					continue
				}
				cY, err := count(then)
				if err != nil {
					return nil, err
				}
				xs = maskItems(xs[:0], set, full&^then)
				ys = maskItems(ys[:0], set, then)
				g.add(xs, ys, cX, cY, cXY)
			}
			if opts.SingleThen || m+1 >= k {
				break
			}
			// Join consequents that differ in one item; keep a candidate only
			// if all its m-item subsets cleared the confidence.
			clear(keptSet)
			clear(cand)
			for _, h := range kept {
				keptSet[h] = true
			}
			for a := 0; a < len(kept); a++ {
				for b := a + 1; b < len(kept); b++ {
					u := kept[a] | kept[b]
					if bits.OnesCount64(u) != m+1 || cand[u] {
						continue
					}
					cand[u] = true
					ok := true
					for r := u; r != 0 && ok; r &= r - 1 {
						ok = keptSet[u&^(r&-r)]
					}
					if ok {
						nextLevel = append(nextLevel, u)
					}
				}
			}
			level, nextLevel = nextLevel, level
		}
	}
	out := g.rules
	slices.SortFunc(out, func(a, b Rule[T]) int {
		if c := cmp.Compare(len(a.If), len(b.If)); c != 0 {
			return c
		}
		if c := slices.Compare(a.If, b.If); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Then), len(b.Then)); c != 0 {
			return c
		}
		return slices.Compare(a.Then, b.Then)
	})
	return out, nil
}

func maskItems(dst []int32, set []int32, mask uint64) []int32 {
	for b := mask; b != 0; b &= b - 1 {
		dst = append(dst, set[bits.TrailingZeros64(b)])
	}
	return dst
}

// allowed returns a membership table over item IDs for the filter list, or
// nil when the filter is off.
func allowed[T cmp.Ordered](index map[T]int32, list []T) []bool {
	if list == nil {
		return nil
	}
	ok := make([]bool, len(index))
	for _, v := range list {
		if id, found := index[v]; found {
			ok[id] = true
		}
	}
	return ok
}

func allowMask(set []int32, mask uint64, ok []bool) bool {
	if ok == nil {
		return true
	}
	for b := mask; b != 0; b &= b - 1 {
		if !ok[set[bits.TrailingZeros64(b)]] {
			return false
		}
	}
	return true
}

// ruleGen computes the metrics of each rule and decodes its items.
type ruleGen[T cmp.Ordered] struct {
	n       float64
	minConf float64
	items   []T
	rules   []Rule[T]
}

func (g *ruleGen[T]) add(x, y []int32, cX, cY, cXY float64) {
	sX, sY, sXY := cX/g.n, cY/g.n, cXY/g.n
	conf := cXY / cX
	r := Rule[T]{
		If:            decode(x, g.items),
		Then:          decode(y, g.items),
		Count:         int(cXY),
		Support:       sXY,
		Confidence:    conf,
		Lift:          conf / sY,
		Leverage:      sXY - sX*sY,
		Coverage:      sX,
		Jaccard:       sXY / (sX + sY - sXY),
		Kulczynski:    (cXY/cX + cXY/cY) / 2,
		AllConfidence: sXY / math.Max(sX, sY),
	}
	if cXY == cX {
		r.Conviction = math.Inf(1)
	} else {
		r.Conviction = (1 - sY) / (1 - conf)
	}
	den := math.Max(sXY*(1-sX), sX*(sY-sXY))
	if den > 0 {
		r.Zhang = r.Leverage / den
	}
	g.rules = append(g.rules, r)
}

func decode[T cmp.Ordered](ids []int32, items []T) []T {
	out := make([]T, len(ids))
	for i, id := range ids {
		out[i] = items[id]
	}
	return out
}

// ruleJSON is the wire form of a Rule: Conviction may be the string "+Inf".
type ruleJSON[T cmp.Ordered] struct {
	If            []T       `json:"if"`
	Then          []T       `json:"then"`
	Count         int       `json:"count"`
	Support       float64   `json:"support"`
	Confidence    float64   `json:"confidence"`
	Lift          float64   `json:"lift"`
	Leverage      float64   `json:"leverage"`
	Conviction    jsonFloat `json:"conviction"`
	Coverage      float64   `json:"coverage"`
	Zhang         float64   `json:"zhang"`
	Jaccard       float64   `json:"jaccard"`
	Kulczynski    float64   `json:"kulczynski"`
	AllConfidence float64   `json:"allConfidence"`
}

// MarshalJSON writes the rule as a JSON object with lower-case keys; an
// infinite Conviction is written as the string "+Inf".
func (r Rule[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(ruleJSON[T]{r.If, r.Then, r.Count, r.Support, r.Confidence, r.Lift, r.Leverage,
		jsonFloat(r.Conviction), r.Coverage, r.Zhang, r.Jaccard, r.Kulczynski, r.AllConfidence})
}

// UnmarshalJSON reads the form written by MarshalJSON.
func (r *Rule[T]) UnmarshalJSON(b []byte) error {
	var w ruleJSON[T]
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Rule[T]{w.If, w.Then, w.Count, w.Support, w.Confidence, w.Lift, w.Leverage,
		float64(w.Conviction), w.Coverage, w.Zhang, w.Jaccard, w.Kulczynski, w.AllConfidence}
	return nil
}

// jsonFloat is a float64 whose infinities travel as "+Inf" and "-Inf".
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	switch {
	case math.IsInf(float64(f), 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(float64(f), -1):
		return []byte(`"-Inf"`), nil
	}
	return json.Marshal(float64(f))
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"+Inf"`, `"Inf"`:
		*f = jsonFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = jsonFloat(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jsonFloat(v)
	return nil
}
