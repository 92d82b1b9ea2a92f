package segment

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/mat"
)

// blobs returns n rows of d features around k well-separated centers
// (center j at 10·j on every axis, unit noise), with a fixed seed.
func blobs(n, d, k int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, d, nil)
	for i := range n {
		j := i % k
		for t := range d {
			x.Set(i, t, 10*float64(j)+rng.NormFloat64())
		}
	}
	return x
}

var ignoreUnexported = cmpopts.IgnoreUnexported(Clustering{})

func TestKMeansClosedForm(t *testing.T) {
	t.Parallel()
	// Three groups far apart; the optimal partition is the groups, the
	// centers are the group means and the inertia the within-group sums of
	// squares, computed by hand:
	//   A: (0,0) (0,2) (2,0) (2,2), mean (1,1), SS 4·2 = 8
	//   B: (100,100) (101,100),     mean (100.5,100), SS 2·0.25 = 0.5
	//   C: (-50,30),                mean (-50,30), SS 0
	x := mat.NewDense(7, 2, []float64{
		0, 0, 100, 100, 0, 2, -50, 30, 2, 0, 101, 100, 2, 2,
	})
	orig := mat.DenseCopyOf(x)
	m, err := KMeans(x, 3, &KMeansOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(orig, x) {
		t.Error("KMeans modified x")
	}
	if !relClose(m.Inertia, 8.5, closedFormTol) {
		t.Errorf("Inertia = %v, want 8.5", m.Inertia)
	}
	group := []int{0, 1, 0, 2, 0, 1, 0}
	wantCenter := [][]float64{{1, 1}, {100.5, 100}, {-50, 30}}
	wantSize := []int{4, 2, 1}
	for i, g := range group {
		l := m.Labels[i]
		if l != m.Labels[indexOf(group, g)] {
			t.Fatalf("rows of group %d split: labels %v", g, m.Labels)
		}
		if diff := cmp.Diff(wantCenter[g], m.Centers[l], cmpopts.EquateApprox(closedFormTol, 1e-12)); diff != "" {
			t.Errorf("center of group %d (-want +got):\n%s", g, diff)
		}
		if m.Size[l] != wantSize[g] {
			t.Errorf("size of group %d = %d, want %d", g, m.Size[l], wantSize[g])
		}
	}
	if !m.Converged {
		t.Error("not converged")
	}
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestKMeansWorkersIdentical(t *testing.T) {
	t.Parallel()
	// Several chunks, overlapping clusters so that Lloyd takes a few
	// iterations.
	x := blobs(3*chunkRows+123, 3, 5, 2)
	for i := range 3*chunkRows + 123 {
		x.Set(i, 0, x.At(i, 0)*0.3)
	}
	want, err := KMeans(x, 6, &KMeansOptions{Seed: 9, Restarts: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 8} {
		got, err := KMeans(x, 6, &KMeansOptions{Seed: 9, Restarts: 2, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, ignoreUnexported); diff != "" {
			t.Errorf("Workers=%d differs from sequential (-want +got):\n%s", w, diff)
		}
	}
}

func TestKMeansRestartsKeepBest(t *testing.T) {
	t.Parallel()
	x := blobs(600, 2, 6, 3)
	single := make([]float64, 5)
	for r := range single {
		// Restart r of a multi-restart run uses stream r, as a one-restart
		// run cannot: reproduce it through the internal state.
		data, n, d, _ := rowMajor(checker("test"), "x", x)
		s := newKMeansState(data, n, d, 6, 1, chunkRows)
		s.seed(rand.New(rand.NewPCG(4, uint64(r))))
		s.lloyd(defaultMaxIter, 0)
		single[r] = s.inertia
	}
	m, err := KMeans(x, 6, &KMeansOptions{Seed: 4, Restarts: 5, Tol: 1e-300})
	if err != nil {
		t.Fatal(err)
	}
	best := math.Inf(1)
	for _, v := range single {
		best = min(best, v)
	}
	if m.Inertia != best || single[m.Restart] != best {
		t.Errorf("kept inertia %v (restart %d), restarts gave %v", m.Inertia, m.Restart, single)
	}
}

func TestKMeansEmptyClusterRefilled(t *testing.T) {
	t.Parallel()
	// Start Lloyd with one center far from every row: it gets no rows on
	// the first assignment and must take the row farthest from its center,
	// here the outlier at 50.
	x := mat.NewDense(6, 1, []float64{0, 1, 2, 10, 11, 50})
	data, n, d, _ := rowMajor(checker("test"), "x", x)
	s := newKMeansState(data, n, d, 3, 1, chunkRows)
	copy(s.centers, []float64{1, 10.5, 1e6})
	iter, converged := s.lloyd(100, 0)
	if !converged {
		t.Fatalf("not converged after %d", iter)
	}
	wantLabels := []int{0, 0, 0, 1, 1, 2}
	if diff := cmp.Diff(wantLabels, s.labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1, 10.5, 50}, s.centers); diff != "" {
		t.Errorf("centers (-want +got):\n%s", diff)
	}
	// Hand-computed inertia: 1+0+1 + 0.25+0.25 + 0.
	if !relClose(s.inertia, 2.5, closedFormTol) {
		t.Errorf("inertia = %v, want 2.5", s.inertia)
	}
}

func TestKMeansFewerDistinctRowsThanK(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(5, 2, []float64{1, 1, 1, 1, 3, 3, 3, 3, 1, 1})
	m, err := KMeans(x, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Inertia != 0 {
		t.Errorf("Inertia = %v, want 0", m.Inertia)
	}
	sizes := append([]int(nil), m.Size...)
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total != 5 {
		t.Errorf("sizes %v do not add up to 5", sizes)
	}
}

func TestKMeansNotConverged(t *testing.T) {
	t.Parallel()
	x := blobs(2000, 2, 4, 5)
	m, err := KMeans(x, 12, &KMeansOptions{MaxIter: 1, Restarts: 1, Tol: 1e-300})
	if !errors.Is(err, ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	if m == nil || m.Converged || m.Iter != 1 {
		t.Fatalf("model %+v", m)
	}
	// The labels and inertia still belong to the returned centers.
	sum := 0.0
	for i, l := range m.Labels {
		row := x.RawRowView(i)
		if p := m.Predict(row); p != l {
			t.Fatalf("row %d: label %d, nearest center %d", i, l, p)
		}
		sum += sqDist(row, m.Centers[l])
	}
	if !relClose(m.Inertia, sum, 1e-12) {
		t.Errorf("Inertia = %v, recomputed %v", m.Inertia, sum)
	}
}

func TestKMeansErrors(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	bad := mat.NewDense(3, 2, []float64{1, 2, 3, math.NaN(), 5, 6})
	tests := []struct {
		name  string
		x     mat.Matrix
		k     int
		opts  *KMeansOptions
		field string
		index int
	}{
		{"nil x", nil, 1, nil, "x", -1},
		{"NaN", bad, 2, nil, "x", 1},
		{"huge", mat.NewDense(2, 1, []float64{1, -1e200}), 1, nil, "x", 1},
		{"k < 1", x, 0, nil, "k", -1},
		{"k > n", x, 4, nil, "k", -1},
		{"negative restarts", x, 2, &KMeansOptions{Restarts: -1}, "opts.Restarts", -1},
		{"negative MaxIter", x, 2, &KMeansOptions{MaxIter: -1}, "opts.MaxIter", -1},
		{"NaN Tol", x, 2, &KMeansOptions{Tol: math.NaN()}, "opts.Tol", -1},
		{"negative workers", x, 2, &KMeansOptions{Workers: -2}, "opts.Workers", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := KMeans(tc.x, tc.k, tc.opts)
			wantInputError(t, err, tc.field, tc.index)
		})
	}
}

func TestClusteringPredict(t *testing.T) {
	// Not parallel: AllocsPerRun.
	x := blobs(300, 2, 3, 6)
	m, err := KMeans(x, 3, &KMeansOptions{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range m.Labels {
		if p := m.Predict(x.RawRowView(i)); p != l {
			t.Fatalf("row %d: Predict %d, label %d", i, p, l)
		}
	}
	for _, bad := range [][]float64{nil, {1}, {1, 2, 3}, {math.NaN(), 0}} {
		if p := m.Predict(bad); p != -1 {
			t.Errorf("Predict(%v) = %d, want -1", bad, p)
		}
	}
	if p := (*Clustering)(nil).Predict([]float64{1, 2}); p != -1 {
		t.Errorf("nil model Predict = %d", p)
	}
	if got := testing.AllocsPerRun(100, func() { m.Predict([]float64{5, 5}) }); got != 0 {
		t.Errorf("Predict allocates %v times", got)
	}
}

func TestClusteringJSONRoundTrip(t *testing.T) {
	t.Parallel()
	x := blobs(400, 3, 4, 7)
	m, err := KMeans(x, 4, &KMeansOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Clustering
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &back, ignoreUnexported); diff != "" {
		t.Errorf("round trip (-before +after):\n%s", diff)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 1000 {
		p := []float64{40 * rng.Float64(), 40 * rng.Float64(), 40 * rng.Float64()}
		if a, b := m.Predict(p), back.Predict(p); a != b {
			t.Fatalf("Predict(%v) = %d before, %d after", p, a, b)
		}
	}
	for _, bad := range []string{
		`{"Centers":[]}`,
		`{"Centers":[[1,2],[3]]}`,
	} {
		var c Clustering
		if err := json.Unmarshal([]byte(bad), &c); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Unmarshal(%s) = %v, want ErrInvalidInput", bad, err)
		}
	}
}

func TestClusteringConcurrentUse(t *testing.T) {
	t.Parallel()
	x := blobs(500, 2, 5, 8)
	m, err := KMeans(x, 5, &KMeansOptions{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 500; i += 8 {
				if m.Predict(x.RawRowView(i)) != m.Labels[i] {
					errs <- "mismatch"
					return
				}
			}
			if _, err := json.Marshal(m); err != nil {
				errs <- err.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestKMeansMatrixKinds(t *testing.T) {
	t.Parallel()
	// The same 300 × 2 data as a contiguous Dense, as a column slice of a
	// wider Dense (stride 3), and through the generic mat.Matrix interface
	// (a transpose of the transpose).
	wide := blobs(300, 3, 3, 12)
	view := wide.Slice(0, 300, 0, 2).(*mat.Dense)
	contiguous := mat.DenseCopyOf(view)
	var tt mat.Dense
	tt.CloneFrom(contiguous.T())
	generic := tt.T()
	opts := &KMeansOptions{Seed: 4, Restarts: 2}
	want, err := KMeans(contiguous, 3, opts)
	if err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]mat.Matrix{"strided": view, "generic": generic} {
		got, err := KMeans(x, 3, opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, ignoreUnexported); diff != "" {
			t.Errorf("%s matrix gives a different clustering (-contiguous +%s):\n%s", name, name, diff)
		}
		s1, _ := Silhouette(contiguous, want.Labels, nil)
		s2, _ := Silhouette(x, want.Labels, nil)
		if s1 != s2 {
			t.Errorf("%s: silhouette %v, contiguous %v", name, s2, s1)
		}
	}
}

func TestKMeansSeedSample(t *testing.T) {
	t.Parallel()
	// Two chunks of 3 rows; rows 1 and 4 are the only ones away from the
	// chosen centers. partDist[0] is a hair above the true chunk sum, as
	// rounding can leave it.
	s := &kmeansState{n: 5, chunk: 3, chunks: 2,
		dist:     []float64{0, 2, 0, 0, 3},
		partDist: []float64{2 + 1e-9, 3},
	}
	tests := []struct {
		u    float64
		want int
	}{
		{0, 1},
		{1.9, 1},
		{2 + 5e-10, 1}, // past the rows of chunk 0 by rounding: its last positive row
		{2 + 2e-9, 4},
		{5, 4}, // beyond the total
	}
	for _, tc := range tests {
		if got := s.sample(tc.u); got != tc.want {
			t.Errorf("sample(%v) = %d, want %d", tc.u, got, tc.want)
		}
	}
	zero := &kmeansState{n: 2, chunk: 3, chunks: 1, dist: []float64{0, 0}, partDist: []float64{0}}
	if got := zero.sample(0); got != -1 {
		t.Errorf("sample with all distances 0 = %d, want -1", got)
	}
}
