package crosssell

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bankRules mines a small product-holding table.
func bankRules(t testing.TB) []Rule[string] {
	t.Helper()
	baskets := [][]string{
		{"current", "savings", "card"}, {"current", "savings", "card"}, {"current", "card", "loan"},
		{"current", "savings"}, {"savings", "card"}, {"current", "card", "loan"}, {"current", "mortgage", "card"},
		{"current", "mortgage", "insurance"}, {"current", "mortgage", "insurance", "card"}, {"savings"},
	}
	sets, err := Mine(baskets, Options{MinCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := Rules(sets, len(baskets), 0.3)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// bruteRecommend is the specification of Recommend: a scan of every rule.
func bruteRecommend(rules []Rule[string], by Metric, value map[string]float64, held []string, k int) []Suggestion[string] {
	best := map[string]Suggestion[string]{}
	bestIdx := map[string]int{}
	for i, r := range rules {
		ok := true
		for _, x := range r.If {
			ok = ok && slices.Contains(held, x)
		}
		if !ok {
			continue
		}
		for _, y := range r.Then {
			if slices.Contains(held, y) {
				continue
			}
			s := metricOf(by, &r)
			if value != nil {
				s = weigh(s, value[y])
			}
			cand := Suggestion[string]{Item: y, Score: s, Rule: r}
			old, seen := best[y]
			better := !seen || s > old.Score ||
				(s == old.Score && (r.Confidence > old.Rule.Confidence ||
					(r.Confidence == old.Rule.Confidence && (r.Support > old.Rule.Support ||
						(r.Support == old.Rule.Support && i < bestIdx[y])))))
			if better {
				best[y], bestIdx[y] = cand, i
			}
		}
	}
	var out []Suggestion[string]
	for _, s := range best {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Suggestion[string]) int {
		switch {
		case a.Score != b.Score:
			return -cmpFloat(a.Score, b.Score)
		case a.Rule.Confidence != b.Rule.Confidence:
			return -cmpFloat(a.Rule.Confidence, b.Rule.Confidence)
		case a.Rule.Support != b.Rule.Support:
			return -cmpFloat(a.Rule.Support, b.Rule.Support)
		case a.Item < b.Item:
			return -1
		}
		return 1
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// TestRecommendMatchesScan checks the indexed Recommend against a scan of
// all rules for every holding of the product table and every metric.
func TestRecommendMatchesScan(t *testing.T) {
	t.Parallel()
	rules := bankRules(t)
	products := []string{"card", "current", "insurance", "loan", "mortgage", "savings", "unknown"}
	value := map[string]float64{"card": 30, "loan": 250, "mortgage": 900, "insurance": 120, "savings": 10}
	for _, by := range []Metric{Confidence, Lift, Leverage, Conviction} {
		plain := NewRecommender(rules, by)
		valued, err := NewValueRecommender(rules, by, value)
		if err != nil {
			t.Fatal(err)
		}
		for mask := 0; mask < 1<<len(products); mask++ {
			var held []string
			for i, p := range products {
				if mask&(1<<i) != 0 {
					held = append(held, p)
				}
			}
			for _, k := range []int{1, 3, 10} {
				if diff := cmp.Diff(bruteRecommend(rules, by, nil, held, k), plain.Recommend(held, k)); diff != "" {
					t.Fatalf("%v, held %v, k %d (-scan +got):\n%s", by, held, k, diff)
				}
				if diff := cmp.Diff(bruteRecommend(rules, by, value, held, k), valued.Recommend(held, k)); diff != "" {
					t.Fatalf("value %v, held %v, k %d (-scan +got):\n%s", by, held, k, diff)
				}
			}
		}
	}
}

func TestRecommendEdgeCases(t *testing.T) {
	t.Parallel()
	r := NewRecommender(bankRules(t), Lift)
	if got := r.Recommend([]string{"current"}, 0); got != nil {
		t.Errorf("k = 0: %v, want nil", got)
	}
	if got := r.Recommend(nil, 3); got != nil {
		t.Errorf("nothing held: %v, want nil (no rule has an empty antecedent)", got)
	}
	held := []string{"savings", "current", "current"}
	before := slices.Clone(held)
	got := r.Recommend(held, 5)
	if len(got) == 0 {
		t.Fatal("no suggestion for current+savings")
	}
	if !slices.Equal(held, before) {
		t.Errorf("Recommend modified held: %v", held)
	}
	for _, s := range got {
		if slices.Contains(held, s.Item) {
			t.Errorf("suggested held item %v", s.Item)
		}
	}
	var empty *Recommender[string]
	if empty.Recommend(held, 3) != nil {
		t.Error("nil recommender should suggest nothing")
	}
	// Invalid rules are ignored rather than trusted.
	bad := []Rule[string]{{If: []string{"a"}}, {If: []string{"b", "a"}, Then: []string{"c"}, Confidence: 1}, {If: []string{"a"}, Then: []string{"a"}, Confidence: 1},
		{If: []string{"a"}, Then: []string{"d"}, Confidence: math.NaN()}}
	if got := NewRecommender(bad, Confidence).Recommend([]string{"a", "b"}, 3); got != nil {
		t.Errorf("invalid rules gave %v", got)
	}
}

func TestNewValueRecommenderInvalid(t *testing.T) {
	t.Parallel()
	_, err := NewValueRecommender(bankRules(t), Confidence, map[string]float64{"card": math.Inf(1)})
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("infinite value: got %v", err)
	}
}

func TestRecommenderJSONRoundTrip(t *testing.T) {
	t.Parallel()
	rules := bankRules(t)
	orig, err := NewValueRecommender(rules, Conviction, map[string]float64{"loan": 2, "card": 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(orig)
	if err != nil {
		t.Fatal(err)
	}
	var back Recommender[string]
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, held := range [][]string{{"current"}, {"savings"}, {"current", "mortgage"}, {"card", "current"}} {
		if diff := cmp.Diff(orig.Recommend(held, 4), back.Recommend(held, 4)); diff != "" {
			t.Errorf("held %v: after JSON round trip (-before +after):\n%s", held, diff)
		}
	}
}

func TestRecommenderConcurrentUse(t *testing.T) {
	t.Parallel()
	r := NewRecommender(bankRules(t), Lift)
	want := r.Recommend([]string{"current", "savings"}, 3)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if got := r.Recommend([]string{"current", "savings"}, 3); !cmp.Equal(want, got) {
					t.Error("concurrent Recommend differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestMetricText(t *testing.T) {
	t.Parallel()
	for _, m := range []Metric{Confidence, Lift, Leverage, Conviction} {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Metric
		if err := back.UnmarshalText([]byte(string(b))); err != nil || back != m {
			t.Errorf("%v: round trip gave %v, %v", m, back, err)
		}
	}
	if m, err := ParseMetric("LIFT"); err != nil || m != Lift {
		t.Errorf("ParseMetric(LIFT) = %v, %v", m, err)
	}
	if _, err := ParseMetric("margin"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("unknown metric: %v", err)
	}
	if _, err := Metric(9).MarshalText(); err == nil {
		t.Error("Metric(9).MarshalText: no error")
	}
}

func TestRecommenderUnmarshalInvalid(t *testing.T) {
	t.Parallel()
	var r Recommender[string]
	for _, in := range []string{`{"metric":"margin","rules":[]}`, `{"metric":"lift","rules":[{"if":["a"],"then":["b"],"conviction":"x"}]}`, `[`} {
		if err := json.Unmarshal([]byte(in), &r); err == nil {
			t.Errorf("Unmarshal(%s): no error", in)
		}
	}
}
