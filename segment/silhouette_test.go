package segment

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/mat"
)

func TestSilhouetteHandComputed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		x      []float64 // one feature
		labels []int
		want   float64
	}{
		{
			// Points 0, 1 | 10, 11. For 0: a = 1, b = (10+11)/2 = 10.5;
			// for 1: a = 1, b = (9+10)/2 = 9.5; 10 and 11 mirror them.
			name:   "two pairs",
			x:      []float64{0, 1, 10, 11},
			labels: []int{0, 0, 1, 1},
			want:   1 - (1/10.5+1/9.5)/2,
		},
		{
			// Points 0, 2 | 3. For 0: a = 2, b = 3, s = 1/3; for 2: a = 2,
			// b = 1, s = −1/2; 3 is alone, s = 0.
			name:   "singleton cluster",
			x:      []float64{0, 2, 3},
			labels: []int{4, 4, 1},
			want:   (1.0/3 - 0.5) / 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := mat.NewDense(len(tc.x), 1, slices.Clone(tc.x))
			labels := slices.Clone(tc.labels)
			got, err := Silhouette(x, labels, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(got, tc.want, closedFormTol) {
				t.Errorf("Silhouette = %.17g, want %.17g", got, tc.want)
			}
			if diff := cmp.Diff(tc.labels, labels); diff != "" {
				t.Errorf("labels modified:\n%s", diff)
			}
		})
	}
}

func TestSilhouetteSampled(t *testing.T) {
	t.Parallel()
	x := blobs(3000, 2, 3, 11)
	m, err := KMeans(x, 3, &KMeansOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	exact, err := Silhouette(x, m.Labels, &SilhouetteOptions{Sample: 3000})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := Silhouette(x, m.Labels, &SilhouetteOptions{Sample: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s1again, _ := Silhouette(x, m.Labels, &SilhouetteOptions{Sample: 500, Seed: 1})
	if s1 != s1again {
		t.Errorf("same seed, different result: %v, %v", s1, s1again)
	}
	// A sample of 500 estimates the mean of s(i), whose spread here is
	// below 0.1, to within a few hundredths.
	const sampleTol = 0.03
	if math.Abs(s1-exact) > sampleTol {
		t.Errorf("sampled %v, exact %v", s1, exact)
	}
	if exact < 0.8 {
		t.Errorf("well-separated blobs: silhouette %v, want > 0.8", exact)
	}
}

func TestSilhouetteErrors(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(3, 1, []float64{1, 2, 3})
	tests := []struct {
		name   string
		labels []int
		opts   *SilhouetteOptions
		field  string
		index  int
	}{
		{"lengths", []int{0, 1}, nil, "labels", -1},
		{"negative label", []int{0, -1, 1}, nil, "labels", 1},
		{"one cluster", []int{2, 2, 2}, nil, "labels", -1},
		{"sample 1", []int{0, 1, 1}, &SilhouetteOptions{Sample: 1}, "opts.Sample", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Silhouette(x, tc.labels, tc.opts)
			wantInputError(t, err, tc.field, tc.index)
		})
	}
}
