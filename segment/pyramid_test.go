package segment

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// naiveAssign is the definition of Pyramid.Assign written out with a full
// sort: the tier of each tied group is the tier of its middle rank
// ⌈(a+b)/2⌉, and rank r is in tier t when r+½ < C(t)·n (less the rounding
// allowance).
func naiveAssign(p Pyramid, value []float64) []int {
	n := len(value)
	tierOfRank := func(r int) int {
		cum := 0.0
		for t := range len(p) - 1 {
			cum += p[t].Share
			if float64(r)+0.5 < cum*float64(n)-boundaryEps(cum, n) {
				return t
			}
		}
		return len(p) - 1
	}
	asc := slices.Clone(value)
	slices.Sort(asc)
	out := make([]int, n)
	for i, v := range value {
		lo, _ := slices.BinarySearch(asc, v)                              // #{x < v}
		hi, _ := slices.BinarySearch(asc, math.Nextafter(v, math.Inf(1))) // #{x <= v}
		a := n - hi                                                       // #{x > v}, the first rank of v's group
		b := n - lo - 1                                                   // its last rank
		out[i] = tierOfRank((a + b + 1) / 2)
	}
	return out
}

func countTiers(tier []int, k int) []int {
	c := make([]int, k)
	for _, t := range tier {
		c[t]++
	}
	return c
}

func TestDefaultPyramid(t *testing.T) {
	t.Parallel()
	p := DefaultPyramid()
	names := []string{"Platinum", "Gold", "Iron", "Lead"}
	sum := 0.0
	for i, tier := range p {
		if tier.Name != names[i] {
			t.Errorf("tier %d = %q, want %q", i, tier.Name, names[i])
		}
		sum += tier.Share
	}
	if math.Abs(sum-1) > shareSumTol {
		t.Errorf("shares sum to %v", sum)
	}
}

func TestAssign(t *testing.T) {
	t.Parallel()
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i + 1)
		}
		return v
	}
	twoTiers := Pyramid{{"A", 0.3}, {"B", 0.7}}
	tests := []struct {
		name   string
		p      Pyramid
		value  []float64
		want   []int // tier per customer; nil: check counts only
		counts []int
		reason string
	}{
		{
			name:   "100 distinct values",
			p:      DefaultPyramid(),
			value:  seq(100),
			counts: []int{1, 4, 15, 80},
			reason: "1/4/15/80 % of 100 customers",
		},
		{
			name:   "50 customers: exact halves round down",
			p:      DefaultPyramid(),
			value:  seq(50),
			counts: []int{0, 2, 8, 40},
			reason: "C·n = 0.5, 2.5, 10: Platinum 0, Platinum+Gold 2, down to Iron 10",
		},
		{
			name:   "150 customers",
			p:      DefaultPyramid(),
			value:  seq(150),
			counts: []int{1, 6, 23, 120},
			reason: "C·n = 1.5, 7.5, 30: 1, 7, 30 customers down to each tier",
		},
		{
			name:   "boundary tie mostly above goes up",
			p:      twoTiers,
			value:  []float64{10, 8, 8, 8, 1, 1, 1, 1, 1, 1},
			want:   []int{0, 0, 0, 0, 1, 1, 1, 1, 1, 1},
			reason: "tier A holds ranks 0-2; the 8s hold ranks 1-3, two of three in A",
		},
		{
			name:   "boundary tie mostly below goes down",
			p:      twoTiers,
			value:  []float64{10, 9, 8, 8, 8, 1, 1, 1, 1, 1},
			want:   []int{0, 0, 1, 1, 1, 1, 1, 1, 1, 1},
			reason: "the 8s hold ranks 2-4, one of three in A",
		},
		{
			name:   "boundary tie split in half goes down",
			p:      twoTiers,
			value:  []float64{10, 9, 8, 8, 1, 1, 1, 1, 1, 1},
			want:   []int{0, 0, 1, 1, 1, 1, 1, 1, 1, 1},
			reason: "the 8s hold ranks 2-3, middle rank ⌈2.5⌉ = 3 is in B",
		},
		{
			name:   "all equal go to the tier of the median rank",
			p:      DefaultPyramid(),
			value:  []float64{5, 5, 5, 5, 5, 5, 5},
			want:   []int{3, 3, 3, 3, 3, 3, 3},
			reason: "ties are never split; the median customer is in Lead",
		},
		{
			name: "many zeros stay in the base",
			p:    DefaultPyramid(),
			value: append([]float64{100, 90, 80, 70, 60, 50, 40, 30, 20, 10},
				make([]float64, 90)...),
			counts: []int{1, 4, 5, 90},
			reason: "the 90 zero-value customers span ranks 10-99 and go to Lead, leaving Iron short",
		},
		{
			name:   "negative values rank like any other",
			p:      twoTiers,
			value:  []float64{-5, -1, -3, -2, -4, -6, -7, -8, -9, -10},
			want:   []int{1, 0, 0, 0, 1, 1, 1, 1, 1, 1},
			reason: "profit may be negative",
		},
		{
			name:   "single customer",
			p:      DefaultPyramid(),
			value:  []float64{42},
			want:   []int{3},
			reason: "rank midpoint ½ lies in Lead's share [0.2, 1)",
		},
		{
			name:   "tie spanning three tiers",
			p:      Pyramid{{"A", 0.2}, {"B", 0.2}, {"C", 0.2}, {"D", 0.4}},
			value:  []float64{9, 5, 5, 5, 5, 5, 5, 1, 1, 1},
			want:   []int{0, 2, 2, 2, 2, 2, 2, 3, 3, 3},
			reason: "A holds ranks 0-1, B 2-3, C 4-5; the 5s hold ranks 1-6 and their middle rank ⌈3.5⌉ = 4 is in C",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig := slices.Clone(tc.value)
			got, err := tc.p.Assign(tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(orig, tc.value); diff != "" {
				t.Errorf("Assign modified value (-orig +now):\n%s", diff)
			}
			if tc.want != nil {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("Assign() mismatch (-want +got) (%s):\n%s", tc.reason, diff)
				}
			}
			if tc.counts != nil {
				if diff := cmp.Diff(tc.counts, countTiers(got, len(tc.p))); diff != "" {
					t.Errorf("tier counts mismatch (-want +got) (%s):\n%s", tc.reason, diff)
				}
			}
			if diff := cmp.Diff(naiveAssign(tc.p, tc.value), got); diff != "" {
				t.Errorf("Assign() differs from the rank definition (-def +got):\n%s", diff)
			}
		})
	}
}

func TestAssignLarge(t *testing.T) {
	t.Parallel()
	// 100,000 customers with heavy ties: every tier boundary falls inside a
	// tied group, exercising the selection path on long runs of equal values.
	n := 100_000
	value := make([]float64, n)
	for i := range value {
		value[i] = float64((i * 7919) % 37)
	}
	got, err := DefaultPyramid().Assign(value)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(naiveAssign(DefaultPyramid(), value), got); diff != "" {
		t.Errorf("Assign() differs from the rank definition (-def +got):\n%s", diff)
	}
}

func TestAssignErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		p     Pyramid
		value []float64
		field string
		index int
	}{
		{"no tiers", Pyramid{}, []float64{1}, "p", -1},
		{"zero share", Pyramid{{"A", 0}, {"B", 1}}, []float64{1}, "p.Share", 0},
		{"NaN share", Pyramid{{"A", 0.5}, {"B", math.NaN()}}, []float64{1}, "p.Share", 1},
		{"shares do not sum to 1", Pyramid{{"A", 0.5}, {"B", 0.4}}, []float64{1}, "p.Share", -1},
		{"empty", DefaultPyramid(), nil, "value", -1},
		{"NaN value", DefaultPyramid(), []float64{1, 2, math.NaN()}, "value", 2},
		{"Inf value", DefaultPyramid(), []float64{math.Inf(1)}, "value", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.p.Assign(tc.value)
			wantInputError(t, err, tc.field, tc.index)
		})
	}
}

func TestAssignByCutoff(t *testing.T) {
	t.Parallel()
	// Tiers by assets under management: >= 1e6, >= 1e5, >= 1e4, below.
	cutoff := []float64{1e6, 1e5, 1e4}
	value := []float64{2e6, 1e6, 999_999, 1e5, 50_000, 1e4, 9_999, 0, -10}
	want := []int{0, 0, 1, 1, 2, 2, 3, 3, 3}
	got, err := AssignByCutoff(value, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AssignByCutoff() mismatch (-want +got):\n%s", diff)
	}
	got, err = AssignByCutoff(value, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(make([]int, len(value)), got); diff != "" {
		t.Errorf("AssignByCutoff(nil cutoffs) mismatch (-want +got):\n%s", diff)
	}

	errTests := []struct {
		name          string
		value, cutoff []float64
		field         string
		index         int
	}{
		{"empty", nil, cutoff, "value", -1},
		{"NaN value", []float64{1, math.NaN()}, cutoff, "value", 1},
		{"NaN cutoff", []float64{1}, []float64{3, math.NaN()}, "cutoff", 1},
		{"not decreasing", []float64{1}, []float64{3, 2, 2}, "cutoff", 2},
	}
	for _, tc := range errTests {
		_, err := AssignByCutoff(tc.value, tc.cutoff)
		t.Run(tc.name, func(t *testing.T) { wantInputError(t, err, tc.field, tc.index) })
	}
}

func TestSummarizeTiers(t *testing.T) {
	t.Parallel()
	// Hand-computed: total value 200.
	value := []float64{100, 50, 20, 10, 10, 5, 5, 0}
	tier := []int{0, 1, 1, 2, 2, 2, 2, 2}
	p := Pyramid{{"Top", 0.125}, {"Mid", 0.25}, {"Base", 0.5}, {"Empty", 0.125}}
	want := []TierSummary{
		{Tier: 0, Name: "Top", Customers: 1, CustomerShare: 0.125, Value: 100, ValueShare: 0.5, Min: 100, Max: 100, Mean: 100},
		{Tier: 1, Name: "Mid", Customers: 2, CustomerShare: 0.25, Value: 70, ValueShare: 0.35, Min: 20, Max: 50, Mean: 35},
		{Tier: 2, Name: "Base", Customers: 5, CustomerShare: 0.625, Value: 30, ValueShare: 0.15, Min: 0, Max: 10, Mean: 6},
		{Tier: 3, Name: "Empty"},
	}
	got, err := p.Summarize(value, tier)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize() mismatch (-want +got):\n%s", diff)
	}

	errTests := []struct {
		name  string
		value []float64
		tier  []int
		k     int
		field string
		index int
	}{
		{"k < 1", value, tier, 0, "k", -1},
		{"empty", nil, nil, 4, "value", -1},
		{"lengths", value, tier[:3], 4, "tier", -1},
		{"tier out of range", value, []int{0, 1, 1, 2, 2, 2, 2, 4}, 4, "tier", 7},
		{"negative tier", value, []int{0, -1, 1, 2, 2, 2, 2, 2}, 4, "tier", 1},
		{"Inf value", []float64{math.Inf(-1)}, []int{0}, 1, "value", 0},
		{"overflowing sum", []float64{math.MaxFloat64, math.MaxFloat64}, []int{0, 0}, 1, "value", -1},
	}
	for _, tc := range errTests {
		_, err := SummarizeTiers(tc.value, tc.tier, tc.k)
		t.Run(tc.name, func(t *testing.T) { wantInputError(t, err, tc.field, tc.index) })
	}
}
