package churn

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// TimeTransform is the function g(t) of time against which [Cox.PHTest]
// tests for a trend in the coefficients. The zero value is [TransformKM],
// the default of R's cox.zph.
type TimeTransform int

const (
	// TransformKM uses 1 − S(t−), one minus the left-continuous Kaplan-Meier
	// estimate of all the data: robust to a few long follow-ups.
	TransformKM TimeTransform = iota
	// TransformIdentity uses t itself.
	TransformIdentity
	// TransformRank uses the rank of t among all durations (ties averaged).
	TransformRank
	// TransformLog uses log t (durations must then be > 0).
	TransformLog
)

// String returns "km", "identity", "rank" or "log".
func (tr TimeTransform) String() string {
	switch tr {
	case TransformKM:
		return "km"
	case TransformIdentity:
		return "identity"
	case TransformRank:
		return "rank"
	case TransformLog:
		return "log"
	}
	return "TimeTransform(" + strconv.Itoa(int(tr)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (tr TimeTransform) MarshalText() ([]byte, error) {
	if tr < TransformKM || tr > TransformLog {
		return nil, fmt.Errorf("churn: time transform %d: unknown value", int(tr))
	}
	return []byte(tr.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see [ParseTimeTransform].
func (tr *TimeTransform) UnmarshalText(b []byte) error {
	v, err := ParseTimeTransform(string(b))
	if err != nil {
		return err
	}
	*tr = v
	return nil
}

// ParseTimeTransform parses "km", "identity", "rank" or "log",
// case-insensitively (the names of R's cox.zph transform argument).
func ParseTimeTransform(s string) (TimeTransform, error) {
	for tr := TransformKM; tr <= TransformLog; tr++ {
		if strings.EqualFold(strings.TrimSpace(s), tr.String()) {
			return tr, nil
		}
	}
	return 0, fmt.Errorf("churn: time transform %q: unknown name: %w", s, ErrInvalidInput)
}

// PHTest is the result of [Cox.PHTest], the proportional-hazards check of R's
// cox.zph: per covariate and globally, a score test that the coefficient
// does not change with g(t), and the scaled Schoenfeld residuals whose
// smoothed plot against g(t) estimates β(t) (Grambsch & Therneau 1994).
type PHTest struct {
	// Transform is the time transform g used.
	Transform TimeTransform
	// Names labels Covariates and the columns of Scaled.
	Names []string
	// Covariates holds the 1-df test of each covariate (R's rows).
	Covariates []CoxTest
	// Global is the joint test of all covariates (R's GLOBAL row).
	Global CoxTest
	// Time holds the event times, ascending (within strata), one per event.
	Time []float64
	// X holds g(Time), the transformed event times.
	X []float64
	// Scaled holds, per event, the scaled Schoenfeld residuals plus β̂: the
	// residuals times the inverse of the average information, as R's
	// cox.zph()$y.
	Scaled [][]float64
}

// PHTest checks the proportional-hazards assumption of the fitted model m
// as R's cox.zph(fit, transform) does (survival ≥ 3.0): for the model
// augmented with the time-varying covariates x·g(t), it computes the score
// test of the extra coefficients at (β̂, 0), for each covariate (1 df) and
// jointly (p df) (Grambsch & Therneau 1994, Biometrika 81:515–526, sec. 3;
// Therneau & Grambsch 2000, sec. 6.2). A small p-value says that the
// covariate's effect changes over tenure.
//
// x, duration, event and opts must be the data and options m was fitted
// with. It costs one likelihood pass, O(n·p²) after an O(n log n) sort.
// Errors wrap [ErrInvalidInput] as for [FitCox], and also when x has a
// different number of columns than m, tr is unknown, or TransformLog meets
// a zero duration.
func (m *Cox) PHTest(x mat.Matrix, duration []float64, event []bool, opts *CoxOptions, tr TimeTransform) (*PHTest, error) {
	var o CoxOptions
	if opts != nil {
		o = *opts
	}
	c := checker("Cox.PHTest")
	if tr < TransformKM || tr > TransformLog {
		return nil, c.Fail("tr", -1, strconv.Itoa(int(tr)), "unknown time transform")
	}
	if x != nil {
		if _, p := x.Dims(); p != len(m.Coef) {
			return nil, c.Fail("x", -1, "", "has "+strconv.Itoa(p)+" columns, the model "+strconv.Itoa(len(m.Coef)))
		}
	}
	d, err := coxPrepare("Cox.PHTest", x, duration, event, &o)
	if err != nil {
		return nil, err
	}
	n, p := d.n, d.p
	beta := make([]float64, p)
	for j := range beta {
		beta[j] = m.Coef[j] / d.scale[j]
	}

	// g(t) per sorted row, centred at its mean over the events.
	g := make([]float64, n)
	switch tr {
	case TransformIdentity:
		copy(g, d.stop)
	case TransformLog:
		for k, t := range d.stop {
			if t <= 0 {
				return nil, c.Fail("duration", int(d.orig[k]), "0", "must be > 0 for TransformLog")
			}
			g[k] = math.Log(t)
		}
	case TransformRank:
		sorted := slices.Clone(d.stop)
		slices.Sort(sorted)
		for k, t := range d.stop {
			lo, _ := slices.BinarySearch(sorted, t)
			hi, _ := slices.BinarySearch(sorted, math.Nextafter(t, math.Inf(1)))
			g[k] = float64(lo+hi+1) / 2 // average of ranks lo+1 … hi
		}
	case TransformKM:
		zphKMTransform(d, g)
	}
	var gmean float64
	var nev int
	for k, e := range d.event {
		if e {
			gmean += g[k]
			nev++
		}
	}
	gmean /= float64(nev)
	for k := range g {
		g[k] -= gmean
	}

	// One pass at β̂ collecting the score of the g(t)·x terms and the 2p×2p
	// information (zph1 in R).
	q := p * (p + 1) / 2
	u2 := make([]float64, p)
	i12 := make([]float64, q)
	i22 := make([]float64, q)
	resid := make([][]float64, 0, nev)
	residBuf := make([]float64, nev*p)
	times := make([]float64, 0, nev)
	gx := make([]float64, 0, nev)
	ws := newCoxWork(n, p)
	d.pass(beta, m.Ties, ws, func(grp int, xbar, ut, it []float64) {
		lo := int(d.grp[grp])
		gt := g[lo]
		for a := range ut {
			u2[a] += gt * ut[a]
		}
		for k := range it {
			i12[k] += gt * it[k]
			i22[k] += gt * gt * it[k]
		}
		for k := lo; k < lo+int(d.grpDead[grp]); k++ {
			r := residBuf[:p:p]
			residBuf = residBuf[p:]
			row := d.x[k*p : k*p+p]
			for a := range r {
				r[a] = row[a] - xbar[a]
			}
			resid = append(resid, r)
			times = append(times, d.stop[k])
			gx = append(gx, g[k]+gmean)
		}
	})
	// The pass runs backwards in time.
	slices.Reverse(resid)
	slices.Reverse(times)
	slices.Reverse(gx)
	full := make([]float64, 4*p*p) // 2p × 2p
	P := 2 * p
	kk := 0
	for a := 0; a < p; a++ {
		for b := a; b < p; b++ {
			for _, blk := range [][3]int{{0, 0, 0}, {0, p, 1}, {p, p, 2}} {
				v := [3][]float64{ws.imat, i12, i22}[blk[2]][kk]
				full[(a+blk[0])*P+b+blk[1]] = v
				full[(b+blk[1])*P+a+blk[0]] = v
				full[(b+blk[0])*P+a+blk[1]] = v
				full[(a+blk[1])*P+b+blk[0]] = v
			}
			kk++
		}
	}
	if o.L2 > 0 {
		for a := 0; a < p; a++ {
			s2 := d.scale[a] * d.scale[a]
			full[a*P+a] += o.L2 * s2
			full[(a+p)*P+a+p] += o.L2 * s2
		}
	}

	res := &PHTest{Transform: tr, Names: slices.Clone(m.Names), Covariates: make([]CoxTest, p), Time: times, X: gx}
	// Per covariate: indices 0..p-1 and p+j.
	sub := make([]float64, (p+1)*(p+1))
	vec := make([]float64, p+1)
	for j := 0; j < p; j++ {
		idx := make([]int, 0, p+1)
		for a := 0; a < p; a++ {
			idx = append(idx, a)
		}
		idx = append(idx, p+j)
		for a, ia := range idx {
			for b, ib := range idx {
				sub[a*(p+1)+b] = full[ia*P+ib]
			}
		}
		clear(vec)
		vec[p] = u2[j]
		res.Covariates[j] = coxChi2(zphQuad(sub, vec, p+1), 1)
	}
	uu := make([]float64, P)
	copy(uu[p:], u2)
	res.Global = coxChi2(zphQuad(slices.Clone(full), uu, P), p)

	// Scaled Schoenfeld residuals on the covariates' own scale:
	// r·(I/d)⁻¹ + β̂, with I the information at β̂ and d the number of events.
	vmean := make([]float64, p*p)
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			vmean[a*p+b] = full[a*P+b] / (d.scale[a] * d.scale[b]) / float64(nev)
		}
	}
	res.Scaled = make([][]float64, len(resid))
	if coxCholesky(vmean, p) < 0 {
		for i, r := range resid {
			for a := range r {
				r[a] /= d.scale[a] // back to the covariates' scale
			}
			coxCholSolve(vmean, p, r)
			for a := range r {
				r[a] += m.Coef[a]
			}
			res.Scaled[i] = r
		}
	}
	return res, nil
}

// zphQuad returns vᵀ·A⁻¹·v for the symmetric positive definite k×k matrix
// a (overwritten), or 0 when a is singular.
func zphQuad(a, v []float64, k int) float64 {
	if coxCholesky(a, k) >= 0 {
		return 0
	}
	w := slices.Clone(v)
	coxCholSolve(a, k, w)
	var s float64
	for i := range v {
		s += v[i] * w[i]
	}
	return s
}

// zphKMTransform sets g[k] = 1 − S(t−) for each sorted row, with S the
// unweighted Kaplan-Meier estimate of all rows pooled over strata (delayed
// entry respected), evaluated just before the row's time, as R's cox.zph.
func zphKMTransform(d *coxData, g []float64) {
	n := d.n
	stops := slices.Clone(d.stop)
	slices.Sort(stops)
	var starts []float64
	if d.start != nil {
		starts = slices.Clone(d.start)
		slices.Sort(starts)
	}
	var evt []float64
	for k, e := range d.event {
		if e {
			evt = append(evt, d.stop[k])
		}
	}
	slices.Sort(evt)
	// S just after each distinct event time.
	type step struct{ t, s float64 }
	var steps []step
	s := 1.0
	for i := 0; i < len(evt); {
		t := evt[i]
		j := i
		for j < len(evt) && evt[j] == t {
			j++
		}
		lo, _ := slices.BinarySearch(stops, t) // rows with stop < t are out
		risk := n - lo
		if starts != nil {
			sl, _ := slices.BinarySearch(starts, t) // rows with start < t have entered
			risk -= len(starts) - sl
		}
		s *= 1 - float64(j-i)/float64(risk)
		steps = append(steps, step{t, s})
		i = j
	}
	for k, t := range d.stop {
		// last event time strictly before t
		i, _ := slices.BinarySearchFunc(steps, t, func(e step, t float64) int {
			if e.t < t {
				return -1
			}
			return 1
		})
		prev := 1.0
		if i > 0 {
			prev = steps[i-1].s
		}
		g[k] = 1 - prev
	}
}
