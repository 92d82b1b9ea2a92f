// Command segment is a lesson in customer value segmentation with clm's
// segment package: who the valuable customers are, how concentrated value
// is, and which behavioural groups exist.
//
//	go run ./examples/segment                           # synthetic portfolio
//	go run ./examples/segment -data Churn_Modelling.csv   # the public bank churn table
//
// Read it top to bottom. The customer pyramid ranks customers by value into
// a few tiers; concentration measures say how unequal value is; RFM scores
// read recency, frequency and money off transaction data; k-means finds
// groups of similar behaviour; a migration matrix shows how customers move
// between tiers from one year to the next.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/clmkit/clm/examples/internal/bankcsv"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
	"github.com/clmkit/clm/segment"
)

func main() { cli.Main("segment", run) }

// book is what the lesson needs per customer, in columns.
type book struct {
	source    string
	value     []float64 // the value that ranks customers
	valueName string
	cutoffs   []float64 // absolute tier bounds, highest first
	cutNames  []string  // len(cutoffs)+1 names

	rfm []segment.RFM // nil when the data have no transactions

	featureNames []string
	features     *mat.Dense // behaviour, one row per customer
	flag         []bool     // a yes/no fact to profile the clusters with
	flagName     string

	before []float64 // value a year earlier, for migration; nil when unknown
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("segment", flag.ContinueOnError)
	data := fs.String("data", "", "read the bank churn table (Churn_Modelling.csv) instead of the synthetic portfolio")
	seed := fs.Uint64("seed", 1, "seed of the synthetic portfolio and of k-means")
	customers := fs.Int("customers", 10000, "customers in the synthetic portfolio")
	k := fs.Int("k", 4, "number of k-means clusters")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}

	// Step 1. One value per customer. For the synthetic bank: the margin it
	// earned from each active customer over the last 12 months. For the
	// public table: the account balance, the assets a private bank ranks by.
	var b *book
	if *data != "" {
		rows, err := bankcsv.Load(*data)
		if err != nil {
			return err
		}
		b = fromBank(rows, *data)
	} else {
		p, err := portfolio.Generate(portfolio.Config{Seed: *seed, Customers: *customers})
		if err != nil {
			return err
		}
		b = fromPortfolio(p)
	}
	fmt.Fprintf(w, "Data: %s\n%d customers, value = %s.\n", b.source, len(b.value), b.valueName)

	// Step 2. The customer pyramid (Zeithaml, Rust & Lemon 2001): Platinum
	// 1%, Gold 4%, Iron 15%, Lead 80% of customers by value rank. Assign
	// never splits tied values across tiers, so a tier's size can differ
	// from its share when many customers have the same value.
	pyr := segment.DefaultPyramid()
	tier, err := pyr.Assign(b.value)
	if err != nil {
		return err
	}
	sum, err := pyr.Summarize(b.value, tier)
	if err != nil {
		return err
	}
	cli.Heading(w, "Customer pyramid")
	t := cli.NewTable("tier", "customers", "share", "value share", "mean", "min", "max")
	for _, s := range sum {
		t.Row(s.Name, s.Customers, fmt.Sprintf("%.1f%%", 100*s.CustomerShare), fmt.Sprintf("%.1f%%", 100*s.ValueShare),
			fmt.Sprintf("%.0f", s.Mean), fmt.Sprintf("%.0f", s.Min), fmt.Sprintf("%.0f", s.Max))
	}
	t.Print(w)

	// Tiers by absolute cut-offs instead of rank, as banks that define
	// tiers by assets under management do.
	byCut, err := segment.AssignByCutoff(b.value, b.cutoffs)
	if err != nil {
		return err
	}
	cut, err := segment.SummarizeTiers(b.value, byCut, len(b.cutoffs)+1)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nBy absolute cut-offs instead:")
	t = cli.NewTable("tier", "from", "customers", "share", "value share")
	for i, s := range cut {
		from := "-"
		if i < len(b.cutoffs) {
			from = fmt.Sprintf("%.0f", b.cutoffs[i])
		}
		t.Row(b.cutNames[i], from, s.Customers, fmt.Sprintf("%.1f%%", 100*s.CustomerShare), fmt.Sprintf("%.1f%%", 100*s.ValueShare))
	}
	t.Print(w)

	// Step 3. Concentration. The Lorenz curve plots the share of value held
	// by the poorest x% of customers; the Gini coefficient is twice the
	// area between it and the diagonal (0: everyone equal, 1: one customer
	// holds everything); TopShare answers "what do the top x% hold?".
	gini, err := segment.Gini(b.value)
	if err != nil {
		return err
	}
	share, cum, err := segment.Lorenz(b.value)
	if err != nil {
		return err
	}
	cli.Heading(w, "Concentration")
	fmt.Fprintf(w, "Gini coefficient %.3f. Lorenz curve: the bottom", gini)
	for j, q := range []float64{0.5, 0.8, 0.95} {
		i := int(math.Round(q * float64(len(share)-1)))
		sep := ";"
		if j == 2 {
			sep = ".\n"
		}
		fmt.Fprintf(w, " %.0f%% hold %.1f%%%s", 100*share[i], 100*cum[i], sep)
	}
	for _, top := range []float64{0.01, 0.05, 0.20} {
		v, err := segment.TopShare(b.value, top)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "The top %.0f%% hold %.1f%% of the value.\n", 100*top, 100*v)
	}

	// Step 4. RFM: recency (time since the last transaction; shorter is
	// better), frequency and monetary value, each scored 1..5 by quantile,
	// higher always better, ties always sharing a score. The recency ×
	// frequency grid names the classic segments.
	if b.rfm != nil {
		const bins = 5
		scores, err := segment.ScoreRFM(b.rfm, bins)
		if err != nil {
			return err
		}
		count := map[segment.RFMSegment]int{}
		money := map[segment.RFMSegment]float64{}
		for i, s := range scores {
			count[s.Segment(bins)]++
			money[s.Segment(bins)] += b.rfm[i].Monetary
		}
		cli.Heading(w, "RFM segments")
		t = cli.NewTable("segment", "customers", "share", "mean monetary")
		for seg := segment.Champions; seg <= segment.Lost; seg++ {
			if count[seg] > 0 {
				t.Row(seg, count[seg], fmt.Sprintf("%.1f%%", 100*float64(count[seg])/float64(len(scores))), fmt.Sprintf("%.0f", money[seg]/float64(count[seg])))
			}
		}
		t.Print(w)
	}

	// Step 5. Behavioural clusters. Put the features on one scale first
	// (z-scores; the Standardizer keeps the means and deviations to score
	// new customers the same way), then k-means with k-means++ seeding and
	// a few restarts from a fixed seed. The silhouette says how well
	// separated the clusters are (near 0: overlapping).
	z, std, err := segment.Standardize(b.features)
	if err != nil {
		return err
	}
	km, err := segment.KMeans(z, *k, &segment.KMeansOptions{Seed: *seed, Restarts: 5})
	if err != nil {
		return err
	}
	sil, err := segment.Silhouette(z, km.Labels, &segment.SilhouetteOptions{Seed: *seed})
	if err != nil {
		return err
	}
	centers, err := std.Inverse(mat.NewDense(km.K(), len(b.featureNames), flatten(km.Centers)))
	if err != nil {
		return err
	}
	cli.Heading(w, fmt.Sprintf("Behavioural clusters (k-means, k = %d)", *k))
	fmt.Fprintf(w, "Silhouette %.3f (sampled), %d Lloyd iterations. Cluster centres in the original units:\n\n", sil, km.Iter)
	header := append([]string{"cluster", "customers"}, b.featureNames...)
	header = append(header, b.flagName)
	t = cli.NewTable(header...)
	yes := make([]int, km.K())
	for i, l := range km.Labels {
		if b.flag[i] {
			yes[l]++
		}
	}
	for c := range km.K() {
		row := []any{c + 1, km.Size[c]}
		for j := range b.featureNames {
			v := centers.At(c, j)
			if math.Abs(v) < 0.005 {
				v = 0 // no "-0.00" from rounding error
			}
			row = append(row, fmt.Sprintf("%.2f", v))
		}
		row = append(row, fmt.Sprintf("%.1f%%", 100*float64(yes[c])/float64(max(km.Size[c], 1))))
		t.Row(row...)
	}
	t.Print(w)

	// Step 6. Migration: the pyramid a year ago against today, for the
	// customers present at both dates. The diagonal is stability; above it
	// customers who moved up, below it those who slipped.
	if b.before != nil {
		var from, to []int
		var then []float64
		var idx []int
		for i, v := range b.before {
			if !math.IsNaN(v) {
				then = append(then, v)
				idx = append(idx, i)
			}
		}
		past, err := pyr.Assign(then)
		if err != nil {
			return err
		}
		for j, i := range idx {
			from = append(from, past[j])
			to = append(to, tier[i])
		}
		mig, err := segment.Migration(from, to, len(pyr))
		if err != nil {
			return err
		}
		counts, err := segment.MigrationCounts(from, to, len(pyr))
		if err != nil {
			return err
		}
		cli.Heading(w, "Tier migration, a year ago → today")
		names := make([]string, len(pyr))
		for i, tr := range pyr {
			names[i] = tr.Name
		}
		t = cli.NewTable(append(append([]string{"from \\ to"}, names...), "customers")...)
		for a := range pyr {
			row := []any{names[a]}
			var n float64
			for c := range pyr {
				row = append(row, fmt.Sprintf("%.3f", mig.At(a, c)))
				n += counts.At(a, c)
			}
			t.Row(append(row, fmt.Sprintf("%.0f", n))...)
		}
		t.Print(w)
	}
	return nil
}

func flatten(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// fromPortfolio takes the customers with an account open at the end of the
// window. Value is the margin of the last 12 months; RFM reads recency off
// the monthly rows (with n transactions in its last active month, the last
// one is expected 30.4/(n+1) days before the month's end); the behaviour
// features are the log margin, transactions a month, products, tenure and
// app use.
func fromPortfolio(p *portfolio.Portfolio) *book {
	b := &book{
		source:       "synthetic portfolio, customers active at " + p.End.AddDate(0, 0, -1).Format("2006-01-02"),
		valueName:    "margin over the last 12 months",
		cutoffs:      []float64{3000, 1000, 300},
		cutNames:     []string{"Premier (≥ 3000)", "Priority", "Plus", "Standard"},
		featureNames: []string{"log10 margin", "tx/month", "products", "tenure (y)", "digital"},
		flagName:     "affluent or private",
	}
	end := p.End.Add(-time.Second)
	var feats []float64
	for i := range p.Customers {
		c := &p.Customers[i]
		if c.Opened.IsZero() || c.Opened.After(end) || !c.Closed.IsZero() {
			continue
		}
		var margin, before float64
		var tx int
		recency := 30.4 * float64(p.Periods)
		for _, m := range c.Months {
			if m.Period >= p.Periods-12 {
				margin += m.Margin
				tx += m.Transactions
			} else if m.Period >= p.Periods-24 {
				before += m.Margin
			}
			if m.Transactions > 0 {
				recency = 30.4*float64(p.Periods-1-m.Period) + 30.4/float64(m.Transactions+1)
			}
		}
		b.value = append(b.value, margin)
		b.rfm = append(b.rfm, segment.RFM{Recency: recency, Frequency: float64(tx), Monetary: margin})
		if c.Opened.Before(p.PeriodStart(p.Periods - 24)) {
			b.before = append(b.before, before)
		} else {
			b.before = append(b.before, math.NaN()) // not a full year of history a year ago
		}
		tenure := end.Sub(c.Opened).Hours() / 24 / 365.25
		feats = append(feats, math.Log10(1+margin), float64(tx)/12, float64(len(c.HeldAt(end))), tenure, b2f(c.Digital))
		b.flag = append(b.flag, c.Class >= portfolio.Affluent)
	}
	b.features = mat.NewDense(len(b.value), len(b.featureNames), feats)
	return b
}

// fromBank ranks the customers of the public table by balance and
// clusters them on their profile; Exited profiles the clusters. The table
// is one snapshot: no transactions (so no RFM) and no earlier period (so no
// migration).
func fromBank(rows []bankcsv.Row, path string) *book {
	b := &book{
		source:       path,
		valueName:    "balance",
		cutoffs:      []float64{200000, 125000, 50000},
		cutNames:     []string{"Private (≥ 200k)", "Affluent", "Mass affluent", "Mass"},
		featureNames: []string{"age", "credit score", "balance", "products", "tenure", "active"},
		flagName:     "exited",
	}
	feats := make([]float64, 0, len(rows)*len(b.featureNames))
	for _, r := range rows {
		b.value = append(b.value, r.Balance)
		feats = append(feats, r.Age, r.CreditScore, r.Balance, r.Products, r.Tenure, b2f(r.Active))
		b.flag = append(b.flag, r.Exited)
	}
	b.features = mat.NewDense(len(rows), len(b.featureNames), feats)
	return b
}

func b2f(v bool) float64 {
	if v {
		return 1
	}
	return 0
}
