// Command crosssell is a lesson in market-basket analysis for cross-selling
// with clm's crosssell package: which products go together, and which one
// to offer a customer next.
//
//	go run ./examples/crosssell                     # product holdings of the synthetic portfolio
//	go run ./examples/crosssell -data groceries.csv   # the Groceries baskets of R's arules
//
// Read it top to bottom. A basket is a set of items: the products a
// customer holds, or what was bought in one visit. Frequent itemsets are
// the sets that many baskets contain; association rules X → Y turn them
// into "customers who hold X tend to hold Y"; a recommender turns the rules
// into the next best offer for one customer, with the rule that explains it.
package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/clmkit/clm/crosssell"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

func main() { cli.Main("crosssell", run) }

// setup holds the baskets and the thresholds that suit them.
type setup struct {
	source        string
	baskets       [][]string
	minSupport    float64
	minConfidence float64
	reference     string   // what R's arules finds with the same thresholds, when known
	thenItems     []string // a product family to target in Step 5
	thenName      string
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("crosssell", flag.ContinueOnError)
	data := fs.String("data", "", "read baskets from a CSV file (one basket per line, e.g. groceries.csv) instead of the synthetic portfolio")
	seed := fs.Uint64("seed", 1, "seed of the synthetic portfolio")
	customers := fs.Int("customers", 10000, "customers in the synthetic portfolio")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	// Step 1. Baskets: a [][]T for any ordered item type T (strings here;
	// a bank may use int32 product codes). Duplicates within a basket count
	// once; empty baskets count in the total.
	var s *setup
	if *data != "" {
		b, err := loadBaskets(*data)
		if err != nil {
			return err
		}
		s = &setup{source: *data, baskets: b, minSupport: 0.001, minConfidence: 0.5,
			reference: "R arules 1.7-6 on Groceries with support 0.001 and confidence 0.5 finds 5668 rules."}
		s.thenItems, s.thenName = []string{"whole milk"}, "whole milk"
	} else {
		p, err := portfolio.Generate(portfolio.Config{Seed: *seed, Customers: *customers})
		if err != nil {
			return err
		}
		s = fromPortfolio(p)
	}
	items := map[string]int{}
	for _, b := range s.baskets {
		for _, it := range b {
			items[it]++
		}
	}
	fmt.Fprintf(w, "Data: %s\n%d baskets, %d distinct items.\n", s.source, len(s.baskets), len(items))

	// Step 2. Frequent itemsets. MinSupport is a share of the baskets;
	// the count threshold is ⌈MinSupport·n⌉, as in arules and mlxtend.
	// FP-Growth (the default), Eclat and Apriori give the same itemsets.
	opts := crosssell.Options{MinSupport: s.minSupport}
	sets, err := crosssell.Mine(s.baskets, opts)
	if err != nil {
		return err
	}
	bySize := map[int]int{}
	for _, it := range sets {
		bySize[len(it.Items)]++
	}
	cli.Heading(w, "Frequent itemsets")
	minCount := len(s.baskets)
	for _, it := range sets {
		minCount = min(minCount, it.Count)
	}
	var sizes []string
	for k := 1; bySize[k] > 0; k++ {
		sizes = append(sizes, fmt.Sprintf("%d of size %d", bySize[k], k))
	}
	fmt.Fprintf(w, "%d itemsets with support ≥ %g (the rarest in %d baskets): %s.\n", len(sets), s.minSupport, minCount, strings.Join(sizes, ", "))
	// Closed itemsets (no superset with the same count) keep all the
	// information in fewer sets; maximal ones (no frequent superset) give
	// the border of what is frequent.
	for _, target := range []crosssell.Target{crosssell.Closed, crosssell.Maximal} {
		o := opts
		o.Target = target
		t, err := crosssell.Mine(s.baskets, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s itemsets: %d.\n", target, len(t))
	}
	// Each streams the itemsets to a callback without building the list:
	// constant memory however many there are. Here: the largest itemset.
	var largest []string
	var largestCount int
	err = crosssell.Each(s.baskets, crosssell.Options{MinSupport: s.minSupport, Algorithm: crosssell.Eclat}, func(items []string, count int) bool {
		if len(items) > len(largest) || (len(items) == len(largest) && count > largestCount) {
			largest, largestCount = slices.Clone(items), count
		}
		return true
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Largest frequent itemset (streamed with Each and Eclat): {%s} in %d baskets.\n", strings.Join(largest, ", "), largestCount)

	// Step 3. Association rules. Each frequent itemset splits into X → Y;
	// the metrics say how good the rule is:
	//   support     share of baskets holding X and Y
	//   confidence  share of the baskets holding X that also hold Y
	//   lift        confidence / support(Y): 1 is independence, 3 means
	//               X makes Y three times as likely
	//   leverage    support − what independence predicts
	//   conviction  how much more often the rule would fail by chance
	start := time.Now()
	rules, err := crosssell.RulesWith(sets, len(s.baskets), crosssell.RuleOptions[string]{MinConfidence: s.minConfidence, SingleThen: true})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	cli.Heading(w, "Association rules")
	fmt.Fprintf(w, "%d rules with one item on the right and confidence ≥ %g (built in %v).\n", len(rules), s.minConfidence, elapsed.Round(time.Millisecond))
	if s.reference != "" {
		fmt.Fprintln(w, s.reference)
	}
	// Many rules repeat a simpler one with an extra item on the left
	// ({a, b, c} → d says little more than {a, b} → d). Keep a rule only if
	// its confidence beats every simpler rule with the same right side by
	// 5 points: the minimum improvement of Bayardo, Agrawal & Gunopulos
	// (1999).
	byLift := improved(rules, 0.05)
	slices.SortStableFunc(byLift, func(a, b crosssell.Rule[string]) int { return cmpDesc(a.Lift, b.Lift) })
	fmt.Fprintf(w, "\n%d rules improve on their simpler forms by 5 points of confidence. Strongest by lift, among those in at least 1%% of baskets:\n", len(byLift))
	t := cli.NewTable("rule", "support", "confidence", "lift", "leverage", "conviction")
	shown := 0
	for _, r := range byLift {
		if r.Support < 0.01 {
			continue
		}
		t.Row(ruleText(r), fmt.Sprintf("%.4f", r.Support), fmt.Sprintf("%.3f", r.Confidence), fmt.Sprintf("%.3f", r.Lift),
			fmt.Sprintf("%.4f", r.Leverage), fmt.Sprintf("%.3f", r.Conviction))
		if shown++; shown == 8 {
			break
		}
	}
	t.Print(w)

	// Step 4. Next best offer. The recommender indexes the rules; for a
	// customer who holds `held` it scores every product they lack by the
	// best rule whose left side they hold, and never offers what they have.
	// Ranking by confidence favours likely products, by lift niche ones.
	cli.Heading(w, "Next best offer")
	byConf := crosssell.NewRecommender(rules, crosssell.Confidence)
	byLiftRec := crosssell.NewRecommender(rules, crosssell.Lift)
	t = cli.NewTable("basket", "by confidence", "by lift", "why (the lift rule)").Left(1, 2, 3)
	shown = 0
	for _, b := range s.baskets {
		c, l := byConf.Recommend(b, 1), byLiftRec.Recommend(b, 1)
		if len(c) == 0 || len(l) == 0 || len(b) < 2 || len(b) > 4 {
			continue
		}
		t.Row(strings.Join(b, ", "), c[0].Item, l[0].Item, fmt.Sprintf("%s (lift %.2f)", ruleText(l[0].Rule), l[0].Rule.Lift))
		if shown++; shown == 6 {
			break
		}
	}
	t.Print(w)

	// Step 5. Targeting a product family: keep only the rules whose right
	// side is in a list (arules' appearance rhs), for a campaign that sells
	// one kind of product.
	target, err := crosssell.RulesWith(sets, len(s.baskets), crosssell.RuleOptions[string]{MinConfidence: s.minConfidence, SingleThen: true, ThenItems: s.thenItems})
	if err != nil {
		return err
	}
	target = improved(target, 0.05)
	slices.SortStableFunc(target, func(a, b crosssell.Rule[string]) int { return cmpDesc(a.Lift, b.Lift) })
	fmt.Fprintf(w, "\n%d rules recommend %s; the best by lift:\n", len(target), s.thenName)
	for _, r := range target[:min(3, len(target))] {
		fmt.Fprintf(w, "  %s: confidence %.2f, lift %.2f, %d baskets\n", ruleText(r), r.Confidence, r.Lift, r.Count)
	}
	return nil
}

// fromPortfolio builds one basket per customer with an account at the end
// of the window: the products they hold then.
func fromPortfolio(p *portfolio.Portfolio) *setup {
	s := &setup{
		source:        "synthetic portfolio, product holdings at " + p.End.AddDate(0, 0, -1).Format("2006-01-02"),
		minSupport:    0.005,
		minConfidence: 0.3,
		thenItems:     []string{portfolio.Mortgage.String(), portfolio.PersonalLoan.String(), portfolio.CarLoan.String(), portfolio.CreditCard.String()},
		thenName:      "a credit product (mortgage, personal loan, car loan, credit card)",
	}
	at := p.End.Add(-time.Second)
	for i := range p.Customers {
		c := &p.Customers[i]
		if c.Opened.IsZero() || (!c.Closed.IsZero() && !c.Closed.After(at)) {
			continue
		}
		var b []string
		for _, prod := range c.HeldAt(at) {
			b = append(b, prod.String())
		}
		s.baskets = append(s.baskets, b)
	}
	return s
}

// improved keeps the rules whose confidence exceeds that of every rule with
// the same consequent and an antecedent that is a proper subset by at least
// minImp, among the rules given (simpler forms below the confidence
// threshold are not there to compare with).
func improved(rules []crosssell.Rule[string], minImp float64) []crosssell.Rule[string] {
	// Index the rules by antecedent and consequent, so each rule looks up
	// its simpler forms directly.
	conf := make(map[string]float64, len(rules))
	for _, r := range rules {
		conf[key(r.If, r.Then)] = r.Confidence
	}
	var out []crosssell.Rule[string]
	for _, r := range rules {
		if beatsSubsets(r, conf, minImp) {
			out = append(out, r)
		}
	}
	return out
}

// beatsSubsets checks every proper, non-empty subset of r.If.
func beatsSubsets(r crosssell.Rule[string], conf map[string]float64, minImp float64) bool {
	n := len(r.If)
	for mask := 1; mask < 1<<n-1; mask++ {
		var sub []string
		for i := range n {
			if mask&(1<<i) != 0 {
				sub = append(sub, r.If[i])
			}
		}
		if c, ok := conf[key(sub, r.Then)]; ok && r.Confidence < c+minImp {
			return false
		}
	}
	return true
}

func key(ifs, then []string) string {
	return strings.Join(ifs, "\x00") + "\x01" + strings.Join(then, "\x00")
}

func ruleText(r crosssell.Rule[string]) string {
	return "{" + strings.Join(r.If, ", ") + "} → {" + strings.Join(r.Then, ", ") + "}"
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
