package segment

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rfmOf builds RFM rows from three columns.
func rfmOf(r, f, m []float64) []RFM {
	in := make([]RFM, len(r))
	for i := range in {
		in[i] = RFM{r[i], f[i], m[i]}
	}
	return in
}

func TestScoreRFM(t *testing.T) {
	t.Parallel()
	// Hand-computed with score = 1 + ⌊bins·w/n⌋, w = number of customers
	// strictly worse.
	tests := []struct {
		name   string
		in     []RFM
		bins   int
		want   []RFMScore
		reason string
	}{
		{
			name: "ten distinct values, quintiles",
			in: rfmOf(
				[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
				[]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
				[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
			bins: 5,
			want: []RFMScore{
				{5, 5, 1}, {5, 5, 1}, {4, 4, 2}, {4, 4, 2}, {3, 3, 3},
				{3, 3, 3}, {2, 2, 4}, {2, 2, 4}, {1, 1, 5}, {1, 1, 5}},
			reason: "two customers per quintile; short recency scores high",
		},
		{
			name: "ties share a score",
			in: rfmOf(
				[]float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
				[]float64{1, 1, 1, 1, 1, 1, 2, 2, 3, 10},
				[]float64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5}),
			bins: 5,
			want: []RFMScore{
				{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1},
				{1, 1, 1}, {1, 4, 1}, {1, 4, 1}, {1, 5, 1}, {1, 5, 1}},
			reason: "F=2 beats 6 of 10: 1+⌊5·6/10⌋ = 4; F=3 beats 8: 5; equal values all score 1",
		},
		{
			name:   "more bins than distinct values",
			in:     rfmOf([]float64{3, 3, 1}, []float64{5, 5, 7}, []float64{0, 0, 0}),
			bins:   10,
			want:   []RFMScore{{1, 1, 1}, {1, 1, 1}, {7, 7, 1}},
			reason: "w = 2 of 3: 1+⌊20/3⌋ = 7; scores skip rather than split ties",
		},
		{
			name:   "many bins, exact path",
			in:     rfmOf([]float64{4, 3, 2, 1}, []float64{1, 2, 3, 4}, []float64{-1, 2, 3, 4}),
			bins:   100,
			want:   []RFMScore{{1, 1, 1}, {26, 26, 26}, {51, 51, 51}, {76, 76, 76}},
			reason: "1 + ⌊100·w/4⌋ for w = 0..3",
		},
		{
			name:   "single customer",
			in:     []RFM{{3, 2, 1}},
			bins:   5,
			want:   []RFMScore{{1, 1, 1}},
			reason: "nobody is worse",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig := slices.Clone(tc.in)
			got, err := ScoreRFM(tc.in, tc.bins)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(orig, tc.in); diff != "" {
				t.Errorf("ScoreRFM modified in (-orig +now):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ScoreRFM() mismatch (-want +got) (%s):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestScorerPathsAgree checks that the selection path (bins <= 64) and the
// sorted path compute the same formula.
func TestScorerPathsAgree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(300)
		levels := 1 + rng.IntN(50)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(levels))
		}
		bins := 2 + rng.IntN(exactScoreBins-1)
		var fast, exact scorer
		fast.prepare(slices.Clone(v), bins)
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		exact = scorer{n: n, bins: bins, sorted: sorted}
		for _, x := range v {
			if a, b := fast.score(x), exact.score(x); a != b {
				t.Fatalf("trial %d (n=%d bins=%d): score(%v) = %d by selection, %d by sort", trial, n, bins, x, a, b)
			}
		}
	}
}

func TestScoreRFMErrors(t *testing.T) {
	t.Parallel()
	ok := []RFM{{1, 1, 1}, {2, 2, 2}}
	tests := []struct {
		name  string
		in    []RFM
		bins  int
		field string
		index int
	}{
		{"bins < 2", ok, 1, "bins", -1},
		{"empty", nil, 5, "in", -1},
		{"negative recency", []RFM{{1, 1, 1}, {-1, 1, 1}}, 5, "in.Recency", 1},
		{"NaN frequency", []RFM{{1, math.NaN(), 1}}, 5, "in.Frequency", 0},
		{"negative frequency", []RFM{{1, 1, 1}, {1, 1, 1}, {1, -2, 1}}, 5, "in.Frequency", 2},
		{"Inf monetary", []RFM{{1, 1, math.Inf(1)}}, 5, "in.Monetary", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ScoreRFM(tc.in, tc.bins)
			wantInputError(t, err, tc.field, tc.index)
		})
	}
}

func TestRFMSegmentGrid(t *testing.T) {
	t.Parallel()
	// The grid as documented at Champions, row R = 5 first.
	want := map[[2]int]RFMSegment{
		{5, 1}: New, {5, 2}: PotentialLoyalist, {5, 3}: PotentialLoyalist, {5, 4}: Champions, {5, 5}: Champions,
		{4, 1}: Promising, {4, 2}: PotentialLoyalist, {4, 3}: PotentialLoyalist, {4, 4}: Loyal, {4, 5}: Loyal,
		{3, 1}: AboutToSleep, {3, 2}: AboutToSleep, {3, 3}: NeedAttention, {3, 4}: Loyal, {3, 5}: Loyal,
		{2, 1}: Hibernating, {2, 2}: Hibernating, {2, 3}: AtRisk, {2, 4}: AtRisk, {2, 5}: CantLose,
		{1, 1}: Lost, {1, 2}: Hibernating, {1, 3}: AtRisk, {1, 4}: AtRisk, {1, 5}: CantLose,
	}
	seen := map[RFMSegment]bool{}
	for rf, seg := range want {
		got := RFMScore{R: rf[0], F: rf[1], M: 3}.Segment(5)
		if got != seg {
			t.Errorf("Segment(R=%d, F=%d) = %v, want %v", rf[0], rf[1], got, seg)
		}
		seen[got] = true
	}
	if len(seen) != int(Lost) {
		t.Errorf("grid uses %d segments, want all %d", len(seen), Lost)
	}

	tests := []struct {
		name  string
		score RFMScore
		bins  int
		want  RFMSegment
	}{
		{"10 bins top", RFMScore{10, 9, 1}, 10, Champions},
		{"10 bins bottom", RFMScore{1, 2, 1}, 10, Lost},
		{"10 bins middle", RFMScore{6, 5, 1}, 10, NeedAttention},
		{"10 bins second", RFMScore{3, 4, 1}, 10, Hibernating},
		{"3 bins", RFMScore{3, 1, 1}, 3, New},
		{"R out of range", RFMScore{6, 1, 1}, 5, 0},
		{"F zero", RFMScore{3, 0, 1}, 5, 0},
		{"bins < 2", RFMScore{1, 1, 1}, 1, 0},
		{"3 bins middle", RFMScore{2, 2, 1}, 3, NeedAttention},
		{"huge bins", RFMScore{math.MaxInt, 1, 1}, math.MaxInt, New},
	}
	for _, tc := range tests {
		if got := tc.score.Segment(tc.bins); got != tc.want {
			t.Errorf("%s: Segment = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRFMSegmentText(t *testing.T) {
	t.Parallel()
	for s := Champions; s <= Lost; s++ {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back RFMSegment
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("round trip of %v: got %v, %v", s, back, err)
		}
	}
	for _, name := range []string{"cant_lose_them", "CAN'T LOSE THEM", " can’t-lose-them "} {
		if s, err := ParseRFMSegment(name); err != nil || s != CantLose {
			t.Errorf("ParseRFMSegment(%q) = %v, %v", name, s, err)
		}
	}
	_, err := ParseRFMSegment("VIP")
	wantInputError(t, err, "name", -1)
	if _, err := RFMSegment(0).MarshalText(); err == nil {
		t.Error("MarshalText of the zero segment succeeded")
	}
	if got := RFMSegment(99).String(); got != "RFMSegment(99)" {
		t.Errorf("String = %q", got)
	}
}
