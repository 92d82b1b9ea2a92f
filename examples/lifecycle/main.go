// Command lifecycle is a lesson in customer lifecycle stages with clm's
// lifecycle package: which stage each customer is in, why, and how
// customers move between stages.
//
//	go run ./examples/lifecycle                          # synthetic portfolio
//	go run ./examples/lifecycle -export snapshots.csv    # also write its snapshots as CSV
//	go run ./examples/lifecycle -data snapshots.csv      # classify a bank's own monthly snapshots
//
// Read it top to bottom. A relationship moves through six stages: Prospect
// (known, no account), Onboarding (just opened), Growth (activity and
// products rising), Maturity (stable, long tenure), Decline (fewer
// products, lower activity, or dormant) and Terminated (closed, or dormant
// too long). The package classifies one snapshot of a customer by
// transparent rules, tracks a sequence of snapshots into a journey, and
// estimates how the whole book flows between stages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
	"github.com/clmkit/clm/lifecycle"
)

func main() { cli.Main("lifecycle", run) }

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("lifecycle", flag.ContinueOnError)
	data := fs.String("data", "", "read monthly snapshots from this CSV file instead of the synthetic portfolio")
	export := fs.String("export", "", "write the snapshots used to this CSV file (the layout -data reads)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic portfolio")
	customers := fs.Int("customers", 10000, "customers in the synthetic portfolio")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	// Step 1. The stages and the moves allowed between them. The default
	// graph allows every forward move (skipping stages when the evidence
	// jumps), a declining customer won back to Growth or Maturity, and a
	// terminated one won back as a Prospect. A bank can build its own with
	// lifecycle.NewGraph.
	graph := lifecycle.DefaultGraph()
	cli.Heading(w, "Stages and allowed moves")
	for _, s := range lifecycle.Stages() {
		var to []string
		for _, e := range graph.Edges() {
			if e.From == s {
				to = append(to, e.To.String())
			}
		}
		fmt.Fprintf(w, "  %-10s %s → %v\n", s, s.Chinese(), to)
	}

	// Step 2. Snapshots: what the bank knows about a customer at each month
	// end. Key dates (first contact, opening, closure, last activity) and
	// activity in the current window against the previous one. Here the
	// windows are quarters; see snapshotsOf for the mapping from monthly
	// activity rows, and snapshots.go for the CSV layout of -data.
	var book []customerHistory
	source := ""
	if *data != "" {
		var err error
		if book, err = loadSnapshots(*data); err != nil {
			return err
		}
		source = *data
	} else {
		p, err := portfolio.Generate(portfolio.Config{Seed: *seed, Customers: *customers})
		if err != nil {
			return err
		}
		for i := range p.Customers {
			book = append(book, customerHistory{ID: p.Customers[i].ID, Snapshots: snapshotsOf(p, &p.Customers[i])})
		}
		source = "synthetic portfolio"
	}
	if *export != "" {
		if err := writeSnapshots(*export, book); err != nil {
			return err
		}
	}
	var n int
	for _, h := range book {
		n += len(h.Snapshots)
	}
	fmt.Fprintf(w, "\nData: %s, %d customers, %d monthly snapshots.\n", source, len(book), n)

	// Step 3. Classify one snapshot. The rules are thresholds with reasons
	// (see DefaultRules): 90 days of onboarding, maturity after two years,
	// dormant after 180 days without activity, terminated after 365, and a
	// decline when two of three signals (fewer products, 30% fewer
	// transactions, 30% lower value) fire together. The Reason says which
	// rule fired on which figures: what a relationship manager needs.
	rules := lifecycle.DefaultRules()
	cli.Heading(w, "One customer, month by month")
	h := pickStory(book, rules)
	fmt.Fprintf(w, "Customer %s:\n", h.ID)
	prev := lifecycle.Stage(0)
	for _, s := range h.Snapshots {
		stage, why := rules.Classify(s)
		if stage != prev {
			fmt.Fprintf(w, "  %s  %-10s %s\n", s.AsOf.Format("2006-01-02"), stage, why)
			prev = stage
		}
	}

	// Step 4. Track a history into a journey. Track classifies every
	// snapshot, checks every move against the graph, and applies the
	// hysteresis of Rules.MinPeriods (3): a customer stays at least three
	// months in Growth, Maturity or Decline before moving between them, so
	// one noisy month does not flip the stage back and forth.
	j, err := lifecycle.Track(graph, rules, h.Snapshots)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nJourney: %d changes, %d monthly flips held back by hysteresis; time in each stage:", len(j.Transitions)-1, j.Held)
	for _, s := range lifecycle.Stages() {
		if d := j.TimeIn(s); d > 0 {
			fmt.Fprintf(w, " %s %.0f days,", s, d.Hours()/24)
		}
	}
	fmt.Fprintf(w, " now %s.\n", j.Stage())

	// Step 5. A stricter bank. Suppose policy says a declining customer
	// cannot be "won back" straight to Growth or Maturity. Build that graph
	// and track the book again: Track returns an error that wraps
	// ErrIllegalTransition and names the snapshot, and the journey up to it.
	var strict []lifecycle.Edge
	for _, e := range graph.Edges() {
		if e.From != lifecycle.Decline || e.To == lifecycle.Terminated {
			strict = append(strict, e)
		}
	}
	strictGraph, err := lifecycle.NewGraph(strict)
	if err != nil {
		return err
	}
	illegal := 0
	var first string
	for _, h := range book {
		_, err := lifecycle.Track(strictGraph, rules, h.Snapshots)
		var ie *lifecycle.InputError
		if errors.Is(err, lifecycle.ErrIllegalTransition) && errors.As(err, &ie) {
			if illegal == 0 {
				first = fmt.Sprintf("%s, snapshot %d: %v", h.ID, ie.Index, err)
			}
			illegal++
		} else if err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nUnder a graph without win-back from Decline, %d customers make an illegal move; the first:\n  %s\n", illegal, first)

	// Step 6. The whole book: track every customer, then estimate the
	// monthly Markov chain of stages. Its rows give the chance of moving
	// from each stage to each other in a month; from it follow the mean
	// stay per visit, the chance of termination within a year, the expected
	// months until termination (the fundamental matrix), and forecasts.
	journeys := make([]lifecycle.Journey, 0, len(book))
	var now [lifecycle.NumStages]float64
	for _, h := range book {
		j, err := lifecycle.Track(graph, rules, h.Snapshots)
		if err != nil {
			return fmt.Errorf("customer %s: %w", h.ID, err)
		}
		journeys = append(journeys, j)
		now[j.Stage()-1]++
	}
	chain, err := lifecycle.EstimateChain(journeys, lifecycle.Month)
	if err != nil {
		return err
	}
	cli.Heading(w, "The book: monthly stage flow")
	header := []string{"from \\ to"}
	for _, s := range lifecycle.Stages() {
		header = append(header, s.String())
	}
	t := cli.NewTable(header...)
	for _, from := range lifecycle.Stages() {
		row := []any{from}
		for _, to := range lifecycle.Stages() {
			row = append(row, fmt.Sprintf("%.3f", chain.P[from-1][to-1]))
		}
		t.Row(row...)
	}
	t.Print(w)
	fmt.Fprintln(w)
	t = cli.NewTable("stage", "customers now", "mean stay (months)", "P(terminated in 12 m)", "months to terminated", "in 12 months")
	next := chain.Forecast(now, 12)
	for _, s := range lifecycle.Stages() {
		t.Row(s, fmt.Sprintf("%.0f", now[s-1]), fmt.Sprintf("%.1f", chain.ExpectedTimeIn(s)), fmt.Sprintf("%.3f", chain.PTerminatedWithin(s, 12)),
			fmt.Sprintf("%.1f", chain.ExpectedPeriodsToTerminated(s)), fmt.Sprintf("%.0f", next[s-1]))
	}
	t.Print(w)
	fmt.Fprintln(w, "(Months to terminated treats Terminated as final; the forecast lets terminated customers be won back.)")
	return nil
}

// pickStory returns a customer whose history shows several stages: one who
// declined after maturity, if there is one.
func pickStory(book []customerHistory, rules lifecycle.Rules) customerHistory {
	best, bestScore := book[0], -1
	for _, h := range book {
		seen := map[lifecycle.Stage]bool{}
		for _, s := range h.Snapshots {
			st, _ := rules.Classify(s)
			seen[st] = true
		}
		score := len(seen)
		if seen[lifecycle.Maturity] && seen[lifecycle.Decline] && seen[lifecycle.Terminated] {
			score += 10
		}
		if score > bestScore {
			best, bestScore = h, score
		}
	}
	return best
}

// window is the length, in months, of the activity windows: this quarter
// against the previous quarter.
const window = 3

// snapshotsOf turns one synthetic customer's monthly activity rows into
// month-end snapshots, from the first month the bank knew the customer.
// Transactions and value are summed over the last quarter and compared with
// the quarter before. Months before the window are not in the data: for
// the existing book they are taken to be like the first month observed, and
// the customer to have been active when the window opened.
func snapshotsOf(p *portfolio.Portfolio, c *portfolio.Customer) []lifecycle.Snapshot {
	tx := make([]int, p.Periods)
	val := make([]float64, p.Periods)
	prod := make([]int, p.Periods)
	for _, m := range c.Months {
		tx[m.Period], val[m.Period], prod[m.Period] = m.Transactions, m.Value, m.Products
	}
	existing := !c.Opened.IsZero() && c.Opened.Before(p.Start)
	month := func(k int) int { // the data row standing in for month k, or -1
		if k < 0 && existing {
			return 0
		}
		return k
	}
	sum := func(from, to int) (n int, v float64) {
		for k := from; k <= to; k++ {
			if j := month(k); j >= 0 {
				n += tx[j]
				v += val[j]
			}
		}
		return n, v
	}
	products := func(k int) int {
		if j := month(k); j >= 0 {
			return prod[j]
		}
		return 0
	}
	var last time.Time
	if existing {
		last = p.Start
	}
	var out []lifecycle.Snapshot
	for k := range p.Periods {
		asOf := p.PeriodStart(k + 1).Add(-time.Second)
		if asOf.Before(c.FirstContact) {
			continue
		}
		if tx[k] > 0 {
			last = asOf
		}
		s := lifecycle.Snapshot{AsOf: asOf, FirstContact: c.FirstContact, Opened: c.Opened, Closed: c.Closed, LastActivity: last,
			Products: products(k), PrevProducts: products(k - window)}
		s.Transactions, s.Value = sum(k-window+1, k)
		s.PrevTransactions, s.PrevValue = sum(k-2*window+1, k-window)
		out = append(out, s)
	}
	return out
}
