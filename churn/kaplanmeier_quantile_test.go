package churn

import (
	"math"
	"testing"
)

// quantileCITol is the tolerance for the quantile confidence limits: they
// are curve times or midpoints of two curve times, so they agree exactly;
// 1e-12 leaves room only for the halving of a sum.
const quantileCITol = 1e-12

var qInf = math.Inf(1)

// quantileCIRef holds R's confidence limits for Kaplan-Meier quantiles.
// Values calculated by R 4.2.2, survival 3.5.3, with (NA printed as qInf):
//
//	library(survival)
//	rossi <- read.csv("shared/data/rossi/rossi.csv")
//	hand_t <- c(1, 2, 2, 3, 4, 4, 5, 6, 7, 8)
//	hand_e <- c(0, 1, 1, 0, 1, 0, 1, 1, 0, 1)
//	tail_t <- c(1, 2, 3, 4, 5, 6)
//	tail_e <- c(1, 1, 1, 1, 0, 0)
//	fmt <- function(v) ifelse(is.na(v), "qInf", sprintf("%.17g", v))
//	emit <- function(name, f0, probs, flat = FALSE) {
//	  for (ct in c("log", "log-log", "plain")) for (lev in c(0.95, 0.9)) {
//	    f <- update(f0, conf.type = ct, conf.int = lev)
//	    pr <- probs
//	    if (flat) pr <- c(pr, 1 - f$lower[4], 1 - f$upper[4])
//	    q <- quantile(f, pr)
//	    for (k in seq_along(pr))
//	      cat(sprintf('\t{"%s", %s, %s, %s, %s, %s},\n', name, sprintf("%.17g", pr[k]), fmt(lev),
//	        sprintf('"%s"', ct), fmt(q$lower[k]), fmt(q$upper[k])))
//	  }
//	}
//	emit("rossi", survfit(Surv(week, arrest) ~ 1, data = rossi), c(0.05, 0.1, 0.15, 0.2, 0.25, 0.5))
//	h <- survfit(Surv(hand_t, hand_e) ~ 1)
//	emit("hand", h, c(0.1, 1 - h$surv[2], 0.3, 1 - h$surv[4], 0.5, 0.6, 0.9, 1), flat = TRUE)
//	emit("tail", survfit(Surv(tail_t, tail_e) ~ 1), c(0.2, 0.5, 0.6, 1))
//
// In "hand" the curve is flat at 1 − p for p = 2/9 and 19/54, and the last
// two p of each band are 1 minus its lower and upper band at time 4, where
// the band is flat up to time 5 (R's midpoint 4.5). In "tail" the plain
// lower band is clipped to 0 from time 4 to the end, so p = 1 gives the
// midpoint (4 + 6)/2 of R's last-stretch rule.
var quantileCIRef = []struct {
	data         string
	p, level     float64
	method       string
	lower, upper float64
}{
	{"rossi", 0.050000000000000003, 0.94999999999999996, "log", 10, 18},
	{"rossi", 0.10000000000000001, 0.94999999999999996, "log", 18, 28},
	{"rossi", 0.14999999999999999, 0.94999999999999996, "log", 26, 40},
	{"rossi", 0.20000000000000001, 0.94999999999999996, "log", 36, 49},
	{"rossi", 0.25, 0.94999999999999996, "log", 44, qInf},
	{"rossi", 0.5, 0.94999999999999996, "log", qInf, qInf},
	{"rossi", 0.050000000000000003, 0.90000000000000002, "log", 11, 18},
	{"rossi", 0.10000000000000001, 0.90000000000000002, "log", 19, 27},
	{"rossi", 0.14999999999999999, 0.90000000000000002, "log", 26, 38},
	{"rossi", 0.20000000000000001, 0.90000000000000002, "log", 36, 48},
	{"rossi", 0.25, 0.90000000000000002, "log", 45, qInf},
	{"rossi", 0.5, 0.90000000000000002, "log", qInf, qInf},
	{"rossi", 0.050000000000000003, 0.94999999999999996, "log-log", 9, 18},
	{"rossi", 0.10000000000000001, 0.94999999999999996, "log-log", 18, 27},
	{"rossi", 0.14999999999999999, 0.94999999999999996, "log-log", 25, 39},
	{"rossi", 0.20000000000000001, 0.94999999999999996, "log-log", 35, 49},
	{"rossi", 0.25, 0.94999999999999996, "log-log", 43, qInf},
	{"rossi", 0.5, 0.94999999999999996, "log-log", qInf, qInf},
	{"rossi", 0.050000000000000003, 0.90000000000000002, "log-log", 10, 17},
	{"rossi", 0.10000000000000001, 0.90000000000000002, "log-log", 18, 26},
	{"rossi", 0.14999999999999999, 0.90000000000000002, "log-log", 26, 37},
	{"rossi", 0.20000000000000001, 0.90000000000000002, "log-log", 36, 47},
	{"rossi", 0.25, 0.90000000000000002, "log-log", 45, qInf},
	{"rossi", 0.5, 0.90000000000000002, "log-log", qInf, qInf},
	{"rossi", 0.050000000000000003, 0.94999999999999996, "plain", 10, 18},
	{"rossi", 0.10000000000000001, 0.94999999999999996, "plain", 18, 28},
	{"rossi", 0.14999999999999999, 0.94999999999999996, "plain", 26, 39},
	{"rossi", 0.20000000000000001, 0.94999999999999996, "plain", 36, 49},
	{"rossi", 0.25, 0.94999999999999996, "plain", 44, qInf},
	{"rossi", 0.5, 0.94999999999999996, "plain", qInf, qInf},
	{"rossi", 0.050000000000000003, 0.90000000000000002, "plain", 11, 18},
	{"rossi", 0.10000000000000001, 0.90000000000000002, "plain", 19, 27},
	{"rossi", 0.14999999999999999, 0.90000000000000002, "plain", 26, 37},
	{"rossi", 0.20000000000000001, 0.90000000000000002, "plain", 36, 48},
	{"rossi", 0.25, 0.90000000000000002, "plain", 45, qInf},
	{"rossi", 0.5, 0.90000000000000002, "plain", qInf, qInf},
	{"hand", 0.10000000000000001, 0.94999999999999996, "log", 2, qInf},
	{"hand", 0.22222222222222221, 0.94999999999999996, "log", 2, qInf},
	{"hand", 0.29999999999999999, 0.94999999999999996, "log", 2, qInf},
	{"hand", 0.35185185185185186, 0.94999999999999996, "log", 2, qInf},
	{"hand", 0.5, 0.94999999999999996, "log", 4, qInf},
	{"hand", 0.59999999999999998, 0.94999999999999996, "log", 4, qInf},
	{"hand", 0.90000000000000002, 0.94999999999999996, "log", qInf, qInf},
	{"hand", 1, 0.94999999999999996, "log", qInf, qInf},
	{"hand", 0.60687815858025229, 0.94999999999999996, "log", 4.5, qInf},
	{"hand", 0, 0.94999999999999996, "log", 0, 0},
	{"hand", 0.10000000000000001, 0.90000000000000002, "log", 2, 6},
	{"hand", 0.22222222222222221, 0.90000000000000002, "log", 2, qInf},
	{"hand", 0.29999999999999999, 0.90000000000000002, "log", 2, qInf},
	{"hand", 0.35185185185185186, 0.90000000000000002, "log", 2, qInf},
	{"hand", 0.5, 0.90000000000000002, "log", 4, qInf},
	{"hand", 0.59999999999999998, 0.90000000000000002, "log", 5, qInf},
	{"hand", 0.90000000000000002, 0.90000000000000002, "log", qInf, qInf},
	{"hand", 1, 0.90000000000000002, "log", qInf, qInf},
	{"hand", 0.57397146941095345, 0.90000000000000002, "log", 4.5, qInf},
	{"hand", 0.013925144010825341, 0.90000000000000002, "log", 2, 4.5},
	{"hand", 0.10000000000000001, 0.94999999999999996, "log-log", 2, 4},
	{"hand", 0.22222222222222221, 0.94999999999999996, "log-log", 2, 5},
	{"hand", 0.29999999999999999, 0.94999999999999996, "log-log", 2, 6},
	{"hand", 0.35185185185185186, 0.94999999999999996, "log-log", 2, qInf},
	{"hand", 0.5, 0.94999999999999996, "log-log", 2, qInf},
	{"hand", 0.59999999999999998, 0.94999999999999996, "log-log", 2, qInf},
	{"hand", 0.90000000000000002, 0.94999999999999996, "log-log", 6, qInf},
	{"hand", 1, 0.94999999999999996, "log-log", qInf, qInf},
	{"hand", 0.74682540561400423, 0.94999999999999996, "log-log", 4.5, qInf},
	{"hand", 0.12793237220200981, 0.94999999999999996, "log-log", 2, 4.5},
	{"hand", 0.10000000000000001, 0.90000000000000002, "log-log", 2, 4},
	{"hand", 0.22222222222222221, 0.90000000000000002, "log-log", 2, 5},
	{"hand", 0.29999999999999999, 0.90000000000000002, "log-log", 2, 6},
	{"hand", 0.35185185185185186, 0.90000000000000002, "log-log", 2, 6},
	{"hand", 0.5, 0.90000000000000002, "log-log", 2, qInf},
	{"hand", 0.59999999999999998, 0.90000000000000002, "log-log", 4, qInf},
	{"hand", 0.90000000000000002, 0.90000000000000002, "log-log", 6, qInf},
	{"hand", 1, 0.90000000000000002, "log-log", qInf, qInf},
	{"hand", 0.68057605609343486, 0.90000000000000002, "log-log", 4.5, qInf},
	{"hand", 0.15191029076580287, 0.90000000000000002, "log-log", 2, 4.5},
	{"hand", 0.10000000000000001, 0.94999999999999996, "plain", 2, 5},
	{"hand", 0.22222222222222221, 0.94999999999999996, "plain", 2, 6},
	{"hand", 0.29999999999999999, 0.94999999999999996, "plain", 2, 6},
	{"hand", 0.35185185185185186, 0.94999999999999996, "plain", 2, qInf},
	{"hand", 0.5, 0.94999999999999996, "plain", 4, qInf},
	{"hand", 0.59999999999999998, 0.94999999999999996, "plain", 4, qInf},
	{"hand", 0.90000000000000002, 0.94999999999999996, "plain", 6, qInf},
	{"hand", 1, 0.94999999999999996, "plain", qInf, qInf},
	{"hand", 0.67592573214856244, 0.94999999999999996, "plain", 4.5, qInf},
	{"hand", 0.027777971555141279, 0.94999999999999996, "plain", 2, 4.5},
	{"hand", 0.10000000000000001, 0.90000000000000002, "plain", 2, 5},
	{"hand", 0.22222222222222221, 0.90000000000000002, "plain", 2, 6},
	{"hand", 0.29999999999999999, 0.90000000000000002, "plain", 2, 6},
	{"hand", 0.35185185185185186, 0.90000000000000002, "plain", 2, 6},
	{"hand", 0.5, 0.90000000000000002, "plain", 4, qInf},
	{"hand", 0.59999999999999998, 0.90000000000000002, "plain", 4, qInf},
	{"hand", 0.90000000000000002, 0.90000000000000002, "plain", 6, qInf},
	{"hand", 1, 0.90000000000000002, "plain", qInf, qInf},
	{"hand", 0.62382322561736192, 0.90000000000000002, "plain", 4.5, qInf},
	{"hand", 0.0798804780863418, 0.90000000000000002, "plain", 2, 4.5},
	{"tail", 0.20000000000000001, 0.94999999999999996, "log", 1, qInf},
	{"tail", 0.5, 0.94999999999999996, "log", 2, qInf},
	{"tail", 0.59999999999999998, 0.94999999999999996, "log", 2, qInf},
	{"tail", 1, 0.94999999999999996, "log", qInf, qInf},
	{"tail", 0.20000000000000001, 0.90000000000000002, "log", 1, qInf},
	{"tail", 0.5, 0.90000000000000002, "log", 2, qInf},
	{"tail", 0.59999999999999998, 0.90000000000000002, "log", 3, qInf},
	{"tail", 1, 0.90000000000000002, "log", qInf, qInf},
	{"tail", 0.20000000000000001, 0.94999999999999996, "log-log", 1, 4},
	{"tail", 0.5, 0.94999999999999996, "log-log", 1, qInf},
	{"tail", 0.59999999999999998, 0.94999999999999996, "log-log", 1, qInf},
	{"tail", 1, 0.94999999999999996, "log-log", qInf, qInf},
	{"tail", 0.20000000000000001, 0.90000000000000002, "log-log", 1, 3},
	{"tail", 0.5, 0.90000000000000002, "log-log", 1, qInf},
	{"tail", 0.59999999999999998, 0.90000000000000002, "log-log", 1, qInf},
	{"tail", 1, 0.90000000000000002, "log-log", qInf, qInf},
	{"tail", 0.20000000000000001, 0.94999999999999996, "plain", 1, 4},
	{"tail", 0.5, 0.94999999999999996, "plain", 2, qInf},
	{"tail", 0.59999999999999998, 0.94999999999999996, "plain", 2, qInf},
	{"tail", 1, 0.94999999999999996, "plain", 5, qInf},
	{"tail", 0.20000000000000001, 0.90000000000000002, "plain", 1, 4},
	{"tail", 0.5, 0.90000000000000002, "plain", 2, qInf},
	{"tail", 0.59999999999999998, 0.90000000000000002, "plain", 2, qInf},
	{"tail", 1, 0.90000000000000002, "plain", qInf, qInf},
}

var quantileCIHand = map[string]struct {
	duration []float64
	event    []bool
}{
	"hand": {
		[]float64{1, 2, 2, 3, 4, 4, 5, 6, 7, 8},
		[]bool{false, true, true, false, true, false, true, true, false, true},
	},
	"tail": {
		[]float64{1, 2, 3, 4, 5, 6},
		[]bool{true, true, true, true, false, false},
	},
}

func TestCurveQuantileCIReference(t *testing.T) {
	t.Parallel()
	curves := map[string]*Curve{}
	for name, d := range quantileCIHand {
		c, err := KaplanMeier(d.duration, d.event, nil)
		if err != nil {
			t.Fatal(err)
		}
		curves[name] = c
	}
	r := readRossiCSV(t)
	c, err := KaplanMeier(r.week, r.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	curves["rossi"] = c
	for _, tc := range quantileCIRef {
		m, err := ParseBandMethod(tc.method)
		if err != nil {
			t.Fatal(err)
		}
		lo, up := curves[tc.data].QuantileCI(tc.p, tc.level, m)
		if !sameLimit(lo, tc.lower) || !sameLimit(up, tc.upper) {
			t.Errorf("%s: QuantileCI(%v, %v, %v) = (%v, %v), want (%v, %v)",
				tc.data, tc.p, tc.level, m, lo, up, tc.lower, tc.upper)
		}
	}
}

func sameLimit(got, want float64) bool {
	if math.IsInf(want, 1) {
		return math.IsInf(got, 1)
	}
	return math.Abs(got-want) <= quantileCITol*math.Max(1, math.Abs(want))
}

// TestCurveQuantileCIBracketsQuantile checks on rossi that the limits
// bracket the point estimate for every method, level and p.
func TestCurveQuantileCIBracketsQuantile(t *testing.T) {
	t.Parallel()
	r := readRossiCSV(t)
	c, err := KaplanMeier(r.week, r.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []BandMethod{Log, LogLog, Plain} {
		for _, level := range []float64{0.5, 0.8, 0.95, 0.99} {
			for p := 0.0; p <= 1; p += 0.01 {
				q := c.Quantile(p)
				lo, up := c.QuantileCI(p, level, m)
				if !(lo <= q && q <= up) {
					t.Errorf("%v level %v p %v: limits (%v, %v) do not bracket Quantile %v", m, level, p, lo, up, q)
				}
			}
		}
	}
}

func TestCurveQuantileCIEdges(t *testing.T) {
	t.Parallel()
	d := quantileCIHand["hand"]
	c, err := KaplanMeier(d.duration, d.event, nil)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := KaplanMeier([]float64{3, 5}, []bool{false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	tests := []struct {
		name         string
		c            *Curve
		p, level     float64
		lower, upper float64
	}{
		{"p NaN", c, nan, 0.95, nan, nan},
		{"p < 0", c, -0.1, 0.95, nan, nan},
		{"p > 1", c, 1.1, 0.95, nan, nan},
		{"level 0", c, 0.5, 0, nan, nan},
		{"level 1", c, 0.5, 1, nan, nan},
		{"level NaN", c, 0.5, nan, nan, nan},
		{"p 0", c, 0, 0.95, 0, 0},
		{"all censored", empty, 0.5, 0.95, qInf, qInf},
		{"all censored p 0", empty, 0, 0.95, 0, 0},
	}
	for _, tc := range tests {
		for _, m := range []BandMethod{Log, LogLog, Plain} {
			lo, up := tc.c.QuantileCI(tc.p, tc.level, m)
			if !sameOrNaN(lo, tc.lower) || !sameOrNaN(up, tc.upper) {
				t.Errorf("%s, %v: got (%v, %v), want (%v, %v)", tc.name, m, lo, up, tc.lower, tc.upper)
			}
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("QuantileCI with BandMethod(7) did not panic")
			}
		}()
		c.QuantileCI(0.5, 0.95, BandMethod(7))
	}()
}

func sameOrNaN(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return got == want
}
