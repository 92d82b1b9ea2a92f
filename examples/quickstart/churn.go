package main

import (
	"fmt"
	"math"
	"path/filepath"

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
	return r.plot("survival.svg", func(path string) error {
		return charts.Survival(path, "Kaplan-Meier survival by value class (95% log-log bands)", "tenure (months)", curves)
	})
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
