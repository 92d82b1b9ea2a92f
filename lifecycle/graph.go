package lifecycle

import (
	"strconv"
	"strings"
)

// Edge is one allowed move between two different stages.
type Edge struct {
	From, To Stage
}

// String returns "From→To", for example "Decline→Growth".
func (e Edge) String() string { return e.From.String() + "→" + e.To.String() }

// Graph is the set of allowed moves between stages. Staying in a stage is
// always allowed and is not an edge. The zero Graph allows no move at all;
// build graphs with [DefaultGraph] or [NewGraph].
//
// A *Graph is immutable and safe for concurrent use.
type Graph struct {
	// out[from] has bit `to` set when from→to is allowed.
	out [NumStages + 1]uint8
}

// DefaultGraph returns the standard transition graph of a financial-services
// relationship:
//
//   - every forward move (to a later stage), so that a stage may be skipped
//     when the evidence jumps: Prospect→Growth when the first snapshot after
//     opening is already past onboarding, Onboarding→Decline when a new
//     customer goes quiet, and any stage→Terminated on closure;
//   - Decline→Growth and Decline→Maturity: a declining customer won back;
//   - Terminated→Prospect: a win-back campaign restarts the relationship.
//
// All other backward moves (Maturity→Growth, Decline→Onboarding, a dormant
// Terminated customer becoming active again) are illegal. A bank that wants
// them builds its own graph:
//
//	g, err := lifecycle.NewGraph(append(lifecycle.DefaultGraph().Edges(),
//		lifecycle.Edge{From: lifecycle.Terminated, To: lifecycle.Decline}))
func DefaultGraph() *Graph {
	g := defaultGraph
	return &g
}

var defaultGraph = func() Graph {
	var g Graph
	for from := Prospect; from <= Terminated; from++ {
		for to := from + 1; to <= Terminated; to++ {
			g.out[from] |= 1 << to
		}
	}
	g.out[Decline] |= 1<<Growth | 1<<Maturity
	g.out[Terminated] |= 1 << Prospect
	return g
}()

// NewGraph returns the graph that allows exactly the given moves (and staying
// in place). Duplicate edges and self-loops (From == To) are accepted and have
// no effect. An edge with a stage outside 1..6 returns an error wrapping
// [ErrInvalidInput] that names edges[i]. The slice is not retained.
func NewGraph(edges []Edge) (*Graph, error) {
	c := checker("NewGraph")
	g := new(Graph)
	for i, e := range edges {
		if !e.From.Valid() {
			return nil, c.Fail("edges.From", i, e.From.String(), "not a valid stage")
		}
		if !e.To.Valid() {
			return nil, c.Fail("edges.To", i, e.To.String(), "not a valid stage")
		}
		if e.From != e.To {
			g.out[e.From] |= 1 << e.To
		}
	}
	return g, nil
}

// Allowed reports whether a customer may move from one stage to another in a
// single step. Staying (from == to) is allowed for every valid stage; any
// invalid stage (including the unset zero) gives false. A nil *Graph behaves
// as [DefaultGraph]. Allowed is O(1) and allocation-free.
func (g *Graph) Allowed(from, to Stage) bool {
	if !from.Valid() || !to.Valid() {
		return false
	}
	if from == to {
		return true
	}
	if g == nil {
		g = &defaultGraph
	}
	return g.out[from]&(1<<to) != 0
}

// Edges lists the allowed moves in a fixed order (by From, then To), for
// documentation and for building a modified graph with [NewGraph]. The
// returned slice is fresh. A nil *Graph lists the edges of [DefaultGraph].
func (g *Graph) Edges() []Edge {
	if g == nil {
		g = &defaultGraph
	}
	var edges []Edge
	for from := Prospect; from <= Terminated; from++ {
		for to := Prospect; to <= Terminated; to++ {
			if from != to && g.out[from]&(1<<to) != 0 {
				edges = append(edges, Edge{from, to})
			}
		}
	}
	return edges
}

// String lists the edges, for example "[Prospect→Onboarding Prospect→Growth ...]".
func (g *Graph) String() string {
	b := []byte{'['}
	for i, e := range g.Edges() {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, e.String()...)
	}
	return string(append(b, ']'))
}

// MarshalText encodes the graph as its space-separated edge list, the same
// text as [Graph.String], so that a custom graph can live in configuration.
func (g *Graph) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText decodes the text of [Graph.MarshalText]: edges "From→To"
// (or "From->To"), separated by spaces or commas, optionally inside [ ];
// stage names as [ParseStage] accepts them. On error g is left unchanged.
func (g *Graph) UnmarshalText(text []byte) error {
	c := checker("Graph.UnmarshalText")
	s := string(text)
	var ng Graph
	i := 0
	for _, f := range splitEdges(s) {
		from, to, ok := cutArrow(f)
		if !ok {
			return c.Fail("edges", i, strconv.Quote(f), `want "From→To"`)
		}
		a, err := parseStage("Graph.UnmarshalText", from)
		if err != nil {
			return c.Fail("edges.From", i, strconv.Quote(from), "unknown stage name")
		}
		b, err := parseStage("Graph.UnmarshalText", to)
		if err != nil {
			return c.Fail("edges.To", i, strconv.Quote(to), "unknown stage name")
		}
		if a != b {
			ng.out[a] |= 1 << b
		}
		i++
	}
	*g = ng
	return nil
}

func splitEdges(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		sep := r == ' ' || r == ',' || r == '[' || r == ']' || r == '\t' || r == '\n' || r == '\r'
		if sep {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func cutArrow(f string) (from, to string, ok bool) {
	if from, to, ok = strings.Cut(f, "→"); ok {
		return from, to, true
	}
	return strings.Cut(f, "->")
}
