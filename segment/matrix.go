package segment

import (
	"math"
	"strconv"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
)

// maxAbsFeature bounds the features of KMeans and Silhouette: beyond it a
// squared Euclidean distance could overflow to +Inf.
const maxAbsFeature = 1e150

// rowMajor copies x into a new row-major slice, checking that it has at
// least one row and column and that every element is finite. The error
// names the row as the index and the column in the reason.
func rowMajor(c check.Checker, field string, x mat.Matrix) (data []float64, n, d int, err error) {
	return rowMajorView(c, field, x, false)
}

// rowMajorView is rowMajor for callers that only read the data: with
// view set, a contiguous *mat.Dense is returned as its backing slice
// instead of being copied (copying 10⁶ × 6 values costs as much as a
// k-means iteration). The caller must not modify or retain it.
func rowMajorView(c check.Checker, field string, x mat.Matrix, view bool) (data []float64, n, d int, err error) {
	if x == nil {
		return nil, 0, 0, c.Fail(field, -1, "", "must not be nil")
	}
	n, d = x.Dims()
	if n == 0 || d == 0 {
		return nil, 0, 0, c.Fail(field, -1, "", "must not be empty")
	}
	switch dense, ok := x.(*mat.Dense); {
	case ok && view && dense.RawMatrix().Stride == d:
		data = dense.RawMatrix().Data[:n*d]
	case ok:
		raw := dense.RawMatrix()
		data = make([]float64, n*d)
		if raw.Stride == d {
			copy(data, raw.Data[:n*d])
			break
		}
		for i := range n {
			copy(data[i*d:(i+1)*d], raw.Data[i*raw.Stride:i*raw.Stride+d])
		}
	default:
		data = make([]float64, n*d)
		for i := range n {
			for j := range d {
				data[i*d+j] = x.At(i, j)
			}
		}
	}
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, 0, 0, c.Fail(field, i/d, check.Float(v), "column "+strconv.Itoa(i%d)+" must be finite")
		}
	}
	return data, n, d, nil
}

// checkMagnitude reports the first element of a row-major matrix with
// |v| > maxAbsFeature.
func checkMagnitude(c check.Checker, field string, data []float64, d int) error {
	for i, v := range data {
		if math.Abs(v) > maxAbsFeature {
			return c.Fail(field, i/d, check.Float(v), "column "+strconv.Itoa(i%d)+" must be within ±1e150 (squared distances would overflow)")
		}
	}
	return nil
}
