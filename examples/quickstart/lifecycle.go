package main

import (
	"fmt"
	"time"

	"github.com/clmkit/clm/examples/internal/charts"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
	"github.com/clmkit/clm/lifecycle"
)

// window is the length, in months, of the activity windows compared by the
// lifecycle rules: this quarter against the previous quarter.
const window = 3

// history turns one customer's monthly rows into month-end lifecycle
// snapshots, from the first month the bank knew the customer to the end of
// the window. Transactions and value are summed over the last `window`
// months and compared with the `window` months before. Months before the
// window are unknown: for the existing book they are taken to be like the
// first month observed, and the customer is taken to have been active when
// the window opened.
func history(p *portfolio.Portfolio, c *portfolio.Customer) []lifecycle.Snapshot {
	n := p.Periods
	tx := make([]int, n)
	val := make([]float64, n)
	prod := make([]int, n)
	for _, m := range c.Months {
		tx[m.Period], val[m.Period], prod[m.Period] = m.Transactions, m.Value, m.Products
	}
	existing := !c.Opened.IsZero() && c.Opened.Before(p.Start)
	at := func(k int) int {
		if k < 0 && existing {
			return 0
		}
		return k
	}
	sum := func(from, to int) (int, float64) { // months from..to inclusive
		var t int
		var v float64
		for k := from; k <= to; k++ {
			if j := at(k); j >= 0 {
				t += tx[j]
				v += val[j]
			}
		}
		return t, v
	}
	products := func(k int) int {
		if j := at(k); j >= 0 {
			return prod[j]
		}
		return 0
	}
	var last time.Time
	if existing {
		last = p.Start
	}
	var out []lifecycle.Snapshot
	for k := range n {
		asOf := p.PeriodStart(k + 1).Add(-time.Second) // month end
		if asOf.Before(c.FirstContact) {
			continue
		}
		if tx[k] > 0 {
			last = asOf
		}
		s := lifecycle.Snapshot{
			AsOf:         asOf,
			FirstContact: c.FirstContact,
			Opened:       c.Opened,
			Closed:       c.Closed,
			LastActivity: last,
			Products:     products(k),
			PrevProducts: products(k - window),
		}
		s.Transactions, s.Value = sum(k-window+1, k)
		s.PrevTransactions, s.PrevValue = sum(k-2*window+1, k-window)
		out = append(out, s)
	}
	return out
}

// lifecycleSection classifies every customer every month, tracks the
// journeys and estimates the stage flow.
func (r *report) lifecycleSection() error {
	p := r.p
	cli.Heading(r.w, "1. Lifecycle: which stage is each customer in? (lifecycle)")
	rules := lifecycle.DefaultRules()
	graph := lifecycle.DefaultGraph()
	r.journeys = make([]lifecycle.Journey, len(p.Customers))
	journeys := make([]lifecycle.Journey, 0, len(p.Customers))
	for i := range p.Customers {
		j, err := lifecycle.Track(graph, rules, history(p, &p.Customers[i]))
		if err != nil {
			return fmt.Errorf("customer %s: %w", p.Customers[i].ID, err)
		}
		r.journeys[i] = j
		journeys = append(journeys, j)
	}

	// Stage today, with the most frequent reason.
	var count [lifecycle.NumStages]int
	var rule [lifecycle.NumStages]map[lifecycle.Rule]int
	var example [lifecycle.NumStages]string
	var changed [lifecycle.NumStages]bool
	for i, j := range r.journeys {
		s := j.Stage()
		count[s-1]++
		if rule[s-1] == nil {
			rule[s-1] = map[lifecycle.Rule]int{}
		}
		last := j.Transitions[len(j.Transitions)-1]
		rule[s-1][last.Reason.Rule]++
		// Prefer an example whose stage changed during the window.
		if example[s-1] == "" || (len(j.Transitions) > 1 && !changed[s-1]) {
			example[s-1] = p.Customers[i].ID + ": " + last.Reason.String()
			changed[s-1] = len(j.Transitions) > 1
		}
	}
	end := p.End.Add(-time.Second)
	fmt.Fprintf(r.w, "Rules: %d-month windows compared with the previous %d months, lifecycle.DefaultRules thresholds.\n\n", window, window)
	t := cli.NewTable("stage at "+end.Format("2006-01-02"), "", "customers", "share", "main rule").Left(1, 4)
	for _, s := range lifecycle.Stages() {
		t.Row(s, s.Chinese(), count[s-1], fmt.Sprintf("%.1f%%", pct(count[s-1], len(p.Customers))), topRule(rule[s-1]))
	}
	t.Print(r.w)
	fmt.Fprintln(r.w, "\nWhy? One reason per stage, as a relationship manager would read it:")
	for _, s := range lifecycle.Stages() {
		if example[s-1] != "" {
			fmt.Fprintf(r.w, "  %-10s %s\n", s, example[s-1])
		}
	}

	// The stage flow as a monthly Markov chain.
	chain, err := lifecycle.EstimateChain(journeys, lifecycle.Month)
	if err != nil {
		return err
	}
	fmt.Fprintln(r.w, "\nMonthly stage flow (Markov chain estimated from the journeys; rows: from, columns: to):")
	header := []string{"from \\ to"}
	for _, s := range lifecycle.Stages() {
		header = append(header, s.String())
	}
	header = append(header, "mean stay (m)", "P(term. in 12 m)")
	t = cli.NewTable(header...)
	var heat [][]float64
	var labels []string
	for _, from := range lifecycle.Stages() {
		row := []any{from}
		for _, to := range lifecycle.Stages() {
			row = append(row, fmt.Sprintf("%.3f", chain.P[from-1][to-1]))
		}
		row = append(row, fmt.Sprintf("%.1f", chain.ExpectedTimeIn(from)), fmt.Sprintf("%.3f", chain.PTerminatedWithin(from, 12)))
		t.Row(row...)
		heat = append(heat, chain.P[from-1][:])
		labels = append(labels, from.String())
	}
	t.Print(r.w)

	var now [lifecycle.NumStages]float64
	for k, n := range count {
		now[k] = float64(n)
	}
	next := chain.Forecast(now, 12)
	fmt.Fprint(r.w, "\nForecast in 12 months (customers):")
	for _, s := range lifecycle.Stages() {
		fmt.Fprintf(r.w, " %s %.0f", s, next[s-1])
	}
	fmt.Fprintln(r.w)

	// Does the Decline stage foretell closure? Look back a year.
	ref := p.PeriodStart(p.Periods - 12).Add(-time.Second)
	var n, closed [lifecycle.NumStages]int
	for i, j := range r.journeys {
		s := j.StageAt(ref)
		if s == 0 || s == lifecycle.Terminated || s == lifecycle.Prospect {
			continue
		}
		n[s-1]++
		if c := p.Customers[i].Closed; !c.IsZero() && c.After(ref) {
			closed[s-1]++
		}
	}
	fmt.Fprintf(r.w, "Check against what happened: of the customers in each stage on %s, the share who closed in the next 12 months:", ref.Format("2006-01-02"))
	for _, s := range []lifecycle.Stage{lifecycle.Onboarding, lifecycle.Growth, lifecycle.Maturity, lifecycle.Decline} {
		fmt.Fprintf(r.w, " %s %.1f%%", s, pct(closed[s-1], n[s-1]))
	}
	fmt.Fprintln(r.w, ".")

	return r.plot("stage_transitions.svg", func(path string) error {
		return charts.HeatMap(path, "Monthly stage transition probabilities", labels, heat)
	})
}

func topRule(m map[lifecycle.Rule]int) string {
	best, n := lifecycle.RuleNone, 0
	for r, c := range m {
		if c > n || (c == n && r < best) {
			best, n = r, c
		}
	}
	if n == 0 {
		return "-"
	}
	return best.String()
}
