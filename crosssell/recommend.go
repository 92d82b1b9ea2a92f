package crosssell

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Metric is the rule metric that ranks a [Recommender]'s suggestions.
type Metric int

const (
	// Confidence ranks by the rule's confidence, an estimate of the
	// probability that the customer takes the product (the default).
	Confidence Metric = iota
	// Lift ranks by lift: how much holding the antecedent raises that
	// probability over the base rate. It favours niche products.
	Lift
	// Leverage ranks by leverage, the excess share of customers over
	// independence. It favours rules that concern many customers.
	Leverage
	// Conviction ranks by conviction; rules that never failed (+Inf) come
	// first.
	Conviction
)

var metricNames = [...]string{"confidence", "lift", "leverage", "conviction"}

// String returns the metric's lower-case name, for example "lift".
func (m Metric) String() string {
	if m >= 0 && int(m) < len(metricNames) {
		return metricNames[m]
	}
	return "Metric(" + strconv.Itoa(int(m)) + ")"
}

// ParseMetric returns the metric named s, case-insensitively.
func ParseMetric(s string) (Metric, error) {
	for i, n := range metricNames {
		if strings.EqualFold(s, n) {
			return Metric(i), nil
		}
	}
	return 0, checker("ParseMetric").Fail("metric", -1, strconv.Quote(s), "unknown name")
}

// MarshalText returns the metric's name; it fails for an unknown metric.
func (m Metric) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(metricNames) {
		return nil, checker("Metric.MarshalText").Fail("metric", -1, m.String(), "unknown metric")
	}
	return []byte(m.String()), nil
}

// UnmarshalText parses a name written by MarshalText.
func (m *Metric) UnmarshalText(b []byte) error {
	v, err := ParseMetric(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Suggestion is one recommended product with the rule that justifies it.
type Suggestion[T cmp.Ordered] struct {
	// Item is the suggested product; it is never one the customer holds.
	Item T
	// Score is the metric of Rule, times the item's value for a
	// value-weighted recommender.
	Score float64
	// Rule is the best rule for Item whose antecedent the customer holds
	// ("why this offer?"); its slices are the caller's to keep.
	Rule Rule[T]
}

// Recommender suggests next-best products from association rules. It
// indexes the rules' antecedents in a prefix tree, so that a
// recommendation visits only the antecedents contained in what the
// customer holds.
//
// A *Recommender is immutable and safe for concurrent use.
type Recommender[T cmp.Ordered] struct {
	by    Metric
	rules []Rule[T] // valid rules, in the order of [Rules]
	value []itemValue[T]

	ids   map[T]int32 // item → ID in increasing item order
	items []T
	// Prefix tree over antecedents: node 0 is the root; the children of
	// node d are kids[kidStart[d]:kidStart[d+1]], in increasing item order.
	item     []int32
	kidStart []int32
	kids     []int32
	// The best rule per consequent item for the antecedent ending at node
	// d is in sugs[sugStart[d]:sugStart[d+1]].
	sugStart []int32
	sugs     []sugg
}

type itemValue[T cmp.Ordered] struct {
	Item  T       `json:"item"`
	Value float64 `json:"value"`
}

type sugg struct {
	item  int32
	rule  int32
	score float64
}

// NewRecommender indexes rules for [Recommender.Recommend], ranking
// suggestions by the metric by. The rules are copied. Rules that cannot
// justify an offer are ignored: an empty If or Then, items that are not
// strictly increasing or NaN, an item in both If and Then, or a NaN metric.
// A metric outside the declared constants ranks by Confidence.
//
// Building costs O(r log r) for r rules.
func NewRecommender[T cmp.Ordered](rules []Rule[T], by Metric) *Recommender[T] {
	r, _ := newRecommender(rules, by, nil)
	return r
}

// NewValueRecommender is [NewRecommender] with a value per product, such as
// its margin: a suggestion scores the rule's metric times the product's
// value, so that Confidence ranks by expected value. Products missing from
// value are worth 0, and a +Inf conviction times 0 is 0. It returns an
// error wrapping [ErrInvalidInput] when a value is NaN or infinite, or an
// item is NaN.
func NewValueRecommender[T cmp.Ordered](rules []Rule[T], by Metric, value map[T]float64) (*Recommender[T], error) {
	vs := make([]itemValue[T], 0, len(value))
	for k, v := range value {
		vs = append(vs, itemValue[T]{k, v})
	}
	slices.SortFunc(vs, func(a, b itemValue[T]) int { return cmp.Compare(a.Item, b.Item) })
	for i, v := range vs {
		if isNaN(v.Item) {
			return nil, checker("NewValueRecommender").Fail("value", -1, "NaN", "items must not be NaN")
		}
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			return nil, checker("NewValueRecommender").Fail("value["+fmt.Sprint(vs[i].Item)+"]", -1, strconv.FormatFloat(v.Value, 'g', -1, 64), "must be finite")
		}
	}
	if value == nil {
		vs = nil
	}
	return newRecommender(rules, by, vs)
}

func metricOf[T cmp.Ordered](m Metric, r *Rule[T]) float64 {
	switch m {
	case Lift:
		return r.Lift
	case Leverage:
		return r.Leverage
	case Conviction:
		return r.Conviction
	}
	return r.Confidence
}

func validRule[T cmp.Ordered](r *Rule[T]) bool {
	if len(r.If) == 0 || len(r.Then) == 0 {
		return false
	}
	for _, s := range [][]T{r.If, r.Then} {
		for i, v := range s {
			if isNaN(v) || (i > 0 && s[i-1] >= v) {
				return false
			}
		}
	}
	for _, v := range r.Then {
		if _, found := slices.BinarySearch(r.If, v); found {
			return false
		}
	}
	for _, x := range []float64{r.Support, r.Confidence, r.Lift, r.Leverage, r.Conviction} {
		if math.IsNaN(x) {
			return false
		}
	}
	return true
}

// compareRules is the canonical rule order of [Rules].
func compareRules[T cmp.Ordered](a, b *Rule[T]) int {
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
}

func newRecommender[T cmp.Ordered](in []Rule[T], by Metric, value []itemValue[T]) (*Recommender[T], error) {
	if by < Confidence || by > Conviction {
		by = Confidence
	}
	r := &Recommender[T]{by: by, value: value, ids: make(map[T]int32)}
	for i := range in {
		if validRule(&in[i]) {
			c := in[i]
			c.If, c.Then = slices.Clone(c.If), slices.Clone(c.Then)
			r.rules = append(r.rules, c)
		}
	}
	slices.SortStableFunc(r.rules, func(a, b Rule[T]) int { return compareRules(&a, &b) })
	for i := range r.rules {
		for _, s := range [][]T{r.rules[i].If, r.rules[i].Then} {
			for _, v := range s {
				if _, ok := r.ids[v]; !ok {
					r.ids[v] = 0
					r.items = append(r.items, v)
				}
			}
		}
	}
	slices.Sort(r.items)
	for i, v := range r.items {
		r.ids[v] = int32(i)
	}
	val := make([]float64, len(r.items))
	weighted := value != nil
	for _, v := range value {
		if id, ok := r.ids[v.Item]; ok {
			val[id] = v.Value
		}
	}

	// Rules in lexicographic order of antecedent, so that each antecedent's
	// rules are contiguous and the tree is built by extending the last path.
	order := make([]int32, len(r.rules))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return slices.Compare(r.rules[a].If, r.rules[b].If) })

	parent := []int32{-1}
	r.item = []int32{-1}
	nodeOf := make([]int32, len(r.rules)) // antecedent node of each rule
	var path []int32                      // node per depth along the last antecedent
	var prev []T
	for k, ri := range order {
		x := r.rules[ri].If
		if k > 0 && slices.Equal(x, prev) {
			nodeOf[ri] = path[len(path)-1]
			continue
		}
		// Keep the common prefix with the previous antecedent.
		common := 0
		for common < len(x) && common < len(prev) && x[common] == prev[common] {
			common++
		}
		path = path[:common]
		cur := int32(0)
		if common > 0 {
			cur = path[common-1]
		}
		for _, v := range x[common:] {
			nd := int32(len(r.item))
			r.item = append(r.item, r.ids[v])
			parent = append(parent, cur)
			path = append(path, nd)
			cur = nd
		}
		nodeOf[ri] = cur
		prev = x
	}
	// Children lists (CSR), in increasing item order: nodes are created in
	// lexicographic order, so a node's children appear in that order.
	nn := len(r.item)
	r.kidStart = make([]int32, nn+1)
	for d := 1; d < nn; d++ {
		r.kidStart[parent[d]+1]++
	}
	for d := 1; d <= nn; d++ {
		r.kidStart[d] += r.kidStart[d-1]
	}
	r.kids = make([]int32, nn-1)
	fill := slices.Clone(r.kidStart)
	for d := 1; d < nn; d++ {
		p := parent[d]
		r.kids[fill[p]] = int32(d)
		fill[p]++
	}

	// Suggestions per node: the best rule for each consequent item.
	var all []nodeSugg
	for ri := range r.rules {
		rule := &r.rules[ri]
		m := metricOf(by, rule)
		for _, v := range rule.Then {
			id := r.ids[v]
			s := m
			if weighted {
				s = weigh(m, val[id])
			}
			all = append(all, nodeSugg{nodeOf[ri], sugg{id, int32(ri), s}})
		}
	}
	slices.SortFunc(all, func(a, b nodeSugg) int {
		if c := cmp.Compare(a.node, b.node); c != 0 {
			return c
		}
		if c := cmp.Compare(a.s.item, b.s.item); c != 0 {
			return c
		}
		return r.better(a.s, b.s)
	})
	r.sugStart = make([]int32, nn+1)
	for i, a := range all {
		if i > 0 && a.node == all[i-1].node && a.s.item == all[i-1].s.item {
			continue
		}
		r.sugs = append(r.sugs, a.s)
		r.sugStart[a.node+1]++
	}
	for d := 1; d <= nn; d++ {
		r.sugStart[d] += r.sugStart[d-1]
	}
	return r, nil
}

type nodeSugg struct {
	node int32
	s    sugg
}

// weigh multiplies a metric by a value, with ±Inf·0 = 0.
func weigh(m, v float64) float64 {
	if v == 0 {
		return 0
	}
	return m * v
}

// better orders suggestions best first: higher score, then higher rule
// confidence, then higher rule support, then the smaller item, then the
// earlier rule in the canonical order of [Rules].
func (r *Recommender[T]) better(a, b sugg) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	ra, rb := &r.rules[a.rule], &r.rules[b.rule]
	if c := cmp.Compare(rb.Confidence, ra.Confidence); c != 0 {
		return c
	}
	if c := cmp.Compare(rb.Support, ra.Support); c != 0 {
		return c
	}
	if c := cmp.Compare(a.item, b.item); c != 0 {
		return c
	}
	return cmp.Compare(a.rule, b.rule)
}

// Recommend returns up to k products for a customer who holds held, best
// first. A product is scored by the best rule whose antecedent is contained
// in held and whose consequent holds the product, under the recommender's
// metric (times the product's value, for [NewValueRecommender]). Products
// in held are never suggested, even when a rule's consequent includes them
// with others.
//
// Ties are broken by the rule's confidence, then its support, then the
// product in increasing order, so that the result is deterministic. It
// returns nil when k ≤ 0 or no rule applies; items of held that no rule
// mentions, duplicates and NaN are ignored, and held is not modified.
//
// The cost is proportional to the antecedents contained in held, times
// log of the branching of the index, plus sorting the candidates: a few
// microseconds for typical rule sets and holdings.
func (r *Recommender[T]) Recommend(held []T, k int) []Suggestion[T] {
	if k <= 0 || r == nil || len(r.rules) == 0 {
		return nil
	}
	var buf [32]int32
	h := buf[:0]
	for _, v := range held {
		if id, ok := r.ids[v]; ok {
			h = append(h, id)
		}
	}
	insertionSort(h)
	h = slices.Compact(h)

	var cands []sugg
	var visit func(nd int32, from int)
	visit = func(nd int32, from int) {
		kids := r.kids[r.kidStart[nd]:r.kidStart[nd+1]]
		for i := from; i < len(h) && len(kids) > 0; i++ {
			j, found := slices.BinarySearchFunc(kids, h[i], func(c, x int32) int { return cmp.Compare(r.item[c], x) })
			if !found {
				kids = kids[j:]
				continue
			}
			c := kids[j]
			kids = kids[j+1:]
			for _, s := range r.sugs[r.sugStart[c]:r.sugStart[c+1]] {
				if _, isHeld := slices.BinarySearch(h, s.item); !isHeld {
					cands = append(cands, s)
				}
			}
			visit(c, i+1)
		}
	}
	visit(0, 0)
	if len(cands) == 0 {
		return nil
	}
	// Best rule per item, then items best first.
	slices.SortFunc(cands, func(a, b sugg) int {
		if c := cmp.Compare(a.item, b.item); c != 0 {
			return c
		}
		return r.better(a, b)
	})
	best := cands[:0]
	for i, s := range cands {
		if i == 0 || s.item != cands[i-1].item {
			best = append(best, s)
		}
	}
	slices.SortFunc(best, r.better)
	if len(best) > k {
		best = best[:k]
	}
	out := make([]Suggestion[T], len(best))
	for i, s := range best {
		rule := r.rules[s.rule]
		rule.If, rule.Then = slices.Clone(rule.If), slices.Clone(rule.Then)
		out[i] = Suggestion[T]{Item: r.items[s.item], Score: s.score, Rule: rule}
	}
	return out
}

// recommenderJSON is the persisted state of a Recommender: the rules, the
// metric and the values; the index is rebuilt when it is read.
type recommenderJSON[T cmp.Ordered] struct {
	Metric Metric         `json:"metric"`
	Rules  []Rule[T]      `json:"rules"`
	Value  []itemValue[T] `json:"value,omitempty"`
}

// MarshalJSON writes the recommender's metric, rules and values.
func (r *Recommender[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(recommenderJSON[T]{r.by, r.rules, r.value})
}

// UnmarshalJSON reads the form written by MarshalJSON and rebuilds the
// index.
func (r *Recommender[T]) UnmarshalJSON(b []byte) error {
	var w recommenderJSON[T]
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	for _, v := range w.Value {
		if isNaN(v.Item) || math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			return checker("Recommender.UnmarshalJSON").Fail("value", -1, "", "values must be finite and items not NaN")
		}
	}
	nr, err := newRecommender(w.Rules, w.Metric, w.Value)
	if err != nil {
		return err
	}
	*r = *nr
	return nil
}
