// Package churn answers who is about to leave, and when: survival analysis of
// customer churn, matching R's survival package number for number.
//
// A bank's churn data are survival data. Each customer's tenure (duration)
// is observed until they close their relationship (the event, event[i] =
// true) or until today (censored, event[i] = false). Customers who joined
// before the observation window began enter late (delayed entry, or left
// truncation): give their entry tenure in SurvOptions.Entry or
// CoxOptions.Entry.
//
// Estimators (the full API is described in the package documentation below
// as it lands):
//
//   - [KaplanMeier]: the survival curve S(t) with Greenwood standard errors,
//     [Curve.At], [Curve.Median] and [Curve.Quantile] (R's conventions),
//     [Curve.Band] (R's conf.type "log", "log-log", "plain") and
//     [Curve.RMST], the restricted mean tenure.
//   - [NelsonAalen]: the cumulative hazard with its variance.
//   - [Concordance]: Harrell's C of a risk score, in O(n log n).
//
// All inputs are plain slices; they are never modified. Bad input returns an
// error wrapping [ErrInvalidInput] that names the function, the field and the
// index (retrieve it with errors.As as an *[InputError]). Fitted results are
// immutable, safe for concurrent use and round-trip through encoding/json.
package churn
