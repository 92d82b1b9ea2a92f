// Command clv is a lesson in customer lifetime value with clm's clv
// package: from transaction rows to what each customer is worth.
//
//	go run ./examples/clv                        # synthetic portfolio (revenue events)
//	go run ./examples/clv -data CDNOW_master.txt   # the CDNOW purchases (or CDNOW_sample.txt)
//
// Read it top to bottom. On the non-contractual side of a bank (card use,
// FX, fund purchases) no one tells us when a customer has quietly gone. The
// buy-till-you-die models infer it from the pattern of transactions: how
// many (frequency), how recent the last (recency), and for how long we have
// watched (T).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/clmkit/clm/clv"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

func main() { cli.Main("clv", run) }

// study is a transaction log with its calendar: where calibration ends,
// where the holdout ends, and the period in which the models count time.
type study struct {
	source             string
	purchases          []clv.Purchase
	calEnd, holdoutEnd time.Time
	period             time.Duration
	unit               string     // name of the period
	truth              *clv.BGNBD // the true parameters, when known
	published          *clv.BGNBD // published estimates, when the data are a published set
	publishedNote      string     // where they come from
	ggNote             string     // what the Gamma-Gamma fit should give
	month              float64    // a month in periods, for the CLV horizon

	cohort     []float64 // survivors of a cohort per year, for the sBG model (nil: none)
	cohortNote string
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("clv", flag.ContinueOnError)
	data := fs.String("data", "", "read the CDNOW purchases (CDNOW_master.txt or CDNOW_sample.txt) instead of the synthetic portfolio")
	seed := fs.Uint64("seed", 1, "seed of the synthetic portfolio")
	nCustomers := fs.Int("customers", 10000, "customers in the synthetic portfolio")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	// Step 1. Transaction rows. clv takes one clv.Purchase per row: who,
	// when, how much. loadCDNOW (cdnow.go) and fromPortfolio (below) show
	// the mapping from a file or a bank's own records.
	var s *study
	if *data != "" {
		p, err := loadCDNOW(*data)
		if err != nil {
			return err
		}
		s = cdnowStudy(p, *data)
	} else {
		p, err := portfolio.Generate(portfolio.Config{Seed: *seed, Customers: *nCustomers})
		if err != nil {
			return err
		}
		s = fromPortfolio(p)
	}
	fmt.Fprintf(w, "Data: %s\n%d transactions of %d customers; calibration to %s, holdout to %s, time in %s.\n",
		s.source, len(s.purchases), customers(s.purchases), s.calEnd.Format("2006-01-02"), s.holdoutEnd.Format("2006-01-02"), s.unit)

	// Step 2. Summaries. Each customer becomes (x, t_x, T): x repeat
	// purchases after the first, the last at t_x, watched for T, all in
	// periods since the first purchase. Purchases on the same day count as
	// one, the convention of the literature. SplitHoldout also counts what
	// each customer did after calibration, to test the forecasts on.
	rows, err := clv.SplitHoldout(s.purchases, s.calEnd, s.holdoutEnd, s.period, nil)
	if err != nil {
		return err
	}
	cal := make([]clv.Summary, len(rows))
	for i, r := range rows {
		cal[i] = r.Summary
	}

	// Step 3. Fit the BG/NBD model (Fader, Hardie & Lee 2005): while alive,
	// a customer buys at rate λ ~ Gamma(r, α); after each purchase they
	// leave with probability p ~ Beta(a, b).
	m, err := clv.FitBGNBD(cal, nil)
	if err := tolerate(w, err, m != nil); err != nil {
		return err
	}
	cli.Heading(w, "BG/NBD fit")
	t := cli.NewTable("parameter", "estimate", "std. err.")
	names := []string{"r", "α", "a", "b"}
	est := []float64{m.R, m.Alpha, m.A, m.B}
	ref, refName := s.truth, "true value"
	if ref == nil {
		ref, refName = s.published, "published"
	}
	if ref != nil {
		t = cli.NewTable("parameter", "estimate", "std. err.", refName)
	}
	for i, n := range names {
		se := "-"
		if m.StdErr != nil {
			se = fmt.Sprintf("%.3f", m.StdErr[i])
		}
		cells := []any{n, fmt.Sprintf("%.3f", est[i]), se}
		if ref != nil {
			cells = append(cells, fmt.Sprintf("%.3f", []float64{ref.R, ref.Alpha, ref.A, ref.B}[i]))
		}
		t.Row(cells...)
	}
	t.Print(w)
	fmt.Fprintf(w, "Log-likelihood %.1f over %d customers (%d iterations).\n", m.LogLik, m.N, m.Iter)
	if s.truth != nil {
		fmt.Fprintln(w, "The synthetic events also stop when an account closes: a second way to leave that BG/NBD does not model,")
		fmt.Fprintln(w, "so the estimates drift from the truth (without closures they recover it within about 2 standard errors).")
	}
	if ref == s.published && s.published != nil {
		fmt.Fprintln(w, s.publishedNote)
	}

	// Step 4. Does it forecast? For every customer, the model's expected
	// number of purchases in the holdout period given their calibration
	// history (ConditionalPurchases), against what they actually did,
	// averaged by calibration frequency: the check of FHL's figure 4.
	cli.Heading(w, "Holdout check: purchases after calibration, by calibration frequency")
	type bucket struct{ n, actual, predicted float64 }
	buckets := make([]bucket, 8)
	var totalA, totalP float64
	for _, r := range rows {
		k := min(int(r.Frequency), len(buckets)-1)
		pred := m.ConditionalPurchases(r.HoldoutDuration, r.Frequency, r.Recency, r.T)
		buckets[k].n++
		buckets[k].actual += r.HoldoutFrequency
		buckets[k].predicted += pred
		totalA += r.HoldoutFrequency
		totalP += pred
	}
	t = cli.NewTable("repeat purchases in calibration", "customers", "actual (mean)", "predicted (mean)")
	for k, b := range buckets {
		if b.n == 0 {
			continue
		}
		label := fmt.Sprint(k)
		if k == len(buckets)-1 {
			label += "+"
		}
		t.Row(label, fmt.Sprintf("%.0f", b.n), fmt.Sprintf("%.2f", b.actual/b.n), fmt.Sprintf("%.2f", b.predicted/b.n))
	}
	t.Row("all", len(rows), fmt.Sprintf("%.2f", totalA/float64(len(rows))), fmt.Sprintf("%.2f", totalP/float64(len(rows))))
	t.Print(w)

	// Step 5. Is this customer still alive? P(alive) falls the longer a
	// customer who used to buy often has been silent: a frequent buyer who
	// stopped is more likely gone than an occasional one. BG/NBD lets a
	// customer leave only just after a purchase, so one who never came back
	// after the first purchase has P(alive) = 1: a known quirk of the model.
	cli.Heading(w, "P(alive) at the end of calibration")
	T := slices.Max(tValues(cal))
	t = cli.NewTable("customer", "x", "t_x", "T", "P(alive)")
	for _, c := range []struct {
		label    string
		x, tx, T float64
	}{
		{"one purchase, never again", 0, 0, T},
		{"bought 2 times, last early", 2, T / 4, T},
		{"bought 2 times, last recently", 2, 0.9 * T, T},
		{"bought 8 times, last early", 8, T / 4, T},
		{"bought 8 times, last recently", 8, 0.9 * T, T},
	} {
		t.Row(c.label, c.x, fmt.Sprintf("%.1f", c.tx), fmt.Sprintf("%.1f", c.T), fmt.Sprintf("%.3f", m.PAlive(c.x, c.tx, c.T)))
	}
	t.Print(w)

	// Step 6. How much per purchase? The Gamma-Gamma model (Fader & Hardie
	// 2013, note 025) shrinks each customer's mean spend towards the
	// population mean, the more so the fewer purchases we have seen. It
	// assumes spend per purchase is independent of frequency: check first.
	// Repeat purchases worth nothing (the full CDNOW file has some $0 rows)
	// carry no spend information and the gamma density cannot take them:
	// leave those customers out of the spend fit.
	var spend []clv.Summary
	for _, c := range cal {
		if c.Frequency > 0 && c.MeanValue > 0 {
			spend = append(spend, c)
		}
	}
	rho, err := clv.FrequencyValueCorrelation(spend)
	if err != nil {
		return err
	}
	gg, err := clv.FitGammaGamma(spend, nil)
	if err := tolerate(w, err, gg != nil); err != nil {
		return err
	}
	cli.Heading(w, "Gamma-Gamma spend model")
	fmt.Fprintf(w, "Correlation of frequency and mean spend: %.3f (near 0 supports the independence assumption).\n", rho)
	fmt.Fprintf(w, "Fitted on %d repeat customers: p = %.2f, q = %.2f, γ = %.2f; population mean spend %.2f.\n",
		gg.N, gg.P, gg.Q, gg.Gamma, gg.PopulationMean())
	if s.ggNote != "" {
		fmt.Fprintln(w, s.ggNote)
	}

	// Step 7. Lifetime value = expected purchases × expected spend, period
	// by period, discounted. First test it: over the holdout, without
	// discounting, the predicted revenue of the calibration customers
	// against what they actually spent.
	hold := rows[0].HoldoutDuration
	predicted, err := clv.LifetimeValue(m, gg, cal, clv.LifetimeOptions{Steps: 1, StepLength: hold, Rate: 0})
	if err != nil {
		return err
	}
	var sumPred, sumAct float64
	for i, r := range rows {
		sumPred += predicted[i]
		sumAct += r.HoldoutFrequency * r.HoldoutMeanValue
	}
	cli.Heading(w, "Customer lifetime value")
	fmt.Fprintf(w, "Holdout revenue of the calibration customers: predicted %.0f, actual %.0f (%+.1f%%).\n",
		sumPred, sumAct, 100*(sumPred-sumAct)/sumAct)

	// Then the value of every customer over the next year, in monthly steps
	// discounted at 1% a month.
	value, err := clv.LifetimeValue(m, gg, cal, clv.LifetimeOptions{Steps: 12, StepLength: s.month, Rate: 0.01})
	if err != nil {
		return err
	}
	order := make([]int, len(value))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(value[a], value[b]) })
	var total float64
	for _, v := range value {
		total += v
	}
	var top float64
	for _, i := range order[:len(order)/10] {
		top += value[i]
	}
	fmt.Fprintf(w, "12-month CLV (1%% a month discount): total %.0f, mean %.2f, median %.2f; the top 10%% of customers hold %.0f%%.\n\n",
		total, total/float64(len(value)), value[order[len(order)/2]], 100*top/total)
	t = cli.NewTable("customer", "x", "t_x", "T", "mean spend", "P(alive)", "E[purchases, 12 m]", "CLV")
	for _, i := range order[:10] {
		c := cal[i]
		t.Row(c.Customer, c.Frequency, fmt.Sprintf("%.1f", c.Recency), fmt.Sprintf("%.1f", c.T), fmt.Sprintf("%.2f", c.MeanValue),
			fmt.Sprintf("%.3f", m.PAlive(c.Frequency, c.Recency, c.T)), fmt.Sprintf("%.2f", m.ConditionalPurchases(12*s.month, c.Frequency, c.Recency, c.T)),
			fmt.Sprintf("%.2f", value[i]))
	}
	t.Print(w)

	// Step 8. The contractual side. Where customers hold a contract (an
	// account, a card with an annual fee), we see when they leave, and a
	// cohort's survivor counts are enough: the shifted-beta-geometric model
	// (Fader & Hardie 2007) explains why retention rises with tenure (the
	// likeliest leavers leave first), and DERL values a customer's future
	// renewals. Here: the yearly survivors of a cohort of accounts.
	if s.cohort != nil {
		sbg, err := clv.FitSBG(s.cohort)
		if err := tolerate(w, err, sbg != nil); err != nil {
			return err
		}
		cli.Heading(w, "Contractual retention (shifted-beta-geometric)")
		fmt.Fprintf(w, "%s\n%.0f accounts, %.0f left after %d months; fitted γ = %.3f, δ = %.3f.\n",
			s.cohortNote, s.cohort[0], s.cohort[len(s.cohort)-1], len(s.cohort)-1, sbg.Gamma, sbg.Delta)
		t = cli.NewTable("month", "observed S(t)", "fitted S(t)", "retention r_t", "DERL at 1%/month")
		for _, m := range []int{1, 3, 6, 12, 24, 33, 48, 60} {
			derl, err := sbg.DERL(0.01, m-1)
			if err != nil {
				return err
			}
			obs := "-"
			if m < len(s.cohort) {
				obs = fmt.Sprintf("%.3f", s.cohort[m]/s.cohort[0])
			}
			t.Row(m, obs, fmt.Sprintf("%.3f", sbg.Survival(float64(m))), fmt.Sprintf("%.4f", sbg.Retention(float64(m))), fmt.Sprintf("%.1f", derl))
		}
		t.Print(w)
		// Valuing a new customer's future at a margin of 10 a month: the
		// textbook formula m·r/(1+d−r) with the first month's retention
		// ignores that retention rises, and undervalues the customer.
		r1 := sbg.Retention(1)
		// DERL counts the next payment undiscounted; Simple discounts the
		// first margin once, so the like-for-like value is 10·DERL/(1+d).
		derl, _ := sbg.DERL(0.01, 0)
		fmt.Fprintf(w, "At a margin of 10 a month: m·r/(1+d−r) with r = r_1 = %.4f gives %.0f; 10·DERL/(1+d), which lets retention rise, gives %.0f.\n",
			r1, clv.Simple(10, r1, 0.01), 10*derl/1.01)
	}
	return nil
}

// tolerate accepts a fit that stopped before its convergence tolerance: the
// fits then return their last model together with an error wrapping
// clv.ErrNotConverged. The model is usually fine for a tutorial, but say so.
// Any other error is passed on.
func tolerate(w io.Writer, err error, haveModel bool) error {
	if err != nil && errors.Is(err, clv.ErrNotConverged) && haveModel {
		fmt.Fprintf(w, "(note: %v; using the last estimate)\n", err)
		return nil
	}
	return err
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

func tValues(s []clv.Summary) []float64 {
	out := make([]float64, len(s))
	for i, r := range s {
		out[i] = r.T
	}
	return out
}

// cdnowStudy sets the calendar of the CDNOW studies: calibration to the end
// of week 39 (1997-09-30), holdout to 1998-06-30, time in weeks.
func cdnowStudy(p []clv.Purchase, path string) *study {
	s := &study{
		source:     path,
		purchases:  p,
		calEnd:     time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		holdoutEnd: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC),
		period:     7 * 24 * time.Hour,
		unit:       "weeks",
		month:      365.25 / 12 / 7,
	}
	if customers(p) == 2357 {
		// Fader, Hardie & Lee (2005), section 5, for the 2,357-customer sample.
		s.published = &clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, LogLik: -9582.4}
		s.publishedNote = "Published: Fader, Hardie & Lee (2005), Marketing Science 24(2), section 5 (log-likelihood −9582.4)."
		s.ggNote = "Published for these 946 repeat customers (Fader & Hardie 2013, note 025): p = 6.25, q = 3.74, γ = 15.44."
	}
	return s
}

// fromPortfolio maps the portfolio's fee-earning revenue events onto
// purchases: customer ID, time, fee. Calibration is the first two years of
// the window, the holdout the third; time is in months.
func fromPortfolio(p *portfolio.Portfolio) *study {
	s := &study{
		source:     fmt.Sprintf("synthetic portfolio, revenue events %s to %s", p.Start.Format("Jan 2006"), p.End.AddDate(0, 0, -1).Format("Jan 2006")),
		calEnd:     p.Start.AddDate(0, p.Periods*2/3, 0),
		holdoutEnd: p.End,
		period:     portfolio.MonthDuration,
		unit:       "months",
		truth:      &clv.BGNBD{R: portfolio.BGNBDR, Alpha: portfolio.BGNBDAlpha, A: portfolio.BGNBDA, B: portfolio.BGNBDB},
		month:      1,
		ggNote: fmt.Sprintf("Truth for the Mass class (70%%): p = %g, q = %g, γ = %g; richer classes spend more per event, so the pooled fit is a mixture.",
			portfolio.SpendP, portfolio.SpendQ, portfolio.SpendGamma),
	}
	s.purchases = make([]clv.Purchase, len(p.Events))
	for i, e := range p.Events {
		s.purchases[i] = clv.Purchase{Customer: p.Customers[e.Customer].ID, At: e.At, Amount: e.Amount}
	}

	// The cohort: the accounts opened in the window's first quarter,
	// counted at each month of tenure while all of them can still be
	// observed (33 months).
	const months = 33
	s.cohort = make([]float64, months+1)
	for i := range p.Customers {
		c := &p.Customers[i]
		if c.Opened.IsZero() || c.Opened.Before(p.Start) || !c.Opened.Before(p.Start.AddDate(0, 3, 0)) {
			continue
		}
		for t := 0; t <= months; t++ {
			if c.Closed.IsZero() || c.Closed.After(c.Opened.Add(time.Duration(t)*portfolio.MonthDuration)) {
				s.cohort[t]++
			}
		}
	}
	s.cohortNote = "The accounts opened in the window's first quarter, month by month of tenure."
	return s
}
