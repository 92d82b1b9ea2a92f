package segment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

var benchSizes = []int{1e5, 1e6, 1e7}

func sizeName(n int) string { return fmt.Sprintf("n=1e%d", int(math.Round(math.Log10(float64(n))))) }

// benchValues returns n log-normal values (balances spanning several orders
// of magnitude), with a fixed seed.
func benchValues(n int) []float64 {
	rng := rand.New(rand.NewPCG(7, 7))
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Round(100 * math.Exp(6+2*rng.NormFloat64()))
	}
	return v
}

// benchRFM returns n customers: recency in days, frequency a count (many
// ties), monetary log-normal.
func benchRFM(n int) []RFM {
	rng := rand.New(rand.NewPCG(8, 8))
	in := make([]RFM, n)
	for i := range in {
		in[i] = RFM{
			Recency:   float64(rng.IntN(730)),
			Frequency: float64(1 + rng.IntN(60)),
			Monetary:  math.Round(100 * math.Exp(4+1.5*rng.NormFloat64())),
		}
	}
	return in
}

func skipHuge(b *testing.B, n int) {
	if n >= 1e7 && testing.Short() {
		b.Skip("n >= 1e7 skipped in -short mode")
	}
}

func perCustomer(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/customer")
}

// BenchmarkSortFloat64 is the yardstick for Assign and ScoreRFM: slices.Sort
// on the same values (the copy is outside the timer).
func BenchmarkSortFloat64(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			skipHuge(b, n)
			v := benchValues(n)
			buf := make([]float64, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				copy(buf, v)
				b.StartTimer()
				slices.Sort(buf)
			}
			perCustomer(b, n)
		})
	}
}

func BenchmarkAssign(b *testing.B) {
	p := DefaultPyramid()
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			skipHuge(b, n)
			v := benchValues(n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := p.Assign(v); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

func BenchmarkScoreRFM(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			skipHuge(b, n)
			in := benchRFM(n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := ScoreRFM(in, 5); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

func BenchmarkGini(b *testing.B) {
	for _, n := range benchSizes[:2] {
		b.Run(sizeName(n), func(b *testing.B) {
			v := benchValues(n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := Gini(v); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}
