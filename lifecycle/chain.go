package lifecycle

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/clmkit/clm/internal/check"

	"gonum.org/v1/gonum/mat"
)

// Month is the average length of a calendar month in the Gregorian calendar
// (365.2425/12 days), a convenient period for [EstimateChain] over monthly
// snapshots.
const Month = time.Duration(365.2425 / 12 * float64(Day))

// Chain is a discrete-time Markov chain over the six stages, one step per
// Period. Stage s is row and column s−1 of Counts and P.
//
// The exported fields are the whole persisted state: a Chain round-trips
// through encoding/json, and UnmarshalJSON validates P and rebuilds the
// derived quantities.
//
// Absorption and win-back: the default graph lets Terminated customers come
// back as Prospects, so P is usually not absorbing. [Chain.Forecast] uses P
// as it is, win-back included. The first-passage queries
// [Chain.PTerminatedWithin], [Chain.PTerminated] and
// [Chain.ExpectedPeriodsToTerminated] ask when a customer first reaches
// Terminated; what happens after that cannot change the answer, so they
// treat Terminated as absorbing (its row replaced by "stay"). Forecast's
// mass in Terminated at step k can therefore be smaller than
// PTerminatedWithin(·, k): the difference is customers lost and won back.
//
// A *Chain is immutable and safe for concurrent use.
type Chain struct {
	// Period is the length of one step.
	Period time.Duration
	// Counts[i][j] is the number of observed steps from stage i+1 to stage
	// j+1 (zero for a chain built by [NewChain]).
	Counts [NumStages][NumStages]int64
	// P[i][j] is the probability of moving from stage i+1 to stage j+1 in one
	// step; each row sums to 1. Estimated as Counts[i][j] / Σ_j Counts[i][j],
	// the maximum-likelihood estimate of Anderson & Goodman (1957), §2.
	P [NumStages][NumStages]float64

	// Derived state, built eagerly by newChain.
	abs   [NumStages][NumStages]float64 // P with Terminated absorbing
	hit   [NumStages]float64            // P(ever reach Terminated)
	tau   [NumStages]float64            // expected periods to Terminated
	fund  *mat.Dense                    // fundamental matrix over the transient stages, or nil
	dense *mat.Dense                    // P as a gonum matrix (never written after construction)
}

// EstimateChain estimates the transition matrix between stages per period
// from journeys (as returned by [Track]).
//
// Each journey is sampled on a grid of period steps from its Start: sample
// k (k = 0..K, K = round((End − Start)/period)) is the stage in force at
// Start + k·period + period/2, so that snapshots taken about once per period
// (calendar months with period [Month], say) fall one per step even when
// their spacing wobbles by up to half a period. Each pair of consecutive
// samples counts one step, and P is the row-normalised count matrix
// (maximum likelihood for a first-order chain; Anderson & Goodman 1957).
// Stages visited for less than a period may be skipped by the grid: their
// move is then counted as one step from the stage before to the stage after.
//
// Errors wrap [ErrInvalidInput]: period ≤ 0; no journeys; a journey with no
// transitions, a stage outside 1..6, a From that is not the previous To, a
// transition not after the one before it, or End before the last
// transition (Field "journeys", Index the journey); and a stage from which
// no step was observed, whose row of P would be undefined (Field "row",
// Index s−1). Every stage must therefore appear at a sample that is not the
// last of its journey; use [NewChain] to supply rows you cannot observe.
//
// EstimateChain is O(total transitions), independent of the number of
// steps, and does not modify the journeys.
func EstimateChain(journeys []Journey, period time.Duration) (*Chain, error) {
	c := checker("EstimateChain")
	if period <= 0 {
		return nil, c.Fail("period", -1, period.String(), "must be > 0")
	}
	if len(journeys) == 0 {
		return nil, c.Fail("journeys", -1, "", "must not be empty")
	}
	var counts [NumStages][NumStages]int64
	p := int64(period)
	h := p / 2
	for i := range journeys {
		if err := countSteps(&counts, &journeys[i], p, h); err != "" {
			return nil, c.Fail("journeys", i, "", err)
		}
	}
	var pm [NumStages][NumStages]float64
	for i := range counts {
		var n int64
		for _, v := range counts[i] {
			n += v
		}
		if n == 0 {
			return nil, c.Fail("row", i, Stage(i+1).String(), "no step observed out of this stage, so its transition probabilities are undefined")
		}
		for j, v := range counts[i] {
			pm[i][j] = float64(v) / float64(n)
		}
	}
	return newChain(counts, pm, period), nil
}

// countSteps adds the sampled steps of one journey to counts, or returns
// what is wrong with the journey.
func countSteps(counts *[NumStages][NumStages]int64, j *Journey, p, h int64) string {
	tr := j.Transitions
	if len(tr) == 0 {
		return "no transitions"
	}
	for k := range tr {
		if !tr[k].To.Valid() {
			return "Transitions[" + strconv.Itoa(k) + "].To = " + tr[k].To.String() + ": not a valid stage"
		}
		if k == 0 {
			continue
		}
		if tr[k].From != tr[k-1].To {
			return "Transitions[" + strconv.Itoa(k) + "].From = " + tr[k].From.String() + ": want the previous To, " + tr[k-1].To.String()
		}
		if tr[k].To == tr[k].From {
			return "Transitions[" + strconv.Itoa(k) + "]: From equals To"
		}
		if !tr[k].At.After(tr[k-1].At) {
			return "Transitions[" + strconv.Itoa(k) + "].At not after the previous transition"
		}
	}
	start := tr[0].At
	if j.End.Before(tr[len(tr)-1].At) {
		return "End before the last transition"
	}
	end := int64(j.End.Sub(start)) // ≥ 0; saturates for absurd spans
	last := end / p                // K = round(end/p) without overflow
	if end%p+h >= p {
		last++
	}
	var prev Stage
	for k := range tr {
		lo := firstSample(int64(tr[k].At.Sub(start)), p, h)
		if lo > last {
			break
		}
		hi := last + 1
		if k+1 < len(tr) {
			hi = min(hi, firstSample(int64(tr[k+1].At.Sub(start)), p, h))
		}
		if lo >= hi {
			continue // visited for less than one grid step
		}
		s := tr[k].To
		if prev != 0 {
			counts[prev-1][s-1]++
		}
		counts[s-1][s-1] += hi - lo - 1
		prev = s
	}
	return ""
}

// firstSample returns the smallest k ≥ 0 with k·p + h ≥ d.
func firstSample(d, p, h int64) int64 {
	if d <= h {
		return 0
	}
	q, r := (d-h)/p, (d-h)%p
	if r != 0 {
		q++
	}
	return q
}

// NewChain returns the chain with one-step transition matrix p (stage s at
// row and column s−1) and step length period. Each row must be finite,
// non-negative and sum to 1 within 1e-9; otherwise, or for period ≤ 0, the
// error wraps [ErrInvalidInput] and names the row ("p", Index row). Use it
// for a matrix estimated elsewhere or edited by hand.
func NewChain(p [NumStages][NumStages]float64, period time.Duration) (*Chain, error) {
	if err := validateChain(checker("NewChain"), &p, nil, period); err != nil {
		return nil, err
	}
	return newChain([NumStages][NumStages]int64{}, p, period), nil
}

// rowSumTol is how far a row of P may be from summing to 1: loose enough for
// probabilities printed to 10 significant digits, tight enough to catch a
// row that is not a distribution.
const rowSumTol = 1e-9

func validateChain(c check.Checker, p *[NumStages][NumStages]float64, counts *[NumStages][NumStages]int64, period time.Duration) error {
	if period <= 0 {
		return c.Fail("period", -1, period.String(), "must be > 0")
	}
	for i := range p {
		sum := 0.0
		for j, v := range p[i] {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return c.Fail("p", i, strconv.FormatFloat(v, 'g', -1, 64), "column "+strconv.Itoa(j)+": must be finite and ≥ 0")
			}
			sum += v
		}
		if math.Abs(sum-1) > rowSumTol {
			return c.Fail("p", i, "", "row sums to "+strconv.FormatFloat(sum, 'g', -1, 64)+", want 1")
		}
	}
	if counts != nil {
		for i := range counts {
			for j, v := range counts[i] {
				if v < 0 {
					return c.Fail("Counts", i, strconv.FormatInt(v, 10), "column "+strconv.Itoa(j)+": must be ≥ 0")
				}
			}
		}
	}
	return nil
}

func newChain(counts [NumStages][NumStages]int64, p [NumStages][NumStages]float64, period time.Duration) *Chain {
	ch := &Chain{Period: period, Counts: counts, P: p}
	ch.derive()
	return ch
}

const term = int(Terminated) - 1 // row and column of Terminated

// derive builds the absorbing matrix, the probability of ever reaching
// Terminated and the expected first-passage times, with the fundamental
// matrix of the absorbing chain (Grinstead & Snell 1997, §11.2):
//
//	N = (I − Q)⁻¹,  t = N·1,  h = N·R
//
// where Q is P restricted to the transient stages and R their column of
// one-step moves into Terminated. Stages from which Terminated is not
// reached with probability 1 have t = +Inf and are left out of N, so that
// I − Q is always invertible.
func (ch *Chain) derive() {
	const n = NumStages
	ch.abs = ch.P
	for j := range ch.abs[term] {
		ch.abs[term][j] = 0
	}
	ch.abs[term][term] = 1
	data := make([]float64, 0, n*n)
	for i := range ch.P {
		data = append(data, ch.P[i][:]...)
	}
	ch.dense = mat.NewDense(n, n, data)

	// reach[i][j]: j reachable from i in the absorbing chain (transitive closure).
	var reach [n][n]bool
	for i := range n {
		reach[i][i] = true
		for j := range n {
			if ch.abs[i][j] > 0 {
				reach[i][j] = true
			}
		}
	}
	for k := range n {
		for i := range n {
			for j := range n {
				reach[i][j] = reach[i][j] || (reach[i][k] && reach[k][j])
			}
		}
	}
	// canHit: Terminated reachable. sure: every reachable stage can hit it,
	// so absorption is certain and the expected time finite.
	var canHit, sure [n]bool
	for i := range n {
		canHit[i] = reach[i][term]
	}
	for i := range n {
		sure[i] = canHit[i]
		for j := range n {
			if reach[i][j] && !canHit[j] {
				sure[i] = false
			}
		}
	}
	ch.hit[term], ch.tau[term] = 1, 0
	// h on the transient stages that can hit: (I − Q)h = R.
	ch.solve(canHit, func(i int) float64 { return ch.abs[i][term] }, ch.hit[:])
	// t on the stages with certain absorption: (I − Q)t = 1.
	ch.solve(sure, func(int) float64 { return 1 }, ch.tau[:])
	ch.fund = nil
	if allSure := sure[0] && sure[1] && sure[2] && sure[3] && sure[4]; allSure {
		// Every stage is transient: N = (I − Q)⁻¹ exists (term is the last index).
		const m = n - 1
		a := mat.NewDense(m, m, nil)
		for i := range m {
			for j := range m {
				v := -ch.abs[i][j]
				if i == j {
					v++
				}
				a.Set(i, j, v)
			}
		}
		var inv mat.Dense
		if err := inv.Inverse(a); err == nil {
			ch.fund = &inv
		}
	}
	for i := range n {
		if i == term {
			continue
		}
		if !canHit[i] {
			ch.hit[i] = 0
		}
		if sure[i] {
			// Certain by the structure of P; the solve would only add rounding.
			ch.hit[i] = 1
		} else {
			ch.tau[i] = math.Inf(1)
		}
		// Rounding can leave a probability a hair outside [0, 1].
		ch.hit[i] = math.Min(1, math.Max(0, ch.hit[i]))
	}
}

// solve solves (I − Q_S) x = b over the transient stages in S (Terminated
// excluded) and writes x into out at those stages. Stages outside S are
// treated as x = 0 (they cannot reach Terminated, or are excluded).
func (ch *Chain) solve(in [NumStages]bool, b func(i int) float64, out []float64) {
	var idx []int
	for i := range NumStages {
		if in[i] && i != term {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return
	}
	m := len(idx)
	a := mat.NewDense(m, m, nil)
	rhs := mat.NewVecDense(m, nil)
	for r, i := range idx {
		for c, j := range idx {
			v := -ch.abs[i][j]
			if r == c {
				v++
			}
			a.Set(r, c, v)
		}
		rhs.SetVec(r, b(i))
	}
	var x mat.VecDense
	if err := x.SolveVec(a, rhs); err != nil {
		// Unreachable: S is closed under "can hit Terminated", so the
		// spectral radius of Q_S is below 1 and I − Q_S is invertible; a
		// near-singular system (a stage that leaves with probability 1e-17)
		// is reported as infinite rather than as a wrong finite number.
		for _, i := range idx {
			out[i] = math.Inf(1)
		}
		return
	}
	for r, i := range idx {
		out[i] = x.AtVec(r)
	}
}

// Fundamental returns a fresh copy of the fundamental matrix
//
//	N = (I − Q)⁻¹
//
// of the chain with Terminated absorbing (Grinstead & Snell 1997, §11.2),
// where Q is P restricted to the five other stages (Prospect..Decline, row
// and column s−1). N[i][j] is the expected number of periods spent in stage
// j+1 before first reaching Terminated, starting from stage i+1; its row sums
// are [Chain.ExpectedPeriodsToTerminated]. It is nil when some stage does not
// reach Terminated with probability 1, since N then has infinite entries.
func (ch *Chain) Fundamental() *mat.Dense {
	if ch.fund == nil {
		return nil
	}
	return mat.DenseCopyOf(ch.fund)
}

// Matrix returns a fresh copy of P as a 6×6 gonum matrix.
func (ch *Chain) Matrix() *mat.Dense {
	return mat.DenseCopyOf(ch.dense)
}

// Forecast projects the stage distribution dist (stage s at index s−1) steps
// periods ahead: dist·Pˢᵗᵉᵖˢ, win-back included. It is linear in dist, which
// need not sum to 1 (a vector of customer counts forecasts counts). steps ≤ 0
// returns dist unchanged; a NaN or Inf in dist propagates to the result.
// O(log steps), allocation-free.
func (ch *Chain) Forecast(dist [NumStages]float64, steps int) [NumStages]float64 {
	return power(dist, &ch.P, steps)
}

// power returns v·Mᵏ (k ≤ 0: v): k vector-matrix products for small k,
// binary exponentiation (O(log k) matrix squarings) beyond.
func power(v [NumStages]float64, m *[NumStages][NumStages]float64, k int) [NumStages]float64 {
	if k <= 32 {
		for range k {
			v = vecMul(v, m)
		}
		return v
	}
	sq := *m
	for k > 0 {
		if k&1 == 1 {
			v = vecMul(v, &sq)
		}
		k >>= 1
		if k > 0 {
			sq = matMul(&sq, &sq)
		}
	}
	return v
}

func vecMul(v [NumStages]float64, m *[NumStages][NumStages]float64) [NumStages]float64 {
	var out [NumStages]float64
	for i, vi := range v {
		for j := range out {
			out[j] += vi * m[i][j]
		}
	}
	return out
}

func matMul(a, b *[NumStages][NumStages]float64) [NumStages][NumStages]float64 {
	var out [NumStages][NumStages]float64
	for i := range out {
		for k := range out {
			for j := range out {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

// ExpectedTimeIn returns the mean sojourn in stage s, in periods: the
// expected number of consecutive periods spent in s per visit, 1/(1 − Pₛₛ)
// for the geometric sojourn of a Markov chain. It is +Inf when Pₛₛ = 1 (s
// is never left) and NaN for an invalid stage.
func (ch *Chain) ExpectedTimeIn(s Stage) float64 {
	if !s.Valid() {
		return math.NaN()
	}
	stay := ch.P[s-1][s-1]
	if stay >= 1 {
		return math.Inf(1)
	}
	return 1 / (1 - stay)
}

// PTerminatedWithin returns the probability that a customer now in stage
// from reaches Terminated within k periods (first passage; see [Chain] on
// win-back). It is 1 for from = Terminated, 0 for k ≤ 0 otherwise, NaN for
// an invalid stage. O(log k), allocation-free.
func (ch *Chain) PTerminatedWithin(from Stage, k int) float64 {
	if !from.Valid() {
		return math.NaN()
	}
	if from == Terminated {
		return 1
	}
	var v [NumStages]float64
	v[from-1] = 1
	return math.Min(1, power(v, &ch.abs, k)[term])
}

// PTerminated returns the probability that a customer now in stage from ever
// reaches Terminated: h = N·R with the fundamental matrix N (see [Chain]).
// It is 1 for Terminated and NaN for an invalid stage.
func (ch *Chain) PTerminated(from Stage) float64 {
	if !from.Valid() {
		return math.NaN()
	}
	return ch.hit[from-1]
}

// ExpectedPeriodsToTerminated returns the expected number of periods until a
// customer now in stage from first reaches Terminated: t = N·1 with the
// fundamental matrix N = (I − Q)⁻¹ of the chain with Terminated absorbing
// (Grinstead & Snell 1997, §11.2, "Time to Absorption"). It is 0 for
// Terminated, +Inf when Terminated is reached with probability below 1 (see
// [Chain.PTerminated]), and NaN for an invalid stage. Multiply by Period for
// a duration.
func (ch *Chain) ExpectedPeriodsToTerminated(from Stage) float64 {
	if !from.Valid() {
		return math.NaN()
	}
	return ch.tau[from-1]
}

// chainJSON is the persisted form of a Chain: its exported fields.
type chainJSON struct {
	Period time.Duration
	Counts [NumStages][NumStages]int64
	P      [NumStages][NumStages]float64
}

// MarshalJSON encodes the exported fields.
func (ch *Chain) MarshalJSON() ([]byte, error) {
	return json.Marshal(chainJSON{Period: ch.Period, Counts: ch.Counts, P: ch.P})
}

// UnmarshalJSON decodes the exported fields, validates them as [NewChain]
// does (and Counts ≥ 0), and rebuilds the derived quantities. On error ch is
// left unchanged.
func (ch *Chain) UnmarshalJSON(b []byte) error {
	var v chainJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if err := validateChain(checker("Chain.UnmarshalJSON"), &v.P, &v.Counts, v.Period); err != nil {
		return err
	}
	*ch = *newChain(v.Counts, v.P, v.Period)
	return nil
}
