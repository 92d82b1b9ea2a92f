package lifecycle

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultGraphEdges(t *testing.T) {
	t.Parallel()
	P, O, G, M, D, T := Prospect, Onboarding, Growth, Maturity, Decline, Terminated
	// The documented default: every forward move, Decline back to Growth or Maturity, and
	// Terminated back to Prospect.
	want := []Edge{
		{P, O}, {P, G}, {P, M}, {P, D}, {P, T},
		{O, G}, {O, M}, {O, D}, {O, T},
		{G, M}, {G, D}, {G, T},
		{M, D}, {M, T},
		{D, G}, {D, M}, {D, T},
		{T, P},
	}
	if diff := cmp.Diff(want, DefaultGraph().Edges()); diff != "" {
		t.Errorf("DefaultGraph().Edges() mismatch (-want +got):\n%s", diff)
	}
	var nilGraph *Graph
	if diff := cmp.Diff(want, nilGraph.Edges()); diff != "" {
		t.Errorf("nil Graph Edges() mismatch (-want +got):\n%s", diff)
	}
}

func TestGraphAllowed(t *testing.T) {
	t.Parallel()
	g := DefaultGraph()
	tests := []struct {
		from, to Stage
		want     bool
		reason   string
	}{
		{Prospect, Onboarding, true, "account opened"},
		{Onboarding, Decline, true, "skip: new customer goes quiet"},
		{Growth, Growth, true, "staying is always allowed"},
		{Maturity, Terminated, true, "any stage to Terminated"},
		{Decline, Growth, true, "won back"},
		{Decline, Maturity, true, "won back"},
		{Terminated, Prospect, true, "win-back campaign"},
		{Maturity, Growth, false, "backward move not in the default graph"},
		{Decline, Onboarding, false, "backward"},
		{Terminated, Growth, false, "revival must go through Prospect"},
		{0, Prospect, false, "unset stage"},
		{Prospect, 0, false, "unset stage"},
		{0, 0, false, "unset stage, even staying"},
		{Growth, 9, false, "out of range"},
	}
	for _, tc := range tests {
		if got := g.Allowed(tc.from, tc.to); got != tc.want {
			t.Errorf("Allowed(%v, %v) = %v, want %v (%s)", tc.from, tc.to, got, tc.want, tc.reason)
		}
		var nilGraph *Graph
		if got := nilGraph.Allowed(tc.from, tc.to); got != tc.want {
			t.Errorf("nil Graph Allowed(%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestNewGraph(t *testing.T) {
	t.Parallel()
	g, err := NewGraph([]Edge{{Growth, Maturity}, {Maturity, Growth}, {Growth, Maturity}, {Decline, Decline}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Edge{{Growth, Maturity}, {Maturity, Growth}}
	if diff := cmp.Diff(want, g.Edges()); diff != "" {
		t.Errorf("Edges() mismatch (-want +got):\n%s", diff)
	}
	if g.Allowed(Prospect, Onboarding) {
		t.Error("custom graph allows an edge it was not given")
	}
	if !g.Allowed(Decline, Decline) {
		t.Error("staying must be allowed")
	}
	var zero Graph
	if zero.Allowed(Prospect, Onboarding) || len(zero.Edges()) != 0 {
		t.Error("the zero Graph must allow no move")
	}

	_, err = NewGraph([]Edge{{Growth, Maturity}, {Growth, 0}})
	var e *InputError
	if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != "edges.To" || e.Index != 1 {
		t.Errorf("NewGraph with To = 0: err = %v, want edges.To[1]", err)
	}
	_, err = NewGraph([]Edge{{7, Maturity}})
	if !errors.As(err, &e) || e.Field != "edges.From" || e.Index != 0 {
		t.Errorf("NewGraph with From = 7: err = %v, want edges.From[0]", err)
	}
}

func TestGraphText(t *testing.T) {
	t.Parallel()
	g := DefaultGraph()
	b, err := g.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var got Graph
	if err := got.UnmarshalText(b); err != nil {
		t.Fatalf("UnmarshalText(%s): %v", b, err)
	}
	if diff := cmp.Diff(g.Edges(), got.Edges()); diff != "" {
		t.Errorf("text round trip mismatch (-want +got):\n%s", diff)
	}
	if err := got.UnmarshalText([]byte("growth->maturity, 成熟期→Growth")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Edge{{Growth, Maturity}, {Maturity, Growth}}, got.Edges()); diff != "" {
		t.Errorf("UnmarshalText mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"Growth", "Growth→Nope", "X→Growth", "Growth→"} {
		before := got.Edges()
		err := got.UnmarshalText([]byte(bad))
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("UnmarshalText(%q) = %v, want ErrInvalidInput", bad, err)
		}
		if diff := cmp.Diff(before, got.Edges()); diff != "" {
			t.Errorf("failed UnmarshalText changed the graph:\n%s", diff)
		}
	}
}
