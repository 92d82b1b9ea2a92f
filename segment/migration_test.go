package segment

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/mat"
)

func TestMigration(t *testing.T) {
	t.Parallel()
	// Hand-computed: 3 tiers; tier 0 has 2 customers (one stays, one drops to
	// 1), tier 1 has 4 (1 up, 2 stay, 1 down), tier 2 has none.
	from := []int{0, 0, 1, 1, 1, 1}
	to := []int{0, 1, 0, 1, 1, 2}
	fromOrig, toOrig := slices.Clone(from), slices.Clone(to)
	counts, err := MigrationCounts(from, to, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := []float64{
		1, 1, 0,
		1, 2, 1,
		0, 0, 0,
	}
	if diff := cmp.Diff(wantCounts, counts.RawMatrix().Data); diff != "" {
		t.Errorf("MigrationCounts() mismatch (-want +got):\n%s", diff)
	}
	rates, err := Migration(from, to, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantRates := mat.NewDense(3, 3, []float64{
		0.5, 0.5, 0,
		0.25, 0.5, 0.25,
		0, 0, 0,
	})
	if !mat.EqualApprox(wantRates, rates, closedFormTol) {
		t.Errorf("Migration() = %v, want %v", mat.Formatted(rates), mat.Formatted(wantRates))
	}
	if diff := cmp.Diff(fromOrig, from); diff != "" {
		t.Errorf("from modified:\n%s", diff)
	}
	if diff := cmp.Diff(toOrig, to); diff != "" {
		t.Errorf("to modified:\n%s", diff)
	}
}

func TestMigrationErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to []int
		k        int
		field    string
		index    int
	}{
		{"k < 1", []int{0}, []int{0}, 0, "k", -1},
		{"empty", nil, nil, 2, "from", -1},
		{"lengths", []int{0, 1}, []int{0}, 2, "to", -1},
		{"from out of range", []int{0, 2}, []int{0, 1}, 2, "from", 1},
		{"to negative", []int{0, 1}, []int{-1, 1}, 2, "to", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Migration(tc.from, tc.to, tc.k)
			wantInputError(t, err, tc.field, tc.index)
			_, err = MigrationCounts(tc.from, tc.to, tc.k)
			wantInputError(t, err, tc.field, tc.index)
		})
	}
}
