package clv

import (
	"math"
	"strconv"

	"github.com/clmkit/clm/internal/check"
)

// TransactionModel predicts a customer's purchases: the expected number in
// the next t periods given x repeat purchases, the last at t_x, and age T.
// [BGNBD], [MBGNBD] and [ParetoNBD] satisfy it.
type TransactionModel interface {
	ConditionalPurchases(t, x, tx, T float64) float64
}

// SpendModel predicts a customer's mean transaction value from x repeat
// purchases of mean value m_x. The Gamma-Gamma model ([GammaGamma])
// satisfies it.
type SpendModel interface {
	ExpectedValue(x, mx float64) float64
}

// LifetimeOptions sets the horizon and discounting of [LifetimeValue].
type LifetimeOptions struct {
	// Steps is the number of discounting steps in the horizon (for example
	// 12 months); it must be ≥ 1.
	Steps int
	// StepLength is the length of one step in the periods of the
	// summaries (for example 4.345 weeks per month, or 30 days per month,
	// as lifetimes' freq factors); it must be > 0.
	StepLength float64
	// Rate is the discount rate per step (for example 0.01 a month); it
	// must be > −1.
	Rate float64
	// Margin multiplies the expected spend, to turn revenue into profit;
	// 0 means 1.
	Margin float64
}

// LifetimeValue returns each customer's discounted expected value over the
// horizon of opts, combining a transaction model with a spend model:
//
//	CLV = Σ_{k=1..Steps} margin · E[M | x, m_x] · (E[Y(k·L)] − E[Y((k−1)·L)]) / (1+Rate)^k,
//
// with L = StepLength and E[Y(t)] = tm.ConditionalPurchases(t, x, t_x, T).
// Discounting is per step, not continuous: the purchases expected in step k
// are discounted as a single cash flow at its end, as in lifetimes'
// customer_lifetime_value (which uses months as steps and discounts by
// (1+d)^k) and in the DCF approximation of Fader, Hardie & Lee (2005b,
// "RFM and CLV", eq. 2 discretised). The spend model sees MeanValue, the
// mean of the repeat purchases, as in the Gamma-Gamma note.
//
// s is validated as for the fits; a nil model, Steps < 1, StepLength ≤ 0,
// Rate ≤ −1 or non-finite, or a negative Margin is an error wrapping
// [ErrInvalidInput], and so is a horizon whose discounted value overflows
// float64 (a rate close to −1 over many steps). A model prediction that is NaN or negative is reported
// as an error naming the customer's index. s is not modified.
func LifetimeValue(tm TransactionModel, sm SpendModel, s []Summary, opts LifetimeOptions) ([]float64, error) {
	c := checker("LifetimeValue")
	if err := checkLifetime(c, tm, sm, opts); err != nil {
		return nil, err
	}
	if err := validateSummaries(c, s); err != nil {
		return nil, err
	}
	out := make([]float64, len(s))
	disc := make([]float64, opts.Steps)
	d := 1.0
	for k := range disc {
		d /= 1 + opts.Rate
		disc[k] = d
	}
	margin := opts.Margin
	if margin == 0 {
		margin = 1
	}
	if bt, ok := tm.(batchTransactionModel); ok {
		if err := lifetimeBatch(c, bt, s, opts.StepLength, disc, out); err != nil {
			return nil, err
		}
	}
	for i, r := range s {
		v, err := 0.0, error(nil)
		if _, ok := tm.(batchTransactionModel); ok {
			v, err = lifetimeSpend(c, sm, r, i)
			v *= out[i]
		} else {
			v, err = lifetimeOne(c, tm, sm, r, opts.StepLength, disc, i)
		}
		if err != nil {
			return nil, err
		}
		out[i] = margin * v
		if math.IsInf(out[i], 0) || math.IsNaN(out[i]) {
			return nil, c.Fail("opts.Rate", -1, check.Float(opts.Rate), "the discounted value of customer "+strconv.Itoa(i)+" overflows float64")
		}
	}
	return out, nil
}

func checkLifetime(c check.Checker, tm TransactionModel, sm SpendModel, opts LifetimeOptions) error {
	if tm == nil {
		return c.Fail("tm", -1, "nil", "must not be nil")
	}
	if sm == nil {
		return c.Fail("sm", -1, "nil", "must not be nil")
	}
	if opts.Steps < 1 {
		return c.Fail("opts.Steps", -1, strconv.Itoa(opts.Steps), "must be ≥ 1")
	}
	if err := c.Scalar("opts.StepLength", opts.StepLength, 0, math.MaxFloat64); err != nil {
		return err
	}
	if opts.StepLength == 0 {
		return c.Fail("opts.StepLength", -1, "0", "must be > 0")
	}
	if err := c.Scalar("opts.Rate", opts.Rate, -1, math.MaxFloat64); err != nil {
		return err
	}
	if opts.Rate == -1 {
		return c.Fail("opts.Rate", -1, "-1", "must be > -1")
	}
	return c.Scalar("opts.Margin", opts.Margin, 0, math.MaxFloat64)
}

// batchTransactionModel is implemented by the models of this package that
// score a whole cohort at once, sharing work between customers with equal
// histories; LifetimeValue uses it when available. The results are the same
// as those of ConditionalPurchases.
type batchTransactionModel interface {
	AppendConditionalPurchases(dst []float64, t float64, s []Summary) []float64
}

// lifetimeBatch writes each customer's discounted expected number of
// purchases over the horizon into out.
func lifetimeBatch(c check.Checker, tm batchTransactionModel, s []Summary, step float64, disc []float64, out []float64) error {
	prev := make([]float64, len(s))
	cum := make([]float64, 0, len(s))
	for k, d := range disc {
		cum = tm.AppendConditionalPurchases(cum[:0], float64(k+1)*step, s)
		for i, v := range cum {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return c.Fail("tm.ConditionalPurchases", i, check.Float(v), "transaction model returned an invalid value")
			}
			if v > prev[i] {
				out[i] += (v - prev[i]) * d
				prev[i] = v
			}
		}
	}
	return nil
}

func lifetimeSpend(c check.Checker, sm SpendModel, r Summary, i int) (float64, error) {
	spend := sm.ExpectedValue(r.Frequency, r.MeanValue)
	if math.IsNaN(spend) || spend < 0 || math.IsInf(spend, 0) {
		return 0, c.Fail("sm.ExpectedValue", i, check.Float(spend), "spend model returned an invalid value")
	}
	return spend, nil
}

func lifetimeOne(c check.Checker, tm TransactionModel, sm SpendModel, r Summary, step float64, disc []float64, i int) (float64, error) {
	spend, err := lifetimeSpend(c, sm, r, i)
	if err != nil {
		return 0, err
	}
	prev, v := 0.0, 0.0
	for k, d := range disc {
		cum := tm.ConditionalPurchases(float64(k+1)*step, r.Frequency, r.Recency, r.T)
		if math.IsNaN(cum) || math.IsInf(cum, 0) || cum < 0 {
			return 0, c.Fail("tm.ConditionalPurchases", i, check.Float(cum), "transaction model returned an invalid value")
		}
		if cum > prev {
			v += (cum - prev) * d
			prev = cum
		}
	}
	return spend * v, nil
}
