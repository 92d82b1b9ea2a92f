package segment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
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

// reportCPU reports the CPU time per op since start.
func reportCPU(b *testing.B, start int64) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
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
			start := cpuTime()
			defer reportCPU(b, start)
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
			start := cpuTime()
			defer reportCPU(b, start)
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
			start := cpuTime()
			defer reportCPU(b, start)
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
			start := cpuTime()
			defer reportCPU(b, start)
			for range b.N {
				if _, err := Gini(v); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

// benchFeatures returns n rows of 6 standardized-looking features from 8
// overlapping Gaussian clusters, with a fixed seed.
func benchFeatures(n int) *mat.Dense {
	const d, k = 6, 8
	rng := rand.New(rand.NewPCG(9, 9))
	centers := make([]float64, k*d)
	for i := range centers {
		centers[i] = 3 * rng.NormFloat64()
	}
	data := make([]float64, n*d)
	for i := range n {
		j := rng.IntN(k)
		for t := range d {
			data[i*d+t] = centers[j*d+t] + rng.NormFloat64()
		}
	}
	return mat.NewDense(n, d, data)
}

func BenchmarkKMeans(b *testing.B) {
	for _, n := range []int{1e5, 1e6} {
		x := benchFeatures(n)
		for _, tc := range []struct {
			name string
			opts KMeansOptions
		}{
			{"restarts=1/workers=1", KMeansOptions{Seed: 1, Restarts: 1, Workers: 1}},
			{"restarts=1/workers=2", KMeansOptions{Seed: 1, Restarts: 1, Workers: 2}},
			{"restarts=3/workers=2", KMeansOptions{Seed: 1, Restarts: 3, Workers: 2}},
		} {
			b.Run(sizeName(n)+"x6/k=8/"+tc.name, func(b *testing.B) {
				b.ReportAllocs()
				start := cpuTime()
				defer reportCPU(b, start)
				iter := 0
				for range b.N {
					m, err := KMeans(x, 8, &tc.opts)
					if err != nil {
						b.Fatal(err)
					}
					iter = m.Iter
				}
				b.ReportMetric(float64(iter), "iter")
				perCustomer(b, n)
			})
		}
	}
}

func BenchmarkClusteringPredict(b *testing.B) {
	x := benchFeatures(10000)
	m, err := KMeans(x, 8, &KMeansOptions{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	row := x.RawRowView(17)
	b.ReportAllocs()
	for b.Loop() {
		m.Predict(row)
	}
}

func BenchmarkSilhouette(b *testing.B) {
	x := benchFeatures(1e5)
	m, err := KMeans(x, 8, &KMeansOptions{Seed: 1, Restarts: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Silhouette(x, m.Labels, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMigration(b *testing.B) {
	for _, n := range benchSizes[:2] {
		b.Run(sizeName(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(10, 10))
			from, to := make([]int, n), make([]int, n)
			for i := range from {
				from[i] = rng.IntN(4)
				to[i] = min(3, max(0, from[i]+rng.IntN(3)-1))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := Migration(from, to, 4); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

func BenchmarkStandardize(b *testing.B) {
	x := benchFeatures(1e6)
	b.Run("n=1e6x6", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, _, err := Standardize(x); err != nil {
				b.Fatal(err)
			}
		}
		perCustomer(b, 1e6)
	})
}

func BenchmarkTopShare(b *testing.B) {
	v := benchValues(1e6)
	b.Run("n=1e6", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := TopShare(v, 0.2); err != nil {
				b.Fatal(err)
			}
		}
		perCustomer(b, 1e6)
	})
}
