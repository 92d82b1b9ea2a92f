package churn

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/floats/scalar"
)

// survRefTol is the tolerance for Kaplan-Meier and Nelson-Aalen against
// R: the JSON holds R's doubles to 15 significant digits, and the
// computations are the same sums and products, so only rounding differs.
const survRefTol = 1e-8

// survHandTol is for closed-form values computed by hand.
const survHandTol = 1e-12

type kmRef struct {
	ConfType   string    `json:"conf_type"`
	Time       []float64 `json:"time"`
	NRisk      []float64 `json:"n_risk"`
	NEvent     []float64 `json:"n_event"`
	NCensor    []float64 `json:"n_censor"`
	Surv       []float64 `json:"surv"`
	StdErrLogS []float64 `json:"std_err_logS"`
	StdErrS    []float64 `json:"std_err_S"`
	Lower      []float64 `json:"lower"`
	Upper      []float64 `json:"upper"`
	Median     *float64  `json:"median"`
	RMean      float64   `json:"rmean"`
	RMeanSE    float64   `json:"rmean_se"`
}

func closeSlices(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
	}
	worst := 0.0
	for i := range want {
		if !scalar.EqualWithinAbsOrRel(got[i], want[i], tol, tol) {
			t.Errorf("%s[%d] = %.15g, want %.15g", name, i, got[i], want[i])
		}
		worst = max(worst, math.Abs(got[i]-want[i]))
	}
	t.Logf("%s: max abs deviation %.3g (tol %g)", name, worst, tol)
}

// TestKaplanMeierRossiReference checks the curve, the Greenwood standard
// errors, all three band types, the median and the restricted mean against
// R 4.2.2, survival 3.5-3:
// survfit(Surv(week, arrest) ~ 1, data = rossi, conf.type = "log" | "log-log" | "plain")
// (shared/reference/rossi_km.json).
func TestKaplanMeierRossiReference(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	var ref struct {
		KM map[string]kmRef `json:"km"`
	}
	readRef(t, "rossi_km.json", &ref)
	c, err := KaplanMeier(d.week, d.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]BandMethod{"log": Log, "log_log": LogLog, "plain": Plain}
	for name, r := range ref.KM {
		t.Run(name, func(t *testing.T) {
			closeSlices(t, "Time", c.Time, r.Time, 0)
			closeSlices(t, "AtRisk", c.AtRisk, r.NRisk, 0)
			closeSlices(t, "Events", c.Events, r.NEvent, 0)
			closeSlices(t, "Censored", c.Censored, r.NCensor, 0)
			closeSlices(t, "Survival", c.Survival, r.Surv, survRefTol)
			closeSlices(t, "StdErr", c.StdErr, r.StdErrS, survRefTol)
			m, ok := methods[name]
			if !ok {
				t.Fatalf("unknown conf type %q", name)
			}
			lo, up := c.Band(0.95, m)
			closeSlices(t, "lower", lo, r.Lower, survRefTol)
			closeSlices(t, "upper", up, r.Upper, survRefTol)
			if r.Median != nil || !math.IsInf(c.Median(), 1) {
				t.Errorf("Median() = %v, R: %v (NA = not reached = +Inf)", c.Median(), r.Median)
			}
			// R's rmean uses the largest time, 52 weeks, as the limit.
			tau := c.Time[len(c.Time)-1]
			if got := c.RMST(tau); !scalar.EqualWithinAbsOrRel(got, r.RMean, survRefTol, survRefTol) {
				t.Errorf("RMST(%g) = %.15g, want %.15g", tau, got, r.RMean)
			}
			if got := c.RMSTStdErr(tau); !scalar.EqualWithinAbsOrRel(got, r.RMeanSE, survRefTol, survRefTol) {
				t.Errorf("RMSTStdErr(%g) = %.15g, want %.15g", tau, got, r.RMeanSE)
			}
		})
	}
}

// TestKaplanMeierHand checks small cases computed by hand.
func TestKaplanMeierHand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		duration  []float64
		event     []bool
		opts      *SurvOptions
		time      []float64
		atRisk    []float64
		survival  []float64
		median    float64
		reason    string
		quantiles map[float64]float64
	}{
		{
			name:     "no censoring",
			duration: []float64{4, 1, 3, 2},
			event:    []bool{true, true, true, true},
			time:     []float64{1, 2, 3, 4},
			atRisk:   []float64{4, 3, 2, 1},
			survival: []float64{0.75, 0.5, 0.25, 0},
			median:   2.5,
			reason:   "S = 0.5 exactly on [2, 3): R's midpoint rule gives (2+3)/2",
			quantiles: map[float64]float64{
				0: 0, 0.25: 1.5, 0.3: 2, 0.75: 3.5, 1: 4,
			},
		},
		{
			name:     "censoring and ties",
			duration: []float64{1, 2, 2, 2, 3, 5, 5, 8},
			event:    []bool{true, true, true, false, false, true, false, false},
			time:     []float64{1, 2, 3, 5, 8},
			atRisk:   []float64{8, 7, 4, 3, 1},
			// 7/8; 7/8·5/7 = 5/8; 5/8; 5/8·2/3 = 5/12; 5/12
			survival:  []float64{7.0 / 8, 5.0 / 8, 5.0 / 8, 5.0 / 12, 5.0 / 12},
			median:    5,
			quantiles: map[float64]float64{0.1: 1, 0.2: 2, 0.6: math.Inf(1)},
		},
		{
			name:     "flat at 0.5 to the end",
			duration: []float64{1, 2, 3, 4},
			event:    []bool{true, true, false, false},
			time:     []float64{1, 2, 3, 4},
			atRisk:   []float64{4, 3, 2, 1},
			survival: []float64{0.75, 0.5, 0.5, 0.5},
			median:   3,
			reason:   "flat at 0.5 to the end: R uses the midpoint of 2 and the last time 4",
		},
		{
			name:     "all censored",
			duration: []float64{3, 1, 2},
			event:    []bool{false, false, false},
			time:     []float64{1, 2, 3},
			atRisk:   []float64{3, 2, 1},
			survival: []float64{1, 1, 1},
			median:   math.Inf(1),
		},
		{
			name:     "weights",
			duration: []float64{1, 2, 3},
			event:    []bool{true, true, false},
			opts:     &SurvOptions{Weight: []float64{2, 1, 1}},
			time:     []float64{1, 2, 3},
			atRisk:   []float64{4, 2, 1},
			survival: []float64{0.5, 0.25, 0.25},
			median:   1.5,
		},
		{
			name:     "delayed entry",
			duration: []float64{2, 3, 5, 6},
			event:    []bool{true, true, true, false},
			// customer 3 enters at 2.5, customer 4 at 4: at risk at 2 are
			// customers 1 and 2; at 3: 2 and 3; at 5: 3 and 4.
			opts:     &SurvOptions{Entry: []float64{0, 0, 2.5, 4}},
			time:     []float64{2, 3, 5, 6},
			atRisk:   []float64{2, 2, 2, 1},
			survival: []float64{0.5, 0.25, 0.125, 0.125},
			median:   2.5,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := KaplanMeier(tc.duration, tc.event, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			opt := cmpopts.EquateApprox(survHandTol, survHandTol)
			if diff := cmp.Diff(tc.time, c.Time, opt); diff != "" {
				t.Errorf("Time mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.atRisk, c.AtRisk, opt); diff != "" {
				t.Errorf("AtRisk mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.survival, c.Survival, opt); diff != "" {
				t.Errorf("Survival mismatch (-want +got):\n%s", diff)
			}
			if got := c.Median(); got != tc.median {
				t.Errorf("Median() = %v, want %v (%s)", got, tc.median, tc.reason)
			}
			for p, want := range tc.quantiles {
				if got := c.Quantile(p); got != want {
					t.Errorf("Quantile(%v) = %v, want %v", p, got, want)
				}
			}
		})
	}
}

// TestKaplanMeierGreenwoodHand checks the Greenwood variance on the
// "censoring and ties" case: at t = 5, Σ d/(n(n−d)) = 1/(8·7) + 2/(7·5) +
// 1/(3·2).
func TestKaplanMeierGreenwoodHand(t *testing.T) {
	t.Parallel()
	c, err := KaplanMeier([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := 5.0 / 12 * math.Sqrt(1.0/56+2.0/35+1.0/6)
	if got := c.StdErr[3]; !scalar.EqualWithinAbsOrRel(got, want, survHandTol, survHandTol) {
		t.Errorf("StdErr at 5 = %.15g, want %.15g", got, want)
	}
	// RMST(6) = 1·1 + 7/8·1 + 5/8·3 + 5/12·1.
	if got, want := c.RMST(6), 1+7.0/8+5.0/8*3+5.0/12; !scalar.EqualWithinAbsOrRel(got, want, survHandTol, survHandTol) {
		t.Errorf("RMST(6) = %v, want %v", got, want)
	}
}

func TestCurveAtTotal(t *testing.T) {
	t.Parallel()
	c, err := KaplanMeier([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t, want float64
	}{
		{-1, 1}, {0, 1}, {0.999, 1}, {1, 7.0 / 8}, {1.5, 7.0 / 8}, {2, 5.0 / 8},
		{4.9, 5.0 / 8}, {5, 5.0 / 12}, {100, 5.0 / 12}, {math.Inf(1), 5.0 / 12}, {math.Inf(-1), 1},
	}
	for _, tc := range tests {
		if got := c.At(tc.t); !scalar.EqualWithinAbsOrRel(got, tc.want, survHandTol, survHandTol) {
			t.Errorf("At(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if got := c.At(math.NaN()); !math.IsNaN(got) {
		t.Errorf("At(NaN) = %v, want NaN", got)
	}
	for _, p := range []float64{math.NaN(), -0.1, 1.1} {
		if got := c.Quantile(p); !math.IsNaN(got) {
			t.Errorf("Quantile(%v) = %v, want NaN", p, got)
		}
	}
	for _, l := range []float64{0, 1, math.NaN(), -1} {
		if lo, up := c.Band(l, Log); lo != nil || up != nil {
			t.Errorf("Band(%v) = %v, %v; want nil", l, lo, up)
		}
	}
	if c.RMST(-1) != 0 || !math.IsNaN(c.RMST(math.NaN())) || c.RMSTStdErr(0) != 0 {
		t.Error("RMST edge cases")
	}
}

func TestKaplanMeierBandsAtZeroAndOne(t *testing.T) {
	t.Parallel()
	// S = 1 at t = 1 (censoring only) and 0 at t = 3.
	c, err := KaplanMeier([]float64{1, 2, 3}, []bool{false, true, true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []BandMethod{Log, LogLog, Plain} {
		lo, up := c.Band(0.9, m)
		if lo[0] != 1 || up[0] != 1 && m != Plain {
			t.Errorf("%v: band at S = 1: [%v, %v], want [1, 1]", m, lo[0], up[0])
		}
		if lo[2] != 0 || up[2] != 0 {
			t.Errorf("%v: band at S = 0: [%v, %v], want [0, 0]", m, lo[2], up[2])
		}
		for i := range lo {
			if math.IsNaN(lo[i]) || math.IsNaN(up[i]) {
				t.Errorf("%v: NaN in band at %d", m, i)
			}
		}
	}
	if c.StdErr[2] != 0 {
		t.Errorf("StdErr where S = 0: %v, want 0", c.StdErr[2])
	}
}

func TestKaplanMeierBadInput(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name     string
		duration []float64
		event    []bool
		opts     *SurvOptions
		field    string
		index    int
	}{
		{"empty", nil, nil, nil, "duration", -1},
		{"length", []float64{1, 2}, []bool{true}, nil, "event", -1},
		{"negative", []float64{1, -2}, []bool{true, true}, nil, "duration", 1},
		{"NaN", []float64{nan, 2}, []bool{true, true}, nil, "duration", 0},
		{"Inf", []float64{1, math.Inf(1)}, []bool{true, true}, nil, "duration", 1},
		{"weight length", []float64{1, 2}, []bool{true, true}, &SurvOptions{Weight: []float64{1}}, "opts.Weight", -1},
		{"negative weight", []float64{1, 2}, []bool{true, true}, &SurvOptions{Weight: []float64{1, -1}}, "opts.Weight", 1},
		{"zero weights", []float64{1, 2}, []bool{true, true}, &SurvOptions{Weight: []float64{0, 0}}, "opts.Weight", -1},
		{"entry length", []float64{1, 2}, []bool{true, true}, &SurvOptions{Entry: []float64{0}}, "opts.Entry", -1},
		{"entry = duration", []float64{1, 2}, []bool{true, true}, &SurvOptions{Entry: []float64{0, 2}}, "opts.Entry", 1},
		{"entry NaN", []float64{1, 2}, []bool{true, true}, &SurvOptions{Entry: []float64{nan, 0}}, "opts.Entry", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := KaplanMeier(tc.duration, tc.event, tc.opts)
			assertInputError(t, err, tc.field, tc.index)
		})
	}
}

// assertInputError checks that err wraps ErrInvalidInput and names field and
// index.
func assertInputError(t *testing.T, err error, field string, index int) {
	t.Helper()
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want ErrInvalidInput", err)
	}
	var e *InputError
	if !errors.As(err, &e) || e.Field != field || e.Index != index {
		t.Errorf("err = %v: field %q index %d, want %q %d", err, e.Field, e.Index, field, index)
	}
}

func TestKaplanMeierInputsUnchanged(t *testing.T) {
	t.Parallel()
	duration := []float64{5, 3, 3, 9, 1, 0}
	event := []bool{true, false, true, true, false, true}
	opts := &SurvOptions{Weight: []float64{1, 2, 1, 0.5, 1, 1}, Entry: []float64{1, 0, 2, 0, 0.5, 0}}
	opts.Entry[5] = 0
	duration[5] = 0.1
	d0, e0 := append([]float64(nil), duration...), append([]bool(nil), event...)
	w0, n0 := append([]float64(nil), opts.Weight...), append([]float64(nil), opts.Entry...)
	if _, err := KaplanMeier(duration, event, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := NelsonAalen(duration, event, opts); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{cmp.Diff(d0, duration), cmp.Diff(e0, event), cmp.Diff(w0, opts.Weight), cmp.Diff(n0, opts.Entry)} {
		if d != "" {
			t.Errorf("input modified (-before +after):\n%s", d)
		}
	}
}

func TestCurveJSONRoundTrip(t *testing.T) {
	t.Parallel()
	c, err := KaplanMeier([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Curve
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, &back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	for _, x := range []float64{0, 1, 2.5, 5, 9} {
		if c.At(x) != back.At(x) {
			t.Errorf("At(%v) differs after round trip", x)
		}
	}
	if c.Median() != back.Median() || c.RMST(7) != back.RMST(7) {
		t.Error("Median/RMST differ after round trip")
	}
	// A curve whose median is not reached still encodes (Median is a method).
	never, _ := KaplanMeier([]float64{1, 2}, []bool{false, false}, nil)
	if _, err := json.Marshal(never); err != nil {
		t.Errorf("Marshal of a curve with median +Inf: %v", err)
	}
}

func TestCurveConcurrentUse(t *testing.T) {
	t.Parallel()
	c, err := KaplanMeier([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := c.At(4)
	lo0, _ := c.Band(0.95, LogLog)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				lo, _ := c.Band(0.95, LogLog)
				if c.At(4) != want || c.Median() != 5 || lo[1] != lo0[1] || c.RMST(6) <= 0 {
					t.Error("concurrent result differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestBandMethodText(t *testing.T) {
	t.Parallel()
	for _, m := range []BandMethod{Log, LogLog, Plain} {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back BandMethod
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("%v: round trip gave %v, %v", m, back, err)
		}
	}
	if m, err := ParseBandMethod("LOG-LOG"); err != nil || m != LogLog {
		t.Errorf("ParseBandMethod(LOG-LOG) = %v, %v", m, err)
	}
	if _, err := ParseBandMethod("probit"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("ParseBandMethod(probit): err = %v", err)
	}
	if _, err := BandMethod(7).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown value: no error")
	}
	if s := BandMethod(7).String(); s != "BandMethod(7)" {
		t.Errorf("String() = %q", s)
	}
}

// naiveKM computes the weighted, left-truncated Kaplan-Meier curve and its
// Greenwood variance sum by the definitions, scanning every customer at
// every distinct duration, in O(n²).
func naiveKM(duration []float64, event []bool, weight, entry []float64) (time, atRisk, surv, greenwood []float64) {
	ts := append([]float64(nil), duration...)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	s, v := 1.0, 0.0
	for _, t := range ts {
		var n, d float64
		for i, u := range duration {
			w := 1.0
			if weight != nil {
				w = weight[i]
			}
			if u >= t && (entry == nil || entry[i] < t) {
				n += w
				if u == t && event[i] {
					d += w
				}
			}
		}
		if d > 0 && s > 0 {
			if d >= n {
				s = 0
			} else {
				s *= 1 - d/n
				v += d / (n * (n - d))
			}
		}
		time, atRisk, surv, greenwood = append(time, t), append(atRisk, n), append(surv, s), append(greenwood, v)
	}
	return time, atRisk, surv, greenwood
}

// TestKaplanMeierMatchesDefinition compares the radix-sorted risk table
// with the definition on random weighted, delayed-entry, tied data.
func TestKaplanMeierMatchesDefinition(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	opt := cmpopts.EquateApprox(1e-12, 1e-12)
	for rep := range 100 {
		n := 1 + r.IntN(50)
		duration := make([]float64, n)
		event := make([]bool, n)
		weight := make([]float64, n)
		entry := make([]float64, n)
		for i := range n {
			duration[i] = float64(1 + r.IntN(10))
			if rep%2 == 1 {
				duration[i] += r.Float64()
			}
			event[i] = r.IntN(3) > 0
			weight[i] = 0.1 + 2*r.Float64()
			entry[i] = math.Floor(duration[i]*r.Float64()*4) / 4
			if entry[i] >= duration[i] {
				entry[i] = 0
			}
		}
		for _, o := range []*SurvOptions{nil, {Weight: weight}, {Entry: entry}, {Weight: weight, Entry: entry}} {
			c, err := KaplanMeier(duration, event, o)
			if err != nil {
				t.Fatal(err)
			}
			w, e := o.parts()
			time, atRisk, surv, gw := naiveKM(duration, event, w, e)
			se := make([]float64, len(surv))
			for i, s := range surv {
				if s > 0 {
					se[i] = s * math.Sqrt(gw[i])
				}
			}
			for _, d := range []string{cmp.Diff(time, c.Time), cmp.Diff(atRisk, c.AtRisk, opt), cmp.Diff(surv, c.Survival, opt), cmp.Diff(se, c.StdErr, opt)} {
				if d != "" {
					t.Fatalf("rep %d, opts %+v: mismatch (-definition +got):\n%s", rep, o, d)
				}
			}
		}
	}
}

func TestCurveUnmarshalRejectsRaggedColumns(t *testing.T) {
	t.Parallel()
	var c Curve
	err := json.Unmarshal([]byte(`{"Time":[1,2],"AtRisk":[2,1],"Events":[1,1],"Censored":[0,0],"Survival":[0.5],"StdErr":[0,0]}`), &c)
	assertInputError(t, err, "Survival", -1)
	var h CumHazard
	err = json.Unmarshal([]byte(`{"Time":[1],"AtRisk":[2],"Events":[1],"Censored":[0],"Hazard":[0.5],"Variance":[]}`), &h)
	assertInputError(t, err, "Variance", -1)
	if err := json.Unmarshal([]byte(`{"Time":"x"}`), &c); err == nil {
		t.Error("bad JSON: no error")
	}
}
