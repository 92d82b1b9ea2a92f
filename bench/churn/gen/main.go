// Command gen writes the synthetic churn portfolio used to compare clm's
// churn package with R's survival package: n customers, 10 standard-normal
// covariates, Weibull(shape 1.5, scale 930 days) proportional-hazards churn
// times with log hazard ratios 0.5, -0.5, 0.25, -0.25, 0.1, -0.1, 0, 0, 0.05,
// -0.05, independent uniform(0, 3100) day censoring (about 30% censored),
// rounded up to whole days (about 3,100 distinct times, so heavy ties).
//
// The generator, seed and stream are those of coxBenchData in
// churn/cox_bench_test.go, so the CSV holds exactly the benchmark's data.
//
// Usage:
//
//	go run ./bench/churn/gen -n 1000000 -out bench/out/churn.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

var beta = []float64{0.5, -0.5, 0.25, -0.25, 0.1, -0.1, 0, 0, 0.05, -0.05}

func main() {
	n := flag.Int("n", 1000000, "number of customers")
	seed := flag.Uint64("seed", 1, "PCG seed")
	out := flag.String("out", "bench/out/churn.csv", "output CSV file")
	flag.Parse()
	if *n < 1 {
		log.Fatal("gen: -n must be ≥ 1")
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "time,event")
	for j := range beta {
		fmt.Fprintf(w, ",x%d", j+1)
	}
	fmt.Fprintln(w)

	p := len(beta)
	rng := rand.New(rand.NewPCG(*seed, 1))
	const shape, scale, cmax = 1.5, 930.0, 3100.0
	x := make([]float64, p)
	buf := make([]byte, 0, 256)
	for i := 0; i < *n; i++ {
		var lp float64
		for j := 0; j < p; j++ {
			x[j] = rng.NormFloat64()
			lp += beta[j] * x[j]
		}
		u := 1 - rng.Float64()
		tt := scale * math.Pow(-math.Log(u)*math.Exp(-lp), 1/shape)
		c := cmax * rng.Float64()
		dur, ev := math.Ceil(c), 0
		if tt <= c {
			dur, ev = math.Ceil(tt), 1
		}
		buf = buf[:0]
		buf = strconv.AppendFloat(buf, dur, 'g', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(ev), 10)
		for _, v := range x {
			buf = append(buf, ',')
			// 17 significant digits: the CSV round-trips every float64.
			buf = strconv.AppendFloat(buf, v, 'g', 17, 64)
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
