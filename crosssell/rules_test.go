package crosssell

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// arulesTol is the relative tolerance against arules' support, confidence
// and lift, which arules prints with 15 significant digits from the same
// count quotients; the last digit may differ by rounding.
const arulesTol = 1e-13

// parseArulesSet reads arules' "{a,b}" notation into sorted items.
func parseArulesSet(s string) []string {
	items := strings.Split(strings.Trim(s, "{}"), ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	slices.Sort(items)
	return items
}

// TestRulesGroceries checks rule counts and the top rules against R arules
// 1.7-6 apriori() on Groceries (shared/reference/groceries_arules.json):
// arules' rules have one item on the right-hand side.
func TestRulesGroceries(t *testing.T) {
	t.Parallel()
	var ref groceriesRef
	readRef(t, "groceries_arules.json", &ref)
	baskets := readBaskets(t, "data/groceries/groceries.csv", ",")
	n := len(baskets)
	for _, rc := range ref.Rules {
		sets, err := Mine(baskets, Options{MinSupport: rc.Support, MaxLen: rc.MaxLen})
		if err != nil {
			t.Fatal(err)
		}
		rules, err := RulesWith(sets, n, RuleOptions[string]{MinConfidence: rc.Confidence, SingleThen: true})
		if err != nil {
			t.Fatal(err)
		}
		// arules' minlen counts the items of the whole rule; our antecedents
		// are never empty, so every rule has at least 2 items.
		got := 0
		for _, r := range rules {
			if len(r.If)+len(r.Then) >= rc.MinLen {
				got++
			}
		}
		if got != rc.N {
			t.Errorf("support %g, confidence %g, minlen %d: %d rules, arules %d", rc.Support, rc.Confidence, rc.MinLen, got, rc.N)
		}
	}

	sets, err := Mine(baskets, Options{MinSupport: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := RulesWith(sets, n, RuleOptions[string]{MinConfidence: 0.5, SingleThen: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != len(ref.Top) {
		t.Fatalf("%d rules, arules %d", len(rules), len(ref.Top))
	}
	slices.SortStableFunc(rules, func(a, b Rule[string]) int { return -cmpFloat(a.Lift, b.Lift) })
	for i, want := range ref.Top {
		r := rules[i]
		if !slices.Equal(r.If, parseArulesSet(want.LHS)) || !slices.Equal(r.Then, parseArulesSet(want.RHS)) {
			t.Errorf("rule %d by lift: %v → %v, arules %s → %s", i, r.If, r.Then, want.LHS, want.RHS)
			continue
		}
		if r.Count != want.Count {
			t.Errorf("rule %d: count %d, arules %d", i, r.Count, want.Count)
		}
		for _, m := range []struct {
			name      string
			got, want float64
		}{
			{"support", r.Support, want.Support},
			{"confidence", r.Confidence, want.Confidence},
			{"coverage", r.Coverage, want.Coverage},
			{"lift", r.Lift, want.Lift},
		} {
			if !scalar.EqualWithinRel(m.got, m.want, arulesTol) {
				t.Errorf("rule %d %s: %.17g, arules %.17g", i, m.name, m.got, m.want)
			}
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// closedFormTol is for metrics computed from small integer counts.
const closedFormTol = 1e-12

// TestRulesMetrics checks every metric of one rule against hand-computed
// values from its counts.
func TestRulesMetrics(t *testing.T) {
	t.Parallel()
	// 10 baskets: X = {a} in 5, Y = {b} in 4, both in 3.
	baskets := [][]string{{"a", "b"}, {"a", "b"}, {"a", "b"}, {"a"}, {"a"}, {"b"}, {}, {}, {}, {}}
	sets, err := Mine(baskets, Options{MinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := Rules(sets, len(baskets), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 {
		t.Fatalf("%d rules, want 2: %v", len(rules), rules)
	}
	r := rules[0] // a → b
	sx, sy, sxy := 0.5, 0.4, 0.3
	want := Rule[string]{
		If: []string{"a"}, Then: []string{"b"}, Count: 3,
		Support:       sxy,
		Confidence:    sxy / sx,
		Lift:          sxy / sx / sy,
		Leverage:      sxy - sx*sy,
		Conviction:    (1 - sy) / (1 - sxy/sx),
		Coverage:      sx,
		Zhang:         (sxy - sx*sy) / math.Max(sxy*(1-sx), sx*(sy-sxy)),
		Jaccard:       sxy / (sx + sy - sxy),
		Kulczynski:    (sxy/sx + sxy/sy) / 2,
		AllConfidence: sxy / math.Max(sx, sy),
	}
	if diff := cmp.Diff(want, r, cmp.Comparer(func(a, b float64) bool { return scalar.EqualWithinRel(a, b, closedFormTol) })); diff != "" {
		t.Errorf("a → b mismatch (-want +got):\n%s", diff)
	}
	// By hand: leverage 0.3 − 0.5·0.4 = 0.1; Zhang = 0.1/max(0.3·0.5, 0.5·0.1) = 2/3.
	if !scalar.EqualWithinRel(r.Zhang, 2.0/3, closedFormTol) || !scalar.EqualWithinRel(r.Leverage, 0.1, closedFormTol) {
		t.Errorf("Zhang = %g, leverage %g; want 2/3, 0.1", r.Zhang, r.Leverage)
	}
}

// TestRulesConvictionInf checks the +Inf conviction of a rule that never
// fails and its JSON round trip.
func TestRulesConvictionInf(t *testing.T) {
	t.Parallel()
	baskets := [][]int{{1, 2}, {1, 2}, {2}}
	sets, _ := Mine(baskets, Options{MinCount: 1})
	rules, err := Rules(sets, 3, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || !math.IsInf(rules[0].Conviction, 1) {
		t.Fatalf("want 1 → 2 with conviction +Inf, got %+v", rules)
	}
	b, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"conviction":"+Inf"`) {
		t.Errorf("JSON %s lacks \"+Inf\"", b)
	}
	var back []Rule[int]
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rules, back); diff != "" {
		t.Errorf("JSON round trip (-before +after):\n%s", diff)
	}
}

// TestRulesWithOptions checks single-item consequents and the item filters.
func TestRulesWithOptions(t *testing.T) {
	t.Parallel()
	baskets := [][]string{
		{"current", "savings", "card"}, {"current", "savings", "card"}, {"current", "card", "loan"},
		{"current", "savings"}, {"savings", "card"}, {"current", "card", "loan"},
	}
	sets, _ := Mine(baskets, Options{MinCount: 1})
	all, err := Rules(sets, len(baskets), 0)
	if err != nil {
		t.Fatal(err)
	}
	credit := []string{"card", "loan"}
	filtered, err := RulesWith(sets, len(baskets), RuleOptions[string]{ThenItems: credit, IfItems: []string{"current", "savings"}})
	if err != nil {
		t.Fatal(err)
	}
	single, _ := RulesWith(sets, len(baskets), RuleOptions[string]{SingleThen: true})
	var wantF, wantS []Rule[string]
	for _, r := range all {
		inAll := func(s, in []string) bool {
			for _, v := range s {
				if !slices.Contains(in, v) {
					return false
				}
			}
			return true
		}
		if inAll(r.Then, credit) && inAll(r.If, []string{"current", "savings"}) {
			wantF = append(wantF, r)
		}
		if len(r.Then) == 1 {
			wantS = append(wantS, r)
		}
	}
	if len(wantF) == 0 || len(wantF) == len(all) {
		t.Fatalf("test data should make the filter matter: %d of %d", len(wantF), len(all))
	}
	if diff := cmp.Diff(wantF, filtered); diff != "" {
		t.Errorf("filtered rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantS, single); diff != "" {
		t.Errorf("single-item consequents (-want +got):\n%s", diff)
	}
}

// TestRulesBruteForce compares Rules with every split of every itemset.
func TestRulesBruteForce(t *testing.T) {
	t.Parallel()
	baskets := readBaskets(t, "data/groceries/groceries.csv", ",")
	sets, _ := Mine(baskets, Options{MinSupport: 0.003})
	count := map[string]int{}
	for _, s := range sets {
		count[strings.Join(s.Items, "|")] = s.Count
	}
	const minConf = 0.3
	want := 0
	for _, s := range sets {
		k := len(s.Items)
		for mask := 1; mask < 1<<k-1; mask++ {
			var x []string
			for b := 0; b < k; b++ {
				if mask&(1<<b) != 0 {
					x = append(x, s.Items[b])
				}
			}
			if float64(s.Count)/float64(count[strings.Join(x, "|")]) >= minConf {
				want++
			}
		}
	}
	rules, err := Rules(sets, len(baskets), minConf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != want {
		t.Errorf("%d rules, brute force %d", len(rules), want)
	}
	if !slices.IsSortedFunc(rules, func(a, b Rule[string]) int { return compareRules(&a, &b) }) {
		t.Error("rules not in the documented order")
	}
}

func TestRulesInvalid(t *testing.T) {
	t.Parallel()
	good := []Itemset[string]{{[]string{"a"}, 2, 0.5}, {[]string{"b"}, 2, 0.5}, {[]string{"a", "b"}, 1, 0.25}}
	mod := func(f func(s []Itemset[string]) []Itemset[string]) []Itemset[string] {
		c := slices.Clone(good)
		for i := range c {
			c[i].Items = slices.Clone(c[i].Items)
		}
		return f(c)
	}
	tests := []struct {
		name  string
		sets  []Itemset[string]
		n     int
		conf  float64
		field string
		index int
	}{
		{"zero baskets", good, 0, 0.5, "baskets", -1},
		{"confidence > 1", good, 4, 1.5, "minConfidence", -1},
		{"confidence NaN", good, 4, math.NaN(), "minConfidence", -1},
		{"different n", good, 5, 0.5, "sets[0].Support", -1},
		{"count > n", good, 1, 0.5, "sets[0].Count", -1},
		{"empty set", mod(func(s []Itemset[string]) []Itemset[string] { s[1].Items = nil; return s }), 4, 0.5, "sets[1].Items", -1},
		{"unsorted", mod(func(s []Itemset[string]) []Itemset[string] { s[2].Items = []string{"b", "a"}; return s }), 4, 0.5, "sets[2].Items", 1},
		{"repeated", mod(func(s []Itemset[string]) []Itemset[string] { return append(s, s[0]) }), 4, 0.5, "sets[3].Items", -1},
		{"missing subset", mod(func(s []Itemset[string]) []Itemset[string] { return s[1:] }), 4, 0, "sets[1].Items", -1},
	}
	long := make([]int, 63)
	for i := range long {
		long[i] = i
	}
	if _, err := Rules([]Itemset[int]{{long, 1, 1}}, 1, 0); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("63-item set: got %v, want ErrInvalidInput", err)
	}
	for _, tc := range tests {
		_, err := Rules(tc.sets, tc.n, tc.conf)
		var ie *InputError
		if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &ie) || ie.Field != tc.field || ie.Index != tc.index {
			t.Errorf("%s: got %v, want field %s[%d]", tc.name, err, tc.field, tc.index)
		}
	}
}

func TestRulesInputUnchanged(t *testing.T) {
	t.Parallel()
	sets, _ := Mine([][]string{{"a", "b", "c"}, {"a", "b"}, {"c"}}, Options{MinCount: 1})
	want := slices.Clone(sets)
	for i := range want {
		want[i].Items = slices.Clone(want[i].Items)
	}
	if _, err := Rules(sets, 3, 0.1); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, sets); diff != "" {
		t.Errorf("Rules modified sets:\n%s", diff)
	}
}
