package crosssell_test

import (
	"fmt"
	"strings"

	"github.com/clmkit/clm/crosssell"
)

// holdings is the product holding of ten customers.
var holdings = [][]string{
	{"current", "savings", "card"}, {"current", "savings", "card"}, {"current", "card", "loan"},
	{"current", "savings"}, {"savings", "card"}, {"current", "card", "loan"}, {"current", "mortgage", "card"},
	{"current", "mortgage", "insurance"}, {"current", "mortgage", "insurance", "card"}, {"savings"},
}

func ExampleMine() {
	sets, err := crosssell.Mine(holdings, crosssell.Options{MinSupport: 0.3})
	if err != nil {
		panic(err)
	}
	for _, s := range sets {
		fmt.Printf("%-24s %d %.2f\n", strings.Join(s.Items, "+"), s.Count, s.Support)
	}
	// Output:
	// card                     7 0.70
	// current                  8 0.80
	// mortgage                 3 0.30
	// savings                  5 0.50
	// card+current             6 0.60
	// card+savings             3 0.30
	// current+mortgage         3 0.30
	// current+savings          3 0.30
}

func ExampleEach() {
	n := 0
	err := crosssell.Each(holdings, crosssell.Options{MinCount: 2, Target: crosssell.Maximal},
		func(items []string, count int) bool {
			n++ // items is reused: copy it to keep it
			return true
		})
	fmt.Println(n, err)
	// Output:
	// 4 <nil>
}

func ExampleRules() {
	sets, _ := crosssell.Mine(holdings, crosssell.Options{MinCount: 3})
	rules, err := crosssell.Rules(sets, len(holdings), 0.7)
	if err != nil {
		panic(err)
	}
	for _, r := range rules {
		fmt.Printf("%v → %v conf %.2f lift %.2f conviction %.3g\n", r.If, r.Then, r.Confidence, r.Lift, r.Conviction)
	}
	// Output:
	// [card] → [current] conf 0.86 lift 1.07 conviction 1.4
	// [current] → [card] conf 0.75 lift 1.07 conviction 1.2
	// [mortgage] → [current] conf 1.00 lift 1.25 conviction +Inf
}

func ExampleRecommender_Recommend() {
	sets, _ := crosssell.Mine(holdings, crosssell.Options{MinCount: 2})
	rules, _ := crosssell.Rules(sets, len(holdings), 0.3)
	rec := crosssell.NewRecommender(rules, crosssell.Lift)
	for _, s := range rec.Recommend([]string{"current", "savings"}, 3) {
		fmt.Printf("%-9s lift %.2f because %v → %v\n", s.Item, s.Score, s.Rule.If, s.Rule.Then)
	}
	// Output:
	// mortgage  lift 1.25 because [current] → [mortgage]
	// card      lift 1.07 because [current] → [card]
}

func ExampleNewValueRecommender() {
	sets, _ := crosssell.Mine(holdings, crosssell.Options{MinCount: 2})
	rules, _ := crosssell.Rules(sets, len(holdings), 0.3)
	margin := map[string]float64{"card": 40, "loan": 300, "mortgage": 1200, "insurance": 150, "savings": 15}
	rec, err := crosssell.NewValueRecommender(rules, crosssell.Confidence, margin)
	if err != nil {
		panic(err)
	}
	for _, s := range rec.Recommend([]string{"current"}, 3) {
		fmt.Printf("%-9s expected margin %.0f (confidence %.2f)\n", s.Item, s.Score, s.Rule.Confidence)
	}
	// Output:
	// mortgage  expected margin 450 (confidence 0.38)
	// card      expected margin 30 (confidence 0.75)
	// savings   expected margin 6 (confidence 0.38)
}

// Example_nextBestOffer runs the whole workflow: mine the holdings, keep
// the rules that recommend a credit product, and rank offers for one
// customer by expected margin, with the rule behind each offer.
func Example_nextBestOffer() {
	sets, err := crosssell.Mine(holdings, crosssell.Options{MinSupport: 0.2})
	if err != nil {
		panic(err)
	}
	credit := []string{"card", "loan", "mortgage"}
	rules, err := crosssell.RulesWith(sets, len(holdings), crosssell.RuleOptions[string]{
		MinConfidence: 0.25, SingleThen: true, ThenItems: credit,
	})
	if err != nil {
		panic(err)
	}
	margin := map[string]float64{"card": 40, "loan": 300, "mortgage": 1200}
	rec, err := crosssell.NewValueRecommender(rules, crosssell.Confidence, margin)
	if err != nil {
		panic(err)
	}
	for _, s := range rec.Recommend([]string{"current", "savings"}, 2) {
		fmt.Printf("offer %s: expected margin %.0f, because %v → %v (confidence %.2f, lift %.2f)\n",
			s.Item, s.Score, s.Rule.If, s.Rule.Then, s.Rule.Confidence, s.Rule.Lift)
	}
	// Output:
	// offer mortgage: expected margin 450, because [current] → [mortgage] (confidence 0.38, lift 1.25)
	// offer loan: expected margin 75, because [current] → [loan] (confidence 0.25, lift 1.25)
}
