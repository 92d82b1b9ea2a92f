// Quickstart runs clm's whole customer lifecycle on a synthetic retail-bank
// portfolio and prints a report:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -seed 7 -customers 50000 -plots out
//
// The portfolio (examples/internal/portfolio) is generated from a seed: about
// 20,000 customers over 36 months with accounts, monthly activity, product
// holdings, revenue events and churn. Its true churn hazard ratios are known,
// so the report can show what the models recover. With -plots DIR the charts
// are written to DIR as SVG files.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
	"github.com/clmkit/clm/lifecycle"
)

func main() { cli.Main("quickstart", run) }

// report carries what the sections share: the portfolio, the output and
// the charts to draw.
type report struct {
	p       *portfolio.Portfolio
	w       io.Writer
	plots   string   // directory for SVG charts, or "" for none
	written []string // charts written

	journeys []lifecycle.Journey // per customer, from the lifecycle section

	// From the segment section, per customer: the pyramid tier (-1 when not
	// active at the end of the window) and the margin over the last 12 months.
	tier      []int
	value     []float64
	tierNames []string
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "random seed of the synthetic portfolio")
	customers := fs.Int("customers", portfolio.DefaultCustomers, "number of customers")
	plots := fs.String("plots", "", "write SVG charts to this directory")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *customers < 100 {
		return errors.New("-customers must be at least 100")
	}
	if *plots != "" {
		if err := os.MkdirAll(*plots, 0o755); err != nil {
			return err
		}
	}

	start := time.Now()
	p, err := portfolio.Generate(portfolio.Config{Seed: *seed, Customers: *customers})
	if err != nil {
		return err
	}
	r := &report{p: p, w: w, plots: *plots}
	r.overview(*seed)
	for _, section := range []func() error{r.lifecycleSection, r.segmentSection, r.crossSellSection, r.churnSection, r.clvSection} {
		if err := section(); err != nil {
			return err
		}
	}
	if len(r.written) > 0 {
		fmt.Fprintf(w, "\nCharts: %s\n", strings.Join(r.written, ", "))
	}
	fmt.Fprintf(w, "\nDone in %v.\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// overview prints the shape of the portfolio.
func (r *report) overview(seed uint64) {
	p := r.p
	var prospects, book, joined, closed, rows int
	var class [4]int
	for i := range p.Customers {
		c := &p.Customers[i]
		class[c.Class]++
		rows += len(c.Months)
		entry, _, cl, ok := c.Tenure(p.Start, p.End)
		switch {
		case !ok:
			prospects++
			continue
		case entry > 0:
			book++
		default:
			joined++
		}
		if cl {
			closed++
		}
	}
	cli.Heading(r.w, fmt.Sprintf("Synthetic retail-bank portfolio (seed %d)", seed))
	fmt.Fprintf(r.w, "%d customers observed %s to %s (%d months): %d in the book at the start, %d joined, %d prospects without an account.\n",
		len(p.Customers), p.Start.Format("Jan 2006"), p.End.AddDate(0, 0, -1).Format("Jan 2006"), p.Periods, book, joined, prospects)
	fmt.Fprintf(r.w, "%d accounts closed in the window; %d monthly activity rows; %d revenue events.\n\n", closed, rows, len(p.Events))
	t := cli.NewTable("value class", "customers", "share")
	for k, n := range class {
		t.Row(portfolio.Class(k), n, fmt.Sprintf("%.1f%%", pct(n, len(p.Customers))))
	}
	t.Print(r.w)
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
