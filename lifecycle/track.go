package lifecycle

import (
	"strconv"
	"time"
)

// Transition is one move of a customer between stages. The first transition
// of a [Journey] has From 0 (unset): it records the stage of the first
// snapshot.
//
// A Transition (and so a [Journey]) round-trips through encoding/json; the
// unset From of the first transition is omitted.
type Transition struct {
	From   Stage     `json:",omitempty"` // 0 (unset) for the first transition
	To     Stage     // the new stage
	At     time.Time // AsOf of the snapshot where the new stage was observed
	Reason Reason    // why the snapshot was classified To
}

// Journey is one customer's ordered transitions, as returned by [Track].
// The customer is in Transitions[k].To from Transitions[k].At until the next
// transition, and in the last To until End.
type Journey struct {
	Transitions []Transition
	// End is the AsOf of the last snapshot: the end of observation.
	End time.Time
	// Held counts the snapshots at which the hysteresis of
	// Rules.MinPeriods kept the customer in place.
	Held int
}

// Start returns the AsOf of the first snapshot, or the zero time for an
// empty Journey.
func (j Journey) Start() time.Time {
	if len(j.Transitions) == 0 {
		return time.Time{}
	}
	return j.Transitions[0].At
}

// Stage returns the stage at the end of observation, or 0 for an empty
// Journey.
func (j Journey) Stage() Stage {
	if len(j.Transitions) == 0 {
		return 0
	}
	return j.Transitions[len(j.Transitions)-1].To
}

// StageAt returns the stage the customer was in at t: 0 before Start, the
// last stage for t after End. O(log transitions).
func (j Journey) StageAt(t time.Time) Stage {
	// the number of transitions at or before t
	lo, hi := 0, len(j.Transitions)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !j.Transitions[m].At.After(t) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0
	}
	return j.Transitions[lo-1].To
}

// TimeIn returns the total time the customer spent in stage s during
// observation, summed over visits: from each transition into s to the next
// transition, or to End for the last one. The times of all six stages sum to
// End − Start. An invalid s gives 0.
func (j Journey) TimeIn(s Stage) time.Duration {
	var d time.Duration
	for k, tr := range j.Transitions {
		if tr.To != s {
			continue
		}
		until := j.End
		if k+1 < len(j.Transitions) {
			until = j.Transitions[k+1].At
		}
		d += until.Sub(tr.At)
	}
	return d
}

// Visits returns how many times the customer entered stage s (the first
// stage counts as one visit).
func (j Journey) Visits(s Stage) int {
	n := 0
	for _, tr := range j.Transitions {
		if tr.To == s {
			n++
		}
	}
	return n
}

// softStage reports whether s is one of the behaviour-driven stages between
// which Rules.MinPeriods holds customers.
func softStage(s Stage) bool { return s == Growth || s == Maturity || s == Decline }

// Track classifies an ordered history of one customer's snapshots with
// [Rules.Classify] and returns the [Journey] of stage changes. Each change is
// validated against g; a nil g means [DefaultGraph].
//
// Hysteresis: when r.MinPeriods > 1, a customer who entered Growth, Maturity
// or Decline at snapshot e is kept there at snapshot i while i − e <
// r.MinPeriods, if the new classification is another of these three stages;
// Journey.Held counts such snapshots. Holding comes before the graph check,
// so a held move is never reported as illegal. The stage of the first
// snapshot is not held: it was entered before observation began.
//
// Errors, all wrapping [ErrInvalidInput] and naming the field and index:
// invalid rules (see [Rules.Validate]); an empty history; a snapshot with a
// zero AsOf, AsOf not after the previous AsOf (out of date order), AsOf
// before FirstContact, Closed without Opened or before Opened, a negative
// count, or a NaN or infinite value ("history.Closed[3]"). All snapshots are
// validated before any is classified. A move that g does not allow returns
// an error that also wraps [ErrIllegalTransition], with Field "history" and
// Index the offending snapshot; the returned Journey then holds the moves
// before it, for inspection.
//
// Track is O(len(history)) and allocates only the Journey's transitions (and
// a scratch index for histories with more than 16 stage changes).
// The history is not modified or retained.
func Track(g *Graph, r Rules, history []Snapshot) (Journey, error) {
	c := checker("Track")
	if err := r.validate(c); err != nil {
		return Journey{}, err
	}
	if len(history) == 0 {
		return Journey{}, c.Fail("history", -1, "", "must not be empty")
	}
	for i := range history {
		if err := snapshotError(c, "history", i, &history[i]); err != nil {
			return Journey{}, err
		}
		if i > 0 && !history[i].AsOf.After(history[i-1].AsOf) {
			return Journey{}, c.Fail("history.AsOf", i, history[i].AsOf.Format(time.DateOnly),
				"not after history.AsOf["+strconv.Itoa(i-1)+"] = "+history[i-1].AsOf.Format(time.DateOnly)+" (out of date order)")
		}
	}
	if g == nil {
		g = &defaultGraph
	}
	// First pass: the snapshot index of every stage change, in a stack
	// buffer for typical histories. Second pass: classify those snapshots
	// again for their reasons, into a journey allocated at its exact size.
	var buf [16]int
	at := buf[:0]
	var why Reason
	cur := r.classify(&history[0], &why)
	at = append(at, 0)
	// The first stage was entered before observation began, so it is never held.
	entered, held := -r.MinPeriods, 0
	var illegal *InputError
	for i := 1; i < len(history); i++ {
		st := r.classify(&history[i], &why)
		if st == cur {
			continue
		}
		if r.MinPeriods > 1 && i-entered < r.MinPeriods && softStage(cur) && softStage(st) {
			held++
			continue
		}
		if !g.Allowed(cur, st) {
			illegal = c.Fail("history", i, cur.String()+"→"+st.String(), "move not allowed by the graph ("+why.Rule.String()+")")
			illegal.Kind = ErrIllegalTransition
			break
		}
		at = append(at, i)
		cur, entered = st, i
	}
	j := Journey{Transitions: make([]Transition, len(at)), End: history[len(history)-1].AsOf, Held: held}
	var prev Stage
	for k, i := range at {
		tr := &j.Transitions[k]
		tr.From, tr.At = prev, history[i].AsOf
		tr.To = r.classify(&history[i], &tr.Reason)
		prev = tr.To
	}
	if illegal != nil {
		j.End = history[illegal.Index-1].AsOf
		return j, illegal
	}
	return j, nil
}
