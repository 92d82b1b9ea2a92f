package churn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchSizes is the size ladder; sizes ≥ 1e7 are skipped under -short.
var benchSizes = []int{1e5, 1e6, 1e7}

func sizeName(n int) string {
	e := int(math.Round(math.Log10(float64(n))))
	return "n=1e" + strconv.Itoa(e)
}

// churnData simulates the benchmark data: Weibull(shape 1.3,
// scale 900 days) tenures in whole days, administratively censored at 3,100
// days, and about 30% censored at random before that, with a risk score
// that predicts the churn time.
func churnData(n int, seed uint64) (duration []float64, event []bool, risk []float64) {
	r := rand.New(rand.NewPCG(seed, 99))
	duration = make([]float64, n)
	event = make([]bool, n)
	risk = make([]float64, n)
	for i := range n {
		x := r.NormFloat64()
		u := 1 - r.Float64()
		t := math.Ceil(900 * math.Exp(-0.5*x/1.3) * math.Pow(-math.Log(u), 1/1.3))
		e := r.Float64() >= 0.3
		if !e {
			t = math.Ceil(t * r.Float64())
		}
		if t > 3100 {
			t, e = 3100, false
		}
		duration[i], event[i], risk[i] = t, e, x
	}
	return duration, event, risk
}

func skipLarge(b *testing.B, n int) {
	if n >= 1e7 && testing.Short() {
		b.Skip("n ≥ 1e7 skipped under -short")
	}
}

func perCustomer(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/customer")
}

// benchEachSize runs one sub-benchmark per size in sizes (skipping n ≥ 1e7
// under -short): prepare builds the data outside the timer and returns the
// timed call, and the per-customer time is reported.
func benchEachSize(b *testing.B, sizes []int, prepare func(b *testing.B, n int) func() error) {
	for _, n := range sizes {
		b.Run(sizeName(n), func(b *testing.B) {
			skipLarge(b, n)
			call := prepare(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := call(); err != nil {
					b.Fatal(err)
				}
			}
			perCustomer(b, n)
		})
	}
}

// jitter makes the whole-day durations distinct and continuous (every byte
// of the radix keys varies), the radix sort's worst case.
func jitter(duration []float64) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range duration {
		duration[i] += r.Float64()
	}
}

// sortCall times slices.Sort of a fresh copy of duration (the copy is
// outside the timer).
func sortCall(b *testing.B, duration []float64) func() error {
	x := make([]float64, len(duration))
	return func() error {
		b.StopTimer()
		copy(x, duration)
		b.StartTimer()
		slices.Sort(x)
		return nil
	}
}

// BenchmarkKaplanMeier is the target: within 1.5× of
// BenchmarkSortFloat64 (slices.Sort of as many float64) at n = 1e7.
func BenchmarkKaplanMeier(b *testing.B) {
	benchEachSize(b, benchSizes, func(b *testing.B, n int) func() error {
		duration, event, _ := churnData(n, 1)
		return func() error { _, err := KaplanMeier(duration, event, nil); return err }
	})
}

// BenchmarkKaplanMeierContinuous uses distinct continuous durations.
func BenchmarkKaplanMeierContinuous(b *testing.B) {
	benchEachSize(b, benchSizes, func(b *testing.B, n int) func() error {
		duration, event, _ := churnData(n, 1)
		jitter(duration)
		return func() error { _, err := KaplanMeier(duration, event, nil); return err }
	})
}

func BenchmarkKaplanMeierWeightedEntry(b *testing.B) {
	benchEachSize(b, benchSizes[:2], func(b *testing.B, n int) func() error {
		duration, event, _ := churnData(n, 1)
		r := rand.New(rand.NewPCG(7, 8))
		opts := &SurvOptions{Weight: make([]float64, n), Entry: make([]float64, n)}
		for i := range duration {
			opts.Weight[i] = 0.5 + r.Float64()
			opts.Entry[i] = math.Floor(duration[i] * r.Float64() * 0.5)
		}
		return func() error { _, err := KaplanMeier(duration, event, opts); return err }
	})
}

// BenchmarkSortFloat64 is the floor the KaplanMeier target refers to:
// slices.Sort of n float64 durations.
func BenchmarkSortFloat64(b *testing.B) {
	benchEachSize(b, benchSizes, func(b *testing.B, n int) func() error {
		duration, _, _ := churnData(n, 1)
		return sortCall(b, duration)
	})
}

// BenchmarkSortFloat64Continuous is the floor for
// BenchmarkKaplanMeierContinuous: slices.Sort of the same distinct durations.
func BenchmarkSortFloat64Continuous(b *testing.B) {
	benchEachSize(b, benchSizes, func(b *testing.B, n int) func() error {
		duration, _, _ := churnData(n, 1)
		jitter(duration)
		return sortCall(b, duration)
	})
}

func BenchmarkNelsonAalen(b *testing.B) {
	benchEachSize(b, benchSizes[:2], func(b *testing.B, n int) func() error {
		duration, event, _ := churnData(n, 1)
		return func() error { _, err := NelsonAalen(duration, event, nil); return err }
	})
}

// BenchmarkConcordance is the target: under 0.5 s at n = 1e6.
func BenchmarkConcordance(b *testing.B) {
	benchEachSize(b, benchSizes, func(b *testing.B, n int) func() error {
		duration, event, risk := churnData(n, 1)
		return func() error { _, err := Concordance(risk, duration, event); return err }
	})
}

// BenchmarkConcordanceContinuous uses distinct continuous durations and
// risks, so that neither Fenwick tree is small.
func BenchmarkConcordanceContinuous(b *testing.B) {
	benchEachSize(b, benchSizes, func(b *testing.B, n int) func() error {
		duration, event, risk := churnData(n, 1)
		jitter(duration)
		return func() error { _, err := Concordance(risk, duration, event); return err }
	})
}

func BenchmarkLogRank(b *testing.B) {
	benchEachSize(b, benchSizes[:2], func(b *testing.B, n int) func() error {
		duration, event, risk := churnData(n, 1)
		group := make([]int, n)
		for i, x := range risk {
			group[i] = min(int(math.Max(x+2, 0)), 3)
		}
		return func() error { _, err := LogRank(duration, event, group); return err }
	})
}

func BenchmarkWarningAssess(b *testing.B) {
	benchEachSize(b, benchSizes[:2], func(b *testing.B, n int) func() error {
		_, _, risk := churnData(n, 1)
		x := mat.NewDense(n, 1, risk)
		tenure := make([]float64, n)
		value := make([]float64, n)
		r := rand.New(rand.NewPCG(9, 10))
		for i := range n {
			tenure[i] = math.Floor(3000 * r.Float64())
			value[i] = 100 * r.ExpFloat64()
		}
		w := DefaultWarning(90)
		m := expModel{rate: 1.0 / 900}
		return func() error { _, err := w.Assess(m, x, tenure, value); return err }
	})
}
