// Package lifecycle answers which stage of the relationship a customer is in,
// and how customers move between stages.
//
// A bank describes each customer as of a date with a [Snapshot] (key dates,
// and activity in the current and the previous window), classifies it with
// explainable [Rules], and follows a customer through time with [Track]:
//
//	r := lifecycle.DefaultRules()
//	stage, why := r.Classify(snapshot)          // Growth, "growth: tenure 400 days ..."
//	j, err := lifecycle.Track(lifecycle.DefaultGraph(), r, monthlySnapshots)
//	if errors.Is(err, lifecycle.ErrIllegalTransition) { ... }
//	fmt.Println(j.Stage(), j.TimeIn(lifecycle.Decline))
//
// # Stages
//
// A relationship moves through six stages ([Stage]): Prospect (潜在期),
// Onboarding (开发期), Growth (成长期), Maturity (成熟期), Decline (衰退期)
// and Terminated (终止期). The zero Stage is "unset". [ParseStage] accepts
// the English names in any case and the Chinese terms; a Stage marshals to
// its English name.
//
// # Rules and reasons
//
// [Rules.Classify] is a short, ordered list of rules (closure, no account,
// dormancy, onboarding period, decline signals, tenure); the first that
// applies decides, and the [Reason] it returns names that rule, the figures
// of the snapshot and the thresholds, so that an analyst can explain a stage
// to a relationship manager ([Reason.String]). Dormant customers (no activity
// for Rules.DormantAfter, 沉睡客户) are flagged and placed in Decline, and in
// Terminated past the longer Rules.TerminateAfter. [DefaultRules] documents
// each default threshold and why it was chosen.
//
// # Transitions
//
// A [Graph] lists the allowed moves. [DefaultGraph] allows every forward
// move, Decline back to Growth or Maturity, and Terminated back to Prospect
// (win-back); [NewGraph] builds any other graph, and [Graph.Edges] lists one
// for documentation. [Track] classifies an ordered history into a [Journey]
// of [Transition]s and reports a move the graph forbids as an error wrapping
// [ErrIllegalTransition], unless the hysteresis Rules.MinPeriods holds the
// customer in place. [Journey.TimeIn] gives the time spent in each stage.
//
// # Markov chain
//
// [EstimateChain] turns many journeys into a [Chain]: the maximum-likelihood
// transition matrix between stages per period (a gonum mat matrix via
// [Chain.Matrix]). [Chain.Forecast] projects a stage distribution (or
// customer counts) k periods ahead, [Chain.ExpectedTimeIn] gives the mean
// sojourn per stage, and the absorption queries [Chain.PTerminatedWithin],
// [Chain.PTerminated] and [Chain.ExpectedPeriodsToTerminated] use the
// fundamental matrix ([Chain.Fundamental]) of the chain with Terminated
// absorbing: they ask when
// a customer is first lost, so the win-back row does not affect them, while
// Forecast includes it.
//
//	c, err := lifecycle.EstimateChain(journeys, lifecycle.Month)
//	next := c.Forecast(todayShares, 12)              // a year ahead
//	risk := c.PTerminatedWithin(lifecycle.Decline, 6) // lost within 6 months
//
// # Input conventions
//
// Dates are time.Time; dates after a snapshot's AsOf are treated as not yet
// happened. Counts are ints ≥ 0 and values finite float64s. The caller's
// slices are never modified or retained, and returned slices are fresh.
//
// # Errors
//
// Bad input returns an error wrapping [ErrInvalidInput] whose [InputError]
// names the function, the field and the index, for example
//
//	lifecycle: Track: history.Closed[3] = 2019-12-31: before Opened 2020-02-01
//
// An illegal move also wraps [ErrIllegalTransition]. Nothing panics on data:
// [Rules.Classify], which has no error result, returns stage 0 with
// [RuleInvalid] for a snapshot [Track] would reject.
//
// # Concurrency
//
// [Rules] and [Stage] are values; a *[Graph] and a *[Chain] are immutable.
// All may be shared between goroutines. A Chain round-trips through
// encoding/json, so it can be estimated once and used in another service.
//
// # References
//
// Anderson, T. W. & Goodman, L. A. (1957). Statistical inference about
// Markov chains. Annals of Mathematical Statistics 28(1), 89–110.
//
// Grinstead, C. M. & Snell, J. L. (1997). Introduction to Probability,
// 2nd ed., chapter 11 (Markov chains), §11.2 (absorbing chains).
package lifecycle
