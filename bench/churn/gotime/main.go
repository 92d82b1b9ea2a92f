// Command gotime reads a CSV written by bench/churn/gen and times clm's
// churn.FitCox (Efron ties) and churn.KaplanMeier on it, printing the median
// wall time of -reps runs of each, in seconds, as "name seconds" lines that
// bench/churn/compare.R reads.
//
// Usage:
//
//	go run ./bench/churn/gotime -in bench/out/churn.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clmkit/clm/churn"
	"gonum.org/v1/gonum/mat"
)

func main() {
	in := flag.String("in", "bench/out/churn.csv", "input CSV file")
	reps := flag.Int("reps", 5, "timed runs per method")
	flag.Parse()
	x, dur, ev := read(*in)
	n, p := x.Dims()
	fmt.Fprintf(os.Stderr, "gotime: %d customers, %d covariates\n", n, p)

	var m *churn.Cox
	cox := timeit(*reps, func() {
		var err error
		if m, err = churn.FitCox(x, dur, ev, nil); err != nil {
			log.Fatal(err)
		}
	})
	km := timeit(*reps, func() {
		if _, err := churn.KaplanMeier(dur, ev, nil); err != nil {
			log.Fatal(err)
		}
	})
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("go_coxph %.4f\n", cox)
	fmt.Printf("go_survfit %.4f\n", km)
	fmt.Fprintf(os.Stderr, "gotime: coef %.4f, loglik %.3f, %d iterations; peak heap in use %.0f MB\n",
		m.Coef, m.LogLik, m.Iter, float64(ms.HeapSys)/(1<<20))
}

// timeit returns the median wall time of reps runs of f, in seconds. It
// also prints the median CPU time (user + system) to stderr: on a shared
// machine the wall time includes waiting for a core.
func timeit(reps int, f func()) float64 {
	t := make([]float64, reps)
	c := make([]float64, reps)
	for i := range t {
		runtime.GC()
		c0 := cpuSeconds()
		t0 := time.Now()
		f()
		t[i] = time.Since(t0).Seconds()
		c[i] = cpuSeconds() - c0
	}
	slices.Sort(t)
	slices.Sort(c)
	fmt.Fprintf(os.Stderr, "gotime: wall %.3f s, cpu %.3f s (medians of %d)\n", t[reps/2], c[reps/2], reps)
	return t[reps/2]
}

func read(path string) (*mat.Dense, []float64, []bool) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		log.Fatal("gotime: empty file")
	}
	p := len(strings.Split(sc.Text(), ",")) - 2
	var data, dur []float64
	var ev []bool
	for sc.Scan() {
		fs := strings.Split(sc.Text(), ",")
		if len(fs) != p+2 {
			log.Fatalf("gotime: line %d: %d fields, want %d", len(dur)+2, len(fs), p+2)
		}
		dur = append(dur, num(fs[0]))
		ev = append(ev, fs[1] == "1")
		for _, s := range fs[2:] {
			data = append(data, num(s))
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	return mat.NewDense(len(dur), p, data), dur, ev
}

func num(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		log.Fatal(err)
	}
	return v
}
