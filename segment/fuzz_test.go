package segment

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func FuzzAssign(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 3, 3, 200, 0, 0}, uint8(4), uint8(10), uint8(30))
	f.Add([]byte{0, 5, 5, 5, 5}, uint8(1), uint8(0), uint8(0))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f}, uint8(2), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, tiers, w0, w1 uint8) {
		value := fuzzFloats(data)
		k := 1 + int(tiers%6)
		// Shares from two fuzzed weights; the rest split evenly.
		p := make(Pyramid, k)
		rest := 1.0
		for i := range p {
			s := rest / float64(k-i)
			if i == 0 && k > 1 {
				s = float64(w0%100+1) / 200
			} else if i == 1 && k > 2 {
				s = rest * float64(w1%100+1) / 200
			}
			if i == k-1 {
				s = rest
			}
			p[i] = Tier{Share: s}
			rest -= s
		}
		tier, err := p.Assign(value)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		if len(tier) != len(value) {
			t.Fatalf("%d tiers for %d values", len(tier), len(value))
		}
		for i := range value {
			if tier[i] < 0 || tier[i] >= k {
				t.Fatalf("tier[%d] = %d outside [0, %d)", i, tier[i], k)
			}
			for j := range value {
				if value[i] > value[j] && tier[i] > tier[j] || value[i] == value[j] && tier[i] != tier[j] {
					t.Fatalf("values %v, %v in tiers %d, %d", value[i], value[j], tier[i], tier[j])
				}
			}
		}
	})
}

func FuzzScoreRFM(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 5)
	f.Add([]byte{0, 1, 1, 1, 1, 1, 1}, 100)
	f.Add([]byte{0, 0xff, 3, 3}, 3)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f}, 2)
	f.Fuzz(func(t *testing.T, data []byte, bins int) {
		v := fuzzFloats(data)
		in := make([]RFM, len(v)/3)
		for i := range in {
			in[i] = RFM{v[3*i], v[3*i+1], v[3*i+2]}
		}
		s, err := ScoreRFM(in, bins)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		for i := range in {
			for _, sc := range []int{s[i].R, s[i].F, s[i].M} {
				if sc < 1 || sc > bins {
					t.Fatalf("score %d outside 1..%d", sc, bins)
				}
			}
			for j := range in {
				if in[i].Monetary > in[j].Monetary && s[i].M < s[j].M || in[i].Monetary == in[j].Monetary && s[i].M != s[j].M {
					t.Fatalf("M not monotone")
				}
				if in[i].Recency < in[j].Recency && s[i].R < s[j].R || in[i].Recency == in[j].Recency && s[i].R != s[j].R {
					t.Fatalf("R not monotone")
				}
			}
			_ = s[i].Segment(bins) // total: must not panic
		}
	})
}

func FuzzGini(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		v := fuzzFloats(data)
		g, err := Gini(v)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		if !(g >= 0 && g < 1) {
			t.Fatalf("Gini = %v outside [0, 1)", g)
		}
		share, cum, err := Lorenz(v)
		if err != nil || len(share) != len(v)+1 || cum[0] != 0 || cum[len(v)] != 1 {
			t.Fatalf("Lorenz: %v", err)
		}
		for i := 1; i < len(cum); i++ {
			if cum[i] < cum[i-1] {
				t.Fatalf("Lorenz curve decreases at %d", i)
			}
		}
	})
}

func FuzzKMeans(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 10, 11, 12, 40, 41}, uint8(3), uint8(2), uint64(1), uint8(2))
	f.Add([]byte{0, 5, 5, 5, 5, 5, 5}, uint8(2), uint8(3), uint64(0), uint8(1))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8}, uint8(1), uint8(1), uint64(2), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, cols, k uint8, seed uint64, workers uint8) {
		v := fuzzFloats(data)
		d := 1 + int(cols%4)
		n := len(v) / d
		if n == 0 {
			return
		}
		x := mat.NewDense(n, d, v[:n*d])
		if z, s, err := Standardize(x); err == nil {
			for _, w := range z.RawMatrix().Data {
				if math.IsNaN(w) || math.IsInf(w, 0) {
					t.Fatalf("Standardize returned %v (means %v, SDs %v)", w, s.Mean, s.SD)
				}
			}
		} else if !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("Standardize: error %v does not wrap ErrInvalidInput", err)
		}
		m, err := KMeans(x, int(k%8), &KMeansOptions{Seed: seed, Workers: int(workers % 4), MaxIter: 50})
		if err != nil && !errors.Is(err, ErrNotConverged) {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v wraps neither sentinel", err)
			}
			return
		}
		if len(m.Labels) != n || len(m.Centers) != int(k%8) {
			t.Fatalf("%d labels, %d centers", len(m.Labels), len(m.Centers))
		}
		total := 0
		for _, s := range m.Size {
			total += s
		}
		if total != n {
			t.Fatalf("sizes %v do not add up to %d", m.Size, n)
		}
		if m.Inertia < 0 || math.IsNaN(m.Inertia) {
			t.Fatalf("inertia %v", m.Inertia)
		}
		for i, l := range m.Labels {
			if l < 0 || l >= len(m.Centers) {
				t.Fatalf("label[%d] = %d", i, l)
			}
		}
	})
}

func FuzzSummarizeTiers(f *testing.F) {
	f.Add([]byte{0, 5, 1, 9, 0, 3, 3}, []byte{0, 1, 2, 0, 1, 2}, []byte{3, 2})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f}, []byte{0}, []byte{})
	f.Fuzz(func(t *testing.T, data, tiers, cuts []byte) {
		value := fuzzFloats(data)
		cutoff := make([]float64, len(cuts))
		for i, c := range cuts {
			cutoff[i] = float64(int8(c))
		}
		tier, err := AssignByCutoff(value, cutoff)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
		} else {
			for i, v := range value {
				if tier[i] < 0 || tier[i] > len(cutoff) || tier[i] < len(cutoff) && v < cutoff[tier[i]] {
					t.Fatalf("value %v in tier %d with cut-offs %v", v, tier[i], cutoff)
				}
			}
		}
		k := 1 + len(cutoff)
		tier = make([]int, len(value))
		for i := range tier {
			if i < len(tiers) {
				tier[i] = int(int8(tiers[i])) % (k + 1)
			}
		}
		rows, err := SummarizeTiers(value, tier, k)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		customers := 0
		for _, r := range rows {
			customers += r.Customers
			for _, v := range []float64{r.Value, r.ValueShare, r.Min, r.Max, r.Mean, r.CustomerShare} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite summary %+v", r)
				}
			}
		}
		if customers != len(value) {
			t.Fatalf("%d customers in the table, %d values", customers, len(value))
		}
	})
}

func FuzzMigration(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1}, []byte{1, 1, 0, 2}, 3)
	f.Add([]byte{}, []byte{}, 1)
	f.Fuzz(func(t *testing.T, a, b []byte, k int) {
		from, to := make([]int, len(a)), make([]int, len(b))
		for i, v := range a {
			from[i] = int(int8(v))
		}
		for i, v := range b {
			to[i] = int(int8(v))
		}
		if k > 1000 {
			k %= 1000 // keep the k × k matrix small
		}
		m, err := Migration(from, to, k)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		for i := range k {
			sum := 0.0
			for j := range k {
				sum += m.At(i, j)
			}
			if sum != 0 && math.Abs(sum-1) > 1e-12 {
				t.Fatalf("row %d sums to %v", i, sum)
			}
		}
	})
}

func FuzzSilhouette(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 10, 11, 12}, []byte{0, 0, 0, 1, 1, 1}, uint8(1), 0)
	f.Add([]byte{0, 4, 4, 4}, []byte{0, 1, 2}, uint8(2), 2)
	f.Fuzz(func(t *testing.T, data, lab []byte, cols uint8, sample int) {
		v := fuzzFloats(data)
		d := 1 + int(cols%3)
		n := len(v) / d
		if n == 0 {
			return
		}
		labels := make([]int, n)
		for i := range labels {
			if i < len(lab) {
				labels[i] = int(int8(lab[i]))
			}
		}
		s, err := Silhouette(mat.NewDense(n, d, v[:n*d]), labels, &SilhouetteOptions{Sample: sample % 100, Seed: 1})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		if !(s >= -1 && s <= 1) {
			t.Fatalf("silhouette %v outside [-1, 1]", s)
		}
	})
}
