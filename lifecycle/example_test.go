package lifecycle_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/clmkit/clm/lifecycle"
)

func ExampleParseStage() {
	for _, name := range []string{"growth", "成熟期", "TERMINATED", "dormant"} {
		s, err := lifecycle.ParseStage(name)
		fmt.Println(s, s.Chinese(), err != nil)
	}
	// Output:
	// Growth 成长期 false
	// Maturity 成熟期 false
	// Terminated 终止期 false
	// Stage(0)  true
}

func ExampleRules_Classify() {
	asOf := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	s := lifecycle.Snapshot{
		AsOf:         asOf,
		Opened:       asOf.AddDate(-3, 0, 0),
		LastActivity: asOf.AddDate(0, 0, -2),
		Transactions: 4, PrevTransactions: 12,
		Value: 4800, PrevValue: 5000,
		Products: 2, PrevProducts: 3,
	}
	stage, why := lifecycle.DefaultRules().Classify(s)
	fmt.Println(stage)
	fmt.Println(why)
	// Output:
	// Decline
	// decline: 2 of 3 decline signals (need 2): transactions 12→4 (-66.7%, limit -30%); value 5000→4800 (-4%); products 3→2 (fewer)
}

func ExampleTrack() {
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	opened := start.AddDate(0, 1, 0)
	var history []lifecycle.Snapshot
	for m := 0; m < 14; m++ {
		asOf := start.AddDate(0, m, 0)
		s := lifecycle.Snapshot{AsOf: asOf, FirstContact: start, Opened: opened, LastActivity: asOf,
			Transactions: 8, PrevTransactions: 8, Value: 900, PrevValue: 900, Products: 2, PrevProducts: 2}
		if m >= 8 { // gone quiet after month 7
			s.LastActivity = start.AddDate(0, 7, 0)
			s.Transactions, s.PrevTransactions, s.Value, s.PrevValue = 0, 0, 0, 0
		}
		history = append(history, s)
	}
	j, err := lifecycle.Track(lifecycle.DefaultGraph(), lifecycle.DefaultRules(), history)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, tr := range j.Transitions {
		fmt.Printf("%s %-10v %s\n", tr.At.Format("2006-01"), tr.To, tr.Reason.Rule)
	}
	fmt.Printf("days in Growth: %.0f\n", j.TimeIn(lifecycle.Growth).Hours()/24)
	// Output:
	// 2023-01 Prospect   prospect
	// 2023-02 Onboarding onboarding
	// 2023-06 Growth     growth
	// 2024-02 Decline    dormant
	// days in Growth: 245
}

func ExampleTrack_illegal() {
	d := func(days int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days) }
	history := []lifecycle.Snapshot{
		{AsOf: d(0), Opened: d(-200), LastActivity: d(-1)},
		{AsOf: d(400), Opened: d(-200), LastActivity: d(-1)}, // a year without activity
		{AsOf: d(430), Opened: d(-200), LastActivity: d(420)},
	}
	_, err := lifecycle.Track(nil, lifecycle.DefaultRules(), history)
	fmt.Println(errors.Is(err, lifecycle.ErrIllegalTransition), errors.Is(err, lifecycle.ErrInvalidInput))
	fmt.Println(err)
	// Output:
	// true true
	// lifecycle: Track: history[2] = Terminated→Growth: move not allowed by the graph (growth)
}

func ExampleGraph_Edges() {
	for _, e := range lifecycle.DefaultGraph().Edges() {
		if e.To < e.From {
			fmt.Println(e)
		}
	}
	// Output:
	// Decline→Growth
	// Decline→Maturity
	// Terminated→Prospect
}

func ExampleEstimateChain() {
	day := func(d int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	tr := func(from, to lifecycle.Stage, d int) lifecycle.Transition {
		return lifecycle.Transition{From: from, To: to, At: day(d)}
	}
	const (
		P, O, G = lifecycle.Prospect, lifecycle.Onboarding, lifecycle.Growth
		M, D, T = lifecycle.Maturity, lifecycle.Decline, lifecycle.Terminated
	)
	// Three customers observed over a year of 30-day periods.
	journeys := []lifecycle.Journey{
		{Transitions: []lifecycle.Transition{tr(0, P, 0), tr(P, O, 60), tr(O, G, 150), tr(G, M, 270)}, End: day(360)},
		{Transitions: []lifecycle.Transition{tr(0, M, 0), tr(M, D, 120), tr(D, T, 240)}, End: day(360)},
		{Transitions: []lifecycle.Transition{tr(0, T, 0), tr(T, P, 300)}, End: day(360)},
	}
	c, err := lifecycle.EstimateChain(journeys, 30*lifecycle.Day)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("P(Maturity→Decline) = %.3f\n", c.P[M-1][D-1])
	fmt.Printf("mean months in Decline per visit: %.1f\n", c.ExpectedTimeIn(D))
	fmt.Printf("P(terminated within 12 months | Maturity) = %.3f\n", c.PTerminatedWithin(M, 12))
	fmt.Printf("expected months to Terminated from Maturity: %.1f\n", c.ExpectedPeriodsToTerminated(M))
	// Output:
	// P(Maturity→Decline) = 0.143
	// mean months in Decline per visit: 4.0
	// P(terminated within 12 months | Maturity) = 0.675
	// expected months to Terminated from Maturity: 11.0
}

func ExampleChain_Forecast() {
	const (
		P, O, G = 0, 1, 2
		M, D, T = 3, 4, 5
	)
	var p [lifecycle.NumStages][lifecycle.NumStages]float64
	p[P][P], p[P][O] = 0.7, 0.3
	p[O][O], p[O][G], p[O][D] = 0.5, 0.4, 0.1
	p[G][G], p[G][M], p[G][D] = 0.8, 0.15, 0.05
	p[M][M], p[M][D] = 0.95, 0.05
	p[D][G], p[D][D], p[D][T] = 0.1, 0.6, 0.3
	p[T][P], p[T][T] = 0.05, 0.95 // win-back
	c, err := lifecycle.NewChain(p, lifecycle.Month)
	if err != nil {
		fmt.Println(err)
		return
	}
	portfolio := [lifecycle.NumStages]float64{1000, 200, 500, 2000, 300, 0}
	in12 := c.Forecast(portfolio, 12)
	for i, s := range lifecycle.Stages() {
		fmt.Printf("%-10v %6.0f\n", s, in12[i])
	}
	// Output:
	// Prospect      145
	// Onboarding     84
	// Growth        477
	// Maturity     1933
	// Decline       342
	// Terminated   1019
}
