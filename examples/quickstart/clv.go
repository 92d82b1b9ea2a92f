package main

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clmkit/clm/clv"
	"github.com/clmkit/clm/examples/internal/charts"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

// clvSection values every customer's fee-earning revenue events over the
// next 12 months: BG/NBD for how many, Gamma-Gamma for how much.
func (r *report) clvSection() error {
	p := r.p
	cli.Heading(r.w, "5. Lifetime value: what is each customer worth? (clv)")
	purchases := make([]clv.Purchase, len(p.Events))
	for i, e := range p.Events {
		purchases[i] = clv.Purchase{Customer: p.Customers[e.Customer].ID, At: e.At, Amount: e.Amount}
	}
	sum, err := clv.Summarize(purchases, p.End, portfolio.MonthDuration)
	if err != nil {
		return err
	}
	// A fit that stops before its tolerance still returns its last model
	// with ErrNotConverged: usable, but say so.
	bg, err := clv.FitBGNBD(sum, nil)
	if err := r.tolerate(err, bg != nil); err != nil {
		return err
	}
	gg, err := clv.FitGammaGamma(sum, nil)
	if err := r.tolerate(err, gg != nil); err != nil {
		return err
	}
	fmt.Fprintf(r.w, "%d revenue events of %d customers, in months. BG/NBD: r %.3f, α %.3f, a %.3f, b %.3f (drawn with %g, %g, %g, %g, plus closures).\n",
		len(purchases), len(sum), bg.R, bg.Alpha, bg.A, bg.B, portfolio.BGNBDR, portfolio.BGNBDAlpha, portfolio.BGNBDA, portfolio.BGNBDB)
	fmt.Fprintf(r.w, "Gamma-Gamma: p %.2f, q %.2f, γ %.2f; mean fee per event %.2f.\n", gg.P, gg.Q, gg.Gamma, gg.PopulationMean())

	value, err := clv.LifetimeValue(bg, gg, sum, clv.LifetimeOptions{Steps: 12, StepLength: 1, Rate: 0.01})
	if err != nil {
		return err
	}
	index := map[string]int{}
	for i := range p.Customers {
		index[p.Customers[i].ID] = i
	}
	order := make([]int, len(value))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(value[a], value[b]) })
	var total float64
	byTier := make([]float64, len(r.tierNames))
	for k, v := range value {
		total += v
		if t := r.tier[index[sum[k].Customer]]; t >= 0 {
			byTier[t] += v
		}
	}
	fmt.Fprintf(r.w, "12-month CLV of revenue events, discounted 1%% a month: total %.0f, mean %.2f, median %.2f.\n",
		total, total/float64(len(value)), value[order[len(order)/2]])
	fmt.Fprint(r.w, "Share of CLV by pyramid tier:")
	rest := total
	for t, v := range byTier {
		fmt.Fprintf(r.w, " %s %.1f%%,", r.tierNames[t], 100*v/total)
		rest -= v
	}
	fmt.Fprintf(r.w, " closed accounts %.1f%%:\nBG/NBD only sees transactions, so it still gives value to customers whose accounts have closed; a bank sets those to 0.\n", 100*rest/total)
	fmt.Fprintln(r.w, "\nTop of the book:")
	tb := cli.NewTable("customer", "class", "tier", "stage", "events", "P(alive)", "CLV").Left(1, 2, 3)
	for _, k := range order[:10] {
		s := sum[k]
		i := index[s.Customer]
		tier := "-"
		if r.tier[i] >= 0 {
			tier = r.tierNames[r.tier[i]]
		}
		tb.Row(s.Customer, p.Customers[i].Class, tier, r.journeys[i].Stage(), s.Frequency+1,
			fmt.Sprintf("%.3f", bg.PAlive(s.Frequency, s.Recency, s.T)), fmt.Sprintf("%.0f", value[k]))
	}
	tb.Print(r.w)

	// The distribution is very skewed: plot log10(CLV), for CLV ≥ 1 (the
	// long tail of customers BG/NBD thinks are gone is left out).
	logs := make([]float64, 0, len(value))
	for _, v := range value {
		if v >= 1 {
			logs = append(logs, math.Log10(v))
		}
	}
	return r.plot("clv.svg", func(path string) error {
		return charts.Histogram(path, fmt.Sprintf("12-month CLV of revenue events (%d customers with CLV ≥ 1)", len(logs)), "log10 CLV", logs, 40)
	})
}

// tolerate accepts a fit's ErrNotConverged when the model was returned, with
// a note in the report, and passes any other error on.
func (r *report) tolerate(err error, haveModel bool) error {
	if err != nil && errors.Is(err, clv.ErrNotConverged) && haveModel {
		fmt.Fprintf(r.w, "(note: %v; using the last estimate)\n", err)
		return nil
	}
	return err
}
