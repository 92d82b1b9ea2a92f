package main

import (
	"fmt"
	"slices"

	"github.com/clmkit/clm/examples/internal/charts"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
	"github.com/clmkit/clm/segment"
)

// marginOver returns the customer's margin summed over periods from..to-1.
func marginOver(c *portfolio.Customer, from, to int) float64 {
	var v float64
	for _, m := range c.Months {
		if m.Period >= from && m.Period < to {
			v += m.Margin
		}
	}
	return v
}

// activeAt reports whether the customer had an account open through the end
// of period k.
func activeAt(p *portfolio.Portfolio, c *portfolio.Customer, k int) bool {
	end := p.PeriodStart(k + 1)
	return !c.Opened.IsZero() && c.Opened.Before(end) && (c.Closed.IsZero() || !c.Closed.Before(end))
}

// segmentSection builds the customer pyramid on the last 12 months' margin,
// the value concentration, RFM segments and the tier migration year on year.
func (r *report) segmentSection() error {
	p := r.p
	cli.Heading(r.w, "2. Segments: who are the valuable customers? (segment)")
	last := p.Periods - 1

	// Value: the bank's margin from each active customer over the last 12
	// months.
	var active []int
	var value []float64
	for i := range p.Customers {
		c := &p.Customers[i]
		if activeAt(p, c, last) {
			active = append(active, i)
			value = append(value, marginOver(c, p.Periods-12, p.Periods))
		}
	}
	pyr := segment.DefaultPyramid()
	tier, err := pyr.Assign(value)
	if err != nil {
		return err
	}
	r.tier = make([]int, len(p.Customers))
	r.value = make([]float64, len(p.Customers))
	for i := range r.tier {
		r.tier[i] = -1
	}
	for j, i := range active {
		r.tier[i], r.value[i] = tier[j], value[j]
	}
	r.tierNames = nil
	for _, t := range pyr {
		r.tierNames = append(r.tierNames, t.Name)
	}
	sum, err := pyr.Summarize(value, tier)
	if err != nil {
		return err
	}
	// How well does the pyramid find the latent value classes?
	rich := make([]int, len(pyr))
	for j, i := range active {
		if p.Customers[i].Class >= portfolio.Affluent {
			rich[tier[j]]++
		}
	}
	fmt.Fprintf(r.w, "Customer pyramid of the %d active customers by margin over the last 12 months:\n\n", len(active))
	t := cli.NewTable("tier", "customers", "share", "margin share", "mean margin", "min margin", "affluent or private")
	for k, s := range sum {
		t.Row(s.Name, s.Customers, fmt.Sprintf("%.1f%%", 100*s.CustomerShare), fmt.Sprintf("%.1f%%", 100*s.ValueShare),
			fmt.Sprintf("%.0f", s.Mean), fmt.Sprintf("%.0f", s.Min), fmt.Sprintf("%.0f%%", pct(rich[k], s.Customers)))
	}
	t.Print(r.w)
	gini, err := segment.Gini(value)
	if err != nil {
		return err
	}
	top1, err := segment.TopShare(value, 0.01)
	if err != nil {
		return err
	}
	top20, err := segment.TopShare(value, 0.20)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.w, "Concentration: Gini %.3f; the top 1%% hold %.1f%% of the margin, the top 20%% hold %.1f%%.\n", gini, 100*top1, 100*top20)

	// RFM on the last 12 months: frequency the transactions, monetary the
	// margin, and recency the days since the last transaction. Monthly rows
	// do not say on which day that was: with n transactions spread over the
	// month, the last one is expected 30.4/(n+1) days before its end.
	in := make([]segment.RFM, len(active))
	for j, i := range active {
		c := &p.Customers[i]
		rec := 30.4 * float64(p.Periods) // no activity in the window
		var freq int
		for _, m := range c.Months {
			if m.Transactions > 0 {
				rec = 30.4*float64(last-m.Period) + 30.4/float64(m.Transactions+1)
			}
			if m.Period >= p.Periods-12 {
				freq += m.Transactions
			}
		}
		in[j] = segment.RFM{Recency: rec, Frequency: float64(freq), Monetary: value[j]}
	}
	const bins = 5
	scores, err := segment.ScoreRFM(in, bins)
	if err != nil {
		return err
	}
	bySeg := map[segment.RFMSegment][]int{}
	for j, s := range scores {
		bySeg[s.Segment(bins)] = append(bySeg[s.Segment(bins)], j)
	}
	segs := make([]segment.RFMSegment, 0, len(bySeg))
	for s := range bySeg {
		segs = append(segs, s)
	}
	slices.Sort(segs)
	fmt.Fprintf(r.w, "\nRFM segments (recency and frequency scores 1-%d):\n\n", bins)
	t = cli.NewTable("segment", "customers", "share", "mean margin", "mean transactions")
	for _, s := range segs {
		var m, f float64
		for _, j := range bySeg[s] {
			m += in[j].Monetary
			f += in[j].Frequency
		}
		n := float64(len(bySeg[s]))
		t.Row(s, len(bySeg[s]), fmt.Sprintf("%.1f%%", pct(len(bySeg[s]), len(in))), fmt.Sprintf("%.0f", m/n), fmt.Sprintf("%.0f", f/n))
	}
	t.Print(r.w)

	// Tier migration: the pyramid a year ago (margin over months −24..−12)
	// against today, for customers active at both dates.
	var before []float64
	var both []int
	for j, i := range active {
		c := &p.Customers[i]
		if activeAt(p, c, p.Periods-13) && p.Customers[i].Opened.Before(p.PeriodStart(p.Periods-24)) {
			before = append(before, marginOver(c, p.Periods-24, p.Periods-12))
			both = append(both, j)
		}
	}
	if len(both) > 0 {
		then, err := pyr.Assign(before)
		if err != nil {
			return err
		}
		now := make([]int, len(both))
		for k, j := range both {
			now[k] = tier[j]
		}
		mig, err := segment.Migration(then, now, len(pyr))
		if err != nil {
			return err
		}
		fmt.Fprintf(r.w, "\nTier migration, a year ago → today (%d customers active throughout; rows sum to 1):\n\n", len(both))
		t = cli.NewTable(append([]string{"from \\ to"}, r.tierNames...)...)
		for a := range pyr {
			row := []any{pyr[a].Name}
			for b := range pyr {
				row = append(row, fmt.Sprintf("%.3f", mig.At(a, b)))
			}
			t.Row(row...)
		}
		t.Print(r.w)
	}

	cust := make([]float64, len(sum))
	val := make([]float64, len(sum))
	for k, s := range sum {
		cust[k], val[k] = 100*s.CustomerShare, 100*s.ValueShare
	}
	return r.plot("pyramid.svg", func(path string) error {
		return charts.GroupedBars(path, "Customer pyramid: share of customers and of margin", "%", r.tierNames,
			[]charts.Series{{Name: "customers", Values: cust}, {Name: "margin", Values: val}})
	})
}
