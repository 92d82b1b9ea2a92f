package lifecycle

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchPoolSize is the number of distinct simulated customers; larger
// portfolios reuse them cyclically, so that a million-customer benchmark
// does not need gigabytes of snapshots. Every Track call still does the full
// work for its customer.
const benchPoolSize = 1 << 13

// simulateCustomer returns months monthly snapshots of one synthetic retail
// customer: a prospect who may open an account (or already has one), whose
// activity wobbles, with occasional decline episodes, silence (dormancy) and
// closure. The histories are legal under the default graph.
func simulateCustomer(rng *rand.Rand, months int) []Snapshot {
	start := t0
	s := Snapshot{FirstContact: start.AddDate(0, 0, -rng.IntN(60))}
	openAt := -1 // month index of opening; -1 never
	switch u := rng.Float64(); {
	case u < 0.6: // existing customer, tenure up to five years
		s.Opened = start.AddDate(0, 0, -rng.IntN(5*365))
		s.FirstContact = s.Opened
		s.LastActivity = s.Opened
	case u < 0.9: // a lead who opens within six months (a later opening would
		// follow a lapse to Terminated, and Terminated→Onboarding is illegal)
		openAt = rng.IntN(min(months, 6))
	}
	rate := 5 + 25*rng.Float64()
	products := 1 + rng.IntN(4)
	silent, closed := false, false
	h := make([]Snapshot, months)
	for m := range months {
		s.AsOf = start.AddDate(0, m, 0)
		s.PrevTransactions, s.PrevValue, s.PrevProducts = s.Transactions, s.Value, s.Products
		if m == openAt {
			s.Opened = s.AsOf
		}
		hasAccount := !s.Opened.IsZero() && !closed
		switch {
		case !hasAccount || silent:
			s.Transactions, s.Value = 0, 0
		default:
			if rng.Float64() < 0.04 { // decline episode
				rate /= 2
				products = max(1, products-1)
			} else if rng.Float64() < 0.08 { // recovery
				rate *= 1.6
				products++
			}
			s.Transactions = int(rate * (0.85 + 0.3*rng.Float64()))
			s.Value = 100 * float64(s.Transactions) * (0.8 + 0.4*rng.Float64())
			if s.Transactions > 0 {
				s.LastActivity = s.AsOf.AddDate(0, 0, -rng.IntN(5))
			}
			if rng.Float64() < 0.01 {
				silent = true
			}
			if rng.Float64() < 0.005 {
				closed = true
				s.Closed = s.AsOf
			}
		}
		if hasAccount {
			s.Products = products
		}
		h[m] = s
	}
	return h
}

func benchHistories(months int) [][]Snapshot {
	rng := rand.New(rand.NewPCG(2026, 11))
	pool := make([][]Snapshot, benchPoolSize)
	for i := range pool {
		pool[i] = simulateCustomer(rng, months)
	}
	return pool
}

var benchSizes = []int{1e4, 1e5, 1e6}

// sizeName names a power-of-ten size: "n=1e5".
func sizeName(n int) string {
	k := 0
	for m := n; m >= 10 && m%10 == 0; m /= 10 {
		k++
	}
	return fmt.Sprintf("n=1e%d", k)
}

func BenchmarkClassify(b *testing.B) {
	pool := benchHistories(12)
	var snaps []Snapshot
	for _, h := range pool[:1024] {
		snaps = append(snaps, h...)
	}
	r := DefaultRules()
	b.ReportAllocs()
	b.ResetTimer()
	var sink Stage
	i := 0
	for b.Loop() {
		st, _ := r.Classify(snaps[i])
		sink += st
		i++
		if i == len(snaps) {
			i = 0
		}
	}
	_ = sink
}

func BenchmarkTrack(b *testing.B) {
	const months = 12
	pool := benchHistories(months)
	g, r := DefaultGraph(), DefaultRules()
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for i := range n {
					if _, err := Track(g, r, pool[i%len(pool)]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*months), "ns/snapshot")
		})
	}
}

func BenchmarkEstimateChain(b *testing.B) {
	pool := benchHistories(12)
	g, r := DefaultGraph(), DefaultRules()
	tracked := make([]Journey, len(pool))
	for i, h := range pool {
		j, err := Track(g, r, h)
		if err != nil {
			b.Fatal(err)
		}
		tracked[i] = j
	}
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			journeys := make([]Journey, n)
			for i := range journeys {
				journeys[i] = tracked[i%len(tracked)] // shares the transitions, read-only
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := EstimateChain(journeys, Month); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/journey")
		})
	}
}

func BenchmarkForecast(b *testing.B) {
	c, err := NewChain(randomChain(rand.New(rand.NewPCG(5, 6))), Month)
	if err != nil {
		b.Fatal(err)
	}
	d := [NumStages]float64{0.2, 0.2, 0.2, 0.2, 0.1, 0.1}
	for _, steps := range []int{1, 12, 120} {
		b.Run(fmt.Sprintf("steps=%d", steps), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d = c.Forecast(d, steps)
			}
		})
	}
}

// TestSimulatedPortfolio checks that the benchmark generator produces legal,
// varied journeys, so that the benchmarks measure realistic work.
func TestSimulatedPortfolio(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 11))
	var seen [NumStages + 1]int
	var journeys []Journey
	for range 2000 {
		j, err := Track(DefaultGraph(), DefaultRules(), simulateCustomer(rng, 36))
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range j.Transitions {
			seen[tr.To]++
		}
		journeys = append(journeys, j)
	}
	for _, s := range Stages() {
		if seen[s] == 0 {
			t.Errorf("no customer ever in %v: %v", s, seen)
		}
	}
	if _, err := EstimateChain(journeys, Month); err != nil {
		t.Error(err)
	}
}

func TestZeroAllocs(t *testing.T) {
	r := DefaultRules()
	rng := rand.New(rand.NewPCG(7, 8))
	var snaps []Snapshot
	for range 50 {
		snaps = append(snaps, simulateCustomer(rng, 24)...)
	}
	snaps = append(snaps, Snapshot{}) // invalid
	c, err := NewChain(randomChain(rng), Month)
	if err != nil {
		t.Fatal(err)
	}
	d := [NumStages]float64{1, 0, 0, 0, 0, 0}
	var sink float64
	tests := []struct {
		name string
		f    func()
	}{
		{"Classify", func() {
			for _, s := range snaps {
				st, why := r.Classify(s)
				sink += float64(st) + float64(why.Tenure)
			}
		}},
		{"Forecast", func() { sink += c.Forecast(d, 37)[0] }},
		{"PTerminatedWithin", func() { sink += c.PTerminatedWithin(Growth, 1000) }},
		{"ExpectedPeriodsToTerminated", func() { sink += c.ExpectedPeriodsToTerminated(Growth) + c.ExpectedTimeIn(Decline) }},
		{"Allowed", func() {
			if DefaultGraph().Allowed(Growth, Maturity) {
				sink++
			}
		}},
	}
	for _, tc := range tests {
		if got := testing.AllocsPerRun(20, tc.f); got != 0 {
			t.Errorf("%s: %v allocations per run, want 0", tc.name, got)
		}
	}
	_ = sink

	// Track allocates only the journey's transitions: once for up to four.
	h := simulateCustomer(rand.New(rand.NewPCG(9, 9)), 12)
	j, err := Track(nil, r, h)
	if err != nil || len(j.Transitions) > 4 {
		t.Fatalf("Track: %d transitions, %v", len(j.Transitions), err)
	}
	if got := testing.AllocsPerRun(20, func() { _, _ = Track(nil, r, h) }); got != 1 {
		t.Errorf("Track: %v allocations per run, want 1", got)
	}
}
