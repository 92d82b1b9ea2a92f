package lifecycle

import (
	"errors"
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// checkJourney reports whether j is a legal journey of history under g.
func checkJourney(t *rapid.T, g *Graph, history []Snapshot, j Journey, complete bool) {
	if len(j.Transitions) == 0 {
		t.Fatalf("empty journey")
	}
	if j.Transitions[0].From != 0 || !j.Transitions[0].At.Equal(history[0].AsOf) {
		t.Fatalf("first transition %+v, want From 0 at the first AsOf", j.Transitions[0])
	}
	for k, tr := range j.Transitions {
		if !tr.To.Valid() {
			t.Fatalf("transition %d: invalid To %v", k, tr.To)
		}
		if k == 0 {
			continue
		}
		prev := j.Transitions[k-1]
		if tr.From != prev.To || tr.From == tr.To || !g.Allowed(tr.From, tr.To) {
			t.Fatalf("transition %d %v→%v is not legal (previous To %v) under %v", k, tr.From, tr.To, prev.To, g)
		}
		if !tr.At.After(prev.At) {
			t.Fatalf("transition %d at %v not after %v", k, tr.At, prev.At)
		}
	}
	if complete {
		if !j.End.Equal(history[len(history)-1].AsOf) {
			t.Fatalf("End = %v, want the last AsOf", j.End)
		}
		var total time.Duration
		for _, s := range Stages() {
			total += j.TimeIn(s)
		}
		if total != j.End.Sub(j.Start()) {
			t.Fatalf("time in stages sums to %v, want %v", total, j.End.Sub(j.Start()))
		}
	}
}

func TestPropJourneyLegal(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		g := genGraph().Draw(t, "graph")
		r := genRules().Draw(t, "rules")
		h := genHistory().Draw(t, "history")
		j, err := Track(g, r, h)
		if err != nil {
			// The history is valid, so the only possible error is an illegal move.
			var e *InputError
			if !errors.Is(err, ErrIllegalTransition) || !errors.As(err, &e) || e.Field != "history" || e.Index < 1 || e.Index >= len(h) {
				t.Fatalf("Track on valid data: %v", err)
			}
			checkJourney(t, g, h, j, false)
			return
		}
		checkJourney(t, g, h, j, true)
	})
}

func TestPropJourneyMatchesClassify(t *testing.T) {
	t.Parallel()
	// Without hysteresis and with every move allowed, the journey is exactly
	// the sequence of classifications.
	rapid.Check(t, func(t *rapid.T) {
		r := genRules().Draw(t, "rules")
		r.MinPeriods = rapid.IntRange(0, 1).Draw(t, "minPeriods")
		h := genHistory().Draw(t, "history")
		j, err := Track(completeGraph(), r, h)
		if err != nil {
			t.Fatal(err)
		}
		if j.Held != 0 {
			t.Fatalf("Held = %d without hysteresis", j.Held)
		}
		for i, s := range h {
			want, _ := r.Classify(s)
			if got := j.StageAt(s.AsOf); got != want {
				t.Fatalf("snapshot %d: journey stage %v, Classify %v", i, got, want)
			}
		}
	})
}

func TestPropHysteresisMinimumStay(t *testing.T) {
	t.Parallel()
	// A move between Growth, Maturity and Decline happens only after at
	// least MinPeriods snapshots in the stage left (the first stage excepted).
	rapid.Check(t, func(t *rapid.T) {
		r := genRules().Draw(t, "rules")
		h := genHistory().Draw(t, "history")
		j, err := Track(completeGraph(), r, h)
		if err != nil {
			t.Fatal(err)
		}
		index := make(map[time.Time]int, len(h))
		for i, s := range h {
			index[s.AsOf] = i
		}
		for k := 2; k < len(j.Transitions); k++ {
			tr := j.Transitions[k]
			if !softStage(tr.From) || !softStage(tr.To) {
				continue
			}
			stay := index[tr.At] - index[j.Transitions[k-1].At]
			if stay < r.MinPeriods {
				t.Fatalf("%v→%v after %d snapshots, MinPeriods %d", tr.From, tr.To, stay, r.MinPeriods)
			}
		}
	})
}

func TestPropClassifyValid(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		r := genRules().Draw(t, "rules")
		h := genHistory().Draw(t, "history")
		for _, s := range h {
			st, why := r.Classify(s)
			if !st.Valid() || why.Rule == RuleInvalid || why.Rule == RuleNone {
				t.Fatalf("Classify(valid snapshot) = %v, %v", st, why.Rule)
			}
			if why.Dormant && st != Decline && st != Terminated {
				t.Fatalf("dormant customer in %v", st)
			}
			if why.Signals&(FewerProducts|MoreProducts) == FewerProducts|MoreProducts {
				t.Fatalf("contradictory signals %v", why.Signals)
			}
		}
	})
}

func TestPropForecastDistribution(t *testing.T) {
	t.Parallel()
	// Forecast keeps a probability distribution: entries in [0, 1], sum 1.
	const tol = 1e-9 // rounding over up to 2·log2(10000) 6×6 products
	rapid.Check(t, func(t *rapid.T) {
		c := genChain().Draw(t, "chain")
		d := genDist().Draw(t, "dist")
		steps := rapid.IntRange(-2, 10000).Draw(t, "steps")
		got := c.Forecast(d, steps)
		sum := 0.0
		for i, v := range got {
			if v < -tol || v > 1+tol || math.IsNaN(v) {
				t.Fatalf("Forecast[%d] = %v", i, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > tol {
			t.Fatalf("Forecast sums to %v", sum)
		}
	})
}

func TestPropAbsorptionConsistent(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := genChain().Draw(t, "chain")
		s := rapid.SampledFrom(Stages()).Draw(t, "from")
		prev := 0.0
		for _, k := range []int{0, 1, 2, 5, 20, 100} {
			p := c.PTerminatedWithin(s, k)
			if p < prev-1e-12 || p < 0 || p > 1 {
				t.Fatalf("PTerminatedWithin(%v, %d) = %v after %v", s, k, p, prev)
			}
			prev = p
		}
		h := c.PTerminated(s)
		if prev > h+1e-9 {
			t.Fatalf("P(T ≤ 100) = %v > P(ever T) = %v", prev, h)
		}
		tau := c.ExpectedPeriodsToTerminated(s)
		if math.IsNaN(tau) || tau < 0 {
			t.Fatalf("expected periods %v", tau)
		}
		if !math.IsInf(tau, 1) && h != 1 {
			t.Fatalf("finite expected time %v with P(ever T) = %v", tau, h)
		}
		if s != Terminated && !math.IsInf(tau, 1) && tau < 1 {
			t.Fatalf("expected periods %v < 1 from %v", tau, s)
		}
	})
}
