package portfolio

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// MonthDuration is the length of a tenure month, 30.4375 days (365.25/12): tenures,
// the hazard's time scale and the revenue-event rates are in these units.
const MonthDuration = time.Duration(30.4375 * 24 * float64(time.Hour))

// Population parameters (see the package documentation).
const (
	DefaultCustomers = 20000 // customers when Config.Customers is 0
	DefaultPeriods   = 36    // calendar months when Config.Periods is 0
	ExistingShare    = 0.60  // share of customers already in the book when the window opens
	MaxBookAge       = 120.0 // months: the existing book opened up to this long before the window
	OpenProb         = 0.85  // probability that a new contact opens an account
	OpenLagDays      = 14.0  // mean days from first contact to opening
)

// Churn model parameters (see the package documentation).
const (
	WeibullShape = 0.8  // k: shape of the baseline Weibull hazard
	WeibullScale = 80.0 // λ: scale of the baseline Weibull hazard, months
)

// Behaviour parameters (see the package documentation).
const (
	DeclineShare = 0.75 // churners whose activity declines before closure
	SilentShare  = 0.40 // decliners who go silent for the last 1-3 months
	SleepShare   = 0.04 // non-churners who fall asleep (dormant) in the window
	DipShare     = 0.06 // non-churners with a temporary dip and recovery
)

// Revenue-event (BG/NBD and Gamma-Gamma) parameters, rates per [MonthDuration].
const (
	BGNBDR     = 0.75 // r: shape of the Gamma distribution of event rates
	BGNBDAlpha = 3.0  // α: rate of the Gamma distribution of event rates
	BGNBDA     = 0.6  // a: Beta distribution of the dropout probability
	BGNBDB     = 2.4  // b: Beta distribution of the dropout probability
	SpendP     = 6.0  // p: shape of the per-event fee
	SpendQ     = 3.5  // q: shape of the Gamma distribution of ν
	SpendGamma = 15.0 // γ: rate of the Gamma distribution of ν (Mass class)
)

// CovariateNames names the churn covariates in the order of
// [Customer.Covariates], [TrueCoef] and [TrueHazardRatio].
var CovariateNames = []string{"age10", "payroll", "digital", "complaint"}

// TrueCoef returns the true log hazard ratios β of the churn model, in the
// order of [CovariateNames].
func TrueCoef() []float64 {
	return []float64{-0.15, math.Log(0.5), math.Log(0.7), math.Log(2.2)}
}

// TrueHazardRatio returns exp(β), the true hazard ratios of the churn model,
// in the order of [CovariateNames].
func TrueHazardRatio() []float64 {
	b := TrueCoef()
	for i := range b {
		b[i] = math.Exp(b[i])
	}
	return b
}

// BaselineSurvival is the true baseline survival S₀(t) = exp(−(t/λ)^k) at
// tenure t months, for a customer whose covariates are all 0 (aged 40, no
// payroll, not digital, no complaint).
func BaselineSurvival(t float64) float64 {
	if t <= 0 {
		return 1
	}
	return math.Exp(-math.Pow(t/WeibullScale, WeibullShape))
}

// Class is a customer's latent value class: the "true" value tier.
type Class uint8

// The value classes, from the mass market to private banking.
const (
	Mass Class = iota
	EmergingAffluent
	Affluent
	Private
)

// ClassShares are the shares of the classes in the population.
var ClassShares = [4]float64{0.70, 0.20, 0.08, 0.02}

// ClassMultiplier scales balances, ticket sizes, event fees and product
// margins by class.
var ClassMultiplier = [4]float64{1, 1.8, 3.5, 8}

var classNames = [4]string{"Mass", "Emerging affluent", "Affluent", "Private"}

// String returns the class name.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", c)
}

// Product is one of the twelve bank products.
type Product uint8

// The products.
const (
	CurrentAccount Product = iota
	DebitCard
	CreditCard
	Savings
	Mortgage
	HomeInsurance
	LifeInsurance
	PersonalLoan
	CarLoan
	Investments
	Pension
	TravelInsurance
	NumProducts = 12 // number of products
)

var productNames = [NumProducts]string{
	"current account", "debit card", "credit card", "savings", "mortgage", "home insurance",
	"life insurance", "personal loan", "car loan", "investments", "pension", "travel insurance",
}

// ProductMargin is the bank's monthly margin per product held (currency
// units), before the class multiplier on lending and investment products.
var ProductMargin = [NumProducts]float64{4, 1, 9, 3, 45, 6, 8, 18, 14, 20, 12, 3}

// classScaled marks the products whose margin scales with the class.
var classScaled = [NumProducts]bool{Mortgage: true, PersonalLoan: true, CarLoan: true, Investments: true, Pension: true}

// String returns the product name, for example "home insurance".
func (p Product) String() string {
	if int(p) < len(productNames) {
		return productNames[p]
	}
	return fmt.Sprintf("Product(%d)", p)
}

// Config chooses the portfolio. The zero value of every field is its
// default.
type Config struct {
	Seed      uint64    // random seed; every seed (0 too) gives a different, reproducible portfolio
	Customers int       // number of customers; 0 means DefaultCustomers
	Periods   int       // calendar months in the window; 0 means DefaultPeriods
	Start     time.Time // first day of the window; zero means 2023-01-01 UTC
}

// Portfolio is a generated portfolio.
type Portfolio struct {
	Start     time.Time  // first day of the window
	End       time.Time  // the day after the window's last month: the censoring date
	Periods   int        // calendar months in the window
	Customers []Customer // in ID order
	Events    []Event    // revenue events, by customer then time
}

// Customer is one customer.
type Customer struct {
	ID    string // "C000001", ...
	Class Class  // latent value class
	Age   int    // age at the window's start, years

	Payroll   bool // salary paid into the account
	Digital   bool // uses the mobile app
	Complaint bool // has filed a complaint

	FirstContact time.Time // first known contact
	Opened       time.Time // account opening; zero for a prospect who never opened
	Closed       time.Time // account closure; zero if still open at End

	Holdings []Holding // products taken up before End, in order of take-up
	Months   []Month   // one row per calendar month in the window with the account open, in order
}

// Holding is one product held over [From, To).
type Holding struct {
	Product Product
	From    time.Time
	To      time.Time // zero while still held at End
}

// Month is a customer's activity in one calendar month of the window.
type Month struct {
	Period       int     // 0-based month of the window
	Transactions int     // card payments and transfers
	Value        float64 // their total value
	Balance      float64 // month-end balance (0 in the month of closure)
	Products     int     // products held at month end (at closure: before closing)
	Margin       float64 // the bank's margin from this customer in the month
}

// Event is one fee-earning revenue event.
type Event struct {
	Customer int // index into Portfolio.Customers
	At       time.Time
	Amount   float64 // fee earned
}

// Covariates returns the customer's churn covariates in the order of
// [CovariateNames].
func (c *Customer) Covariates() []float64 {
	return []float64{float64(c.Age-40) / 10, b2f(c.Payroll), b2f(c.Digital), b2f(c.Complaint)}
}

// Risk returns the true linear predictor β·x of the churn model.
func (c *Customer) Risk() float64 {
	x := c.Covariates()
	var r float64
	for i, b := range TrueCoef() {
		r += b * x[i]
	}
	return r
}

// Tenure returns the customer's survival record at end: entry, the tenure
// in months when the customer came under observation (at the window's start
// for the existing book, else 0); exit, the tenure at closure or at end; and
// whether the account closed by then. ok is false for prospects and for
// accounts opened at or after end.
func (c *Customer) Tenure(start, end time.Time) (entry, exit float64, closed, ok bool) {
	if c.Opened.IsZero() || !c.Opened.Before(end) {
		return 0, 0, false, false
	}
	if c.Opened.Before(start) {
		entry = months(start.Sub(c.Opened))
	}
	stop := end
	if !c.Closed.IsZero() && c.Closed.Before(end) {
		stop, closed = c.Closed, true
	}
	return entry, months(stop.Sub(c.Opened)), closed, true
}

// HeldAt returns the products held at time t, in product order.
func (c *Customer) HeldAt(t time.Time) []Product {
	var out []Product
	for _, h := range c.Holdings {
		if !h.From.After(t) && (h.To.IsZero() || h.To.After(t)) {
			out = append(out, h.Product)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PeriodStart returns the first day of month p of the window.
func (p *Portfolio) PeriodStart(period int) time.Time { return p.Start.AddDate(0, period, 0) }

// ErrConfig reports an invalid Config.
var ErrConfig = errors.New("portfolio: invalid config")

// Generate builds the portfolio described by cfg.
func Generate(cfg Config) (*Portfolio, error) {
	if cfg.Customers < 0 || cfg.Periods < 0 {
		return nil, fmt.Errorf("%w: customers %d, periods %d: must be ≥ 0", ErrConfig, cfg.Customers, cfg.Periods)
	}
	if cfg.Customers == 0 {
		cfg.Customers = DefaultCustomers
	}
	if cfg.Periods == 0 {
		cfg.Periods = DefaultPeriods
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p := &Portfolio{
		Start:     cfg.Start,
		End:       cfg.Start.AddDate(0, cfg.Periods, 0),
		Periods:   cfg.Periods,
		Customers: make([]Customer, cfg.Customers),
	}
	bounds := make([]time.Time, cfg.Periods+1)
	for i := range bounds {
		bounds[i] = p.PeriodStart(i)
	}
	g := gen{p: p, bounds: bounds, windowMonths: months(p.End.Sub(p.Start))}
	for i := range p.Customers {
		g.rng = rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
		g.customer(i)
	}
	return p, nil
}

type gen struct {
	p            *Portfolio
	rng          *rand.Rand
	bounds       []time.Time
	windowMonths float64
}

// behaviour holds a customer's latent traits used by the activity draws.
type behaviour struct {
	rate, ticket, balance float64 // monthly transaction rate, mean ticket, target balance
	declineLead           float64 // months of decline before closure (0 = abrupt)
	silent                float64 // final silent months before closure
	sleepAt               float64 // window month from which a sleeper is dormant (-1 = never)
	dipAt, dipLen         float64 // temporary dip (dipLen 0 = none)
}

func (g *gen) customer(i int) {
	r := g.rng
	p := g.p
	c := &p.Customers[i]
	c.ID = fmt.Sprintf("C%06d", i+1)

	// Class and covariates.
	u := r.Float64()
	for c.Class = Mass; c.Class < Private && u >= ClassShares[c.Class]; c.Class++ {
		u -= ClassShares[c.Class]
	}
	mult := ClassMultiplier[c.Class]
	age := 42 + 14*r.NormFloat64()
	if c.Class >= Affluent {
		age += 5
	}
	c.Age = int(math.Round(min(max(age, 18), 85)))
	c.Payroll = r.Float64() < [4]float64{0.45, 0.60, 0.70, 0.70}[c.Class]
	switch {
	case c.Age < 35:
		c.Digital = r.Float64() < 0.75
	case c.Age < 55:
		c.Digital = r.Float64() < 0.55
	default:
		c.Digital = r.Float64() < 0.30
	}
	c.Complaint = r.Float64() < 0.07

	// Dates. Times are in months relative to the window's start.
	var opened float64
	lag := r.ExpFloat64() * OpenLagDays * 24 * float64(time.Hour) / float64(MonthDuration)
	if r.Float64() < ExistingShare {
		opened = -MaxBookAge * r.Float64()
		c.FirstContact = addMonths(p.Start, opened-lag)
	} else {
		contact := g.windowMonths * r.Float64()
		c.FirstContact = addMonths(p.Start, contact)
		opened = contact + lag
		if r.Float64() >= OpenProb || addMonths(p.Start, opened).Compare(p.End) >= 0 {
			return // a prospect: known to the bank, no account
		}
	}
	c.Opened = addMonths(p.Start, opened)

	// Churn time: Weibull PH, conditional on surviving to the window's start.
	// With H(t) = (t/λ)^k·e^{βx}, T = λ·((a/λ)^k + E/e^{βx})^{1/k}, E ~ Exp(1).
	a := max(0, -opened)
	tenure := WeibullScale * math.Pow(math.Pow(a/WeibullScale, WeibullShape)+r.ExpFloat64()/math.Exp(c.Risk()), 1/WeibullShape)
	closeAt := opened + tenure // window months
	churns := closeAt < g.windowMonths
	if churns {
		c.Closed = addMonths(p.Start, closeAt)
	}

	// Behaviour.
	var b behaviour
	b.rate = 22 * math.Pow(mult, 0.3) * math.Exp(0.5*r.NormFloat64()-0.125)
	if c.Digital {
		b.rate *= 1.3
	}
	b.ticket = 45 * math.Sqrt(mult) * math.Exp(0.4*r.NormFloat64())
	b.balance = 1800 * math.Pow(mult, 1.2) * math.Exp(0.8*r.NormFloat64())
	if c.Payroll {
		b.balance *= 1.5
	}
	b.sleepAt = -1
	if churns {
		if r.Float64() < DeclineShare {
			b.declineLead = 3 + 6*r.Float64()
			if r.Float64() < SilentShare {
				b.silent = 1 + 2*r.Float64()
			}
		}
	} else {
		switch u := r.Float64(); {
		case u < SleepShare:
			b.sleepAt = g.windowMonths * r.Float64()
		case u < SleepShare+DipShare:
			b.dipAt = g.windowMonths * r.Float64()
			b.dipLen = 3 + 2*r.Float64()
		}
	}

	g.holdings(c, opened, closeAt, churns, b.declineLead)
	g.activity(c, opened, closeAt, churns, &b)
	g.events(i, opened, closeAt)
}

// holdings draws the product bundle and its take-up and end dates.
func (g *gen) holdings(c *Customer, opened, closeAt float64, churns bool, lead float64) {
	r := g.rng
	step := float64(c.Class)
	var has [NumProducts]bool
	var at [NumProducts]float64 // take-up, window months
	bern := func(p float64) bool { return r.Float64() < p }
	later := func(mean float64) float64 { return mean * r.ExpFloat64() }

	has[CurrentAccount] = bern(0.95)
	at[CurrentAccount] = opened
	has[DebitCard] = has[CurrentAccount] && bern(0.92)
	at[DebitCard] = opened + later(0.5)
	has[CreditCard] = bern(min(0.25+0.15*step, 0.70))
	at[CreditCard] = opened + later(20)
	has[Savings] = bern(0.40 + 0.10*step)
	if atOpening := bern(0.5); atOpening || !has[CurrentAccount] {
		at[Savings] = opened
	} else {
		at[Savings] = opened + later(20)
	}
	if c.Age >= 28 && c.Age <= 60 {
		has[Mortgage] = bern(0.12 + 0.08*step)
	} else {
		has[Mortgage] = bern(0.03)
	}
	at[Mortgage] = opened + later(20)
	if has[Mortgage] {
		has[HomeInsurance] = bern(0.70)
		at[HomeInsurance] = at[Mortgage] + later(2)
		has[LifeInsurance] = bern(0.40)
		at[LifeInsurance] = at[Mortgage] + later(8)
		has[PersonalLoan] = bern(0.05)
	} else {
		has[HomeInsurance] = bern(0.06)
		at[HomeInsurance] = opened + later(20)
		has[LifeInsurance] = bern(0.05)
		at[LifeInsurance] = opened + later(20)
		if c.Class == Mass {
			has[PersonalLoan] = bern(0.12)
		} else {
			has[PersonalLoan] = bern(0.06)
		}
	}
	at[PersonalLoan] = opened + later(20)
	if has[PersonalLoan] {
		has[CarLoan] = bern(0.02)
	} else {
		has[CarLoan] = bern(0.07)
	}
	at[CarLoan] = opened + later(20)
	if has[Savings] {
		has[Investments] = bern(0.10 + 0.15*step)
	} else {
		has[Investments] = bern(0.02 + 0.05*step)
	}
	at[Investments] = opened + later(20)
	if has[Investments] {
		has[Pension] = bern(0.45)
		at[Pension] = at[Investments] + later(12)
	} else {
		has[Pension] = c.Age >= 35 && bern(0.05+0.03*step)
		at[Pension] = opened + later(20)
	}
	if has[CreditCard] {
		has[TravelInsurance] = bern(0.30)
		at[TravelInsurance] = at[CreditCard] + later(9)
	} else {
		has[TravelInsurance] = bern(0.03)
		at[TravelInsurance] = opened + later(20)
	}

	// Ends: loan terms, giving up products during the decline, closure.
	// Always draw the decline date so that the stream does not depend on
	// which products are held.
	var end [NumProducts]float64
	for k := range end {
		end[k] = math.Inf(1)
		giveUp := closeAt - lead*r.Float64()
		if churns {
			end[k] = closeAt
			if lead > 0 && Product(k) != CurrentAccount {
				end[k] = giveUp
			}
		}
	}
	end[PersonalLoan] = min(end[PersonalLoan], at[PersonalLoan]+48)
	end[CarLoan] = min(end[CarLoan], at[CarLoan]+60)

	type item struct {
		p        Product
		from, to float64
	}
	var items []item
	for k := range has {
		if !has[k] || at[k] >= g.windowMonths || (churns && at[k] >= end[k]) {
			continue
		}
		items = append(items, item{Product(k), at[k], end[k]})
	}
	slices.SortStableFunc(items, func(x, y item) int {
		if x.from != y.from {
			if x.from < y.from {
				return -1
			}
			return 1
		}
		return int(x.p) - int(y.p)
	})
	c.Holdings = make([]Holding, len(items))
	for k, it := range items {
		h := Holding{Product: it.p, From: addMonths(g.p.Start, it.from)}
		if it.to < g.windowMonths {
			h.To = addMonths(g.p.Start, it.to)
		}
		c.Holdings[k] = h
	}
}

// activity draws the monthly rows.
func (g *gen) activity(c *Customer, opened, closeAt float64, churns bool, b *behaviour) {
	r := g.rng
	p := g.p
	mult := ClassMultiplier[c.Class]
	c.Months = make([]Month, 0, p.Periods)
	for period := range p.Periods {
		lo, hi := months(g.bounds[period].Sub(p.Start)), months(g.bounds[period+1].Sub(p.Start))
		from, to := max(lo, opened), hi
		if churns {
			to = min(hi, closeAt)
		}
		if to <= from {
			continue
		}
		frac := (to - from) / (hi - lo)
		mid := (from + to) / 2
		tenure := mid - opened
		level := 0.3 + 0.7*(1-math.Exp(-tenure/5))
		balanceLevel := level
		if churns && b.declineLead > 0 {
			if left := closeAt - mid; left < b.declineLead {
				f := max(left/b.declineLead, 0.05)
				level *= f
				balanceLevel *= f
				if left < b.silent {
					level = 0
				}
			}
		}
		if b.sleepAt >= 0 && mid >= b.sleepAt {
			level = 0
			balanceLevel *= 0.5
		}
		if b.dipLen > 0 && mid >= b.dipAt && mid < b.dipAt+b.dipLen {
			level *= 0.35
			balanceLevel *= 0.6
		}

		m := Month{Period: period}
		// Always draw the same variates so that a customer's stream does not
		// shift with the branch taken.
		n := poisson(r, b.rate*level*frac)
		noise := math.Exp(0.15*r.NormFloat64() - 0.01125)
		bnoise := math.Exp(0.08*r.NormFloat64() - 0.0032)
		m.Transactions = n
		m.Value = round2(float64(n) * b.ticket * noise)
		if !(churns && closeAt <= hi) {
			m.Balance = round2(b.balance * balanceLevel * bnoise)
		}
		at := addMonths(p.Start, to-1e-9)
		if churns && closeAt <= hi {
			at = addMonths(p.Start, max(from, to-1e-3))
		}
		var margin float64
		for _, h := range c.Holdings {
			if !h.From.After(at) && (h.To.IsZero() || h.To.After(at)) {
				m.Products++
				pm := ProductMargin[h.Product]
				if classScaled[h.Product] {
					pm *= math.Pow(mult, 0.7)
				}
				margin += pm
			}
		}
		avgBalance := b.balance * balanceLevel * bnoise
		m.Margin = round2(margin*frac + 0.015/12*avgBalance*frac + 0.001*m.Value)
		c.Months = append(c.Months, m)
	}
}

// events draws the BG/NBD revenue events.
func (g *gen) events(i int, opened, closeAt float64) {
	r := g.rng
	p := g.p
	c := &p.Customers[i]
	lambda := distuv.Gamma{Alpha: BGNBDR, Beta: BGNBDAlpha, Src: r}.Rand()
	drop := distuv.Beta{Alpha: BGNBDA, Beta: BGNBDB, Src: r}.Rand()
	nu := distuv.Gamma{Alpha: SpendQ, Beta: SpendGamma, Src: r}.Rand() / ClassMultiplier[c.Class]
	fee := distuv.Gamma{Alpha: SpendP, Beta: nu, Src: r}
	stop := min(closeAt, g.windowMonths)
	t := opened
	if opened < 0 {
		// The existing book's first event in the window falls in its first
		// month whatever λ, so that which customers are seen does not
		// depend on their rate.
		t = r.Float64()
	}
	for first := true; t < stop; first = false {
		if !first && r.Float64() < drop {
			// Dropout after a repeat event: this one happened, no more follow.
			p.Events = append(p.Events, Event{Customer: i, At: addMonths(p.Start, t), Amount: round2(fee.Rand())})
			return
		}
		p.Events = append(p.Events, Event{Customer: i, At: addMonths(p.Start, t), Amount: round2(fee.Rand())})
		t += r.ExpFloat64() / lambda
	}
}

// poisson draws a Poisson variate with mean mu (0 for mu ≤ 0).
func poisson(r *rand.Rand, mu float64) int {
	if mu <= 0 {
		r.Float64() // keep the stream aligned
		return 0
	}
	return int(distuv.Poisson{Lambda: mu, Src: r}.Rand())
}

func addMonths(t time.Time, m float64) time.Time {
	return t.Add(time.Duration(m * float64(MonthDuration))).Round(time.Minute)
}

func months(d time.Duration) float64 { return float64(d) / float64(MonthDuration) }

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
