package segment

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// defaultSilhouetteSample is the number of rows above which [Silhouette]
// works on a random sample: the exact computation is O(n²·d).
const defaultSilhouetteSample = 2000

// SilhouetteOptions configures [Silhouette]. A nil *SilhouetteOptions means
// all defaults; the zero value of each field is its default.
type SilhouetteOptions struct {
	// Sample is the largest number of rows used: with more rows than this,
	// the silhouette is computed on Sample rows drawn without replacement
	// (distances among the sampled rows only, as scikit-learn's
	// silhouette_score with sample_size). 0 means 2000.
	Sample int
	// Seed seeds the PCG source of the sample. Any value is valid.
	Seed uint64
}

// Silhouette returns the mean silhouette width of a clustering (Rousseeuw
// 1987): for row i with mean Euclidean distance a(i) to the other rows of
// its own cluster and smallest mean distance b(i) to the rows of another
// cluster,
//
//	s(i) = (b(i) − a(i)) / max(a(i), b(i)),   s(i) = 0 when i is alone in its cluster
//
// and the result is the mean of s(i), in [−1, 1]: near 1 for compact,
// well-separated clusters, near 0 for overlapping ones. labels gives each
// row's cluster (for example [Clustering].Labels) as any non-negative
// integers.
//
// With n <= opts.Sample rows (2000 by default) the value is exact, in
// O(n²·d) time; otherwise it is computed on a random sample of opts.Sample
// rows chosen with opts.Seed, in O(Sample²·d + n) time.
//
// Silhouette returns an error wrapping [ErrInvalidInput] if x is nil or
// empty or has a NaN or ±Inf element or one beyond ±1e150, if len(labels) differs from the rows
// of x or a label is negative, if opts.Sample is negative or below 2,
// or if the rows used hold fewer than 2 clusters.
func Silhouette(x mat.Matrix, labels []int, opts *SilhouetteOptions) (float64, error) {
	c := checker("Silhouette")
	var o SilhouetteOptions
	if opts != nil {
		o = *opts
	}
	if o.Sample == 0 {
		o.Sample = defaultSilhouetteSample
	}
	if o.Sample < 2 {
		return 0, c.Fail("opts.Sample", -1, strconv.Itoa(o.Sample), "must be ≥ 2")
	}
	data, n, d, err := rowMajorView(c, "x", x, true)
	if err != nil {
		return 0, err
	}
	if err := checkMagnitude(c, "x", data, d); err != nil {
		return 0, err
	}
	if err := c.Len("labels", len(labels), n); err != nil {
		return 0, err
	}
	for i, l := range labels {
		if l < 0 {
			return 0, c.Fail("labels", i, strconv.Itoa(l), "must be ≥ 0")
		}
	}

	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	if n > o.Sample {
		// Partial Fisher-Yates shuffle, then sort for a deterministic,
		// cache-friendly order.
		rng := rand.New(rand.NewPCG(o.Seed, 0))
		for i := range o.Sample {
			j := i + rng.IntN(n-i)
			rows[i], rows[j] = rows[j], rows[i]
		}
		rows = rows[:o.Sample]
		slices.Sort(rows)
	}

	// Relabel the clusters present in the sample as 0..k-1.
	id := map[int]int{}
	lab := make([]int, len(rows))
	for i, r := range rows {
		l, ok := id[labels[r]]
		if !ok {
			l = len(id)
			id[labels[r]] = l
		}
		lab[i] = l
	}
	k := len(id)
	if k < 2 {
		return 0, c.Fail("labels", -1, "", "need at least 2 clusters among the rows used")
	}
	size := make([]int, k)
	for _, l := range lab {
		size[l]++
	}

	sum := make([]float64, k)
	total := 0.0
	for i, ri := range rows {
		clear(sum)
		xi := data[ri*d : (ri+1)*d]
		for j, rj := range rows {
			if j != i {
				sum[lab[j]] += math.Sqrt(sqDist(xi, data[rj*d:(rj+1)*d]))
			}
		}
		own := lab[i]
		if size[own] == 1 {
			continue // s(i) = 0
		}
		a := sum[own] / float64(size[own]-1)
		b := math.Inf(1)
		for l, s := range sum {
			if l != own {
				b = min(b, s/float64(size[l]))
			}
		}
		if m := max(a, b); m > 0 {
			total += (b - a) / m
		}
	}
	return total / float64(len(rows)), nil
}
