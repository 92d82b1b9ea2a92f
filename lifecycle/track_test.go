package lifecycle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// customer builds monthly snapshots from compact rows.
type row struct {
	k          int // month index: AsOf = mon(k)
	opened     int // month opened, -1 for none
	closed     int // month closed, -1 for none
	lastActive int // month of last activity, -1 for none
	tx, ptx    int
	products   int
	pproducts  int
}

func history(rows []row) []Snapshot {
	h := make([]Snapshot, len(rows))
	for i, r := range rows {
		s := Snapshot{AsOf: mon(r.k), FirstContact: mon(0), Transactions: r.tx, PrevTransactions: r.ptx,
			Value: float64(100 * r.tx), PrevValue: float64(100 * r.ptx), Products: r.products, PrevProducts: r.pproducts}
		if r.opened >= 0 {
			s.Opened = mon(r.opened)
		}
		if r.closed >= 0 {
			s.Closed = mon(r.closed)
		}
		if r.lastActive >= 0 {
			s.LastActivity = mon(r.lastActive)
		}
		h[i] = s
	}
	return h
}

func stages(j Journey) []Stage {
	var s []Stage
	for _, tr := range j.Transitions {
		s = append(s, tr.To)
	}
	return s
}

func TestTrackJourney(t *testing.T) {
	t.Parallel()
	// A customer contacted in month 0, opening in month 2, growing, a bad
	// quarter in year 2, recovering, maturing, then closing in month 40.
	var rows []row
	for k := 0; k <= 40; k++ {
		r := row{k: k, opened: 2, closed: -1, lastActive: k, tx: 10, ptx: 10, products: 2, pproducts: 2}
		switch {
		case k < 2:
			r.opened, r.lastActive, r.tx, r.ptx, r.products, r.pproducts = -1, 0, 0, 0, 0, 0
		case k == 14:
			r.tx, r.products = 5, 1 // two decline signals
		case k == 15, k == 16:
			r.tx, r.ptx, r.products, r.pproducts = 5, 5, 1, 1
		case k == 40:
			r.closed = 40
		}
		rows = append(rows, r)
	}
	r := DefaultRules()
	j, err := Track(nil, r, history(rows))
	if err != nil {
		t.Fatal(err)
	}
	want := []Stage{Prospect, Onboarding, Growth, Decline, Growth, Maturity, Terminated}
	if diff := cmp.Diff(want, stages(j)); diff != "" {
		t.Fatalf("stages mismatch (-want +got):\n%s", diff)
	}
	at := []time.Time{mon(0), mon(2), mon(5), mon(14), mon(17), mon(26), mon(40)}
	for k, tr := range j.Transitions {
		if !tr.At.Equal(at[k]) {
			t.Errorf("transition %d (%v) at %v, want %v", k, tr.To, tr.At.Format(time.DateOnly), at[k].Format(time.DateOnly))
		}
		if k > 0 && tr.From != j.Transitions[k-1].To {
			t.Errorf("transition %d From = %v, want %v", k, tr.From, j.Transitions[k-1].To)
		}
	}
	if j.Transitions[0].From != 0 {
		t.Errorf("first From = %v, want 0 (unset)", j.Transitions[0].From)
	}
	// 2020-03-01 + 730 days = 2022-02-28, so month 26 (2022-03-01) is the first mature snapshot.
	if j.Transitions[5].Reason.Rule != RuleMaturity || j.Transitions[6].Reason.Rule != RuleClosed {
		t.Errorf("reasons: %v, %v", j.Transitions[5].Reason, j.Transitions[6].Reason)
	}
	if j.Stage() != Terminated || !j.Start().Equal(mon(0)) || !j.End.Equal(mon(40)) {
		t.Errorf("Stage, Start, End = %v, %v, %v", j.Stage(), j.Start(), j.End)
	}
	// Time in each stage: from entry to the next transition.
	wantTime := map[Stage]time.Duration{
		Prospect:   mon(2).Sub(mon(0)),
		Onboarding: mon(5).Sub(mon(2)),
		Growth:     mon(14).Sub(mon(5)) + mon(26).Sub(mon(17)),
		Decline:    mon(17).Sub(mon(14)),
		Maturity:   mon(40).Sub(mon(26)),
		Terminated: 0,
	}
	var total time.Duration
	for _, s := range Stages() {
		total += j.TimeIn(s)
		if got := j.TimeIn(s); got != wantTime[s] {
			t.Errorf("TimeIn(%v) = %v, want %v", s, got, wantTime[s])
		}
	}
	if total != j.End.Sub(j.Start()) {
		t.Errorf("sum of TimeIn = %v, want End-Start = %v", total, j.End.Sub(j.Start()))
	}
	if j.Visits(Growth) != 2 || j.Visits(Decline) != 1 || j.TimeIn(0) != 0 {
		t.Errorf("Visits(Growth) = %d, Visits(Decline) = %d", j.Visits(Growth), j.Visits(Decline))
	}
	for _, tc := range []struct {
		t    time.Time
		want Stage
	}{{mon(-1), 0}, {mon(0), Prospect}, {mon(1), Prospect}, {mon(14), Decline}, {mon(16), Decline}, {mon(17), Growth}, {mon(99), Terminated}} {
		if got := j.StageAt(tc.t); got != tc.want {
			t.Errorf("StageAt(%v) = %v, want %v", tc.t.Format(time.DateOnly), got, tc.want)
		}
	}
}

func TestTrackHysteresis(t *testing.T) {
	t.Parallel()
	// Opened long ago (mature), then monthly noise: decline signals in months
	// 1 and 3 only. With MinPeriods 3 the customer stays in Decline from month
	// 1 through month 3 instead of flapping.
	var rows []row
	for k := 0; k <= 6; k++ {
		r := row{k: k, opened: -40, closed: -1, lastActive: k, tx: 10, ptx: 10, products: 2, pproducts: 2}
		if k == 1 || k == 3 {
			r.tx, r.products = 5, 1
		}
		rows = append(rows, r)
	}
	h := history(rows)
	for i := range h {
		h[i].Opened = mon(-40)
	}
	tests := []struct {
		minPeriods int
		want       []Stage
		held       int
	}{
		{0, []Stage{Maturity, Decline, Maturity, Decline, Maturity}, 0},
		{1, []Stage{Maturity, Decline, Maturity, Decline, Maturity}, 0},
		// Month 1: the first stage is never held, Decline from month 1.
		// Month 2 wants Maturity: held (1 period in Decline); month 3 is
		// Decline again; month 4 wants Maturity: 3 periods in Decline, released.
		{2, []Stage{Maturity, Decline, Maturity}, 1},
		{3, []Stage{Maturity, Decline, Maturity}, 1},
		{5, []Stage{Maturity, Decline, Maturity}, 3},
		{7, []Stage{Maturity, Decline}, 4},
	}
	for _, tc := range tests {
		r := DefaultRules()
		r.MinPeriods = tc.minPeriods
		j, err := Track(nil, r, h)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, stages(j)); diff != "" || j.Held != tc.held {
			t.Errorf("MinPeriods %d: held %d (want %d), stages mismatch (-want +got):\n%s", tc.minPeriods, j.Held, tc.held, diff)
		}
	}
}

func TestTrackIllegal(t *testing.T) {
	t.Parallel()
	// Dormant for a year (Terminated), then active again: Terminated→Growth is
	// not in the default graph.
	h := []Snapshot{
		{AsOf: day(0), Opened: day(-500), LastActivity: day(-1), Transactions: 3, PrevTransactions: 3},
		{AsOf: day(400), Opened: day(-500), LastActivity: day(-1)},
		{AsOf: day(430), Opened: day(-500), LastActivity: day(429), Transactions: 3},
	}
	r := DefaultRules()
	j, err := Track(nil, r, h)
	var e *InputError
	if !errors.Is(err, ErrIllegalTransition) || !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != "history" || e.Index != 2 {
		t.Fatalf("err = %v, want ErrIllegalTransition at history[2]", err)
	}
	if diff := cmp.Diff([]Stage{Growth, Terminated}, stages(j)); diff != "" || !j.End.Equal(day(400)) {
		t.Errorf("partial journey mismatch (-want +got):\n%s (End %v)", diff, j.End)
	}
	// A bank that revives dormant customers allows Terminated→Maturity
	// (tenure 930 days by then).
	g, err := NewGraph(append(DefaultGraph().Edges(), Edge{Terminated, Maturity}))
	if err != nil {
		t.Fatal(err)
	}
	j, err = Track(g, r, h)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Stage{Growth, Terminated, Maturity}, stages(j)); diff != "" {
		t.Errorf("custom graph journey mismatch (-want +got):\n%s", diff)
	}
	// Hysteresis never holds a move into Terminated, and the move out of it
	// is checked against the graph: a strict graph without Growth→Terminated.
	strict, _ := NewGraph([]Edge{{Growth, Decline}})
	_, err = Track(strict, r, h)
	if !errors.As(err, &e) || e.Index != 1 || !errors.Is(err, ErrIllegalTransition) {
		t.Errorf("strict graph: err = %v, want illegal at history[1]", err)
	}
}

func TestTrackHysteresisHoldsIllegal(t *testing.T) {
	t.Parallel()
	// A graph without Decline→Maturity: a one-month dip would be illegal to
	// recover from, but MinPeriods 3 holds the customer in Decline and the
	// later recovery is still illegal only if it happens after the hold.
	g, _ := NewGraph([]Edge{{Maturity, Decline}, {Decline, Growth}})
	h := []Snapshot{
		{AsOf: mon(0), Opened: mon(-40), LastActivity: mon(0), Transactions: 10, PrevTransactions: 10, Products: 2, PrevProducts: 2},
		{AsOf: mon(1), Opened: mon(-40), LastActivity: mon(1), Transactions: 5, PrevTransactions: 10, Products: 1, PrevProducts: 2},
		{AsOf: mon(2), Opened: mon(-40), LastActivity: mon(2), Transactions: 5, PrevTransactions: 5, Products: 1, PrevProducts: 1},
	}
	r := DefaultRules()
	j, err := Track(g, r, h)
	if err != nil || j.Held != 1 {
		t.Fatalf("Track = %+v, %v; want the Decline→Maturity move held", j, err)
	}
	r.MinPeriods = 0
	if _, err := Track(g, r, h); !errors.Is(err, ErrIllegalTransition) {
		t.Errorf("without hysteresis: err = %v, want ErrIllegalTransition", err)
	}
}

func TestTrackBadInput(t *testing.T) {
	t.Parallel()
	ok := Snapshot{AsOf: day(10), Opened: day(1), LastActivity: day(9)}
	tests := []struct {
		name    string
		history []Snapshot
		field   string
		index   int
	}{
		{"empty", nil, "history", -1},
		{"empty slice", []Snapshot{}, "history", -1},
		{"out of order", []Snapshot{ok, {AsOf: day(5)}}, "history.AsOf", 1},
		{"same date", []Snapshot{ok, ok}, "history.AsOf", 1},
		{"invalid beats order", []Snapshot{ok, {AsOf: day(20), Transactions: -1}, {AsOf: day(1)}}, "history.Transactions", 1},
	}
	for _, tc := range tests {
		_, err := Track(nil, DefaultRules(), tc.history)
		var e *InputError
		if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != tc.field || e.Index != tc.index {
			t.Errorf("%s: err = %v, want %s[%d]", tc.name, err, tc.field, tc.index)
		}
	}
}

func TestTrackDoesNotModifyInput(t *testing.T) {
	t.Parallel()
	h := history([]row{{0, -1, -1, 0, 0, 0, 0, 0}, {1, 1, -1, 1, 3, 0, 1, 0}, {5, 1, -1, 5, 3, 3, 1, 1}})
	before := append([]Snapshot(nil), h...)
	if _, err := Track(DefaultGraph(), DefaultRules(), h); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, h); diff != "" {
		t.Errorf("Track modified history (-before +after):\n%s", diff)
	}
}

func TestJourneyJSONRoundTrip(t *testing.T) {
	t.Parallel()
	h := history([]row{{0, -1, -1, 0, 0, 0, 0, 0}, {1, 1, -1, 1, 3, 0, 1, 0}, {5, 1, -1, 5, 3, 3, 1, 1}, {9, 1, 9, 5, 0, 3, 0, 1}})
	j, err := Track(nil, DefaultRules(), h)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var got Journey
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(j, got); diff != "" {
		t.Errorf("Journey JSON round trip mismatch (-want +got):\n%s", diff)
	}
	if got.Stage() != Terminated || got.TimeIn(Growth) != j.TimeIn(Growth) {
		t.Errorf("decoded journey: stage %v", got.Stage())
	}
}
