package churn

import (
	"encoding/json"
	"math"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// TestNelsonAalenRossiReference checks H(t) and its standard error against
// R 4.2.2, survival 3.5-3: survfit(Surv(week, arrest) ~ 1, data = rossi,
// ctype = 1) (shared/reference/rossi_nelson_aalen.json).
func TestNelsonAalenRossiReference(t *testing.T) {
	t.Parallel()
	d := readRossiCSV(t)
	var ref struct {
		NA struct {
			Time   []float64 `json:"time"`
			NRisk  []float64 `json:"n_risk"`
			NEvent []float64 `json:"n_event"`
			CumHaz []float64 `json:"cumhaz"`
			StdErr []float64 `json:"std_err_cumhaz"`
			FHSurv []float64 `json:"fleming_harrington_surv"`
		} `json:"nelson_aalen"`
	}
	readRef(t, "rossi_nelson_aalen.json", &ref)
	h, err := NelsonAalen(d.week, d.arrest, nil)
	if err != nil {
		t.Fatal(err)
	}
	closeSlices(t, "Time", h.Time, ref.NA.Time, 0)
	closeSlices(t, "AtRisk", h.AtRisk, ref.NA.NRisk, 0)
	closeSlices(t, "Events", h.Events, ref.NA.NEvent, 0)
	closeSlices(t, "Hazard", h.Hazard, ref.NA.CumHaz, survRefTol)
	se := make([]float64, len(h.Variance))
	fh := make([]float64, len(h.Hazard))
	for i, v := range h.Variance {
		se[i] = math.Sqrt(v)
		fh[i] = math.Exp(-h.Hazard[i])
	}
	closeSlices(t, "sqrt(Variance)", se, ref.NA.StdErr, survRefTol)
	closeSlices(t, "exp(-Hazard)", fh, ref.NA.FHSurv, survRefTol)
}

func TestNelsonAalenHand(t *testing.T) {
	t.Parallel()
	// At risk 8, 7, 4, 3, 1 with 1, 2, 0, 1, 0 events.
	h, err := NelsonAalen([]float64{1, 2, 2, 2, 3, 5, 5, 8}, []bool{true, true, true, false, false, true, false, false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1.0 / 8, 1.0/8 + 2.0/7, 1.0/8 + 2.0/7, 1.0/8 + 2.0/7 + 1.0/3, 1.0/8 + 2.0/7 + 1.0/3}
	closeSlices(t, "Hazard", h.Hazard, want, survHandTol)
	if got, want := h.Variance[4], 1.0/64+2.0/49+1.0/9; !scalar.EqualWithinAbsOrRel(got, want, survHandTol, survHandTol) {
		t.Errorf("Variance = %v, want %v", got, want)
	}
	if h.At(-1) != 0 || h.At(2.5) != want[1] || h.At(99) != want[4] || !math.IsNaN(h.At(math.NaN())) {
		t.Error("At edge cases")
	}
}

func TestNelsonAalenBadInput(t *testing.T) {
	t.Parallel()
	_, err := NelsonAalen([]float64{1, math.NaN()}, []bool{true, false}, nil)
	assertInputError(t, err, "duration", 1)
	_, err = NelsonAalen([]float64{1, 2}, []bool{true, false}, &SurvOptions{Entry: []float64{0, 3}})
	assertInputError(t, err, "opts.Entry", 1)
}

func TestCumHazardJSONRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := NelsonAalen([]float64{1, 2, 2, 3}, []bool{true, true, false, true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var back CumHazard
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(h, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if h.At(2.5) != back.At(2.5) {
		t.Error("At differs after round trip")
	}
}

func TestCumHazardConcurrentUse(t *testing.T) {
	t.Parallel()
	h, err := NelsonAalen([]float64{1, 2, 2, 3}, []bool{true, true, false, true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := h.At(2)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if h.At(2) != want {
					t.Error("concurrent result differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}
