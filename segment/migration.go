package segment

import (
	"strconv"

	"github.com/clmkit/clm/internal/check"
	"gonum.org/v1/gonum/mat"
)

// MigrationCounts returns the k × k matrix whose element (i, j) counts the
// customers in tier (or segment) i in the first period and tier j in the
// next: from[c] and to[c] are customer c's tiers in the two periods, in
// [0, k). Customers who join or leave between the periods can be given a
// tier of their own (for example k-1 = "not a customer").
//
// MigrationCounts returns an error wrapping [ErrInvalidInput] if k < 1, from
// is empty, the lengths differ, or a tier is outside [0, k). It runs in
// O(n + k²) time.
func MigrationCounts(from, to []int, k int) (*mat.Dense, error) {
	counts, err := migrationCounts(checker("MigrationCounts"), from, to, k)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(k, k, counts), nil
}

// Migration returns the k × k row-normalised migration matrix: element
// (i, j) is the share of the customers in tier i in the first period who are
// in tier j in the next, the maximum-likelihood estimate of a one-step
// transition probability. Each row with customers sums to 1; a row with no
// customers in the first period is all zeros (there is nothing to estimate).
// [MigrationCounts] gives the counts behind the shares.
//
// The arguments and errors are those of [MigrationCounts].
func Migration(from, to []int, k int) (*mat.Dense, error) {
	counts, err := migrationCounts(checker("Migration"), from, to, k)
	if err != nil {
		return nil, err
	}
	for i := range k {
		row := counts[i*k : (i+1)*k]
		total := 0.0
		for _, c := range row {
			total += c
		}
		if total > 0 {
			for j := range row {
				row[j] /= total
			}
		}
	}
	return mat.NewDense(k, k, counts), nil
}

func migrationCounts(c check.Checker, from, to []int, k int) ([]float64, error) {
	if k < 1 {
		return nil, c.Fail("k", -1, strconv.Itoa(k), "must be ≥ 1")
	}
	if err := c.NonEmpty("from", len(from)); err != nil {
		return nil, err
	}
	if err := c.Len("to", len(to), len(from)); err != nil {
		return nil, err
	}
	if err := checkLabels(c, "from", from, k); err != nil {
		return nil, err
	}
	if err := checkLabels(c, "to", to, k); err != nil {
		return nil, err
	}
	counts := make([]float64, k*k)
	for i, f := range from {
		counts[f*k+to[i]]++
	}
	return counts, nil
}

// checkLabels reports the first label outside [0, k).
func checkLabels(c check.Checker, field string, label []int, k int) error {
	for i, l := range label {
		if l < 0 || l >= k {
			return c.Fail(field, i, strconv.Itoa(l), "must be in [0, "+strconv.Itoa(k)+")")
		}
	}
	return nil
}
