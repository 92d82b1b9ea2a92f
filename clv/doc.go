// Package clv answers what a customer is worth: per-customer lifetime value
// for the contractual side of a bank (accounts that are open or closed) and
// the non-contractual side (card and transaction activity, where a quiet
// customer may already be gone).
//
// # Summaries
//
// The buy-till-you-die models take one [Summary] per customer: the number of
// repeat transactions x (Frequency), the time of the last one t_x (Recency)
// and the customer's age T, all measured from the first transaction in
// periods of the caller's choice, and the mean value of the repeat
// transactions. [Summarize] builds them from [Purchase] rows; purchases on
// the same calendar day count as one transaction (the convention of the
// literature and of the published CDNOW summaries), and [SummarizeWith]
// offers other groupings. [SplitHoldout] splits the rows into a calibration
// summary and the holdout counts that model validation needs.
//
// # Transaction models (non-contractual)
//
//   - [FitBGNBD]: the beta-geometric/NBD model of Fader, Hardie & Lee (2005),
//     and [FitMBGNBD], its variant by Batislam, Denizel & Filiztekin (2007)
//     in which a customer may also drop out before the first repeat purchase.
//   - [FitParetoNBD]: the Pareto/NBD model of Schmittlein, Morrison &
//     Colombo (1987), with the likelihood of Fader & Hardie's note 008
//     evaluated in log space so that it stays finite and accurate where
//     other implementations overflow (α much larger than β, large T).
//
// Each fitted model predicts, per customer, the probability of being alive
// (PAlive), the expected purchases of a new customer (ExpectedPurchases) and
// the expected purchases in the next t periods given the history
// (ConditionalPurchases). The fits work on log-parameters, compress
// customers with identical (x, t_x, T) into one weighted likelihood term,
// report standard errors from the Hessian, and return [ErrNotConverged]
// together with the last model when they stop early.
// [BGNBD.PurchasesPMF] gives the distribution of a new customer's repeat purchases.
//
// # Spend and lifetime value
//
// The Gamma-Gamma spend model ([FitGammaGamma], Fader & Hardie 2013) gives
// each customer's expected transaction value ([GammaGamma.ExpectedValue]);
// it assumes that spend is independent of purchase frequency, and
// [FrequencyValueCorrelation] reports the correlation between the two so
// that the assumption can be checked. [LifetimeValue] combines a
// transaction model ([TransactionModel]) and a spend model ([SpendModel])
// into a per-customer CLV over a horizon, discounted per step (not
// continuously) as in lifetimes' customer_lifetime_value.
//
// # Contractual and discrete-time models, and formulas
//
//   - [FitSBG]: the shifted-beta-geometric model of Fader & Hardie (2007) for
//     a cohort's survivor series, with retention and survival curves and the
//     discounted expected residual lifetime ([SBG.DERL], Fader & Hardie 2010).
//   - [FitBGBB]: the BG/BB model of Fader, Hardie & Shang (2010) for
//     discrete-time activity (a customer active or not in each period).
//   - [Simple] (m·r/(1+d−r)) and [Discounted] cash-flow value, with checked
//     variants that return errors, and [MarkovCLV] (Pfeifer & Carraway 2000):
//     the expected discounted value from a transition matrix and per-state
//     rewards over a finite or infinite horizon.
//
// All inputs are plain Go values; bad input returns an error wrapping
// [ErrInvalidInput] that names the field and index, and the caller's slices
// are never modified. Fitted models are immutable, safe for concurrent use
// and round-trip through encoding/json.
package clv
