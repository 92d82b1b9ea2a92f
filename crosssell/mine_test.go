package crosssell

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var algorithms = []Algorithm{FPGrowth, Eclat, Apriori}

// groceriesRef is the part of shared/reference/groceries_arules.json that
// the tests use.
type groceriesRef struct {
	N      int `json:"n_transactions"`
	Counts []struct {
		Support float64        `json:"support"`
		MaxLen  int            `json:"maxlen"`
		Apriori int            `json:"n_frequent_itemsets_apriori"`
		Eclat   int            `json:"n_frequent_itemsets_eclat"`
		Closed  int            `json:"n_closed"`
		Maximal int            `json:"n_maximal"`
		BySize  map[string]int `json:"by_size"`
	} `json:"frequent_itemset_counts"`
	Rules []struct {
		Support    float64 `json:"support"`
		Confidence float64 `json:"confidence"`
		MinLen     int     `json:"minlen"`
		MaxLen     int     `json:"maxlen"`
		N          int     `json:"n_rules"`
	} `json:"rule_counts"`
	Top []struct {
		LHS        string  `json:"lhs"`
		RHS        string  `json:"rhs"`
		Support    float64 `json:"support"`
		Confidence float64 `json:"confidence"`
		Coverage   float64 `json:"coverage"`
		Lift       float64 `json:"lift"`
		Count      int     `json:"count"`
	} `json:"rules_supp0.01_conf0.5_by_lift"`
}

// TestMineGroceries checks the itemset counts against R arules 1.7-6
// (apriori and eclat) on Groceries: all, closed and maximal itemsets at
// every support in shared/reference/groceries_arules.json, for every
// algorithm, and the counts by itemset size.
func TestMineGroceries(t *testing.T) {
	t.Parallel()
	var ref groceriesRef
	readRef(t, "groceries_arules.json", &ref)
	baskets := readBaskets(t, "data/groceries/groceries.csv", ",")
	if len(baskets) != ref.N {
		t.Fatalf("read %d baskets, reference has %d", len(baskets), ref.N)
	}
	for _, c := range ref.Counts {
		if c.Apriori != c.Eclat {
			t.Fatalf("reference disagrees with itself at %g", c.Support)
		}
		for _, alg := range algorithms {
			if raceEnabled && alg != FPGrowth && c.Support < 0.005 {
				continue // the slowest case; checked without -race
			}
			for _, tc := range []struct {
				target Target
				want   int
			}{{All, c.Apriori}, {Closed, c.Closed}, {Maximal, c.Maximal}} {
				opts := Options{MinSupport: c.Support, MaxLen: c.MaxLen, Algorithm: alg, Target: tc.target}
				sets, err := Mine(baskets, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(sets) != tc.want {
					t.Errorf("%v %v at support %g: %d itemsets, arules %d", alg, tc.target, c.Support, len(sets), tc.want)
				}
				if tc.target != All {
					continue
				}
				by := map[string]int{}
				for _, s := range sets {
					by[fmt.Sprint(len(s.Items))]++
				}
				if diff := cmp.Diff(c.BySize, by); diff != "" {
					t.Errorf("%v at %g: sizes (-arules +got):\n%s", alg, c.Support, diff)
				}
			}
		}
	}
}

// TestMineFIMI checks the itemset counts on the FIMI benchmark sets against
// the counts that Borgelt's reference C miners (apriori, eclat, fpgrowth)
// give for the same thresholds, and that the three algorithms agree
// itemset by itemset on retail at 0.1%.
func TestMineFIMI(t *testing.T) {
	t.Parallel()
	retail := readFIMI(t, "retail.dat")
	tests := []struct {
		name    string
		file    string
		support float64
		want    int
		short   bool // run under -short and -race too
	}{
		// Borgelt's apriori/eclat/fpgrowth on this machine (issue 5).
		{"retail 0.1%", "retail.dat", 0.001, 7589, true},
		{"retail 0.05%", "retail.dat", 0.0005, 19242, false},
		{"retail 0.01%", "retail.dat", 0.0001, 240852, false},
		{"T10I4D100K 0.1%", "T10I4D100K.dat", 0.001, 27532, false},
	}
	for _, tc := range tests {
		if (testing.Short() || raceEnabled) && !tc.short {
			t.Logf("%s: skipped under -short or -race", tc.name)
			continue
		}
		baskets := retail
		if tc.file != "retail.dat" {
			baskets = readFIMI(t, tc.file)
		}
		n := 0
		err := Each(baskets, Options{MinSupport: tc.support}, func([]int32, int) bool { n++; return true })
		if err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("%s: %d itemsets, reference miners %d", tc.name, n, tc.want)
		}
	}
	agree := 0.001
	if raceEnabled {
		agree = 0.005
	}
	var first []Itemset[int32]
	for _, alg := range algorithms {
		sets, err := Mine(retail, Options{MinSupport: agree, Algorithm: alg, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = sets
			continue
		}
		if diff := cmp.Diff(first, sets); diff != "" {
			t.Errorf("retail at %g: %v differs from %v (-fpgrowth +%v):\n%.2000s", agree, alg, algorithms[0], alg, diff)
		}
	}
}

// TestMineDenseAgree checks that the algorithms, targets and worker counts
// agree on the dense FIMI sets at high supports.
func TestMineDenseAgree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		support float64
		short   bool // run under -short and -race too
	}{
		{"chess.dat", 0.95, true},
		{"chess.dat", 0.8, false},
		{"mushroom.dat", 0.5, true},
		{"mushroom.dat", 0.25, false},
	}
	for _, tc := range tests {
		if (testing.Short() || raceEnabled) && !tc.short {
			t.Logf("%s at %g: skipped under -short or -race", tc.file, tc.support)
			continue
		}
		baskets := readFIMI(t, tc.file)
		for _, target := range []Target{All, Closed, Maximal} {
			var first []Itemset[int32]
			for _, alg := range algorithms {
				for _, w := range []int{1, 2} {
					sets, err := Mine(baskets, Options{MinSupport: tc.support, Algorithm: alg, Target: target, Workers: w})
					if err != nil {
						t.Fatal(err)
					}
					if first == nil {
						first = sets
						continue
					}
					if diff := cmp.Diff(first, sets); diff != "" {
						t.Errorf("%s at %g, %v: %v with %d workers differs:\n%.1000s", tc.file, tc.support, target, alg, w, diff)
					}
				}
			}
			if len(first) == 0 {
				t.Errorf("%s at %g, %v: no itemsets", tc.file, tc.support, target)
			}
		}
	}
}

// TestMineSmall checks hand-computed results, including the edge cases the
// package documents.
func TestMineSmall(t *testing.T) {
	t.Parallel()
	type set = Itemset[string]
	tests := []struct {
		name    string
		baskets [][]string
		opts    Options
		want    []set
		reason  string
	}{
		{
			name:    "item in every basket",
			baskets: [][]string{{"a", "b"}, {"a"}, {"a", "c"}},
			opts:    Options{MinCount: 2},
			want:    []set{{[]string{"a"}, 3, 1}},
			reason:  "a widely used C miner drops a singleton present in every basket; it is frequent",
		},
		{
			name:    "duplicates count once, empty baskets count in n",
			baskets: [][]string{{"a", "a", "b"}, {}, {"b", "a"}, {}},
			opts:    Options{MinSupport: 0.5},
			want:    []set{{[]string{"a"}, 2, 0.5}, {[]string{"b"}, 2, 0.5}, {[]string{"a", "b"}, 2, 0.5}},
		},
		{
			name:    "ceil of MinSupport times n with float rounding",
			baskets: append(slices.Repeat([][]string{{"x"}}, 7), slices.Repeat([][]string{{"y"}}, 93)...),
			opts:    Options{MinSupport: 0.07},
			want:    []set{{[]string{"x"}, 7, 0.07}, {[]string{"y"}, 93, 0.93}},
			reason:  "0.07·100 = 7.000000000000001 in float64; the threshold is 7, not 8",
		},
		{
			name:    "MaxLen",
			baskets: [][]string{{"a", "b", "c"}, {"a", "b", "c"}},
			opts:    Options{MinCount: 2, MaxLen: 2},
			want: []set{{[]string{"a"}, 2, 1}, {[]string{"b"}, 2, 1}, {[]string{"c"}, 2, 1},
				{[]string{"a", "b"}, 2, 1}, {[]string{"a", "c"}, 2, 1}, {[]string{"b", "c"}, 2, 1}},
		},
		{
			name:    "closed",
			baskets: [][]string{{"a", "b"}, {"a", "b"}, {"a"}},
			opts:    Options{MinCount: 2, Target: Closed},
			want:    []set{{[]string{"a"}, 3, 1}, {[]string{"a", "b"}, 2, 2.0 / 3}},
		},
		{
			name:    "maximal",
			baskets: [][]string{{"a", "b"}, {"a", "b"}, {"a", "c"}, {"c"}},
			opts:    Options{MinCount: 2, Target: Maximal},
			want:    []set{{[]string{"c"}, 2, 0.5}, {[]string{"a", "b"}, 2, 0.5}},
			reason:  "{a, c} is in one basket only, so {c} is maximal",
		},
		{
			name:    "no baskets",
			baskets: [][]string{},
			opts:    Options{MinSupport: 0.5},
			want:    []set{},
		},
	}
	for _, tc := range tests {
		for _, alg := range algorithms {
			for _, w := range []int{1, 3} {
				opts := tc.opts
				opts.Algorithm, opts.Workers = alg, w
				got, err := Mine(tc.baskets, opts)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("%s (%v, %d workers): Mine() mismatch (-want +got):\n%s\n%s", tc.name, alg, w, diff, tc.reason)
				}
			}
		}
	}
}

func TestCountThreshold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    float64
		n    int
		want int
	}{
		{0.001, 9835, 10}, // 9.835
		{0.01, 9835, 99},  // 98.35
		{0.07, 100, 7},    // 7.000000000000001 in float64
		{0.1, 10, 1},
		{0.3, 10, 3}, // 3.0000000000000004
		{1, 5, 5},
		{1e-9, 10, 1},
		{0.5, 0, 1},
	}
	for _, tc := range tests {
		if got := (Options{MinSupport: tc.s}).countThreshold(tc.n); got != tc.want {
			t.Errorf("countThreshold(%g, %d) = %d, want %d", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestMineInvalid(t *testing.T) {
	t.Parallel()
	ok := [][]float64{{1, 2}}
	tests := []struct {
		name    string
		baskets [][]float64
		opts    Options
		field   string
		index   int
	}{
		{"nil baskets", nil, Options{MinSupport: 0.5}, "baskets", -1},
		{"no threshold", ok, Options{}, "opts.MinSupport", -1},
		{"both thresholds", ok, Options{MinSupport: 0.5, MinCount: 1}, "opts.MinCount", -1},
		{"support 0+", ok, Options{MinSupport: -0.1}, "opts.MinSupport", -1},
		{"support > 1", ok, Options{MinSupport: 1.5}, "opts.MinSupport", -1},
		{"support NaN", ok, Options{MinSupport: math.NaN()}, "opts.MinSupport", -1},
		{"negative count", ok, Options{MinCount: -2}, "opts.MinCount", -1},
		{"negative MaxLen", ok, Options{MinCount: 1, MaxLen: -1}, "opts.MaxLen", -1},
		{"negative workers", ok, Options{MinCount: 1, Workers: -1}, "opts.Workers", -1},
		{"unknown algorithm", ok, Options{MinCount: 1, Algorithm: 7}, "opts.Algorithm", -1},
		{"unknown target", ok, Options{MinCount: 1, Target: -1}, "opts.Target", -1},
		{"NaN item", [][]float64{{1}, {2, math.NaN()}}, Options{MinCount: 1}, "baskets[1]", 1},
	}
	for _, tc := range tests {
		_, err := Mine(tc.baskets, tc.opts)
		err2 := Each(tc.baskets, tc.opts, func([]float64, int) bool { return true })
		for _, e := range []error{err, err2} {
			var ie *InputError
			if !errors.Is(e, ErrInvalidInput) || !errors.As(e, &ie) || ie.Field != tc.field || ie.Index != tc.index {
				t.Errorf("%s: got %v, want field %s[%d]", tc.name, e, tc.field, tc.index)
			}
		}
	}
	if err := Each([][]int{{1}}, Options{MinCount: 1}, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil yield: got %v", err)
	}
}

// TestMineInputUnchanged checks that Mine neither modifies nor retains the
// caller's baskets.
func TestMineInputUnchanged(t *testing.T) {
	t.Parallel()
	baskets := [][]string{{"c", "a", "c"}, {"b", "a"}, {}, {"a", "b", "c"}}
	want := [][]string{{"c", "a", "c"}, {"b", "a"}, {}, {"a", "b", "c"}}
	for _, alg := range algorithms {
		sets, err := Mine(baskets, Options{MinCount: 1, Algorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, baskets); diff != "" {
			t.Errorf("%v modified baskets (-before +after):\n%s", alg, diff)
		}
		// Appending to one itemset's items must not overwrite another's.
		_ = append(sets[0].Items, "zz")
		if sets[1].Items[0] == "zz" {
			t.Errorf("%v: itemsets share writable backing arrays", alg)
		}
	}
}

// TestEachStops checks that Each stops when yield returns false, and
// reuses one items slice.
func TestEachStops(t *testing.T) {
	t.Parallel()
	baskets := [][]int{{1, 2, 3}, {1, 2, 3}, {2, 3, 4}}
	for _, alg := range algorithms {
		for _, w := range []int{1, 2} {
			calls := 0
			err := Each(baskets, Options{MinCount: 1, Algorithm: alg, Workers: w}, func(items []int, count int) bool {
				calls++
				return calls < 3
			})
			if err != nil || calls != 3 {
				t.Errorf("%v, %d workers: %d calls, err %v; want 3 calls", alg, w, calls, err)
			}
		}
	}
}

// TestEachOrderIndependentOfWorkers checks that Each reports the same
// sequence for any number of workers.
func TestEachOrderIndependentOfWorkers(t *testing.T) {
	t.Parallel()
	baskets := readBaskets(t, "data/groceries/groceries.csv", ",")
	support := 0.005
	if raceEnabled {
		support = 0.01
	}
	for _, alg := range algorithms {
		var first []string
		for _, w := range []int{1, 2, 4} {
			var got []string
			err := Each(baskets, Options{MinSupport: support, Algorithm: alg, Workers: w}, func(items []string, count int) bool {
				got = append(got, strings.Join(items, "|")+fmt.Sprint(count))
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = got
			} else if !slices.Equal(first, got) {
				t.Errorf("%v: order with %d workers differs from 1 worker", alg, w)
			}
		}
	}
}

// TestEachConstantMemory checks that Each does not allocate per itemset:
// the allocations of a run that streams 13,492 itemsets are a small
// constant (the encoded data, the tree and the reused buffers).
func TestEachConstantMemory(t *testing.T) {
	baskets := readBaskets(t, "data/groceries/groceries.csv", ",")
	for _, alg := range []Algorithm{FPGrowth, Eclat} {
		n := 0
		allocs := testing.AllocsPerRun(1, func() {
			n = 0
			_ = Each(baskets, Options{MinSupport: 0.001, Algorithm: alg}, func([]string, int) bool { n++; return true })
		})
		t.Logf("%v: %.0f allocations", alg, allocs)
		if n != 13492 || allocs > 2000 {
			t.Errorf("%v: %d itemsets with %.0f allocations; want 13492 with < 2000", alg, n, allocs)
		}
	}
}
