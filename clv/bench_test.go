package clv

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchSizes are the customer counts of the size sub-benchmarks; 1e7 is
// skipped under -short.
var benchSizes = []int{1e5, 1e6, 1e7}

func benchSize(b *testing.B, n int) {
	if n >= 1e7 && testing.Short() {
		b.Skip("1e7 customers: skipped under -short")
	}
}

// benchCohort simulates n customers of a weekly-reporting bank: ages up to
// a year, times on whole days (in weeks), fixed seed.
func benchCohort(n int, pareto bool) []Summary {
	c := simConfig{n: n, tMin: 0, tMax: 52, grid: 1.0 / 7, seed: 42}
	if pareto {
		return simParetoNBD(c, 0.55, 10.5, 0.6, 11.7)
	}
	return simBGNBD(c, 0.243, 4.414, 0.793, 2.426, false)
}

func perCustomer(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
}

func benchmarkFit[M any](b *testing.B, pareto bool, fit func([]Summary, *FitOptions) (M, error)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			benchSize(b, n)
			s := benchCohort(n, pareto)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := fit(s, nil); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

func BenchmarkFitBGNBD(b *testing.B)     { benchmarkFit(b, false, FitBGNBD) }
func BenchmarkFitMBGNBD(b *testing.B)    { benchmarkFit(b, false, FitMBGNBD) }
func BenchmarkFitParetoNBD(b *testing.B) { benchmarkFit(b, true, FitParetoNBD) }

// benchmarkScore times one prediction per customer over a cohort.
func benchmarkScore(b *testing.B, pareto bool, score func(m btydModel, c Summary) float64) {
	for _, n := range benchSizes[:2] {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			s := benchCohort(n, pareto)
			var m btydModel = &BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
			if pareto {
				m = &ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
			}
			b.ReportAllocs()
			b.ResetTimer()
			sum := 0.0
			for b.Loop() {
				for _, c := range s {
					sum += score(m, c)
				}
			}
			perCustomer(b, n)
			if sum != sum {
				b.Fatal("NaN score")
			}
		})
	}
}

func BenchmarkPAlive(b *testing.B) {
	b.Run("BGNBD", func(b *testing.B) {
		benchmarkScore(b, false, func(m btydModel, c Summary) float64 { return m.PAlive(c.Frequency, c.Recency, c.T) })
	})
	b.Run("ParetoNBD", func(b *testing.B) {
		benchmarkScore(b, true, func(m btydModel, c Summary) float64 { return m.PAlive(c.Frequency, c.Recency, c.T) })
	})
}

func BenchmarkConditionalPurchases(b *testing.B) {
	b.Run("BGNBD", func(b *testing.B) {
		benchmarkScore(b, false, func(m btydModel, c Summary) float64 {
			return m.ConditionalPurchases(52, c.Frequency, c.Recency, c.T)
		})
	})
	b.Run("ParetoNBD", func(b *testing.B) {
		benchmarkScore(b, true, func(m btydModel, c Summary) float64 {
			return m.ConditionalPurchases(52, c.Frequency, c.Recency, c.T)
		})
	})
}

func BenchmarkSummarize(b *testing.B) {
	for _, n := range benchSizes[:2] {
		b.Run(fmt.Sprintf("purchases=%.0e", float64(n)), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 7))
			start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			p := make([]Purchase, n)
			for i := range p {
				p[i] = Purchase{
					Customer: fmt.Sprintf("c%07d", rng.IntN(n/4)),
					At:       start.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))),
					Amount:   rng.Float64() * 100,
				}
			}
			end := start.Add(365 * 24 * time.Hour)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Summarize(p, end, 7*24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

func BenchmarkLifetimeValue(b *testing.B) {
	n := 100_000
	s := benchCohort(n, false)
	m := &BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	opts := LifetimeOptions{Steps: 12, StepLength: 52.0 / 12, Rate: 0.01}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := LifetimeValue(m, meanSpend{def: 30}, s, opts); err != nil {
			b.Fatal(err)
		}
	}
	perCustomer(b, n)
}

// BenchmarkScore times the batch forms, which compute the hypergeometric
// terms once per distinct (x, T) or (x, τ).
func BenchmarkScore(b *testing.B) {
	for _, n := range benchSizes[:2] {
		bg := &BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
		pn := &ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
		for _, c := range []struct {
			name   string
			pareto bool
			score  func(dst []float64, s []Summary) []float64
		}{
			{"BGNBD/ConditionalPurchases", false, func(dst []float64, s []Summary) []float64 { return bg.AppendConditionalPurchases(dst, 52, s) }},
			{"ParetoNBD/PAlive", true, func(dst []float64, s []Summary) []float64 { return pn.AppendPAlive(dst, s) }},
			{"ParetoNBD/ConditionalPurchases", true, func(dst []float64, s []Summary) []float64 { return pn.AppendConditionalPurchases(dst, 52, s) }},
		} {
			b.Run(fmt.Sprintf("%s/n=%.0e", c.name, float64(n)), func(b *testing.B) {
				s := benchCohort(n, c.pareto)
				dst := make([]float64, 0, n)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					dst = c.score(dst[:0], s)
				}
				perCustomer(b, n)
			})
		}
	}
}
