package segment

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
)

// Defaults of [KMeansOptions].
const (
	defaultRestarts = 1
	defaultMaxIter  = 100
	defaultTol      = 1e-4
)

// chunkRows is the number of rows in one unit of parallel work. It is fixed,
// so that partial sums are formed and merged the same way for any Workers.
const chunkRows = 4096

// KMeansOptions configures [KMeans]. A nil *KMeansOptions means all
// defaults; the zero value of each field is its default.
type KMeansOptions struct {
	// Seed seeds the PCG source of the k-means++ seeding; restart r uses the
	// stream rand.NewPCG(Seed, r). Any value, including 0, is valid.
	Seed uint64
	// Restarts is the number of independent k-means++ starts; the run with
	// the lowest inertia is kept. 0 means 1, which k-means++ seeding usually
	// makes enough on large data (scikit-learn's n_init="auto" makes the
	// same choice); 3 to 10 restarts cost proportionally more time and guard
	// against a poor local optimum on small or weakly clustered data.
	Restarts int
	// MaxIter bounds the Lloyd iterations of each restart. 0 means 100.
	MaxIter int
	// Tol stops a restart early once the centers move little: when the sum
	// over centers of their squared shift in one iteration is at most Tol
	// times the mean column variance of x (the rule of scikit-learn). An
	// iteration in which no row changes cluster always stops. 0 means 1e-4.
	Tol float64
	// Workers is the number of goroutines for the assignment and seeding
	// passes; 0 or 1 runs sequentially. The result does not depend on it.
	Workers int
}

// Clustering is a k-means partition of customers: k centers in feature
// space and, for the rows it was fitted on, each row's cluster. A
// *Clustering is immutable and safe for concurrent use; it round-trips
// through encoding/json (Labels included, so set Labels to nil before
// persisting a model fitted on millions of rows if only Predict is needed).
type Clustering struct {
	Centers   [][]float64 // k centers, each of the d features
	Size      []int       // number of fitted rows in each cluster; 0 for an empty cluster
	Labels    []int       // cluster of each fitted row, in [0, k)
	Inertia   float64     // Σ over rows of the squared Euclidean distance to their center
	Iter      int         // Lloyd iterations of the kept restart
	Converged bool        // whether the kept restart stopped before MaxIter
	Restart   int         // index of the kept restart, in [0, Restarts)

	// flat holds Centers row-major for Predict; built by KMeans and by
	// UnmarshalJSON.
	flat []float64
	d    int
}

// KMeans partitions the rows of x (one row per customer, d behaviour
// features, usually standardized with [Standardize] first) into k clusters
// that minimize the inertia, the within-cluster sum of squared Euclidean
// distances.
//
// Each restart seeds k centers by k-means++ (Arthur & Vassilvitskii 2007:
// the first center is a uniformly drawn row, each next one a row drawn with
// probability proportional to its squared distance to the nearest center
// chosen so far), then runs Lloyd's algorithm (Lloyd 1982): assign every row
// to its nearest center (ties to the lower index), move every center to the
// mean of its rows, until no row changes cluster, the centers move less than
// opts.Tol allows, or opts.MaxIter iterations. A cluster that loses all its
// rows is refilled with the row farthest from its own center, taken from a
// cluster with more than one row; a cluster stays empty only when every row
// already coincides with its center (x has fewer than k distinct rows). The
// returned labels, sizes and inertia always belong to the returned centers.
//
// The result depends only on x, k and opts other than Workers: randomness
// comes from opts.Seed, and the rows are processed in fixed chunks whose
// partial sums are merged in order, so every Workers value gives the same
// bits.
//
// KMeans returns an error wrapping [ErrInvalidInput] if x is nil or empty or
// has a NaN or ±Inf element or one beyond ±1e150 (where squared distances
// overflow; standardize such features first), if k < 1 or k > n, or if an option is negative
// (or Tol is NaN). If the kept restart reached MaxIter it returns the model
// and an error wrapping [ErrNotConverged]; on ErrNotConverged the returned
// model is non-nil, for inspection and use. Each iteration costs O(n·k·d),
// spread over opts.Workers goroutines.
func KMeans(x mat.Matrix, k int, opts *KMeansOptions) (*Clustering, error) {
	return kmeans(x, k, opts, chunkRows)
}

// kmeans is KMeans with the chunk size as a parameter, so that tests can
// exercise the chunked merge on small inputs.
func kmeans(x mat.Matrix, k int, opts *KMeansOptions, chunk int) (*Clustering, error) {
	c := checker("KMeans")
	var o KMeansOptions
	if opts != nil {
		o = *opts
	}
	if err := o.validate(c); err != nil {
		return nil, err
	}
	data, n, d, err := rowMajorView(c, "x", x, true)
	if err != nil {
		return nil, err
	}
	if err := checkMagnitude(c, "x", data, d); err != nil {
		return nil, err
	}
	if k < 1 || k > n {
		return nil, c.Fail("k", -1, strconv.Itoa(k), "must be in [1, "+strconv.Itoa(n)+"] (the number of rows)")
	}

	// Absolute tolerance: Tol times the mean column variance.
	mean := make([]float64, d)
	for i := range n {
		for j, v := range data[i*d : (i+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	meanVar := 0.0
	for i := range n {
		meanVar += sqDist(data[i*d:(i+1)*d], mean)
	}
	meanVar /= float64(n * d)

	km := newKMeansState(data, n, d, k, o.Workers, chunk)
	var best *Clustering
	for r := range o.Restarts {
		rng := rand.New(rand.NewPCG(o.Seed, uint64(r)))
		km.seed(rng)
		iter, converged := km.lloyd(o.MaxIter, o.Tol*meanVar)
		if best == nil || km.inertia < best.Inertia {
			best = km.result(iter, converged, r)
		}
	}
	if !best.Converged {
		return best, &notConvergedError{iter: best.Iter}
	}
	return best, nil
}

func (o *KMeansOptions) validate(c check.Checker) error {
	if o.Restarts < 0 {
		return c.Fail("opts.Restarts", -1, strconv.Itoa(o.Restarts), "must be ≥ 0")
	}
	if o.MaxIter < 0 {
		return c.Fail("opts.MaxIter", -1, strconv.Itoa(o.MaxIter), "must be ≥ 0")
	}
	if math.IsNaN(o.Tol) || math.IsInf(o.Tol, 0) || o.Tol < 0 {
		return c.Fail("opts.Tol", -1, check.Float(o.Tol), "must be finite and ≥ 0")
	}
	if o.Workers < 0 {
		return c.Fail("opts.Workers", -1, strconv.Itoa(o.Workers), "must be ≥ 0")
	}
	if o.Restarts == 0 {
		o.Restarts = defaultRestarts
	}
	if o.MaxIter == 0 {
		o.MaxIter = defaultMaxIter
	}
	if o.Tol == 0 {
		o.Tol = defaultTol
	}
	return nil
}

// notConvergedError wraps ErrNotConverged with the iteration count.
type notConvergedError struct{ iter int }

func (e *notConvergedError) Error() string {
	return "segment: KMeans: not converged after " + strconv.Itoa(e.iter) + " iterations"
}

func (e *notConvergedError) Unwrap() error { return ErrNotConverged }

// kmeansState is the working memory of one KMeans call, reused across
// restarts.
type kmeansState struct {
	data          []float64
	n, d, k       int
	workers       int
	chunk, chunks int       // rows per chunk, number of chunks
	centers, next []float64 // k·d
	labels        []int
	dist          []float64 // squared distance of each row to its center
	// Per-chunk partial results, merged in chunk order.
	partSums   []float64 // chunks·k·d
	partCounts []int     // chunks·k
	partDist   []float64 // chunks: Σ dist
	partChange []int     // chunks: rows that changed cluster
	sums       []float64 // k·d
	counts     []int     // k
	inertia    float64
}

func newKMeansState(data []float64, n, d, k, workers, chunk int) *kmeansState {
	chunks := (n + chunk - 1) / chunk
	return &kmeansState{
		data: data, n: n, d: d, k: k, workers: workers, chunk: chunk, chunks: chunks,
		centers:    make([]float64, k*d),
		next:       make([]float64, k*d),
		labels:     make([]int, n),
		dist:       make([]float64, n),
		partSums:   make([]float64, chunks*k*d),
		partCounts: make([]int, chunks*k),
		partDist:   make([]float64, chunks),
		partChange: make([]int, chunks),
		sums:       make([]float64, k*d),
		counts:     make([]int, k),
	}
}

// forChunks calls fn for every chunk, on up to s.workers goroutines.
func (s *kmeansState) forChunks(fn func(ch, lo, hi int)) {
	run := func(ch int) {
		lo := ch * s.chunk
		fn(ch, lo, min(lo+s.chunk, s.n))
	}
	w := min(s.workers, s.chunks)
	if w <= 1 {
		for ch := range s.chunks {
			run(ch)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ch := int(next.Add(1)) - 1
				if ch >= s.chunks {
					return
				}
				run(ch)
			}
		}()
	}
	wg.Wait()
}

func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, v := range a {
		e := v - b[i]
		s += e * e
	}
	return s
}

// seed chooses the initial centers by k-means++ (Arthur & Vassilvitskii
// 2007, Sec. 2.2), using s.dist for the squared distance to the nearest
// chosen center.
func (s *kmeansState) seed(rng *rand.Rand) {
	d := s.d
	first := rng.IntN(s.n)
	copy(s.centers[:d], s.data[first*d:(first+1)*d])
	s.forChunks(func(ch, lo, hi int) {
		c := s.centers[:d]
		sum := 0.0
		for i := lo; i < hi; i++ {
			s.dist[i] = sqDist(s.data[i*d:(i+1)*d], c)
			sum += s.dist[i]
		}
		s.partDist[ch] = sum
	})
	for j := 1; j < s.k; j++ {
		total := 0.0
		for _, v := range s.partDist {
			total += v
		}
		pick := -1
		if total > 0 {
			u := rng.Float64() * total
			pick = s.sample(u)
		}
		if pick < 0 {
			// Every row coincides with a chosen center: any row will do.
			pick = rng.IntN(s.n)
		}
		c := s.centers[j*d : (j+1)*d]
		copy(c, s.data[pick*d:(pick+1)*d])
		s.forChunks(func(ch, lo, hi int) {
			sum := 0.0
			for i := lo; i < hi; i++ {
				if v := sqDist(s.data[i*d:(i+1)*d], c); v < s.dist[i] {
					s.dist[i] = v
				}
				sum += s.dist[i]
			}
			s.partDist[ch] = sum
		})
	}
}

// sample returns the row at which the running sum of s.dist, taken chunk
// by chunk, first exceeds u; where rounding leaves u beyond the rows it
// returns the last row with a positive distance (-1 if there is none).
func (s *kmeansState) sample(u float64) int {
	last := -1
	for ch, part := range s.partDist {
		lo := ch * s.chunk
		hi := min(lo+s.chunk, s.n)
		if part > 0 {
			for i := hi - 1; i >= lo; i-- {
				if s.dist[i] > 0 {
					last = i
					break
				}
			}
		}
		if u >= part {
			u -= part
			continue
		}
		for i := lo; i < hi; i++ {
			if u < s.dist[i] {
				return i
			}
			u -= s.dist[i]
		}
		// Rounding left u just past this chunk's rows: take its last row
		// with a positive distance, never a row that is already a center.
		return last
	}
	return last
}

// assign labels every row with its nearest center, records its squared
// distance, and forms the cluster sums and counts and the inertia. It
// returns the number of rows whose label changed.
func (s *kmeansState) assign() int {
	d, k := s.d, s.k
	s.forChunks(func(ch, lo, hi int) {
		sums := s.partSums[ch*k*d : (ch+1)*k*d]
		counts := s.partCounts[ch*k : (ch+1)*k]
		clear(sums)
		clear(counts)
		total, changed := 0.0, 0
		for i := lo; i < hi; i++ {
			x := s.data[i*d : (i+1)*d]
			best, bestD := 0, math.Inf(1)
			for j := range k {
				if v := sqDist(x, s.centers[j*d:(j+1)*d]); v < bestD {
					best, bestD = j, v
				}
			}
			if s.labels[i] != best {
				s.labels[i] = best
				changed++
			}
			s.dist[i] = bestD
			total += bestD
			counts[best]++
			acc := sums[best*d : (best+1)*d]
			for t, v := range x {
				acc[t] += v
			}
		}
		s.partDist[ch] = total
		s.partChange[ch] = changed
	})
	clear(s.sums)
	clear(s.counts)
	s.inertia = 0
	changed := 0
	for ch := range s.chunks {
		for t, v := range s.partSums[ch*k*d : (ch+1)*k*d] {
			s.sums[t] += v
		}
		for j, v := range s.partCounts[ch*k : (ch+1)*k] {
			s.counts[j] += v
		}
		s.inertia += s.partDist[ch]
		changed += s.partChange[ch]
	}
	return changed
}

// refillEmpty gives every empty cluster the row farthest from its center
// among clusters with more than one row (ties to the lower row index).
// It reports whether any row moved.
func (s *kmeansState) refillEmpty() bool {
	d := s.d
	moved := false
	for j := range s.k {
		if s.counts[j] > 0 {
			continue
		}
		far, farD := -1, 0.0
		for i, v := range s.dist {
			if v > farD && s.counts[s.labels[i]] > 1 {
				far, farD = i, v
			}
		}
		if far < 0 {
			continue // every row sits on its center
		}
		old := s.labels[far]
		x := s.data[far*d : (far+1)*d]
		for t, v := range x {
			s.sums[old*d+t] -= v
			s.sums[j*d+t] = v
		}
		s.counts[old]--
		s.counts[j] = 1
		s.labels[far] = j
		s.inertia -= s.dist[far]
		s.dist[far] = 0
		moved = true
	}
	return moved
}

// lloyd runs Lloyd iterations from s.centers. On return, s.labels, s.dist,
// s.counts and s.inertia belong to s.centers.
func (s *kmeansState) lloyd(maxIter int, tol float64) (iter int, converged bool) {
	for i := range s.labels {
		s.labels[i] = -1
	}
	d := s.d
	stop := false
	for {
		changed := s.assign()
		if stop || (changed == 0 && iter > 0) {
			return iter, true
		}
		if iter == maxIter {
			return iter, false
		}
		iter++
		s.refillEmpty()
		shift := 0.0
		for j := range s.k {
			c, nc := s.centers[j*d:(j+1)*d], s.next[j*d:(j+1)*d]
			if s.counts[j] == 0 {
				copy(nc, c)
				continue
			}
			inv := 1 / float64(s.counts[j])
			for t := range nc {
				nc[t] = s.sums[j*d+t] * inv
				e := nc[t] - c[t]
				shift += e * e
			}
		}
		s.centers, s.next = s.next, s.centers
		stop = shift <= tol
	}
}

func (s *kmeansState) result(iter int, converged bool, restart int) *Clustering {
	m := &Clustering{
		Centers:   make([][]float64, s.k),
		Size:      append([]int(nil), s.counts...),
		Labels:    append([]int(nil), s.labels...),
		Inertia:   s.inertia,
		Iter:      iter,
		Converged: converged,
		Restart:   restart,
		flat:      append([]float64(nil), s.centers...),
		d:         s.d,
	}
	for j := range m.Centers {
		m.Centers[j] = m.flat[j*s.d : (j+1)*s.d : (j+1)*s.d]
	}
	return m
}

// Predict returns the index of the center nearest to x (squared Euclidean
// distance, ties to the lower index): the cluster of a new customer whose
// features are on the scale the model was fitted on (see
// [Standardizer.Transform]). It returns -1 when len(x) differs from the
// number of features or x holds a NaN. Predict does not allocate.
func (m *Clustering) Predict(x []float64) int {
	if m == nil || m.d == 0 || len(x) != m.d {
		return -1
	}
	best, bestD := -1, math.Inf(1)
	for j := 0; j*m.d < len(m.flat); j++ {
		if v := sqDist(x, m.flat[j*m.d:(j+1)*m.d]); v < bestD {
			best, bestD = j, v
		}
	}
	if math.IsNaN(bestD) || best < 0 {
		return -1
	}
	return best
}

// K returns the number of clusters.
func (m *Clustering) K() int { return len(m.Centers) }

// UnmarshalJSON decodes a Clustering written by encoding/json, checks that
// the centers form a non-empty k × d table of finite numbers, and builds the
// lookup state Predict uses. Bad data is an error wrapping
// [ErrInvalidInput].
func (m *Clustering) UnmarshalJSON(b []byte) error {
	type plain Clustering
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	c := checker("Clustering.UnmarshalJSON")
	if len(p.Centers) == 0 || len(p.Centers[0]) == 0 {
		return c.Fail("Centers", -1, "", "must not be empty")
	}
	d := len(p.Centers[0])
	flat := make([]float64, 0, len(p.Centers)*d)
	for j, row := range p.Centers {
		if len(row) != d {
			return c.Fail("Centers", j, "", "length "+strconv.Itoa(len(row))+", want "+strconv.Itoa(d))
		}
		if err := c.Finite("Centers", row); err != nil {
			return c.Fail("Centers", j, "", "must be finite")
		}
		flat = append(flat, row...)
	}
	*m = Clustering(p)
	m.flat, m.d = flat, d
	return nil
}
