package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/clmkit/clm/crosssell"
	"github.com/clmkit/clm/examples/internal/charts"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

// basketsAt returns, for the customers with an account open at t, the
// products each holds then, as product names.
func basketsAt(p *portfolio.Portfolio, t time.Time) (who []int, baskets [][]string) {
	for i := range p.Customers {
		c := &p.Customers[i]
		if c.Opened.IsZero() || c.Opened.After(t) || (!c.Closed.IsZero() && !c.Closed.After(t)) {
			continue
		}
		var b []string
		for _, prod := range c.HeldAt(t) {
			b = append(b, prod.String())
		}
		who = append(who, i)
		baskets = append(baskets, b)
	}
	return who, baskets
}

func ruleText(r crosssell.Rule[string]) string {
	return "{" + strings.Join(r.If, ", ") + "} → {" + strings.Join(r.Then, ", ") + "}"
}

// crossSellSection mines product co-holdings, derives association rules and
// recommends the next best product, then checks the recommendations against
// what customers actually took up.
func (r *report) crossSellSection() error {
	p := r.p
	cli.Heading(r.w, "3. Cross-sell: which product next? (crosssell)")
	mine := func(baskets [][]string) ([]crosssell.Rule[string], error) {
		sets, err := crosssell.Mine(baskets, crosssell.Options{MinSupport: 0.005, MaxLen: 4})
		if err != nil {
			return nil, err
		}
		rules, err := crosssell.RulesWith(sets, len(baskets), crosssell.RuleOptions[string]{MinConfidence: 0.2, SingleThen: true})
		return improved(rules, 0.05), err
	}
	end := p.End.Add(-time.Second)
	who, baskets := basketsAt(p, end)
	rules, err := mine(baskets)
	if err != nil {
		return err
	}
	byLift := slices.Clone(rules)
	slices.SortStableFunc(byLift, func(a, b crosssell.Rule[string]) int { return cmpDesc(a.Lift, b.Lift) })
	fmt.Fprintf(r.w, "%d customers' product holdings; %d rules with support ≥ 0.5%%, confidence ≥ 20%%\n", len(baskets), len(rules))
	fmt.Fprint(r.w, "and at least 5 points more confidence than any simpler rule with the same consequent. Strongest by lift:\n\n")
	t := cli.NewTable("rule", "customers", "support", "confidence", "lift")
	var labels []string
	var lifts []float64
	for _, rule := range byLift[:min(10, len(byLift))] {
		t.Row(ruleText(rule), rule.Count, fmt.Sprintf("%.3f", rule.Support), fmt.Sprintf("%.2f", rule.Confidence), fmt.Sprintf("%.2f", rule.Lift))
		labels = append(labels, ruleText(rule))
		lifts = append(lifts, rule.Lift)
	}
	t.Print(r.w)

	// Next best product, weighting each rule's confidence by the product's
	// monthly margin: an expected-margin ranking.
	margin := map[string]float64{}
	for k := range portfolio.NumProducts {
		margin[portfolio.Product(k).String()] = portfolio.ProductMargin[k]
	}
	rec, err := crosssell.NewValueRecommender(rules, crosssell.Confidence, margin)
	if err != nil {
		return err
	}
	fmt.Fprintln(r.w, "\nNext best product for the first customers of the book (confidence × monthly margin):")
	t = cli.NewTable("customer", "holds", "offer", "score", "because").Left(1, 2, 4)
	shown := 0
	for j, i := range who {
		s := rec.Recommend(baskets[j], 1)
		if len(s) == 0 || len(baskets[j]) < 2 {
			continue
		}
		t.Row(p.Customers[i].ID, strings.Join(baskets[j], ", "), s[0].Item, fmt.Sprintf("%.1f", s[0].Score),
			fmt.Sprintf("%s (conf. %.2f)", ruleText(s[0].Rule), s[0].Rule.Confidence))
		if shown++; shown == 6 {
			break
		}
	}
	t.Print(r.w)

	// Check: mine the holdings of a year ago, make each customer the offer
	// of the rule with the highest lift, and see who took it up in the
	// following year. Compare with the take-up of the same products among
	// everyone who lacked them: what offering them at random would hit.
	ago := p.PeriodStart(p.Periods - 12).Add(-time.Second)
	whoThen, basketsThen := basketsAt(p, ago)
	rulesThen, err := mine(basketsThen)
	if err != nil {
		return err
	}
	recThen := crosssell.NewRecommender(rulesThen, crosssell.Lift)
	takeUp := map[string]int{}
	lacked := map[string]int{}
	took := make([][]string, len(whoThen))
	for j, i := range whoThen {
		for _, h := range p.Customers[i].Holdings {
			if name := h.Product.String(); h.From.After(ago) && !h.From.After(end) && !slices.Contains(basketsThen[j], name) {
				took[j] = append(took[j], name)
				takeUp[name]++
			}
		}
		for k := range portfolio.NumProducts {
			if name := portfolio.Product(k).String(); !slices.Contains(basketsThen[j], name) {
				lacked[name]++
			}
		}
	}
	type tally struct {
		offered, hits int
		expected      float64
	}
	var all, strong tally
	for j := range whoThen {
		s := recThen.Recommend(basketsThen[j], 1)
		if len(s) == 0 {
			continue
		}
		hit := slices.Contains(took[j], s[0].Item)
		base := float64(takeUp[s[0].Item]) / float64(lacked[s[0].Item])
		for _, t := range []*tally{&all, &strong} {
			if t == &strong && s[0].Rule.Lift < 2 {
				continue
			}
			t.offered++
			t.expected += base
			if hit {
				t.hits++
			}
		}
	}
	fmt.Fprintf(r.w, "\nCheck on the following year (offers from a year ago's rules, ranked by lift):\n\n")
	t = cli.NewTable("offers", "customers", "took it up", "at random", "ratio")
	for _, row := range []struct {
		name string
		t    tally
	}{{"all top offers", all}, {"backed by lift ≥ 2", strong}} {
		if row.t.offered == 0 {
			continue
		}
		t.Row(row.name, row.t.offered, fmt.Sprintf("%.1f%%", pct(row.t.hits, row.t.offered)),
			fmt.Sprintf("%.1f%%", 100*row.t.expected/float64(row.t.offered)), fmt.Sprintf("%.1f×", float64(row.t.hits)/row.t.expected))
	}
	t.Print(r.w)

	return r.plot("rules_lift.svg", func(path string) error {
		return charts.Bars(path, "Lift of the strongest product rules", "lift", labels, lifts)
	})
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

// improved keeps the rules whose confidence beats that of every rule with
// the same consequent and a smaller antecedent by at least minImp (the
// minimum improvement of Bayardo, Agrawal & Gunopulos 1999): adding an item
// to the antecedent must tell us something.
func improved(rules []crosssell.Rule[string], minImp float64) []crosssell.Rule[string] {
	var out []crosssell.Rule[string]
	for _, r := range rules {
		keep := true
		for _, s := range rules {
			if len(s.If) < len(r.If) && slices.Equal(s.Then, r.Then) && subset(s.If, r.If) && r.Confidence < s.Confidence+minImp {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, r)
		}
	}
	return out
}

// subset reports whether every item of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
