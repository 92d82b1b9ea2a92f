package crosssell

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchFIMI reads a FIMI file for a benchmark; the file is read once per
// benchmark, and also parsed inside the timed loop where the target says
// "end to end including reading the file".
func benchFIMI(b *testing.B, name string) []byte {
	b.Helper()
	raw, err := os.ReadFile(sharedPath(b, "data/fimi/"+name))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkMine measures Mine end to end from the file's bytes (parsing
// included) on the FIMI sets, as in the performance targets.
func BenchmarkMine(b *testing.B) {
	cases := []struct {
		file    string
		support float64
		alg     Algorithm
		workers int
	}{
		{"retail.dat", 0.001, FPGrowth, 1},
		{"retail.dat", 0.0001, FPGrowth, 1},
		{"retail.dat", 0.0001, FPGrowth, 2},
		{"retail.dat", 0.0001, Eclat, 1},
		{"retail.dat", 0.0001, Eclat, 2},
		{"retail.dat", 0.0001, Apriori, 1},
		{"T10I4D100K.dat", 0.0005, FPGrowth, 1},
		{"T10I4D100K.dat", 0.0005, Eclat, 1},
		{"T10I4D100K.dat", 0.0005, Apriori, 1},
	}
	for _, tc := range cases {
		name := tc.file + "/s=" + ftoa(tc.support) + "/" + tc.alg.String() + "/w=" + itoa(tc.workers)
		b.Run(name, func(b *testing.B) {
			raw := benchFIMI(b, tc.file)
			opts := Options{MinSupport: tc.support, Algorithm: tc.alg, Workers: tc.workers}
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			cpu0 := cpuTime()
			for b.Loop() {
				sets, err := Mine(parseFIMI(raw), opts)
				if err != nil {
					b.Fatal(err)
				}
				n = len(sets)
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(n), "itemsets")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/itemset")
		})
	}
}

// BenchmarkEach streams the itemsets of the dense FIMI sets through Each.
func BenchmarkEach(b *testing.B) {
	cases := []struct {
		file    string
		support float64
		alg     Algorithm
		workers int
	}{
		{"mushroom.dat", 0.05, FPGrowth, 1},
		{"mushroom.dat", 0.05, FPGrowth, 2},
		{"mushroom.dat", 0.05, Eclat, 1},
		{"chess.dat", 0.5, FPGrowth, 1},
		{"chess.dat", 0.5, Eclat, 1},
	}
	for _, tc := range cases {
		name := tc.file + "/s=" + ftoa(tc.support) + "/" + tc.alg.String() + "/w=" + itoa(tc.workers)
		b.Run(name, func(b *testing.B) {
			raw := benchFIMI(b, tc.file)
			opts := Options{MinSupport: tc.support, Algorithm: tc.alg, Workers: tc.workers}
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			cpu0 := cpuTime()
			for b.Loop() {
				n = 0
				err := Each(parseFIMI(raw), opts, func([]int32, int) bool { n++; return true })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(n), "itemsets")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/itemset")
		})
	}
}

// BenchmarkMinePeakHeap reports the peak live heap of one Mine call on
// retail at 0.01%, sampled by a goroutine reading runtime metrics.
func BenchmarkMinePeakHeap(b *testing.B) {
	raw := benchFIMI(b, "retail.dat")
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := make(chan struct{})
		peak := make(chan uint64)
		go func() {
			var m runtime.MemStats
			var p uint64
			for {
				runtime.ReadMemStats(&m)
				p = max(p, m.HeapAlloc)
				select {
				case <-stop:
					peak <- p
					return
				default:
				}
			}
		}()
		if _, err := Mine(parseFIMI(raw), Options{MinSupport: 0.0001}); err != nil {
			b.Fatal(err)
		}
		close(stop)
		b.ReportMetric(float64(<-peak)/1e6, "peakMB")
	}
}

// cpuTime returns the process's user+system CPU time, so that benchmarks
// on a shared, loaded machine can report CPU seconds beside wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchGroceries reads Groceries for the rule and recommender benchmarks.
func benchGroceries(b *testing.B) [][]string {
	b.Helper()
	return readBaskets(b, "data/groceries/groceries.csv", ",")
}

// BenchmarkRules derives all rules (any consequent size) from the frequent
// itemsets of Groceries.
func BenchmarkRules(b *testing.B) {
	baskets := benchGroceries(b)
	for _, s := range []float64{0.01, 0.001} {
		b.Run("s="+ftoa(s), func(b *testing.B) {
			sets, err := Mine(baskets, Options{MinSupport: s})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			for b.Loop() {
				rules, err := Rules(sets, len(baskets), 0.1)
				if err != nil {
					b.Fatal(err)
				}
				n = len(rules)
			}
			b.ReportMetric(float64(n), "rules")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/rule")
		})
	}
}

// BenchmarkRecommend scores customers (the Groceries baskets, as holdings)
// with the rules of Groceries at support 0.1% and confidence 10%.
func BenchmarkRecommend(b *testing.B) {
	baskets := benchGroceries(b)
	sets, err := Mine(baskets, Options{MinSupport: 0.001})
	if err != nil {
		b.Fatal(err)
	}
	rules, err := Rules(sets, len(baskets), 0.1)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("build/rules="+itoa(len(rules)), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewRecommender(rules, Lift)
		}
	})
	rec := NewRecommender(rules, Lift)
	b.Run("recommend/k=5", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			rec.Recommend(baskets[i%len(baskets)], 5)
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/customer")
	})
}
