package segment_test

import (
	"fmt"

	"github.com/clmkit/clm/segment"
	"gonum.org/v1/gonum/mat"
)

func ExamplePyramid_Assign() {
	// Annual revenue of 20 customers: a few large ones, a long tail.
	revenue := []float64{
		52000, 900, 14000, 300, 450, 8800, 120, 610, 75, 2400,
		330, 95, 1800, 60, 410, 700, 150, 260, 5100, 40,
	}
	p := segment.Pyramid{
		{Name: "Platinum", Share: 0.05},
		{Name: "Gold", Share: 0.15},
		{Name: "Iron", Share: 0.30},
		{Name: "Lead", Share: 0.50},
	}
	tier, err := p.Assign(revenue)
	if err != nil {
		panic(err)
	}
	rows, err := p.Summarize(revenue, tier)
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Printf("%-8s %2d customers (%3.0f%%) hold %5.1f%% of revenue, mean %8.0f\n",
			r.Name, r.Customers, 100*r.CustomerShare, 100*r.ValueShare, r.Mean)
	}
	// Output:
	// Platinum  1 customers (  5%) hold  58.7% of revenue, mean    52000
	// Gold      3 customers ( 15%) hold  31.5% of revenue, mean     9300
	// Iron      6 customers ( 30%) hold   7.7% of revenue, mean     1143
	// Lead     10 customers ( 50%) hold   2.1% of revenue, mean      184
}

func ExampleAssignByCutoff() {
	// Tiers by assets under management: private banking from 1,000,000,
	// premier from 100,000, everyone else retail.
	aum := []float64{2_500_000, 40_000, 100_000, 99_999, 1_000_000}
	tier, err := segment.AssignByCutoff(aum, []float64{1_000_000, 100_000})
	if err != nil {
		panic(err)
	}
	fmt.Println(tier)
	// Output: [0 2 1 2 0]
}

func ExampleScoreRFM() {
	in := []segment.RFM{
		{Recency: 3, Frequency: 24, Monetary: 4100}, // recent, frequent, big
		{Recency: 5, Frequency: 1, Monetary: 60},    // recent one-off
		{Recency: 200, Frequency: 30, Monetary: 5200},
		{Recency: 380, Frequency: 1, Monetary: 25},
		{Recency: 40, Frequency: 8, Monetary: 900},
	}
	scores, err := segment.ScoreRFM(in, 5)
	if err != nil {
		panic(err)
	}
	for _, s := range scores {
		fmt.Printf("R%d F%d M%d  %v\n", s.R, s.F, s.M, s.Segment(5))
	}
	// Output:
	// R5 F4 M4  Champions
	// R4 F1 M2  Promising
	// R2 F5 M5  Can't lose them
	// R1 F1 M1  Lost
	// R3 F3 M3  Need attention
}

func ExampleGini() {
	balance := []float64{120, 80, 15000, 300, 0, 2200, 45, 950}
	g, err := segment.Gini(balance)
	if err != nil {
		panic(err)
	}
	top, err := segment.TopShare(balance, 0.25)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Gini %.3f; the top 25%% of customers hold %.1f%% of balances\n", g, 100*top)
	// Output: Gini 0.793; the top 25% of customers hold 92.0% of balances
}

func ExampleLorenz() {
	share, cum, err := segment.Lorenz([]float64{1, 2, 3, 4})
	if err != nil {
		panic(err)
	}
	for i := range share {
		fmt.Printf("%.2f %.2f\n", share[i], cum[i])
	}
	// Output:
	// 0.00 0.00
	// 0.25 0.10
	// 0.50 0.30
	// 0.75 0.60
	// 1.00 1.00
}

func ExampleMigration() {
	// Tiers (0 = Gold, 1 = Silver, 2 = Bronze) of six customers last year
	// and this year.
	last := []int{0, 0, 1, 1, 1, 2}
	this := []int{0, 1, 0, 1, 2, 2}
	m, err := segment.Migration(last, this, 3)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.2f\n", mat.Formatted(m))
	// Output:
	// ⎡0.50  0.50  0.00⎤
	// ⎢0.33  0.33  0.33⎥
	// ⎣0.00  0.00  1.00⎦
}

func ExampleKMeans() {
	// Monthly card spend and branch visits of eight customers: two habits.
	x := mat.NewDense(8, 2, []float64{
		2100, 0, 2500, 1, 1900, 0, 2300, 1, // spend a lot, never visit
		150, 6, 90, 8, 200, 7, 120, 5, // spend little, visit often
	})
	z, scale, err := segment.Standardize(x)
	if err != nil {
		panic(err)
	}
	m, err := segment.KMeans(z, 2, &segment.KMeansOptions{Seed: 1, Restarts: 3})
	if err != nil {
		panic(err)
	}
	fmt.Println("labels:", m.Labels, "sizes:", m.Size)
	centers := mat.NewDense(2, 2, append(append([]float64(nil), m.Centers[0]...), m.Centers[1]...))
	orig, err := scale.Inverse(centers)
	if err != nil {
		panic(err)
	}
	fmt.Printf("centers in original units:\n%.1f\n", mat.Formatted(orig))

	// A new customer, scaled the same way.
	nz, err := scale.Transform(mat.NewDense(1, 2, []float64{1800, 2}))
	if err != nil {
		panic(err)
	}
	fmt.Println("new customer joins cluster", m.Predict(nz.RawRowView(0)))
	// Output:
	// labels: [0 0 0 0 1 1 1 1] sizes: [4 4]
	// centers in original units:
	// ⎡2200.0     0.5⎤
	// ⎣ 140.0     6.5⎦
	// new customer joins cluster 0
}

func ExampleSilhouette() {
	x := mat.NewDense(6, 1, []float64{1, 2, 3, 20, 21, 22})
	s, err := segment.Silhouette(x, []int{0, 0, 0, 1, 1, 1}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean silhouette %.3f\n", s)
	// Output: mean silhouette 0.930
}
