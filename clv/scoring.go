package clv

import "math"

// pairCache memoises a function of two float64 arguments during one batch
// call: scoring a million customers touches only as many distinct (x, T)
// or (x, τ) pairs as the cohort has, typically tens of thousands. It is an
// open-addressing table on the bit patterns, like compressSummaries'.
type pairCache struct {
	keys [][2]float64
	vals [][2]float64
	slot []int32
}

func newPairCache() *pairCache { return &pairCache{slot: make([]int32, 1024)} }

func pairHash(a, b float64) uint64 {
	mix := func(h uint64) uint64 {
		h ^= h >> 33
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
		h *= 0xc4ceb9fe1a85ec53
		return h ^ h>>33
	}
	return mix(mix(math.Float64bits(a+0)) ^ math.Float64bits(b+0))
}

// get returns f(a, b), computing it on the first request for (a, b).
func (c *pairCache) get(a, b float64, f func(a, b float64) float64) float64 {
	return c.get2(a, b, func(a, b float64) [2]float64 { return [2]float64{f(a, b)} })[0]
}

// get2 is get for a function with two results.
func (c *pairCache) get2(a, b float64, f func(a, b float64) [2]float64) [2]float64 {
	if 2*len(c.keys) >= len(c.slot) {
		c.slot = make([]int32, 2*len(c.slot))
		for j, k := range c.keys {
			h := pairHash(k[0], k[1]) & uint64(len(c.slot)-1)
			for c.slot[h] != 0 {
				h = (h + 1) & uint64(len(c.slot)-1)
			}
			c.slot[h] = int32(j + 1)
		}
	}
	h := pairHash(a, b) & uint64(len(c.slot)-1)
	for {
		j := c.slot[h]
		if j == 0 {
			v := f(a, b)
			c.keys = append(c.keys, [2]float64{a, b})
			c.vals = append(c.vals, v)
			c.slot[h] = int32(len(c.keys))
			return v
		}
		if k := c.keys[j-1]; k[0] == a && k[1] == b {
			return c.vals[j-1]
		}
		h = (h + 1) & uint64(len(c.slot)-1)
	}
}

// AppendConditionalPurchases appends ConditionalPurchases(t, x, t_x, T) for
// each customer of s to dst and returns the extended slice. It gives the
// same values as the scalar method, computing the hypergeometric term once
// per distinct (x, T), so that it scores a large cohort several times
// faster. Invalid rows give NaN, as in the scalar method; s is not
// validated or modified.
func (m *BGNBD) AppendConditionalPurchases(dst []float64, t float64, s []Summary) []float64 {
	c := newPairCache()
	g := func(x, T float64) float64 { return bgExpect(m.R+x, m.Alpha+T, m.A, m.B+x-1, t) }
	for _, r := range s {
		if !validXTT(r.Frequency, r.Recency, r.T) || math.IsNaN(t) || math.IsInf(t, 1) || t <= 0 {
			dst = append(dst, m.ConditionalPurchases(t, r.Frequency, r.Recency, r.T))
			continue
		}
		dst = append(dst, m.PAlive(r.Frequency, r.Recency, r.T)*c.get(r.Frequency, r.T, g))
	}
	return dst
}

// AppendConditionalPurchases appends ConditionalPurchases(t, x, t_x, T) for
// each customer of s to dst; see [BGNBD.AppendConditionalPurchases].
func (m *MBGNBD) AppendConditionalPurchases(dst []float64, t float64, s []Summary) []float64 {
	c := newPairCache()
	g := func(x, T float64) float64 { return bgExpect(m.R+x, m.Alpha+T, m.A, m.B+x, t) }
	for _, r := range s {
		if !validXTT(r.Frequency, r.Recency, r.T) || math.IsNaN(t) || math.IsInf(t, 1) || t <= 0 {
			dst = append(dst, m.ConditionalPurchases(t, r.Frequency, r.Recency, r.T))
			continue
		}
		dst = append(dst, m.PAlive(r.Frequency, r.Recency, r.T)*c.get(r.Frequency, r.T, g))
	}
	return dst
}

// AppendPAlive appends PAlive(x, t_x, T) for each customer of s to dst and
// returns the extended slice. It gives the same values as the scalar
// method, computing the hypergeometric term H(τ) once per distinct (x, τ)
// instead of twice per customer. Invalid rows give NaN; s is not validated
// or modified.
func (m *ParetoNBD) AppendPAlive(dst []float64, s []Summary) []float64 {
	c := m.newPAliveCache()
	for _, r := range s {
		dst = append(dst, c.pAlive(r.Frequency, r.Recency, r.T))
	}
	return dst
}

// AppendConditionalPurchases appends ConditionalPurchases(t, x, t_x, T) for
// each customer of s to dst; see [ParetoNBD.AppendPAlive].
func (m *ParetoNBD) AppendConditionalPurchases(dst []float64, t float64, s []Summary) []float64 {
	c := m.newPAliveCache()
	for _, r := range s {
		x, tx, T := r.Frequency, r.Recency, r.T
		if !validXTT(x, tx, T) || math.IsNaN(t) || math.IsInf(t, 1) || t <= 0 {
			dst = append(dst, m.ConditionalPurchases(t, x, tx, T))
			continue
		}
		bt := m.Beta + T
		dst = append(dst, (m.R+x)*bt/(m.Alpha+T)*powRatio(m.S-1, math.Log1p(t/bt))*c.pAlive(x, tx, T))
	}
	return dst
}

// paretoPAliveCache holds, per distinct (x, τ), log H(τ), and per distinct
// (x, T), log H(T) and log s − log(first likelihood term).
type paretoPAliveCache struct {
	m     *ParetoNBD
	h, tT *pairCache
	lh    func(x, tau float64) float64
	lt    func(x, T float64) [2]float64
}

func (m *ParetoNBD) newPAliveCache() *paretoPAliveCache {
	c := &paretoPAliveCache{m: m, h: newPairCache(), tT: newPairCache()}
	c.lh = func(x, tau float64) float64 {
		v, _ := paretoLogH(m.R, m.Alpha, m.S, m.Beta, x, tau)
		return v
	}
	ls := math.Log(m.S)
	c.lt = func(x, T float64) [2]float64 {
		f1 := -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
		return [2]float64{c.h.get(x, T, c.lh), ls - f1}
	}
	return c
}

// pAlive is ParetoNBD.PAlive with the per-pair terms cached; the
// arithmetic is the same, so the results are equal bit for bit.
func (c *paretoPAliveCache) pAlive(x, tx, T float64) float64 {
	if !validXTT(x, tx, T) {
		return math.NaN()
	}
	if tx == T {
		return 1
	}
	htx := c.h.get(x, tx, c.lh)
	v := c.tT.get2(x, T, c.lt)
	ht := v[0]
	if math.IsNaN(htx) || math.IsNaN(ht) {
		return math.NaN()
	}
	if !(ht < htx) {
		return 1
	}
	return logistic(-(v[1] + htx + math.Log(-math.Expm1(ht-htx))))
}
