package lifecycle

import (
	"math"
	"strconv"
	"time"

	"github.com/clmkit/clm/internal/check"
)

// Day is 24 hours, the unit in which [Rules] thresholds are usually stated.
const Day = 24 * time.Hour

// Snapshot is what a bank knows about one customer as of one date: the key
// dates of the relationship, and activity in the current observation window
// and in the window before it (for example this month and last month).
//
// Dates after AsOf are treated as not yet happened: an Opened date in the
// future means "no account yet", a Closed date in the future means "still
// open", and a LastActivity in the future counts as activity on AsOf. This
// lets a pipeline copy a customer's master record into every snapshot.
type Snapshot struct {
	// AsOf is the date of the snapshot. Required; the snapshots of one
	// history must have strictly increasing AsOf.
	AsOf time.Time
	// FirstContact is the first known contact (lead, enquiry, application).
	// Zero if unknown. AsOf must not be before it.
	FirstContact time.Time
	// Opened is the date the first account of the current relationship was
	// opened. Zero (or after AsOf) means no account yet: a Prospect.
	Opened time.Time
	// Closed is the date the relationship ended (all accounts closed). Zero
	// means open. It must not be set without Opened, nor be before Opened.
	// A customer won back starts a new relationship: clear Opened and Closed
	// and set FirstContact to the new contact.
	Closed time.Time
	// LastActivity is the date of the last customer-initiated transaction or
	// contact. Zero means not recorded: an account holder with Transactions
	// > 0 in the current window then counts as active (Inactive 0), one
	// without as inactive since Opened; a prospect is measured from
	// FirstContact.
	LastActivity time.Time

	// Transactions is the number of customer-initiated transactions in the
	// current window; PrevTransactions the same in the previous window. ≥ 0.
	Transactions, PrevTransactions int
	// Value is the activity value (transaction amount or average balance, in
	// one currency) in the current window; PrevValue in the previous window.
	// Finite; may be negative (an overdrawn balance), in which case no
	// relative change is computed.
	Value, PrevValue float64
	// Products is the number of distinct product types held at the end of
	// the current window; PrevProducts at the end of the previous one. ≥ 0.
	Products, PrevProducts int
}

// Rules holds the thresholds of [Rules.Classify] and the hysteresis of
// [Track]. Start from [DefaultRules] and change what your bank needs; the
// zero value of each field disables its rule, as each field says.
type Rules struct {
	// OnboardingPeriod is how long after opening a customer is in
	// Onboarding. 0: no Onboarding stage.
	OnboardingPeriod time.Duration
	// MatureAfter is the tenure (time since Opened) from which a customer
	// past onboarding who is not declining is in Maturity rather than Growth.
	// 0: no Growth stage.
	MatureAfter time.Duration
	// DormantAfter is the time without activity after which a customer is
	// dormant (沉睡客户): Reason.Dormant is set and the stage is Decline.
	// 0: no dormancy rule.
	DormantAfter time.Duration
	// TerminateAfter is the longer time without activity after which a
	// dormant customer (or a prospect without contact) is Terminated. 0: only
	// closure terminates. When TerminateAfter ≤ DormantAfter the Decline step
	// is skipped.
	TerminateAfter time.Duration
	// DeclineDrop is the relative fall, in [0, 1], of transactions or of
	// value from the previous window to the current one that counts as a
	// decline signal: cur ≤ (1−DeclineDrop)·prev and cur < prev, with
	// prev > 0. Any fall in the number of products is a signal too.
	DeclineDrop float64
	// DeclineSignals is how many of the three decline signals (fewer
	// products, lower frequency, lower value) must fire together for Decline,
	// in 0..3. 0: no trend rule (only dormancy leads to Decline).
	DeclineSignals int
	// MinPeriods is the hysteresis of [Track]: a customer who entered Growth,
	// Maturity or Decline stays there for at least MinPeriods snapshots before
	// a move to another of these three stages is recorded. Moves driven by
	// dates (opening, closure, onboarding, the dormancy limit) are never held.
	// 0 or 1: no hysteresis.
	MinPeriods int
}

// DefaultRules returns thresholds for monthly snapshots of a retail bank
// customer, each chosen for a stated reason:
//
//   - OnboardingPeriod 90 days: the first quarter after opening is when
//     early attrition concentrates and when banks run their onboarding
//     programmes ("first 90 days"); a quarter also gives three monthly
//     windows, enough to see whether the customer stays.
//   - MatureAfter 730 days: two full years, so that a full annual cycle
//     (fees, interest, renewals, seasonal spending) has been seen twice
//     before a relationship is called stable.
//   - DormantAfter 180 days: six months with no customer-initiated activity
//     is twice the quarterly statement cycle and far beyond the monthly
//     rhythm of a salary account; such a customer is a sleeping customer
//     (沉睡客户) and is treated as declining.
//   - TerminateAfter 365 days: a full year without activity, the inactivity
//     period commonly used for long-unused (久悬) accounts; the relationship
//     is treated as ended even if no account was formally closed.
//   - DeclineDrop 0.30: a fall of 30% window over window is larger than the
//     ordinary wobble of monthly activity, so it marks a real change.
//   - DeclineSignals 2: one signal alone is common and benign (a product
//     matures, a quiet month); two together (fewer products and lower
//     frequency, say) is the turning point the Decline stage describes.
//   - MinPeriods 3: one quarter of monthly snapshots, so that a single
//     noisy month does not flip a customer between Growth or Maturity and
//     Decline and back.
func DefaultRules() Rules {
	return Rules{
		OnboardingPeriod: 90 * Day,
		MatureAfter:      730 * Day,
		DormantAfter:     180 * Day,
		TerminateAfter:   365 * Day,
		DeclineDrop:      0.30,
		DeclineSignals:   2,
		MinPeriods:       3,
	}
}

// Validate reports the first field of r that is out of range, as an error
// wrapping [ErrInvalidInput] that names it (r.DeclineDrop, ...): negative
// durations, DeclineDrop NaN or outside [0, 1], DeclineSignals outside 0..3,
// negative MinPeriods. [Track] calls it; [Rules.Classify] does not, and on
// invalid rules its result is defined but meaningless.
func (r Rules) Validate() error {
	return r.validate(checker("Rules.Validate"))
}

func (r Rules) validate(c check.Checker) error {
	durs := []struct {
		name string
		d    time.Duration
	}{
		{"r.OnboardingPeriod", r.OnboardingPeriod},
		{"r.MatureAfter", r.MatureAfter},
		{"r.DormantAfter", r.DormantAfter},
		{"r.TerminateAfter", r.TerminateAfter},
	}
	for _, d := range durs {
		if d.d < 0 {
			return c.Fail(d.name, -1, d.d.String(), "must be ≥ 0")
		}
	}
	if math.IsNaN(r.DeclineDrop) || r.DeclineDrop < 0 || r.DeclineDrop > 1 {
		return c.Fail("r.DeclineDrop", -1, strconv.FormatFloat(r.DeclineDrop, 'g', -1, 64), "must be in [0, 1]")
	}
	if r.DeclineSignals < 0 || r.DeclineSignals > 3 {
		return c.Fail("r.DeclineSignals", -1, strconv.Itoa(r.DeclineSignals), "must be in 0..3")
	}
	if r.MinPeriods < 0 {
		return c.Fail("r.MinPeriods", -1, strconv.Itoa(r.MinPeriods), "must be ≥ 0")
	}
	return nil
}

// Rule names the rule of [Rules.Classify] that decided a stage.
type Rule uint8

// The rules, in the order Classify tries them.
const (
	RuleNone              Rule = iota // unset
	RuleInvalid                       // the snapshot failed validation; the stage is 0
	RuleClosed                        // Closed ≤ AsOf: Terminated
	RuleProspectLapsed                // no account and no contact for TerminateAfter: Terminated
	RuleProspect                      // no account yet: Prospect
	RuleDormantTerminated             // no activity for TerminateAfter: Terminated
	RuleDormant                       // no activity for DormantAfter: Decline
	RuleOnboarding                    // tenure < OnboardingPeriod: Onboarding
	RuleDecline                       // at least DeclineSignals decline signals: Decline
	RuleMaturity                      // tenure ≥ MatureAfter, not declining: Maturity
	RuleGrowth                        // past onboarding, tenure < MatureAfter, not declining: Growth
)

var ruleNames = [...]string{"none", "invalid", "closed", "prospect-lapsed", "prospect",
	"dormant-terminated", "dormant", "onboarding", "decline", "maturity", "growth"}

// String returns the rule's short name, such as "dormant" or "decline", or
// "Rule(n)" outside the constants.
func (r Rule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return "Rule(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText implements encoding.TextMarshaler with [Rule.String].
func (r Rule) MarshalText() ([]byte, error) {
	if int(r) >= len(ruleNames) {
		return nil, checker("Rule.MarshalText").Fail("rule", -1, strconv.Itoa(int(r)), "not a valid rule")
	}
	return []byte(ruleNames[r]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler for the names of
// [Rule.String]. On error r is left unchanged.
func (r *Rule) UnmarshalText(text []byte) error {
	for i, n := range ruleNames {
		if n == string(text) {
			*r = Rule(i)
			return nil
		}
	}
	return checker("Rule.UnmarshalText").Fail("rule", -1, strconv.Quote(string(text)), "unknown name")
}

// Signals is a set of trend signals between the previous and the current
// window of a [Snapshot].
type Signals uint8

// The trend signals. The first three are the decline signals that
// [Rules.DeclineSignals] counts; the rising ones are reported for the
// analyst and do not change the stage.
const (
	FewerProducts   Signals = 1 << iota // Products < PrevProducts
	LowerFrequency                      // Transactions fell by at least DeclineDrop
	LowerValue                          // Value fell by at least DeclineDrop
	MoreProducts                        // Products > PrevProducts
	HigherFrequency                     // Transactions > PrevTransactions
	HigherValue                         // Value > PrevValue
)

// DeclineCount returns how many of the three decline signals are set.
func (s Signals) DeclineCount() int {
	n := 0
	for _, f := range [...]Signals{FewerProducts, LowerFrequency, LowerValue} {
		if s&f != 0 {
			n++
		}
	}
	return n
}

var signalNames = [...]string{"fewer-products", "lower-frequency", "lower-value", "more-products", "higher-frequency", "higher-value"}

// String lists the set signals joined by "|", such as
// "fewer-products|lower-frequency", or "none".
func (s Signals) String() string {
	var b []byte
	for i, n := range signalNames {
		if s&(1<<i) != 0 {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, n...)
		}
	}
	if len(b) == 0 {
		return "none"
	}
	return string(b)
}

// Reason explains a stage: which rule fired, the flags, the figures of the
// snapshot it was decided on, and the thresholds it was compared with, so
// that an analyst can explain a stage to a relationship manager.
// [Reason.String] renders it in words.
type Reason struct {
	Rule    Rule    // the rule that decided the stage
	Dormant bool    // an account holder with no activity for at least Rules.DormantAfter (沉睡客户)
	Signals Signals // every trend signal present, whether or not it decided

	Tenure   time.Duration // AsOf − Opened; 0 without an account
	Inactive time.Duration // AsOf − last activity (or contact, or opening); 0 if none known
	// Limit is the duration threshold that decided RuleProspectLapsed,
	// RuleDormantTerminated, RuleDormant, RuleOnboarding and RuleMaturity
	// (TerminateAfter, DormantAfter, OnboardingPeriod, MatureAfter), and
	// MatureAfter for RuleGrowth; 0 otherwise.
	Limit time.Duration
	Drop  float64 // Rules.DeclineDrop in force
	Need  int     // Rules.DeclineSignals in force

	Transactions, PrevTransactions int     // from the snapshot
	Value, PrevValue               float64 // from the snapshot
	Products, PrevProducts         int     // from the snapshot
}

// Classify returns the stage of a customer as of s.AsOf and the [Reason]. The
// first rule that applies decides:
//
//  1. Closed set and not after AsOf → Terminated (RuleClosed).
//  2. No account (Opened zero or after AsOf): Terminated if the last contact
//     (LastActivity or FirstContact) is at least TerminateAfter ago
//     (RuleProspectLapsed), otherwise Prospect (RuleProspect).
//  3. No activity (since LastActivity, or Opened if later; see
//     Snapshot.LastActivity when it is zero) for TerminateAfter → Terminated
//     (RuleDormantTerminated); for DormantAfter → Decline (RuleDormant).
//     Reason.Dormant is set in both.
//  4. Tenure < OnboardingPeriod → Onboarding (RuleOnboarding).
//  5. At least DeclineSignals of the decline signals → Decline (RuleDecline).
//  6. Tenure ≥ MatureAfter → Maturity (RuleMaturity), otherwise Growth
//     (RuleGrowth).
//
// Classify is total and allocation-free. A snapshot that [Track] would
// reject (zero AsOf, AsOf before FirstContact, Closed without Opened or
// before it, a negative count, a NaN or infinite value) gives stage 0 and
// Rule RuleInvalid. The rules are not validated (see [Rules.Validate]).
func (r Rules) Classify(s Snapshot) (Stage, Reason) {
	if snapshotProblem(&s) != probNone {
		return 0, Reason{Rule: RuleInvalid}
	}
	var why Reason
	st := r.classify(&s, &why)
	return st, why
}

// classify is Classify for a snapshot already validated, writing the reason
// into why (Track calls it without copying the snapshot or re-validating).
func (r *Rules) classify(s *Snapshot, why *Reason) Stage {
	*why = Reason{
		Signals:          trendSignals(s, r.DeclineDrop),
		Drop:             r.DeclineDrop,
		Need:             r.DeclineSignals,
		Transactions:     s.Transactions,
		PrevTransactions: s.PrevTransactions,
		Value:            s.Value,
		PrevValue:        s.PrevValue,
		Products:         s.Products,
		PrevProducts:     s.PrevProducts,
	}
	hasAccount := !s.Opened.IsZero() && !s.Opened.After(s.AsOf)
	if !hasAccount {
		last := later(s.FirstContact, s.LastActivity)
		if !last.IsZero() {
			why.Inactive = sinceClamped(s.AsOf, last)
		}
		if r.TerminateAfter > 0 && !last.IsZero() && why.Inactive >= r.TerminateAfter {
			why.Rule, why.Limit = RuleProspectLapsed, r.TerminateAfter
			return Terminated
		}
		why.Rule = RuleProspect
		return Prospect
	}
	why.Tenure = s.AsOf.Sub(s.Opened)
	if !s.LastActivity.IsZero() || s.Transactions == 0 {
		why.Inactive = sinceClamped(s.AsOf, later(s.Opened, s.LastActivity))
	} // else: transactions in the window but no date for them: active, Inactive 0
	why.Dormant = r.DormantAfter > 0 && why.Inactive >= r.DormantAfter
	switch {
	case !s.Closed.IsZero() && !s.Closed.After(s.AsOf):
		why.Rule = RuleClosed
		return Terminated
	case r.TerminateAfter > 0 && why.Inactive >= r.TerminateAfter:
		why.Rule, why.Limit = RuleDormantTerminated, r.TerminateAfter
		return Terminated
	case why.Dormant:
		why.Rule, why.Limit = RuleDormant, r.DormantAfter
		return Decline
	case why.Tenure < r.OnboardingPeriod:
		why.Rule, why.Limit = RuleOnboarding, r.OnboardingPeriod
		return Onboarding
	case r.DeclineSignals > 0 && why.Signals.DeclineCount() >= r.DeclineSignals:
		why.Rule = RuleDecline
		return Decline
	case why.Tenure >= r.MatureAfter:
		why.Rule, why.Limit = RuleMaturity, r.MatureAfter
		return Maturity
	default:
		why.Rule, why.Limit = RuleGrowth, r.MatureAfter
		return Growth
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sinceClamped returns asOf − t, or 0 when t is after asOf.
func sinceClamped(asOf, t time.Time) time.Duration {
	if t.After(asOf) {
		return 0
	}
	return asOf.Sub(t)
}

func trendSignals(s *Snapshot, drop float64) Signals {
	var sig Signals
	if s.Products < s.PrevProducts {
		sig |= FewerProducts
	} else if s.Products > s.PrevProducts {
		sig |= MoreProducts
	}
	if s.Transactions < s.PrevTransactions {
		if float64(s.Transactions) <= (1-drop)*float64(s.PrevTransactions) {
			sig |= LowerFrequency
		}
	} else if s.Transactions > s.PrevTransactions {
		sig |= HigherFrequency
	}
	if s.Value < s.PrevValue {
		if s.PrevValue > 0 && s.Value <= (1-drop)*s.PrevValue {
			sig |= LowerValue
		}
	} else if s.Value > s.PrevValue {
		sig |= HigherValue
	}
	return sig
}

// problem codes of a snapshot, in the order they are checked.
type problem uint8

const (
	probNone problem = iota
	probAsOfZero
	probBeforeContact
	probClosedNoOpened
	probClosedBeforeOpened
	probTransactions
	probPrevTransactions
	probValue
	probPrevValue
	probProducts
	probPrevProducts
)

// snapshotProblem returns the first problem of s; allocation-free so that
// Classify can use it.
func snapshotProblem(s *Snapshot) problem {
	switch {
	case s.AsOf.IsZero():
		return probAsOfZero
	case !s.FirstContact.IsZero() && s.AsOf.Before(s.FirstContact):
		return probBeforeContact
	case !s.Closed.IsZero() && s.Opened.IsZero():
		return probClosedNoOpened
	case !s.Closed.IsZero() && s.Closed.Before(s.Opened):
		return probClosedBeforeOpened
	case s.Transactions < 0:
		return probTransactions
	case s.PrevTransactions < 0:
		return probPrevTransactions
	case math.IsNaN(s.Value) || math.IsInf(s.Value, 0):
		return probValue
	case math.IsNaN(s.PrevValue) || math.IsInf(s.PrevValue, 0):
		return probPrevValue
	case s.Products < 0:
		return probProducts
	case s.PrevProducts < 0:
		return probPrevProducts
	}
	return probNone
}

// snapshotError turns the first problem of s into an error naming
// field[i] ("history.Closed[3]"); nil when s is valid.
func snapshotError(c check.Checker, field string, i int, s *Snapshot) error {
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch snapshotProblem(s) {
	case probNone:
		return nil
	case probAsOfZero:
		return c.Fail(field+".AsOf", i, "", "must be set")
	case probBeforeContact:
		return c.Fail(field+".AsOf", i, date(s.AsOf), "before FirstContact "+date(s.FirstContact))
	case probClosedNoOpened:
		return c.Fail(field+".Closed", i, date(s.Closed), "set without Opened")
	case probClosedBeforeOpened:
		return c.Fail(field+".Closed", i, date(s.Closed), "before Opened "+date(s.Opened))
	case probTransactions:
		return c.Fail(field+".Transactions", i, strconv.Itoa(s.Transactions), "must be ≥ 0")
	case probPrevTransactions:
		return c.Fail(field+".PrevTransactions", i, strconv.Itoa(s.PrevTransactions), "must be ≥ 0")
	case probValue:
		return c.Fail(field+".Value", i, strconv.FormatFloat(s.Value, 'g', -1, 64), "must be finite")
	case probPrevValue:
		return c.Fail(field+".PrevValue", i, strconv.FormatFloat(s.PrevValue, 'g', -1, 64), "must be finite")
	case probProducts:
		return c.Fail(field+".Products", i, strconv.Itoa(s.Products), "must be ≥ 0")
	default: // probPrevProducts
		return c.Fail(field+".PrevProducts", i, strconv.Itoa(s.PrevProducts), "must be ≥ 0")
	}
}
