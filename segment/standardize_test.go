package segment

import (
	"encoding/json"
	"math"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/mat"
)

func TestStandardize(t *testing.T) {
	t.Parallel()
	// Hand-computed: column 0 is 1, 2, 3, 4 (mean 2.5, sample variance 5/3);
	// column 1 is constant 7 (SD 0: only centred).
	x := mat.NewDense(4, 2, []float64{1, 7, 2, 7, 3, 7, 4, 7})
	orig := mat.DenseCopyOf(x)
	z, s, err := Standardize(x)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(orig, x) {
		t.Error("Standardize modified x")
	}
	sd := math.Sqrt(5.0 / 3)
	opt := cmpopts.EquateApprox(closedFormTol, 1e-15)
	if diff := cmp.Diff(&Standardizer{Mean: []float64{2.5, 7}, SD: []float64{sd, 0}}, s, opt); diff != "" {
		t.Errorf("Standardizer (-want +got):\n%s", diff)
	}
	want := []float64{-1.5 / sd, 0, -0.5 / sd, 0, 0.5 / sd, 0, 1.5 / sd, 0}
	if diff := cmp.Diff(want, z.RawMatrix().Data, opt); diff != "" {
		t.Errorf("z (-want +got):\n%s", diff)
	}
	// New customers are scaled the same way, and Inverse undoes it.
	nx := mat.NewDense(2, 2, []float64{2.5, 7, 2.5 + sd, 9})
	nz, err := s.Transform(nx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{0, 0, 1, 2}, nz.RawMatrix().Data, opt); diff != "" {
		t.Errorf("Transform (-want +got):\n%s", diff)
	}
	back, err := s.Inverse(nz)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(back, nx, 1e-12) {
		t.Errorf("Inverse = %v, want %v", mat.Formatted(back), mat.Formatted(nx))
	}
}

func TestStandardizeErrors(t *testing.T) {
	t.Parallel()
	_, _, err := Standardize(mat.NewDense(2, 2, []float64{1, 2, math.Inf(1), 3}))
	wantInputError(t, err, "x", 1)
	_, _, err = Standardize(mat.NewDense(2, 1, []float64{math.MaxFloat64, math.MaxFloat64}))
	wantInputError(t, err, "x", -1)
	_, _, err = Standardize(nil)
	wantInputError(t, err, "x", -1)
	s := &Standardizer{Mean: []float64{0, 0}, SD: []float64{1, 1}}
	_, err = s.Transform(mat.NewDense(1, 3, nil))
	wantInputError(t, err, "x", -1)
	tiny := &Standardizer{Mean: []float64{0, 0}, SD: []float64{1e-300, 1}}
	_, err = tiny.Transform(mat.NewDense(2, 2, []float64{0, 0, 1e10, 0}))
	wantInputError(t, err, "x", 1)
	bad := &Standardizer{Mean: []float64{0, 0}, SD: []float64{1, -1}}
	_, err = bad.Transform(mat.NewDense(1, 2, nil))
	wantInputError(t, err, "s.SD", 1)
	short := &Standardizer{Mean: []float64{0, 0}, SD: []float64{1}}
	_, err = short.Inverse(mat.NewDense(1, 2, nil))
	wantInputError(t, err, "s.SD", -1)
}

func TestStandardizerJSONRoundTrip(t *testing.T) {
	t.Parallel()
	_, s, err := Standardize(blobs(100, 3, 2, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Standardizer
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	x := blobs(10, 3, 2, 2)
	z1, err1 := s.Transform(x)
	z2, err2 := back.Transform(x)
	if err1 != nil || err2 != nil || !mat.Equal(z1, z2) {
		t.Errorf("Transform differs after JSON round trip: %v %v", err1, err2)
	}
}

func TestStandardizerConcurrentUse(t *testing.T) {
	t.Parallel()
	_, s, err := Standardize(blobs(100, 3, 2, 1))
	if err != nil {
		t.Fatal(err)
	}
	x := blobs(50, 3, 2, 3)
	want, _ := s.Transform(x)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			z, err := s.Transform(x)
			if err != nil || !mat.Equal(z, want) {
				t.Error("concurrent Transform differs")
			}
			if _, err := s.Inverse(z); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
