package segment

import (
	"math"
	"strconv"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
)

// Standardizer holds the column means and standard deviations that
// [Standardize] used, so that new customers can be put on the same scale:
//
//	z = (x − Mean[j]) / SD[j]
//
// A column whose SD is 0 (constant in the fitting data) is only centred.
// A *Standardizer is immutable and safe for concurrent use; it round-trips
// through encoding/json.
type Standardizer struct {
	Mean []float64 // column means
	SD   []float64 // column sample standard deviations (divisor n−1; 0 when n = 1), ≥ 0
}

// Standardize returns the z-scores of the columns of x (one row per
// customer, one column per behaviour feature) and the [Standardizer] that
// produced them. Means and sample standard deviations (divisor n−1, as R's
// scale) are computed in two passes for accuracy. Features on very different
// scales (balance in currency units, transaction counts) should be
// standardized before [KMeans], which otherwise weighs them by their units.
//
// Standardize returns an error wrapping [ErrInvalidInput] if x is nil or
// empty or has a NaN or ±Inf element, or if a column's sum or sum of
// squares overflows float64. It runs in O(n·d) time.
func Standardize(x mat.Matrix) (*mat.Dense, *Standardizer, error) {
	data, n, d, err := rowMajor(checker("Standardize"), "x", x)
	if err != nil {
		return nil, nil, err
	}
	s := &Standardizer{Mean: make([]float64, d), SD: make([]float64, d)}
	for i := range n {
		for j, v := range data[i*d : (i+1)*d] {
			s.Mean[j] += v
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(n)
	}
	if n > 1 {
		for i := range n {
			for j, v := range data[i*d : (i+1)*d] {
				e := v - s.Mean[j]
				s.SD[j] += e * e
			}
		}
		for j := range s.SD {
			s.SD[j] = math.Sqrt(s.SD[j] / float64(n-1))
		}
	}
	for j := range d {
		if math.IsInf(s.Mean[j], 0) || math.IsNaN(s.SD[j]) || math.IsInf(s.SD[j], 0) {
			return nil, nil, checker("Standardize").Fail("x", -1, "", "column "+strconv.Itoa(j)+": values too large to standardize (the sum of squares overflows)")
		}
	}
	s.apply(data, d)
	return mat.NewDense(n, d, data), s, nil
}

func (s *Standardizer) apply(data []float64, d int) {
	for i := 0; i < len(data); i += d {
		row := data[i : i+d]
		for j := range row {
			row[j] -= s.Mean[j]
			if s.SD[j] > 0 {
				row[j] /= s.SD[j]
			}
		}
	}
}

// validate checks the persisted state, which may come from JSON.
func (s *Standardizer) validate(c check.Checker, cols int) error {
	if s == nil {
		return c.Fail("s", -1, "", "must not be nil")
	}
	if err := c.Len("s.SD", len(s.SD), len(s.Mean)); err != nil {
		return err
	}
	if err := c.Finite("s.Mean", s.Mean); err != nil {
		return err
	}
	if err := c.NonNegative("s.SD", s.SD); err != nil {
		return err
	}
	if cols != len(s.Mean) {
		return c.Fail("x", -1, "", strconv.Itoa(cols)+" columns, want "+strconv.Itoa(len(s.Mean)))
	}
	return nil
}

// Transform returns the z-scores of the rows of x (new customers) with the
// means and deviations of s. It returns an error wrapping [ErrInvalidInput]
// if x is nil or empty, has a number of columns other than len(s.Mean), or
// has a NaN or ±Inf element or one whose z-score overflows, or if s is inconsistent (lengths differ, a
// negative or non-finite SD). It runs in O(n·d) time.
func (s *Standardizer) Transform(x mat.Matrix) (*mat.Dense, error) {
	c := checker("Standardizer.Transform")
	data, n, d, err := rowMajor(c, "x", x)
	if err != nil {
		return nil, err
	}
	if err := s.validate(c, d); err != nil {
		return nil, err
	}
	s.apply(data, d)
	if err := finiteResult(c, "x", data, d); err != nil {
		return nil, err
	}
	return mat.NewDense(n, d, data), nil
}

// Inverse maps z-scores back to the original units, x = Mean + SD·z (Mean +
// z for a column with SD 0); use it to read [Clustering] centers as
// balances and counts. Its errors are those of [Standardizer.Transform].
func (s *Standardizer) Inverse(z mat.Matrix) (*mat.Dense, error) {
	c := checker("Standardizer.Inverse")
	data, n, d, err := rowMajor(c, "z", z)
	if err != nil {
		return nil, err
	}
	if err := s.validate(c, d); err != nil {
		return nil, err
	}
	for i := 0; i < len(data); i += d {
		row := data[i : i+d]
		for j := range row {
			if s.SD[j] > 0 {
				row[j] *= s.SD[j]
			}
			row[j] += s.Mean[j]
		}
	}
	if err := finiteResult(c, "z", data, d); err != nil {
		return nil, err
	}
	return mat.NewDense(n, d, data), nil
}

// finiteResult reports the first row whose transformed value overflowed.
func finiteResult(c check.Checker, field string, data []float64, d int) error {
	for i, v := range data {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return c.Fail(field, i/d, "", "column "+strconv.Itoa(i%d)+": result overflows")
		}
	}
	return nil
}
