package portfolio

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a, err := Generate(Config{Seed: 7, Customers: 400})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(Config{Seed: 7, Customers: 400})
	if err != nil {
		t.Fatal(err)
	}
	// reflect.DeepEqual first: cmp.Diff is slow on this much data under
	// -race, and is only needed to explain a failure.
	if !reflect.DeepEqual(a, b) {
		t.Errorf("Generate() with the same seed differs (-first +second):\n%s", cmp.Diff(a, b))
	}
	c, err := Generate(Config{Seed: 8, Customers: 400})
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Customers, c.Customers) {
		t.Error("Generate() with seeds 7 and 8 gave the same customers")
	}
}

func TestGeneratePrefixStable(t *testing.T) {
	t.Parallel()
	small, err := Generate(Config{Seed: 3, Customers: 150})
	if err != nil {
		t.Fatal(err)
	}
	big, err := Generate(Config{Seed: 3, Customers: 600})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(small.Customers, big.Customers[:150]) {
		t.Errorf("first 150 customers depend on the portfolio size (-small +big):\n%s", cmp.Diff(small.Customers, big.Customers[:150]))
	}
	var bigEvents []Event
	for _, e := range big.Events {
		if e.Customer < 150 {
			bigEvents = append(bigEvents, e)
		}
	}
	if !reflect.DeepEqual(small.Events, bigEvents) {
		t.Errorf("events of the first 150 customers depend on the portfolio size:\n%s", cmp.Diff(small.Events, bigEvents))
	}
}

func TestGenerateDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	if _, err := Generate(Config{Customers: -1}); !errors.Is(err, ErrConfig) {
		t.Errorf("Generate(Customers: -1) error = %v, want ErrConfig", err)
	}
	if _, err := Generate(Config{Customers: 10, Periods: -2}); !errors.Is(err, ErrConfig) {
		t.Errorf("Generate(Periods: -2) error = %v, want ErrConfig", err)
	}
	p, err := Generate(Config{Customers: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantStart := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	if !p.Start.Equal(wantStart) || !p.End.Equal(wantStart.AddDate(0, DefaultPeriods, 0)) || p.Periods != DefaultPeriods {
		t.Errorf("window = %v..%v (%d periods), want %v + %d months", p.Start, p.End, p.Periods, wantStart, DefaultPeriods)
	}
	if len(p.Customers) != 10 {
		t.Errorf("len(Customers) = %d, want 10", len(p.Customers))
	}
}

// TestGenerateShapes checks the invariants every record must satisfy.
func TestGenerateShapes(t *testing.T) {
	t.Parallel()
	p, err := Generate(Config{Seed: 11, Customers: 1500, Periods: 24, Start: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for i := range p.Customers {
		c := &p.Customers[i]
		if ids[c.ID] {
			t.Fatalf("customer %d: duplicate ID %s", i, c.ID)
		}
		ids[c.ID] = true
		if c.Age < 18 || c.Age > 85 {
			t.Errorf("%s: age %d outside 18..85", c.ID, c.Age)
		}
		if c.Opened.IsZero() {
			if len(c.Months) != 0 || len(c.Holdings) != 0 || !c.Closed.IsZero() {
				t.Errorf("%s: prospect with activity, holdings or a closure", c.ID)
			}
			if c.FirstContact.Before(p.Start) || !c.FirstContact.Before(p.End) {
				t.Errorf("%s: prospect's first contact %v outside the window", c.ID, c.FirstContact)
			}
			continue
		}
		if c.Opened.Before(c.FirstContact) {
			t.Errorf("%s: opened %v before first contact %v", c.ID, c.Opened, c.FirstContact)
		}
		if !c.Opened.Before(p.End) {
			t.Errorf("%s: opened %v after the window", c.ID, c.Opened)
		}
		if !c.Closed.IsZero() && (!c.Closed.After(c.Opened) || c.Closed.Before(p.Start) || !c.Closed.Before(p.End)) {
			t.Errorf("%s: closed %v (opened %v) outside the window or before opening", c.ID, c.Closed, c.Opened)
		}
		entry, exit, closed, ok := c.Tenure(p.Start, p.End)
		if !ok || entry < 0 || exit <= entry || closed != !c.Closed.IsZero() {
			t.Errorf("%s: Tenure = (%g, %g, %v, %v)", c.ID, entry, exit, closed, ok)
		}
		prev := -1
		for _, m := range c.Months {
			if m.Period <= prev || m.Period >= p.Periods {
				t.Fatalf("%s: period %d after %d (of %d)", c.ID, m.Period, prev, p.Periods)
			}
			prev = m.Period
			if p.PeriodStart(m.Period+1).Before(c.Opened) || (!c.Closed.IsZero() && !p.PeriodStart(m.Period).Before(c.Closed)) {
				t.Errorf("%s: activity in period %d while the account is not open", c.ID, m.Period)
			}
			if m.Transactions < 0 || m.Value < 0 || m.Balance < 0 || m.Margin < 0 || m.Products < 0 || m.Products > NumProducts {
				t.Errorf("%s period %d: bad row %+v", c.ID, m.Period, m)
			}
			if m.Transactions == 0 && m.Value != 0 {
				t.Errorf("%s period %d: value %g without transactions", c.ID, m.Period, m.Value)
			}
		}
		for _, h := range c.Holdings {
			if h.Product >= NumProducts || h.From.Before(c.Opened) || !h.From.Before(p.End) || (!h.To.IsZero() && h.To.Before(h.From)) {
				t.Errorf("%s: bad holding %+v", c.ID, h)
			}
			if !c.Closed.IsZero() && (h.To.IsZero() || h.To.After(c.Closed)) {
				t.Errorf("%s: holding %v outlives the closure %v", c.ID, h, c.Closed)
			}
		}
	}
	last := map[int]time.Time{}
	prevCustomer := -1
	for k, e := range p.Events {
		c := &p.Customers[e.Customer]
		if e.Customer < prevCustomer || (e.Customer == prevCustomer && e.At.Before(last[e.Customer])) {
			t.Fatalf("event %d out of order", k)
		}
		prevCustomer, last[e.Customer] = e.Customer, e.At
		if c.Opened.IsZero() || e.At.Before(c.Opened) || e.At.Before(p.Start) || !e.At.Before(p.End) || (!c.Closed.IsZero() && e.At.After(c.Closed)) {
			t.Errorf("event %d of %s at %v outside the customer's open window", k, c.ID, e.At)
		}
		if !(e.Amount > 0) {
			t.Errorf("event %d: amount %g, want > 0", k, e.Amount)
		}
	}
}

// TestGenerateRates checks the population against the documented model
// with a fixed seed. Tolerances are 4 standard errors of the sampling noise.
func TestGenerateRates(t *testing.T) {
	t.Parallel()
	const n = 10000
	p, err := Generate(Config{Seed: 2026, Customers: n})
	if err != nil {
		t.Fatal(err)
	}
	within := func(name string, got, want, se float64) {
		t.Helper()
		if math.Abs(got-want) > 4*se {
			t.Errorf("%s = %.4f, want %.4f ± %.4f (4 s.e.)", name, got, want, 4*se)
		}
	}

	var class [4]float64
	var payroll float64
	for i := range p.Customers {
		class[p.Customers[i].Class]++
		if p.Customers[i].Payroll {
			payroll++
		}
	}
	for k, share := range ClassShares {
		within("share of "+Class(k).String(), class[k]/n, share, math.Sqrt(share*(1-share)/n))
	}
	var wantPayroll float64
	for k, share := range ClassShares {
		wantPayroll += share * [4]float64{0.45, 0.60, 0.70, 0.70}[k]
	}
	within("payroll share", payroll/n, wantPayroll, math.Sqrt(wantPayroll*(1-wantPayroll)/n))

	// Closures: under the Weibull PH model a customer at risk from tenure
	// entry to exit closes with probability 1 − exp(−(H(exit) − H(entry))),
	// H(t) = (t/λ)^k·e^{βx}. Compare observed closures with their expectation
	// overall and within covariate groups, which checks the hazard ratios.
	type group struct {
		name      string
		in        func(c *Customer) bool
		obs, want float64
		variance  float64
	}
	groups := []*group{
		{name: "all", in: func(*Customer) bool { return true }},
		{name: "complaint", in: func(c *Customer) bool { return c.Complaint }},
		{name: "payroll", in: func(c *Customer) bool { return c.Payroll }},
		{name: "no payroll", in: func(c *Customer) bool { return !c.Payroll }},
		{name: "digital", in: func(c *Customer) bool { return c.Digital }},
		{name: "over 60", in: func(c *Customer) bool { return c.Age > 60 }},
	}
	H := func(t float64) float64 { return math.Pow(t/WeibullScale, WeibullShape) }
	for i := range p.Customers {
		c := &p.Customers[i]
		entry, _, closed, ok := c.Tenure(p.Start, p.End)
		if !ok {
			continue
		}
		_, horizon, _, _ := (&Customer{Opened: c.Opened}).Tenure(p.Start, p.End)
		q := 1 - math.Exp(-(H(horizon)-H(entry))*math.Exp(c.Risk()))
		for _, g := range groups {
			if g.in(c) {
				g.want += q
				g.variance += q * (1 - q)
				if closed {
					g.obs++
				}
			}
		}
	}
	for _, g := range groups {
		within("closures, "+g.name, g.obs, g.want, math.Sqrt(g.variance))
	}
	if r := groups[0].obs / float64(n); r < 0.12 || r > 0.25 {
		t.Errorf("closures per customer = %.3f, want a churn rate between 0.12 and 0.25", r)
	}

	// Co-holding: the documented rules must stand out.
	var count [NumProducts]float64
	var pair [NumProducts][NumProducts]float64
	var holders float64
	for i := range p.Customers {
		var has [NumProducts]bool
		for _, h := range p.Customers[i].Holdings {
			has[h.Product] = true
		}
		if len(p.Customers[i].Holdings) > 0 {
			holders++
		}
		for a := range has {
			for b := range has {
				if has[a] && has[b] {
					pair[a][b]++
				}
			}
			if has[a] {
				count[a]++
			}
		}
	}
	lift := func(a, b Product) float64 { return pair[a][b] * holders / (count[a] * count[b]) }
	for _, r := range []struct {
		a, b    Product
		minLift float64
	}{
		{Mortgage, HomeInsurance, 3},
		{Investments, Pension, 3},
		{CreditCard, TravelInsurance, 2},
	} {
		if l := lift(r.a, r.b); l < r.minLift {
			t.Errorf("lift(%v → %v) = %.2f, want ≥ %g", r.a, r.b, l, r.minLift)
		}
	}
	if conf := pair[CurrentAccount][DebitCard] / count[CurrentAccount]; conf < 0.85 {
		t.Errorf("confidence(current account → debit card) = %.2f, want ≥ 0.85", conf)
	}

	// Fees of the Mass class: Gamma-Gamma mean p·γ/(q−1) = 36.
	var sum, sumSq, m float64
	for _, e := range p.Events {
		if p.Customers[e.Customer].Class == Mass {
			sum += e.Amount
			sumSq += e.Amount * e.Amount
			m++
		}
	}
	mean := sum / m
	sd := math.Sqrt(sumSq/m - mean*mean)
	// Fees of one customer are correlated: allow a design effect of 4.
	within("mean Mass fee", mean, SpendP*SpendGamma/(SpendQ-1), 2*sd/math.Sqrt(m))
}

func TestTrueModel(t *testing.T) {
	t.Parallel()
	const tol = 1e-12 // closed form
	want := []float64{math.Exp(-0.15), 0.5, 0.7, 2.2}
	for i, hr := range TrueHazardRatio() {
		if math.Abs(hr-want[i]) > tol {
			t.Errorf("TrueHazardRatio()[%d] (%s) = %g, want %g", i, CovariateNames[i], hr, want[i])
		}
	}
	if got := BaselineSurvival(WeibullScale); math.Abs(got-math.Exp(-1)) > tol {
		t.Errorf("BaselineSurvival(λ) = %g, want e^-1", got)
	}
	if got := BaselineSurvival(-1); got != 1 {
		t.Errorf("BaselineSurvival(-1) = %g, want 1", got)
	}
	c := Customer{Age: 50, Payroll: true, Complaint: true}
	if got, want := c.Risk(), -0.15+math.Log(0.5)+math.Log(2.2); math.Abs(got-want) > tol {
		t.Errorf("Risk() = %g, want %g", got, want)
	}
}

func TestHeldAt(t *testing.T) {
	t.Parallel()
	d := func(m int) time.Time { return time.Date(2024, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	c := Customer{Holdings: []Holding{
		{Product: Savings, From: d(1)},
		{Product: CurrentAccount, From: d(1), To: d(6)},
		{Product: Mortgage, From: d(3)},
	}}
	tests := []struct {
		at   time.Time
		want []Product
	}{
		{d(1).Add(-time.Hour), nil},
		{d(2), []Product{CurrentAccount, Savings}},
		{d(4), []Product{CurrentAccount, Savings, Mortgage}},
		{d(6), []Product{Savings, Mortgage}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, c.HeldAt(tc.at)); diff != "" {
			t.Errorf("HeldAt(%v) mismatch (-want +got):\n%s", tc.at, diff)
		}
	}
}
