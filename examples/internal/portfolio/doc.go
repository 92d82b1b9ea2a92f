// Package portfolio generates a deterministic synthetic retail-bank
// portfolio for clm's tutorials: customers with first-contact, opening and
// closing dates, monthly activity, product holdings, fee-earning revenue
// events and a churn process whose true parameters are known, so that a
// reader can check what each clm model recovers.
//
// The same [Config] (seed, size, window) always gives the same portfolio,
// byte for byte. Customer i is drawn from its own random stream
// (math/rand/v2 PCG seeded with (Seed, i)), so the first n customers of a
// larger portfolio are the same as those of a smaller one.
//
// # Window and population
//
// The observation window has [Config.Periods] calendar months (default 36)
// starting at [Config.Start] (default 2023-01-01 UTC). A customer is either
//
//   - part of the existing book ([ExistingShare] = 60%): the account was opened
//     up to [MaxBookAge] = 120 months before the window, uniformly, and the
//     customer was still a customer when the window opened (the churn time is
//     drawn conditional on that, so survival analysis needs delayed entry), or
//   - a new contact: first contact uniform over the window; with probability
//     [OpenProb] = 0.85 the account opens an exponential [OpenLagDays] = 14
//     days (mean) later; the rest stay prospects (Opened is zero).
//
// # Value classes (the "true" value tiers)
//
// Each customer belongs to a latent [Class]: Mass 70%, Emerging affluent 20%,
// Affluent 8%, Private 2% ([ClassShares]). The class multiplies balances
// (×mult^1.2), card ticket size (×√mult), spend per revenue event and the
// margin on lending and investment products, with mult = 1, 1.8, 3.5, 8
// ([ClassMultiplier]). A customer pyramid on 12-month margin should therefore
// roughly recover the classes.
//
// # Churn: the true hazard
//
// Tenure t is measured in months ([MonthDuration] = 30.4375 days) from account
// opening. Closure follows a Weibull proportional-hazards model
//
//	h(t | x) = (k/λ) (t/λ)^(k-1) · exp(β·x)
//	S(t | x) = exp(−(t/λ)^k · exp(β·x))
//
// with shape k = [WeibullShape] = 0.8 (a falling hazard: churn is highest in
// the first months) and scale λ = [WeibullScale] = 80 months, and with four
// fixed covariates ([CovariateNames], [Customer.Covariates]):
//
//	covariate   definition                               β        true hazard ratio
//	age10       (age at window start − 40) / 10          −0.15    0.861 per decade
//	payroll     salary paid into the account (0/1)       ln 0.5   0.50
//	digital     uses the mobile app (0/1)                ln 0.7   0.70
//	complaint   filed a complaint (0/1)                  ln 2.2   2.20
//
// ([TrueCoef], [TrueHazardRatio]). A Cox model of (entry, exit, closed) on
// these covariates, with delayed entry for the existing book, should recover
// these ratios within sampling error (about ±0.03 to ±0.08 on the log scale
// at 20,000 customers), and a Weibull fit the shape 0.8. Closures after the
// window's end are censored there. Product holdings, balances and activity
// do not enter the hazard: they are consequences, not causes, in this model.
//
// Covariate draws: age ~ Normal(42, 14) clipped to 18..85 (+5 years for
// Affluent and Private); payroll with probability 0.45, 0.60, 0.70, 0.70 by
// class; digital 0.75 under 35, 0.55 from 35 to 54, 0.30 from 55; complaint
// 0.07.
//
// # Monthly activity
//
// For every calendar month in which the account is open, a [Month] row holds
// the card and transfer count (Poisson), their value, the month-end balance,
// the number of products held and the bank's margin. Activity ramps up after
// opening, ramp(t) = 0.3 + 0.7·(1 − e^(−t/5)), which is the Onboarding →
// Growth → Maturity path. Before closure, 75% of churners decline over a lead
// of 3 to 9 months (activity and balance fall linearly towards zero, products
// other than the current account are given up), and 40% of those go silent
// for the last 1 to 3 months; the other 25% leave abruptly. Among customers
// who do not close, 4% fall asleep (dormant: no transactions from a random
// month on; [SleepShare]) and 6% have a temporary 3 to 5 month dip to 35% of
// their usual activity and then recover ([DipShare]): the customers that a
// lifecycle model sees go into Decline and come back.
//
// Margin per month = Σ product margins ([ProductMargin]; lending and
// investment products × mult^0.7) + 1.5% a year on the balance + 0.1% of the
// transaction value, prorated for partial months.
//
// # Products and co-holding
//
// Twelve products ([Product]). The bundle a customer will hold is drawn with
// deliberate dependencies, so that association rules have something to find:
//
//	current account      0.95
//	debit card           0.92 with a current account, else 0
//	credit card          0.25 + 0.15 per class step above Mass (capped at 0.70)
//	savings              0.40 + 0.10 per class step
//	mortgage             age 28-60: 0.12 + 0.08 per class step; else 0.03
//	home insurance       0.70 with a mortgage, else 0.06
//	life insurance       0.40 with a mortgage, else 0.05
//	personal loan        0.12 (Mass) or 0.06; 0.05 with a mortgage
//	car loan             0.07, or 0.02 with a personal loan
//	investments          with savings 0.10 + 0.15 per class step, else 0.02 + 0.05 per step
//	pension              0.45 with investments, else 0.05 + 0.03 per step (age ≥ 35)
//	travel insurance     0.30 with a credit card, else 0.03
//
// so that, among the customers active at the end of the default portfolio,
// mortgage → home insurance has a lift of about 5.9 (confidence 0.68),
// investments → pension about 6.3 (0.41) and credit card → travel insurance
// about 3.2 (0.27).
//
// The current account, debit card and half of the savings accounts open with
// the account; other
// products are taken up an exponential 20 months (mean) after opening, home
// and life insurance 2 and 8 months after the mortgage, pension 12 months
// after investments, travel insurance 9 months after the credit card. Personal
// and car loans end after 48 and 60 months. [Customer.Holdings] has every
// product taken up before the window's end, with its end date if it ended.
//
// # Revenue events (for CLV)
//
// Discretionary fee-earning events (FX, transfers abroad, fund purchases)
// follow the BG/NBD story of Fader, Hardie & Lee (2005): the first event is
// at account opening (for the existing book, at a uniformly random time in
// the window's first month); while alive, events arrive as a Poisson process with
// rate λᵢ ~ Gamma(shape r = [BGNBDR] = 0.75, rate α = [BGNBDAlpha] = 3) per
// month, and after each repeat event the customer becomes inactive with
// probability pᵢ ~ Beta(a = [BGNBDA] = 0.6, b = [BGNBDB] = 2.4). The fee of
// each event is Gamma(shape p = [SpendP] = 6, rate νᵢ) with νᵢ ~ Gamma(shape
// q = [SpendQ] = 3.5, rate γ = [SpendGamma] = 15) divided by the class
// multiplier: Gamma-Gamma within each class, with a mean of p·γ/(q−1) = 36
// for Mass. Events stop at account closure as well: a second way to leave
// that BG/NBD does not model, so a BG/NBD fit in months drifts from (r, α,
// a, b) (at 10,000 customers to about r 0.65, α 2.6, a 0.76, b 2.8); without
// closures it recovers them within about two standard errors.
package portfolio
