// Command churn is a lesson in survival analysis of customer churn with
// clm's churn package: who is about to leave, and when.
//
//	go run ./examples/churn                          # synthetic portfolio
//	go run ./examples/churn -data Churn_Modelling.csv  # the public bank churn table
//
// Read it top to bottom. A bank's churn data are survival data: every
// customer's tenure is observed either until they leave (the event) or
// until today (censored: they have not left yet, and we do not know when
// they will). Treating the censored as "stayed" or dropping them biases
// every answer; survival analysis uses them correctly.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/clmkit/clm/churn"
	"github.com/clmkit/clm/examples/internal/bankcsv"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

func main() { cli.Main("churn", run) }

// dataset is churn data in the columnar form the churn package takes: one
// element per customer in each slice, and a covariate matrix with one row
// per customer.
type dataset struct {
	source   string
	unit     string    // time unit of the durations
	horizons []float64 // durations at which to read the curves
	entry    []float64 // tenure at which each customer came under observation; nil = from 0
	duration []float64 // tenure at churn or at censoring
	event    []bool    // true = churned at duration, false = still a customer (censored)

	names []string   // covariate names
	x     *mat.Dense // covariates, one row per customer
	truth []float64  // the true hazard ratios, when known (synthetic data only)

	groupName string
	groups    []string // group labels
	group     []int    // each customer's group

	id           []string  // customer identifiers
	value        []float64 // each customer's value, for the value at risk
	valueName    string
	horizon      float64 // early-warning horizon
	weibullShift float64 // added to durations for the Weibull fit (which needs > 0)
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("churn", flag.ContinueOnError)
	data := fs.String("data", "", "read the bank churn table (Churn_Modelling.csv) instead of the synthetic portfolio")
	seed := fs.Uint64("seed", 1, "seed of the synthetic portfolio")
	customers := fs.Int("customers", 10000, "customers in the synthetic portfolio")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	// Step 1. Get survival data: for each customer a duration, an event
	// flag and, when the observation window opened after some customers
	// joined, an entry time. See fromPortfolio and fromBank at the bottom
	// for the mapping from a bank's rows to these slices.
	var d *dataset
	if *data != "" {
		rows, err := bankcsv.Load(*data)
		if err != nil {
			return err
		}
		d = fromBank(rows, *data)
	} else {
		p, err := portfolio.Generate(portfolio.Config{Seed: *seed, Customers: *customers})
		if err != nil {
			return err
		}
		d = fromPortfolio(p)
	}
	fmt.Fprintf(w, "Data: %s\n%d customers, %d churned, %d censored (still customers).\n",
		d.source, len(d.duration), count(d.event), len(d.event)-count(d.event))

	// Step 2. The Kaplan-Meier curve S(t): the share of customers still
	// with the bank t after joining. With delayed entry (Entry) a customer
	// counts in the risk set only from the tenure at which the window first
	// saw them; without it, long-standing customers would make early churn
	// look rarer than it is (they survived those months before we looked).
	km, err := churn.KaplanMeier(d.duration, d.event, &churn.SurvOptions{Entry: d.entry})
	if err != nil {
		return err
	}
	// Band gives pointwise 95% limits; LogLog (R's conf.type = "log-log")
	// stays inside [0, 1] and behaves well in the tails.
	lower, upper := km.Band(0.95, churn.LogLog)
	cli.Heading(w, "Kaplan-Meier: share of customers still with the bank")
	t := cli.NewTable("tenure ("+d.unit+")", "at risk", "S(t)", "95% band")
	for _, h := range d.horizons {
		i := stepIndex(km.Time, h)
		if i < 0 {
			continue
		}
		t.Row(fmt.Sprint(h), fmt.Sprintf("%.0f", km.AtRisk[i]), fmt.Sprintf("%.3f", km.At(h)),
			fmt.Sprintf("%.3f–%.3f", lower[i], upper[i]))
	}
	t.Print(w)
	// (With delayed entry the number at risk can rise with tenure: the
	// window keeps meeting long-standing customers.)
	//
	// The median tenure is where S falls to 0.5 (+Inf when it never does),
	// and RMST(τ) the mean tenure within the first τ: "of the next τ, how
	// long does a new customer stay on average".
	tau := d.horizons[len(d.horizons)-1]
	fmt.Fprintf(w, "Median tenure: %s %s. Restricted mean tenure over the first %g %s: %.2f ± %.2f.\n",
		fmtDuration(km.Median()), d.unit, tau, d.unit, km.RMST(tau), km.RMSTStdErr(tau))

	// Step 3. Compare groups: one curve per group. The gap between the
	// curves is the first, model-free view of what drives churn.
	cli.Heading(w, "Kaplan-Meier by "+d.groupName)
	t = cli.NewTable(d.groupName, "customers", "churned", fmt.Sprintf("S(%g)", d.horizons[1]), fmt.Sprintf("S(%g)", tau), "median")
	for g, label := range d.groups {
		var entry, dur []float64
		var ev []bool
		for i := range d.duration {
			if d.group[i] != g {
				continue
			}
			if d.entry != nil {
				entry = append(entry, d.entry[i])
			}
			dur, ev = append(dur, d.duration[i]), append(ev, d.event[i])
		}
		c, err := churn.KaplanMeier(dur, ev, &churn.SurvOptions{Entry: entry})
		if err != nil {
			return err
		}
		t.Row(label, len(dur), count(ev), fmt.Sprintf("%.3f", c.At(d.horizons[1])), fmt.Sprintf("%.3f", c.At(tau)), fmtDuration(c.Median()))
	}
	t.Print(w)
	// Are the differences more than noise? The log-rank test compares the
	// churns observed in each group with those expected if all groups had
	// the same hazard (R's survdiff). LogRank takes no entry times, so with
	// delayed entry we run it on the customers observed from their first
	// day (entry 0): counting the others in risk sets before the window saw
	// them would bias the comparison.
	var dur []float64
	var ev []bool
	var grp []int
	for i := range d.duration {
		if d.entry == nil || d.entry[i] == 0 {
			dur, ev, grp = append(dur, d.duration[i]), append(ev, d.event[i]), append(grp, d.group[i])
		}
	}
	lr, err := churn.LogRank(dur, ev, grp)
	if err != nil {
		return err
	}
	t = cli.NewTable(d.groupName, "observed", "expected", "O/E")
	for g, label := range d.groups {
		t.Row(label, fmt.Sprintf("%.0f", lr.Observed[g]), fmt.Sprintf("%.1f", lr.Expected[g]), fmt.Sprintf("%.2f", lr.Observed[g]/lr.Expected[g]))
	}
	t.Print(w)
	who := "all customers"
	if d.entry != nil {
		who = fmt.Sprintf("the %d customers observed from opening", len(dur))
	}
	fmt.Fprintf(w, "Log-rank test on %s: chi² = %.1f on %d degrees of freedom, p = %.3g.\n", who, lr.Chi2, lr.DF, lr.P)

	// Step 4. How well does a score rank churners? Harrell's C is the share
	// of comparable pairs in which the customer with the higher risk score
	// churned first: 0.5 is a coin toss, 1 a perfect ranking. Start with a
	// hand-made score a bank might use; the model of the next step learns
	// the weights from the data instead.
	score := d.simpleScore()
	c, err := churn.Concordance(score, d.duration, d.event)
	if err != nil {
		return err
	}
	cli.Heading(w, "Cox proportional hazards")
	fmt.Fprintf(w, "A hand-made score, %q, ranks churners with Harrell's C = %.3f.\n\n", d.scoreName(), c)

	// Step 5. The Cox model h(t | x) = h₀(t)·exp(β·x) says how much each
	// covariate multiplies the hazard of leaving (the hazard ratio exp(β)),
	// whatever the shape of the baseline h₀. Entry makes each row the
	// episode (entry, duration]: delayed entry, exactly as in Step 2.
	cox, err := churn.FitCox(d.x, d.duration, d.event, &churn.CoxOptions{Entry: d.entry, Names: d.names})
	if err != nil {
		return err
	}
	header := []string{"covariate", "hazard ratio", "95% CI", "p"}
	if d.truth != nil {
		header = append(header, "true HR")
	}
	t = cli.NewTable(header...)
	for j, row := range cox.Summary() {
		cells := []any{row.Name, fmt.Sprintf("%.3f", row.HazardRatio), fmt.Sprintf("%.3f–%.3f", row.Lower95, row.Upper95), fmt.Sprintf("%.2g", row.P)}
		if d.truth != nil {
			cells = append(cells, fmt.Sprintf("%.3f", d.truth[j]))
		}
		t.Row(cells...)
	}
	t.Print(w)
	fmt.Fprintf(w, "%d customers, %d churns; likelihood-ratio test chi² = %.1f on %d df; concordance %.3f.\n",
		cox.N, cox.Events, cox.LikelihoodRatio.Chi2, cox.LikelihoodRatio.DF, cox.Concordance)
	if d.truth != nil {
		fmt.Fprintln(w, "The synthetic portfolio was drawn with the true hazard ratios in the last column: each should lie in its interval about 95% of the time.")
	}

	// Step 6. Is the hazard ratio constant over tenure? The Cox model
	// assumes so. PHTest is R's cox.zph: a small p says a covariate's effect
	// changes with tenure (then stratify on it or split time).
	ph, err := cox.PHTest(d.x, d.duration, d.event, &churn.CoxOptions{Entry: d.entry, Names: d.names}, churn.TransformKM)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Proportional hazards check (cox.zph): global chi² = %.1f on %d df, p = %.3g;", ph.Global.Chi2, ph.Global.DF, ph.Global.P)
	worst := 0
	for j, ct := range ph.Covariates {
		if ct.P < ph.Covariates[worst].P {
			worst = j
		}
	}
	fmt.Fprintf(w, " smallest p: %s (%.3g).\n", ph.Names[worst], ph.Covariates[worst].P)

	// Step 7. A parametric model. The Weibull model (R's survreg) fits the
	// baseline too, S(t) = exp(−(t/λ)^k): a shape k < 1 means the hazard
	// falls with tenure (early churn is the danger). FitWeibull takes no
	// entry times, so it is fitted on customers observed from their first
	// day; durations must be > 0.
	var wx []float64
	var wdur []float64
	var wev []bool
	for i := range d.duration {
		if d.entry != nil && d.entry[i] > 0 {
			continue
		}
		wx = append(wx, d.x.RawRowView(i)...)
		wdur = append(wdur, d.duration[i]+d.weibullShift)
		wev = append(wev, d.event[i])
	}
	wb, err := churn.FitWeibull(mat.NewDense(len(wdur), len(d.names), wx), wdur, wev, &churn.WeibullOptions{Names: d.names})
	if err != nil {
		return err
	}
	cli.Heading(w, "Weibull model")
	fmt.Fprintf(w, "Fitted on %d customers observed from opening: shape k = %.3f", len(wdur), wb.Shape())
	if d.truth != nil {
		fmt.Fprintf(w, " (true %.1f)", portfolio.WeibullShape)
	}
	fmt.Fprintln(w, ".")
	t = cli.NewTable("covariate", "Weibull HR", "Cox HR")
	for j, name := range d.names {
		// The Weibull AFT coefficients act on log T; as a proportional
		// hazards model its log hazard ratios are −Coef/σ = −Coef·k.
		t.Row(name, fmt.Sprintf("%.3f", math.Exp(-wb.Coef[j]*wb.Shape())), fmt.Sprintf("%.3f", math.Exp(cox.Coef[j])))
	}
	t.Print(w)
	typical := make([]float64, len(d.names)) // every covariate 0
	fmt.Fprintf(w, "Median tenure of a customer with all covariates 0: %s %s", fmtDuration(wb.Median(typical)), d.unit)
	if d.truth != nil {
		// S₀(t) = exp(−(t/λ)^k) = 1/2 at t = λ·(ln 2)^(1/k).
		fmt.Fprintf(w, " (true %.1f)", portfolio.WeibullScale*math.Pow(math.Ln2, 1/portfolio.WeibullShape))
	}
	fmt.Fprintln(w, ".")

	// Step 8. Early warning: for every current customer, the probability of
	// leaving within the horizon given the tenure they have reached,
	// P(T ≤ t+h | T > t) = 1 − S(t+h | x)/S(t | x), graded into levels, and
	// ranked by value at risk = probability × the customer's value, so the
	// retention budget goes where the expected loss is largest.
	warn := churn.DefaultWarning(d.horizon)
	var rows []int
	var tenure, value, cx []float64
	for i := range d.duration {
		if d.event[i] {
			continue // already gone
		}
		rows = append(rows, i)
		tenure = append(tenure, d.duration[i])
		value = append(value, d.value[i])
		cx = append(cx, d.x.RawRowView(i)...)
	}
	alerts, err := warn.Assess(cox, mat.NewDense(len(rows), len(d.names), cx), tenure, value)
	if err != nil {
		return err
	}
	cli.Heading(w, fmt.Sprintf("Early warning: churn within %g %s", d.horizon, d.unit))
	counts := warn.CountByLevel(alerts)
	t = cli.NewTable("level", "P(churn) from", "customers", "first action").Left(3)
	for k := len(warn.Levels) - 1; k >= 0; k-- {
		l := warn.Levels[k]
		action := ""
		if len(l.Actions) > 0 {
			action = l.Actions[0]
		}
		t.Row(l.Name, fmt.Sprintf("%.2f", l.MinProb), counts[k], action)
	}
	t.Row("(no alert)", "", counts[len(counts)-1], "")
	t.Print(w)
	fmt.Fprintf(w, "\nTop 5 by %s at risk:\n", d.valueName)
	t = cli.NewTable("customer", "tenure", "P(churn)", "level", d.valueName, "at risk").Left(3)
	for _, a := range alerts[:min(5, len(alerts))] {
		level := "-"
		if a.Level >= 0 {
			level = warn.Levels[a.Level].Name
		}
		t.Row(d.id[rows[a.Customer]], fmt.Sprintf("%.1f", a.Tenure), fmt.Sprintf("%.3f", a.Prob), level, fmt.Sprintf("%.0f", a.Value), fmt.Sprintf("%.0f", a.ValueAtRisk))
	}
	t.Print(w)
	return nil
}

// simpleScore is a hand-made risk score: higher means churn sooner.
func (d *dataset) simpleScore() []float64 {
	score := make([]float64, len(d.duration))
	for i := range score {
		for j, name := range d.names {
			switch {
			case name == "complaint", name == "age10" && d.truth == nil:
				score[i] += d.x.At(i, j)
			case name == "payroll", name == "digital", name == "active", name == "products":
				score[i] -= d.x.At(i, j)
			}
		}
	}
	return score
}

func (d *dataset) scoreName() string {
	if d.truth != nil {
		return "complaint − payroll − digital"
	}
	return "age/10 − active − products"
}

// fromPortfolio maps the synthetic portfolio onto survival data. Tenure is
// in months since the account opened; customers already in the book when
// the window opened enter at their tenure on that day.
func fromPortfolio(p *portfolio.Portfolio) *dataset {
	d := &dataset{
		source:    fmt.Sprintf("synthetic portfolio, %s to %s", p.Start.Format("Jan 2006"), p.End.AddDate(0, 0, -1).Format("Jan 2006")),
		unit:      "months",
		horizons:  []float64{6, 12, 24, 36, 60, 120},
		names:     portfolio.CovariateNames,
		truth:     portfolio.TrueHazardRatio(),
		groupName: "payroll",
		groups:    []string{"no salary paid in", "salary paid in"},
		valueName: "12-month margin",
		horizon:   12,
	}
	var x []float64
	for i := range p.Customers {
		c := &p.Customers[i]
		entry, exit, closed, ok := c.Tenure(p.Start, p.End)
		if !ok {
			continue // a prospect: never had an account
		}
		d.entry = append(d.entry, entry)
		d.duration = append(d.duration, exit)
		d.event = append(d.event, closed)
		x = append(x, c.Covariates()...)
		d.group = append(d.group, int(b2f(c.Payroll)))
		d.id = append(d.id, c.ID)
		var margin float64
		for _, m := range c.Months {
			if m.Period >= p.Periods-12 {
				margin += m.Margin
			}
		}
		d.value = append(d.value, margin)
	}
	d.x = mat.NewDense(len(d.duration), len(d.names), x)
	return d
}

// fromBank maps the bank table onto survival data. Tenure is in whole
// years; Exited is the event. There is no delayed entry: the table is one
// snapshot of every customer.
func fromBank(rows []bankcsv.Row, path string) *dataset {
	d := &dataset{
		source:    path,
		unit:      "years",
		horizons:  []float64{1, 2, 3, 5, 8, 10},
		names:     []string{"age10", "female", "germany", "spain", "active", "products", "balance100k", "creditcard"},
		groupName: "country",
		groups:    []string{"France", "Germany", "Spain"},
		valueName: "balance",
		horizon:   2,
		// Tenure is in whole years, so a tenure of 0 is under a year: the
		// Weibull fit, which needs durations > 0, uses the middle of the year.
		weibullShift: 0.5,
	}
	x := make([]float64, 0, len(rows)*len(d.names))
	for _, r := range rows {
		d.duration = append(d.duration, r.Tenure)
		d.event = append(d.event, r.Exited)
		x = append(x, (r.Age-40)/10, b2f(r.Female), b2f(r.Geography == "Germany"), b2f(r.Geography == "Spain"),
			b2f(r.Active), r.Products, r.Balance/1e5, b2f(r.CreditCard))
		g := 0
		switch r.Geography {
		case "Germany":
			g = 1
		case "Spain":
			g = 2
		}
		d.group = append(d.group, g)
		d.id = append(d.id, r.CustomerID)
		d.value = append(d.value, r.Balance)
	}
	d.x = mat.NewDense(len(rows), len(d.names), x)
	return d
}

// stepIndex returns the index of the last time ≤ t, or -1.
func stepIndex(times []float64, t float64) int {
	i := -1
	for j, v := range times {
		if v > t {
			break
		}
		i = j
	}
	return i
}

func fmtDuration(v float64) string {
	if math.IsInf(v, 1) {
		return "not reached"
	}
	return fmt.Sprintf("%.1f", v)
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

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
