package segment

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func TestPropAssignMoreValueNeverLowerTier(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPyramid().Draw(t, "pyramid")
		value := genValues(false).Draw(t, "value")
		tier, err := p.Assign(value)
		if err != nil {
			t.Fatal(err)
		}
		for i := range value {
			if tier[i] < 0 || tier[i] >= len(p) {
				t.Fatalf("tier[%d] = %d outside [0, %d)", i, tier[i], len(p))
			}
			for j := range value {
				if value[i] > value[j] && tier[i] > tier[j] {
					t.Fatalf("value %v in tier %d, lower than value %v in tier %d", value[i], tier[i], value[j], tier[j])
				}
				if value[i] == value[j] && tier[i] != tier[j] {
					t.Fatalf("tie at %v split across tiers %d and %d", value[i], tier[i], tier[j])
				}
			}
		}
	})
}

func TestPropAssignMatchesRankDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPyramid().Draw(t, "pyramid")
		value := genValues(false).Draw(t, "value")
		tier, err := p.Assign(value)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(naiveAssign(p, value), tier); diff != "" {
			t.Fatalf("Assign() differs from the rank definition (-def +got):\n%s", diff)
		}
	})
}

func TestPropAssignByCutoffMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		value := genValues(false).Draw(t, "value")
		k := rapid.IntRange(0, 5).Draw(t, "cutoffs")
		cutoff := make([]float64, k)
		for i := range cutoff {
			cutoff[i] = float64(k-i) * rapid.Float64Range(1, 1e5).Draw(t, "scale")
		}
		for i := 1; i < k; i++ {
			if cutoff[i] >= cutoff[i-1] {
				cutoff[i] = cutoff[i-1] - 1
			}
		}
		tier, err := AssignByCutoff(value, cutoff)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range value {
			for j, w := range value {
				if v >= w && tier[i] > tier[j] {
					t.Fatalf("value %v in tier %d below value %v in tier %d", v, tier[i], w, tier[j])
				}
			}
		}
	})
}

func TestPropScoresMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genRFM().Draw(t, "in")
		bins := rapid.IntRange(2, 120).Draw(t, "bins")
		s, err := ScoreRFM(in, bins)
		if err != nil {
			t.Fatal(err)
		}
		for i := range in {
			for _, sc := range []int{s[i].R, s[i].F, s[i].M} {
				if sc < 1 || sc > bins {
					t.Fatalf("score %d outside 1..%d", sc, bins)
				}
			}
			for j := range in {
				a, b := in[i], in[j]
				// Recency: shorter is better.
				if (a.Recency < b.Recency && s[i].R < s[j].R) || (a.Recency == b.Recency && s[i].R != s[j].R) {
					t.Fatalf("R not monotone: recency %v → %d, %v → %d", a.Recency, s[i].R, b.Recency, s[j].R)
				}
				if (a.Frequency > b.Frequency && s[i].F < s[j].F) || (a.Frequency == b.Frequency && s[i].F != s[j].F) {
					t.Fatalf("F not monotone: %v → %d, %v → %d", a.Frequency, s[i].F, b.Frequency, s[j].F)
				}
				if (a.Monetary > b.Monetary && s[i].M < s[j].M) || (a.Monetary == b.Monetary && s[i].M != s[j].M) {
					t.Fatalf("M not monotone: %v → %d, %v → %d", a.Monetary, s[i].M, b.Monetary, s[j].M)
				}
			}
		}
	})
}

func TestPropScoreMatchesFormula(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genRFM().Draw(t, "in")
		bins := rapid.IntRange(2, 120).Draw(t, "bins")
		s, err := ScoreRFM(in, bins)
		if err != nil {
			t.Fatal(err)
		}
		n := len(in)
		for i, a := range in {
			wr, wf, wm := 0, 0, 0
			for _, b := range in {
				if b.Recency > a.Recency {
					wr++
				}
				if b.Frequency < a.Frequency {
					wf++
				}
				if b.Monetary < a.Monetary {
					wm++
				}
			}
			want := RFMScore{1 + bins*wr/n, 1 + bins*wf/n, 1 + bins*wm/n}
			if s[i] != want {
				t.Fatalf("customer %d %+v: score %+v, want %+v", i, a, s[i], want)
			}
		}
	})
}

func TestPropGiniInUnitInterval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		value := genValues(true).Draw(t, "value")
		value = append(value, rapid.Float64Range(1, 1e6).Draw(t, "positive"))
		g, err := Gini(value)
		if err != nil {
			t.Fatal(err)
		}
		if g < 0 || g >= 1 {
			t.Fatalf("Gini = %v outside [0, 1)", g)
		}
	})
}

func TestPropGiniScaleInvariant(t *testing.T) {
	// Scaling is exact for powers of two; other factors round each value, so
	// allow a few ulps per customer.
	const scaleTol = 1e-12
	rapid.Check(t, func(t *rapid.T) {
		value := genValues(true).Draw(t, "value")
		value = append(value, rapid.Float64Range(1, 1e6).Draw(t, "positive"))
		c := rapid.Float64Range(1e-3, 1e3).Draw(t, "scale")
		scaled := make([]float64, len(value))
		for i, v := range value {
			scaled[i] = c * v
		}
		g1, err1 := Gini(value)
		g2, err2 := Gini(scaled)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if math.Abs(g1-g2) > scaleTol {
			t.Fatalf("Gini = %v, after scaling by %v: %v", g1, c, g2)
		}
	})
}

func TestPropTopShareMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		value := genValues(true).Draw(t, "value")
		value = append(value, rapid.Float64Range(1, 1e6).Draw(t, "positive"))
		a := rapid.Float64Range(0, 1).Draw(t, "a")
		b := rapid.Float64Range(a, 1).Draw(t, "b")
		sa, err1 := TopShare(value, a)
		sb, err2 := TopShare(value, b)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		// The top a of customers hold at least a share a of the value.
		if sa > sb+1e-12 || sa < a-1e-12 {
			t.Fatalf("TopShare(%v) = %v, TopShare(%v) = %v", a, sa, b, sb)
		}
	})
}

func TestPropMigrationRowsSumToOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(1, 6).Draw(t, "k")
		n := rapid.IntRange(1, 100).Draw(t, "n")
		from := genLabels(n, k).Draw(t, "from")
		to := genLabels(n, k).Draw(t, "to")
		m, err := Migration(from, to, k)
		if err != nil {
			t.Fatal(err)
		}
		has := make([]bool, k)
		for _, f := range from {
			has[f] = true
		}
		for i := range k {
			sum := 0.0
			for j := range k {
				v := m.At(i, j)
				if v < 0 || v > 1 {
					t.Fatalf("rate (%d, %d) = %v outside [0, 1]", i, j, v)
				}
				sum += v
			}
			if want := map[bool]float64{true: 1, false: 0}[has[i]]; math.Abs(sum-want) > 1e-12 {
				t.Fatalf("row %d sums to %v, want %v", i, sum, want)
			}
		}
	})
}

func TestPropKMeansLabelsAreNearestCenters(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := genFeatures().Draw(t, "x")
		n, _ := x.Dims()
		k := rapid.IntRange(1, n).Draw(t, "k")
		m, err := KMeans(x, k, &KMeansOptions{Seed: rapid.Uint64().Draw(t, "seed"), Restarts: 2})
		if err != nil {
			t.Fatal(err)
		}
		size := make([]int, k)
		inertia := 0.0
		for i, l := range m.Labels {
			row := x.RawRowView(i)
			if p := m.Predict(row); p != l {
				t.Fatalf("row %d: label %d, nearest center %d", i, l, p)
			}
			size[l]++
			inertia += sqDist(row, m.Centers[l])
		}
		if diff := cmp.Diff(size, m.Size); diff != "" {
			t.Fatalf("Size mismatch (-counted +got):\n%s", diff)
		}
		if math.Abs(inertia-m.Inertia) > 1e-9*(1+inertia) {
			t.Fatalf("Inertia = %v, recomputed %v", m.Inertia, inertia)
		}
	})
}

func TestPropKMeansWorkersInvariant(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := genFeatures().Draw(t, "x")
		n, _ := x.Dims()
		k := rapid.IntRange(1, n).Draw(t, "k")
		seed := rapid.Uint64().Draw(t, "seed")
		// Small chunks, so that small inputs have several to merge.
		chunk := rapid.IntRange(1, 16).Draw(t, "chunk")
		a, errA := kmeans(x, k, &KMeansOptions{Seed: seed}, chunk)
		b, errB := kmeans(x, k, &KMeansOptions{Seed: seed, Workers: rapid.IntRange(2, 5).Draw(t, "workers")}, chunk)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if diff := cmp.Diff(a, b, cmpopts.IgnoreUnexported(Clustering{})); diff != "" {
			t.Fatalf("result depends on Workers (-sequential +parallel):\n%s", diff)
		}
	})
}

func TestPropSilhouetteInRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := genFeatures().Draw(t, "x")
		n, _ := x.Dims()
		if n < 2 {
			t.Skip("need 2 rows")
		}
		labels := genLabels(n, 3).Draw(t, "labels")
		labels[0], labels[1] = 0, 1 // at least 2 clusters
		s, err := Silhouette(x, labels, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s < -1 || s > 1 {
			t.Fatalf("silhouette %v outside [-1, 1]", s)
		}
	})
}

func TestPropStandardizedColumnsHaveMeanZeroSDOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := genFeatures().Draw(t, "x")
		n, d := x.Dims()
		z, s, err := Standardize(x)
		if err != nil {
			t.Fatal(err)
		}
		for j := range d {
			mean, ss := 0.0, 0.0
			for i := range n {
				mean += z.At(i, j)
			}
			mean /= float64(n)
			for i := range n {
				ss += (z.At(i, j) - mean) * (z.At(i, j) - mean)
			}
			if math.Abs(mean) > 1e-12 {
				t.Fatalf("column %d: mean %v", j, mean)
			}
			if n > 1 && s.SD[j] > 0 {
				if sd := math.Sqrt(ss / float64(n-1)); math.Abs(sd-1) > 1e-12 {
					t.Fatalf("column %d: sd %v", j, sd)
				}
			}
		}
	})
}
