package main

import (
	"fmt"
	"math"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/clmkit/clm/churn"
	"github.com/clmkit/clm/examples/internal/charts"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

// survivalData is the portfolio as survival data: one row per customer who
// ever had an account, tenure in months since opening. Customers already in
// the book when the window opened enter late (Entry > 0): the window could
// not have seen them leave earlier.
type survivalData struct {
	customer        []int // index into the portfolio
	entry, duration []float64
	event           []bool
}

func (r *report) survival() survivalData {
	var s survivalData
	for i := range r.p.Customers {
		entry, exit, closed, ok := r.p.Customers[i].Tenure(r.p.Start, r.p.End)
		if !ok {
			continue
		}
		s.customer = append(s.customer, i)
		s.entry = append(s.entry, entry)
		s.duration = append(s.duration, exit)
		s.event = append(s.event, closed)
	}
	return s
}

// churnSection: Kaplan-Meier curves by value class.
func (r *report) churnSection() error {
	cli.Heading(r.w, "4. Churn: who leaves, and when (churn)")
	s := r.survival()
	fmt.Fprintf(r.w, "%d customers with an account; %d closures in the window; the existing book enters late (delayed entry).\n\n",
		len(s.duration), count(s.event))

	t := cli.NewTable("Kaplan-Meier by value class", "customers", "closed", "S(12 m)", "S(36 m)", "S(60 m)", "median (m)")
	var curves []charts.Curve
	for k := range 4 {
		var entry, dur []float64
		var ev []bool
		for j, i := range s.customer {
			if r.p.Customers[i].Class == portfolio.Class(k) {
				entry, dur, ev = append(entry, s.entry[j]), append(dur, s.duration[j]), append(ev, s.event[j])
			}
		}
		km, err := churn.KaplanMeier(dur, ev, &churn.SurvOptions{Entry: entry})
		if err != nil {
			return err
		}
		t.Row(portfolio.Class(k), len(dur), count(ev),
			fmt.Sprintf("%.3f", km.At(12)), fmt.Sprintf("%.3f", km.At(36)), fmt.Sprintf("%.3f", km.At(60)), months(km.Median()))
		lo, hi := km.Band(0.95, churn.LogLog)
		curves = append(curves, charts.Curve{Name: portfolio.Class(k).String(), Time: km.Time, Surv: km.Survival, Lower: lo, Upper: hi})
	}
	t.Print(r.w)
	if err := r.plot("survival.svg", func(path string) error {
		return charts.Survival(path, "Kaplan-Meier survival by value class (95% log-log bands)", "tenure (months)", curves)
	}); err != nil {
		return err
	}

	// Cox model on the covariates the churn hazard was drawn from, with
	// delayed entry, against the true hazard ratios.
	names := portfolio.CovariateNames
	x := mat.NewDense(len(s.customer), len(names), nil)
	for j, i := range s.customer {
		x.SetRow(j, r.p.Customers[i].Covariates())
	}
	cox, err := churn.FitCox(x, s.duration, s.event, &churn.CoxOptions{Entry: s.entry, Names: names})
	if err != nil {
		return err
	}
	fmt.Fprintln(r.w, "\nCox proportional hazards model (Efron ties, delayed entry):")
	t = cli.NewTable("covariate", "hazard ratio", "95% CI", "true HR")
	truth := portfolio.TrueHazardRatio()
	for k, c := range cox.Summary() {
		t.Row(c.Name, fmt.Sprintf("%.3f", c.HazardRatio), fmt.Sprintf("%.3f–%.3f", c.Lower95, c.Upper95), fmt.Sprintf("%.3f", truth[k]))
	}
	t.Print(r.w)
	fmt.Fprintf(r.w, "Concordance %.3f; likelihood-ratio chi² %.0f on %d df.\n", cox.Concordance, cox.LikelihoodRatio.Chi2, cox.LikelihoodRatio.DF)

	// Early warning: every customer still with the bank, scored by the Cox
	// model on P(churn within 12 months | tenure so far), ranked by value at
	// risk = probability × margin over the last 12 months.
	var rows []int
	var tenure, value []float64
	var cx []float64
	for j, i := range s.customer {
		if s.event[j] || r.tier[i] < 0 {
			continue
		}
		rows = append(rows, i)
		tenure = append(tenure, s.duration[j])
		value = append(value, r.value[i])
		cx = append(cx, r.p.Customers[i].Covariates()...)
	}
	warn := churn.DefaultWarning(12)
	alerts, err := warn.Assess(cox, mat.NewDense(len(rows), len(names), cx), tenure, value)
	if err != nil {
		return err
	}
	counts := warn.CountByLevel(alerts)
	fmt.Fprintf(r.w, "\nEarly warning, churn within 12 months:")
	for k := len(warn.Levels) - 1; k >= 0; k-- {
		fmt.Fprintf(r.w, " %s %d,", warn.Levels[k].Name, counts[k])
	}
	fmt.Fprintf(r.w, " no alert %d. Top 10 by margin at risk:\n\n", counts[len(counts)-1])
	t = cli.NewTable("customer", "tier", "stage", "tenure (m)", "P(churn 12 m)", "level", "12 m margin", "at risk").Left(1, 2, 5)
	var risk []float64
	for _, a := range alerts {
		risk = append(risk, a.ValueAtRisk)
	}
	for _, a := range alerts[:min(10, len(alerts))] {
		i := rows[a.Customer]
		level := "-"
		if a.Level >= 0 {
			level = warn.Levels[a.Level].Name
		}
		t.Row(r.p.Customers[i].ID, r.tierNames[r.tier[i]], r.journeys[i].Stage(), fmt.Sprintf("%.0f", a.Tenure),
			fmt.Sprintf("%.3f", a.Prob), level, fmt.Sprintf("%.0f", a.Value), fmt.Sprintf("%.0f", a.ValueAtRisk))
	}
	t.Print(r.w)
	var total float64
	for _, v := range risk {
		total += v
	}
	fmt.Fprintf(r.w, "Expected margin lost to churn in the next 12 months: %.0f.\n", total)
	return nil
}

// plot draws one chart into the -plots directory, if one was given.
func (r *report) plot(name string, draw func(path string) error) error {
	if r.plots == "" {
		return nil
	}
	path := filepath.Join(r.plots, name)
	if err := draw(path); err != nil {
		return err
	}
	r.written = append(r.written, path)
	return nil
}

func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

// months formats a duration in months, "not reached" for +Inf.
func months(m float64) string {
	if math.IsInf(m, 1) {
		return "not reached"
	}
	return fmt.Sprintf("%.1f", m)
}
