package lifecycle

import (
	"time"

	"pgregory.net/rapid"
)

// allEdges lists every move between two different stages.
func allEdges() []Edge {
	var e []Edge
	for _, from := range Stages() {
		for _, to := range Stages() {
			if from != to {
				e = append(e, Edge{from, to})
			}
		}
	}
	return e
}

// completeGraph allows every move.
func completeGraph() *Graph {
	g, err := NewGraph(allEdges())
	if err != nil {
		panic(err)
	}
	return g
}

// genGraph draws the default graph, the complete graph, or a random subset of
// all moves.
func genGraph() *rapid.Generator[*Graph] {
	return rapid.Custom(func(t *rapid.T) *Graph {
		switch rapid.IntRange(0, 2).Draw(t, "graphKind") {
		case 0:
			return DefaultGraph()
		case 1:
			return completeGraph()
		}
		var edges []Edge
		for _, e := range allEdges() {
			if rapid.Bool().Draw(t, "edge "+e.String()) {
				edges = append(edges, e)
			}
		}
		g, err := NewGraph(edges)
		if err != nil {
			t.Fatalf("NewGraph: %v", err)
		}
		return g
	})
}

// genRules draws valid rules around the defaults.
func genRules() *rapid.Generator[Rules] {
	return rapid.Custom(func(t *rapid.T) Rules {
		d := func(label string, lo, hi int) time.Duration {
			return time.Duration(rapid.IntRange(lo, hi).Draw(t, label)) * Day
		}
		return Rules{
			OnboardingPeriod: d("onboarding", 0, 180),
			MatureAfter:      d("matureAfter", 0, 1500),
			DormantAfter:     d("dormantAfter", 0, 400),
			TerminateAfter:   d("terminateAfter", 0, 800),
			DeclineDrop:      rapid.Float64Range(0, 1).Draw(t, "declineDrop"),
			DeclineSignals:   rapid.IntRange(0, 3).Draw(t, "declineSignals"),
			MinPeriods:       rapid.IntRange(0, 6).Draw(t, "minPeriods"),
		}
	})
}

// genHistory draws a valid, date-ordered history of one customer: a
// prospect who may open an account, be active, quiet or declining, close,
// and be won back.
func genHistory() *rapid.Generator[[]Snapshot] {
	return rapid.Custom(func(t *rapid.T) []Snapshot {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		asOf := t0.AddDate(0, 0, rapid.IntRange(0, 100).Draw(t, "firstDay"))
		first := asOf.AddDate(0, 0, -rapid.IntRange(0, 400).Draw(t, "contactAge"))
		s := Snapshot{FirstContact: first}
		if rapid.Bool().Draw(t, "openBefore") {
			s.Opened = asOf.AddDate(0, 0, -rapid.IntRange(0, 2000).Draw(t, "tenure"))
			s.LastActivity = s.Opened
		}
		h := make([]Snapshot, 0, n)
		for i := range n {
			if i > 0 {
				asOf = asOf.AddDate(0, 0, rapid.IntRange(1, 95).Draw(t, "gap"))
			}
			s.AsOf = asOf
			s.PrevTransactions, s.PrevValue, s.PrevProducts = s.Transactions, s.Value, s.Products
			switch ev := rapid.IntRange(0, 9).Draw(t, "event"); {
			case s.Opened.IsZero() && ev < 3:
				s.Opened = asOf
				s.Products = 1
			case !s.Closed.IsZero() && ev < 2: // won back
				s.Opened, s.Closed, s.FirstContact = time.Time{}, time.Time{}, asOf
				s.LastActivity = asOf
				s.Products = 0
			case !s.Opened.IsZero() && s.Closed.IsZero() && ev == 9:
				s.Closed = asOf
			case ev < 7: // active
				s.Transactions = rapid.IntRange(0, 60).Draw(t, "tx")
				s.Value = rapid.Float64Range(-1000, 1e6).Draw(t, "value")
				s.Products = rapid.IntRange(0, 8).Draw(t, "products")
				if s.Transactions > 0 {
					s.LastActivity = asOf.AddDate(0, 0, -rapid.IntRange(0, 20).Draw(t, "lastActiveAgo"))
					if s.LastActivity.Before(first) {
						s.LastActivity = first
					}
				}
			default: // quiet
				s.Transactions, s.Value = 0, 0
			}
			h = append(h, s)
		}
		return h
	})
}

// genChain draws a random row-stochastic matrix, some entries exactly zero.
func genChain() *rapid.Generator[*Chain] {
	return rapid.Custom(func(t *rapid.T) *Chain {
		var p [NumStages][NumStages]float64
		for i := range p {
			sum := 0.0
			for j := range p[i] {
				if rapid.IntRange(0, 2).Draw(t, "nonzero") > 0 || j == i {
					p[i][j] = rapid.Float64Range(0, 1).Draw(t, "w")
				}
				sum += p[i][j]
			}
			if sum == 0 {
				p[i][i], sum = 1, 1
			}
			for j := range p[i] {
				p[i][j] /= sum
			}
		}
		c, err := NewChain(p, Month)
		if err != nil {
			t.Fatalf("NewChain: %v", err)
		}
		return c
	})
}

// genDist draws a probability distribution over the stages.
func genDist() *rapid.Generator[[NumStages]float64] {
	return rapid.Custom(func(t *rapid.T) [NumStages]float64 {
		var d [NumStages]float64
		sum := 0.0
		for i := range d {
			d[i] = rapid.Float64Range(0, 1).Draw(t, "mass")
			sum += d[i]
		}
		if sum == 0 {
			d[0], sum = 1, 1
		}
		for i := range d {
			d[i] /= sum
		}
		return d
	})
}
