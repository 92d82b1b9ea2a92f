package churn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// coxBenchBeta are the true log hazard ratios of the benchmark data.
var coxBenchBeta = []float64{0.5, -0.5, 0.25, -0.25, 0.1, -0.1, 0, 0, 0.05, -0.05}

// coxBenchData generates the benchmark portfolio of bench/churn (the same
// generator, seed and stream, so that Go and R see the same numbers): n
// customers, len(coxBenchBeta) standard-normal covariates, Weibull(shape 1.5,
// scale 930 days) proportional-hazards churn times, independent uniform
// censoring on (0, 3100) days (about 30% censored), times rounded up to
// whole days (about 3,100 distinct times).
func coxBenchData(n int, seed uint64) (*mat.Dense, []float64, []bool) {
	p := len(coxBenchBeta)
	rng := rand.New(rand.NewPCG(seed, 1))
	data := make([]float64, n*p)
	dur := make([]float64, n)
	ev := make([]bool, n)
	const shape, scale, cmax = 1.5, 930.0, 3100.0
	for i := 0; i < n; i++ {
		var lp float64
		for j := 0; j < p; j++ {
			v := rng.NormFloat64()
			data[i*p+j] = v
			lp += coxBenchBeta[j] * v
		}
		u := 1 - rng.Float64() // (0, 1]
		tt := scale * math.Pow(-math.Log(u)*math.Exp(-lp), 1/shape)
		c := cmax * rng.Float64()
		if tt <= c {
			dur[i] = math.Ceil(tt)
			ev[i] = true
		} else {
			dur[i] = math.Ceil(c)
		}
	}
	return mat.NewDense(n, p, data), dur, ev
}

func BenchmarkFitCox(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6, 1e7} {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			if n >= 1e7 && testing.Short() {
				b.Skip("n ≥ 1e7 skipped in -short mode")
			}
			// Generated here, so that a -bench filter on the size also
			// skips the generation of the other sizes.
			x, dur, ev := coxBenchData(n, 1)
			for _, ties := range []Ties{Efron, Breslow} {
				b.Run(ties.String(), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := FitCox(x, dur, ev, &CoxOptions{Ties: ties}); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
				})
			}
		})
	}
}

func BenchmarkCoxPHTest(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			x, dur, ev := coxBenchData(n, 1)
			m, err := FitCox(x, dur, ev, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.PHTest(x, dur, ev, nil, TransformKM); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
		})
	}
}

func BenchmarkCoxSurvival(b *testing.B) {
	x, dur, ev := coxBenchData(1e5, 1)
	m, err := FitCox(x, dur, ev, nil)
	if err != nil {
		b.Fatal(err)
	}
	row := mat.Row(nil, 7, x)
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		s += m.Survival(row, 365)
	}
	_ = s
}

func BenchmarkFitWeibull(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			x, dur, ev := coxBenchData(n, 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := FitWeibull(x, dur, ev, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
		})
	}
}
