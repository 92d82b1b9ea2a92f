package lifecycle

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// TestStateMachineTrack drives one customer month by month through random
// events (contact, open, active, dip, quiet, close, win-back) and checks,
// after every event, that Track on the history so far agrees with a model of
// what the event must mean, and that its journey is legal.
func TestStateMachineTrack(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		r := DefaultRules()
		r.MinPeriods = rapid.IntRange(0, 4).Draw(t, "minPeriods")
		g := genGraph().Draw(t, "graph")

		now := t0
		cur := Snapshot{FirstContact: t0, LastActivity: t0}
		var history []Snapshot
		var want Stage // the stage the last event forces, 0 if it forces none
		push := func(f func(s *Snapshot)) {
			now = now.AddDate(0, 1, 0)
			cur.PrevTransactions, cur.PrevValue, cur.PrevProducts = cur.Transactions, cur.Value, cur.Products
			cur.AsOf = now
			f(&cur)
			history = append(history, cur)
		}
		hasAccount := func() bool { return !cur.Opened.IsZero() && cur.Closed.IsZero() }

		t.Repeat(map[string]func(*rapid.T){
			"contact": func(t *rapid.T) {
				if !cur.Opened.IsZero() {
					t.Skip("already a customer")
				}
				push(func(s *Snapshot) { s.LastActivity = now })
				want = Prospect
			},
			"open": func(t *rapid.T) {
				if !cur.Opened.IsZero() {
					t.Skip("already opened")
				}
				push(func(s *Snapshot) {
					s.Opened, s.LastActivity = now, now
					s.Transactions, s.Value, s.Products = 2, 100, 1
				})
				want = Onboarding // tenure 0 < OnboardingPeriod; never held
			},
			"active": func(t *rapid.T) {
				if !hasAccount() {
					t.Skip("no open account")
				}
				push(func(s *Snapshot) {
					s.LastActivity = now
					s.Transactions = s.PrevTransactions + rapid.IntRange(0, 5).Draw(t, "moreTx")
					s.Value = s.PrevValue + rapid.Float64Range(0, 500).Draw(t, "moreValue")
					s.Products = s.PrevProducts + rapid.IntRange(0, 1).Draw(t, "moreProducts")
				})
				want = 0
				if now.Sub(cur.Opened) < r.OnboardingPeriod {
					want = Onboarding
				}
			},
			"dip": func(t *rapid.T) {
				if !hasAccount() {
					t.Skip("no open account")
				}
				push(func(s *Snapshot) {
					s.LastActivity = now
					s.Transactions /= 2
					s.Value /= 2
					s.Products = max(0, s.Products-1)
				})
				want = 0
			},
			"quiet": func(t *rapid.T) {
				if cur.Opened.IsZero() {
					t.Skip("no account")
				}
				push(func(s *Snapshot) { s.Transactions, s.Value = 0, 0 })
				want = 0
				if hasAccount() && now.Sub(later(cur.Opened, cur.LastActivity)) >= r.TerminateAfter {
					want = Terminated // dormancy limit: never held
				}
			},
			"close": func(t *rapid.T) {
				if !hasAccount() {
					t.Skip("no open account")
				}
				push(func(s *Snapshot) { s.Closed = now })
				want = Terminated // closure is never held
			},
			"winback": func(t *rapid.T) {
				if cur.Closed.IsZero() {
					t.Skip("not closed")
				}
				push(func(s *Snapshot) {
					s.Opened, s.Closed = time.Time{}, time.Time{}
					s.FirstContact, s.LastActivity = now, now
					s.Transactions, s.Value, s.Products = 0, 0, 0
				})
				want = Prospect
			},
			"": func(t *rapid.T) {
				if len(history) == 0 {
					return
				}
				j, err := Track(g, r, history)
				if err != nil {
					if !errors.Is(err, ErrIllegalTransition) {
						t.Fatalf("Track on valid history: %v", err)
					}
					checkJourney(t, g, history, j, false)
					return
				}
				checkJourney(t, g, history, j, true)
				if want != 0 && j.Stage() != want {
					t.Fatalf("after %d months: stage %v, the last event implies %v", len(history), j.Stage(), want)
				}
				last, _ := r.Classify(history[len(history)-1])
				if j.Stage() != last && !(softStage(last) && softStage(j.Stage()) && r.MinPeriods > 1) {
					t.Fatalf("final stage %v differs from Classify %v without hysteresis", j.Stage(), last)
				}
			},
		})
	})
}

// TestStateMachineGraph adds and removes edges at random and checks Allowed,
// Edges and the text form against a set of edges.
func TestStateMachineGraph(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		model := map[Edge]bool{}
		for _, e := range DefaultGraph().Edges() {
			model[e] = true
		}
		g := DefaultGraph()
		rebuild := func(t *rapid.T) {
			var edges []Edge
			for e, ok := range model {
				if ok {
					edges = append(edges, e)
				}
			}
			var err error
			if g, err = NewGraph(edges); err != nil {
				t.Fatal(err)
			}
		}
		t.Repeat(map[string]func(*rapid.T){
			"add": func(t *rapid.T) {
				model[rapid.SampledFrom(allEdges()).Draw(t, "edge")] = true
				rebuild(t)
			},
			"remove": func(t *rapid.T) {
				model[rapid.SampledFrom(allEdges()).Draw(t, "edge")] = false
				rebuild(t)
			},
			"": func(t *rapid.T) {
				var want []Edge
				for _, from := range Stages() {
					for _, to := range Stages() {
						if got := g.Allowed(from, to); got != (from == to || model[Edge{from, to}]) {
							t.Fatalf("Allowed(%v, %v) = %v", from, to, got)
						}
						if from != to && model[Edge{from, to}] {
							want = append(want, Edge{from, to})
						}
					}
				}
				if diff := cmp.Diff(want, g.Edges()); diff != "" {
					t.Fatalf("Edges() mismatch (-want +got):\n%s", diff)
				}
				b, _ := g.MarshalText()
				var back Graph
				if err := back.UnmarshalText(b); err != nil || !slices.Equal(back.Edges(), g.Edges()) {
					t.Fatalf("text round trip of %s: %v", b, err)
				}
			},
		})
	})
}
