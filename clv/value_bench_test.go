package clv

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ggBenchSizes are the customer counts of the fit and scoring benchmarks.
var ggBenchSizes = []struct {
	name string
	n    int
}{{"n=1e4", 1e4}, {"n=1e5", 1e5}, {"n=1e6", 1e6}}

// ggReportPerUnit reports ns per unit (customer, period, ...).
func ggReportPerUnit(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/"+unit)
}

func BenchmarkSimple(b *testing.B) {
	b.ReportAllocs()
	var sink float64
	r := 0.0
	for b.Loop() {
		r += 1e-9
		sink += Simple(100, 0.8-r, 0.12)
	}
	_ = sink
}

func BenchmarkDiscounted(b *testing.B) {
	for _, n := range []int{10, 1000, 1e6} {
		cash := make([]float64, n)
		for i := range cash {
			cash[i] = float64(i % 7)
		}
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Discounted(cash, 0.01)
			}
			ggReportPerUnit(b, n, "flow")
		})
	}
}

func BenchmarkFitGammaGamma(b *testing.B) {
	for _, sz := range ggBenchSizes {
		if sz.n >= 1e6 && testing.Short() {
			continue
		}
		s := ggSimulate(rand.New(rand.NewPCG(1, uint64(sz.n))), sz.n, 6.25, 3.74, 15.44)
		b.Run(sz.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := FitGammaGamma(s, nil); err != nil {
					b.Fatal(err)
				}
			}
			ggReportPerUnit(b, sz.n, "customer")
		})
	}
}

func BenchmarkGammaGammaExpectedValue(b *testing.B) {
	m := &GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, sz := range ggBenchSizes {
		s := ggSimulate(rand.New(rand.NewPCG(2, uint64(sz.n))), sz.n, 6.25, 3.74, 15.44)
		b.Run(sz.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink float64
			for b.Loop() {
				for _, r := range s {
					sink += m.ExpectedValue(r.Frequency, r.MeanValue)
				}
			}
			_ = sink
			ggReportPerUnit(b, sz.n, "customer")
		})
	}
}

func BenchmarkFitSBG(b *testing.B) {
	for _, periods := range []int{7, 100, 10000} {
		alive := make([]float64, periods+1)
		alive[0] = 1e6
		m := &SBG{Gamma: 0.7, Delta: 1.2}
		for t := 1; t <= periods; t++ {
			alive[t] = 1e6 * m.Survival(float64(t))
		}
		b.Run("periods="+strconv.Itoa(periods), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := FitSBG(alive); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSBGDERL(b *testing.B) {
	m := &SBG{Gamma: 0.704, Delta: 1.182}
	for _, d := range []float64{0.1, 0.01, 1e-4} {
		b.Run("d="+strconv.FormatFloat(d, 'g', -1, 64), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.DERL(d, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFitBGBB(b *testing.B) {
	for _, sz := range ggBenchSizes {
		if sz.n >= 1e6 && testing.Short() {
			continue
		}
		s := bgbbSimulate(rand.New(rand.NewPCG(4, uint64(sz.n))), sz.n, 12, 1.2, 0.75, 0.66, 2.8)
		b.Run(sz.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := FitBGBB(s, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
			ggReportPerUnit(b, sz.n, "customer")
		})
	}
}

func BenchmarkBGBBScore(b *testing.B) {
	m := &BGBB{Alpha: 1.204, Beta: 0.75, Gamma: 0.657, Delta: 2.783}
	for _, sz := range ggBenchSizes {
		s := bgbbSimulate(rand.New(rand.NewPCG(5, uint64(sz.n))), sz.n, 12, 1.2, 0.75, 0.66, 2.8)
		b.Run(sz.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink float64
			for b.Loop() {
				for _, r := range s {
					sink += m.PAlive(r.Frequency, r.Recency, r.T) + m.ConditionalPurchases(12, r.Frequency, r.Recency, r.T)
				}
			}
			_ = sink
			ggReportPerUnit(b, sz.n, "customer")
		})
	}
}

func BenchmarkMarkovCLV(b *testing.B) {
	for _, s := range []int{5, 50} {
		rng := rand.New(rand.NewPCG(6, uint64(s)))
		p := mat.NewDense(s, s, nil)
		r := make([]float64, s)
		for i := range s {
			sum := 0.0
			for j := range s {
				v := rng.Float64()
				p.Set(i, j, v)
				sum += v
			}
			for j := range s {
				p.Set(i, j, p.At(i, j)/sum)
			}
			r[i] = rng.Float64() * 100
		}
		for _, h := range []int{12, 100000, MarkovInfinite} {
			b.Run("states="+strconv.Itoa(s)+"/horizon="+strconv.Itoa(h), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := MarkovCLV(p, r, 0.01, h); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
