// Package churn answers who is about to leave, and when: survival analysis
// of customer churn, matching R's survival package number for number.
//
// # Churn data are survival data
//
// Each customer's tenure (duration) is observed until they close the
// relationship (the event: event[i] = true) or until today (censored:
// event[i] = false, all we know is that they stayed at least that long).
// Customers who joined before the observation window began enter late
// (delayed entry, or left truncation): give their tenure at the start of
// the window in [SurvOptions].Entry or [CoxOptions].Entry, and they count in
// the risk set only from then on. Durations are in any unit (days, months),
// used consistently. Inputs are plain columnar slices and, for covariates, a
// gonum [mat.Matrix] with one row per customer.
//
// # Describing churn: Kaplan-Meier, Nelson-Aalen, log-rank
//
// [KaplanMeier] estimates the share of customers still with the bank after
// each tenure, S(t), with Greenwood standard errors, case weights and
// delayed entry, as R's survfit. The returned [Curve] gives S at any tenure
// ([Curve.At]), the median tenure and other quantiles with R's conventions
// ([Curve.Median], [Curve.Quantile]; +Inf when not reached), pointwise
// confidence bands on R's three scales ([Curve.Band] with [Log], [LogLog],
// [Plain]) and the restricted mean tenure up to a horizon ([Curve.RMST]).
// [MergeCurves] combines curves estimated on disjoint shards of customers
// into the pooled curve, from their risk tables alone.
// [NelsonAalen] estimates the cumulative hazard with its variance.
// [LogRank] and [LogRankStratified] test whether segments (k groups,
// optionally within strata) churn at the same rate, as R's survdiff.
//
// # Explaining churn: Cox and Weibull regression
//
// [FitCox] fits the Cox proportional-hazards model h(t | x) = h₀(t)·exp(β·x)
// as R's coxph: Efron (default) or Breslow ties ([Ties]), case weights,
// strata, (start, stop] episodes for delayed entry and time-varying
// covariates, and an L2 (ridge) penalty, all in [CoxOptions]; Newton-Raphson
// with step halving and R's convergence rule, on internally centred
// covariates so that balances in the millions do not overflow. The fitted
// [Cox] holds the coefficients, standard errors, log-likelihoods, the
// likelihood-ratio, Wald and score tests and the concordance, and
// [Cox.Summary] returns R's summary.coxph table as []Coef (hazard ratio, z,
// p, 95% limits). [Cox.Survival] predicts S(t | x) for a new customer from
// the Breslow baseline hazard. A covariate that separates churners from
// stayers perfectly (monotone likelihood) is reported as
// [ErrMonotoneLikelihood], with the coefficient flagged, never as an
// endless loop or NaN. [Cox.PHTest] checks the proportional-hazards
// assumption as R's cox.zph (scaled Schoenfeld residuals; per covariate and
// global tests; [TimeTransform]).
//
// [FitWeibull] fits the Weibull accelerated-failure-time model of R's
// survreg(dist = "weibull"); the [Weibull] model predicts survival and the
// median tenure of a customer.
//
// [Concordance] measures how well any risk score ranks customers by churn
// time (Harrell's C, as R's concordance, in O(n log n));
// [ConcordanceWeighted] gives the weighted pair counts and R's
// infinitesimal-jackknife standard error.
//
// # Acting on churn: early warning
//
// A [Warning] grades customers into levels (by default watch, elevated,
// high, critical; see [DefaultWarning]) by their probability of churning
// within a horizon given their current tenure, P(T ≤ t+h | T > t), from any
// fitted [Model] (a *Cox, a *Weibull, or a Kaplan-Meier curve wrapped in a
// [CurveModel]). [Warning.Assess] returns one [Alert] per customer, ranked
// by value at risk (probability × a value the caller supplies, such as
// lifetime value); each [Level] carries its own recommended actions.
//
// # Errors, immutability, scale
//
// Bad input (empty or mismatched slices, negative, NaN or infinite
// durations, entry ≥ duration, an empty log-rank group, a constant or
// collinear covariate, more covariates than events) returns an error that
// wraps [ErrInvalidInput] and names the function, the field and the index;
// retrieve the details with errors.As as an *[InputError]. All-censored data
// are valid for Kaplan-Meier (the curve stays at 1) but not for a Cox fit.
// An iterative fit that stops early returns the last model and an error
// wrapping [ErrNotConverged]. Inputs are never modified; nothing panics on
// data.
//
// Results ([Curve], [CumHazard], [Cox], [Weibull]) are immutable values
// whose exported fields are their whole state: they are safe for concurrent
// use and round-trip through encoding/json (medians that may be +Inf are
// methods, not fields). Kaplan-Meier and Nelson-Aalen build their risk
// tables with a radix sort, in time linear in the number of customers, and
// Concordance runs in O(n log n), so all of them handle tens of millions of
// customers.
package churn
