package clv

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/clmkit/clm/internal/check"
)

// Purchase is one transaction row: who bought, when, and for how much.
type Purchase struct {
	Customer string
	At       time.Time
	Amount   float64
}

// Grouping says which purchases of one customer count as a single
// transaction in [SummarizeWith] and [SplitHoldout].
type Grouping int

const (
	// ByDay merges the purchases a customer makes on the same calendar day
	// into one transaction whose value is their total, and measures time in
	// whole days. This is the convention of the buy-till-you-die literature
	// and of the published CDNOW summaries (Fader, Hardie & Lee 2005), and
	// the default.
	ByDay Grouping = iota
	// ByInstant merges only purchases with identical timestamps.
	ByInstant
	// NoGrouping counts every row as its own transaction; rows at equal
	// times are taken in input order.
	NoGrouping
)

// String returns the name of the grouping.
func (g Grouping) String() string {
	switch g {
	case ByDay:
		return "ByDay"
	case ByInstant:
		return "ByInstant"
	case NoGrouping:
		return "NoGrouping"
	}
	return "Grouping(" + strconv.Itoa(int(g)) + ")"
}

// SummarizeOptions controls [SummarizeWith] and [SplitHoldout]. A nil
// *SummarizeOptions means the defaults.
type SummarizeOptions struct {
	// Grouping decides which purchases form one transaction; the zero
	// value is ByDay.
	Grouping Grouping
	// Location is the calendar used by ByDay to decide which day a purchase
	// (and the end of the period) falls on. Nil means the location of each
	// time value itself, as returned by its Date method.
	Location *time.Location
}

// Summarize turns transaction rows into one [Summary] per customer, with the
// default options: purchases on the same calendar day count as one
// transaction (see [ByDay]). It is SummarizeWith(p, end, period, nil).
func Summarize(p []Purchase, end time.Time, period time.Duration) ([]Summary, error) {
	return summarize("Summarize", p, end, period, nil)
}

// SummarizeWith turns transaction rows into one [Summary] per customer, in
// order of each customer's first row in p.
//
// For each customer, the first transaction starts the clock: Frequency is
// the number of repeat transactions (all but the first), Recency the time
// from the first transaction to the last, T the time from the first
// transaction to end, and MeanValue the mean value of the repeat
// transactions (0 when there are none); a transaction's value is the sum of
// the amounts of the purchases it groups. Times are expressed in units of
// period (24h for days, 7·24h for weeks). Under ByDay every purchase and end
// are taken at the start of their calendar day, so a purchase made on the
// day of end is inside the period, and times are whole numbers of days
// divided by period, unaffected by daylight-saving changes.
//
// A purchase after end is an error of kind [ErrPurchaseAfterEnd]; use
// [SplitHoldout] to summarise a calibration period and count the purchases
// of a holdout period that follows it. Amounts must be finite and ≥ 0 and
// period must be positive and p non-empty. p is not modified.
func SummarizeWith(p []Purchase, end time.Time, period time.Duration, opts *SummarizeOptions) ([]Summary, error) {
	return summarize("SummarizeWith", p, end, period, opts)
}

func summarize(fn string, p []Purchase, end time.Time, period time.Duration, opts *SummarizeOptions) ([]Summary, error) {
	c := checker(fn)
	g, loc, err := summarizeOpts(c, opts)
	if err != nil {
		return nil, err
	}
	if err := c.NonEmpty("p", len(p)); err != nil {
		return nil, err
	}
	if err := checkPurchases(c, p, period); err != nil {
		return nil, err
	}
	endT := toTick(end, g, loc)
	for i := range p {
		if toTick(p[i].At, g, loc).after(endT) {
			e := c.Fail("p.At", i, p[i].At.Format(time.RFC3339Nano), "after end "+end.Format(time.RFC3339Nano))
			e.Kind = ErrPurchaseAfterEnd
			return nil, e
		}
	}
	hist := customerHistories(p, g, loc)
	out := make([]Summary, len(hist.ids))
	unit := hist.unit(period)
	for k, id := range hist.ids {
		txs := hist.txs[hist.start[k]:hist.start[k+1]]
		out[k] = summarizeOne(id, txs, endT, unit)
	}
	return out, nil
}

// Holdout is one customer's calibration summary together with what the
// customer did in the holdout period that follows it, as model validation
// needs (lifetimes' calibration_and_holdout_data).
type Holdout struct {
	Summary
	// HoldoutFrequency is the number of transactions in the holdout
	// period (calEnd, holdoutEnd].
	HoldoutFrequency float64
	// HoldoutDuration is the length of the holdout period, in periods.
	HoldoutDuration float64
	// HoldoutMeanValue is the mean value of the holdout transactions (0
	// when there are none).
	HoldoutMeanValue float64
}

// SplitHoldout splits transaction rows at calEnd into a calibration summary
// (as [SummarizeWith] with end = calEnd) and the number and mean value of
// the transactions in the holdout period (calEnd, holdoutEnd]. Customers
// whose first purchase falls after calEnd are left out, since the models
// cannot score a customer they have not seen. Rows are returned in order of
// each customer's first row in p. A purchase after holdoutEnd is an error of
// kind [ErrPurchaseAfterEnd]; holdoutEnd must not be before calEnd. opts may
// be nil; under ByDay, a day belongs to the holdout when it is after the
// day of calEnd.
func SplitHoldout(p []Purchase, calEnd, holdoutEnd time.Time, period time.Duration, opts *SummarizeOptions) ([]Holdout, error) {
	c := checker("SplitHoldout")
	g, loc, err := summarizeOpts(c, opts)
	if err != nil {
		return nil, err
	}
	if err := c.NonEmpty("p", len(p)); err != nil {
		return nil, err
	}
	if err := checkPurchases(c, p, period); err != nil {
		return nil, err
	}
	calT, holdT := toTick(calEnd, g, loc), toTick(holdoutEnd, g, loc)
	if calT.after(holdT) {
		return nil, c.Fail("holdoutEnd", -1, holdoutEnd.Format(time.RFC3339Nano), "must not be before calEnd "+calEnd.Format(time.RFC3339Nano))
	}
	for i := range p {
		if toTick(p[i].At, g, loc).after(holdT) {
			e := c.Fail("p.At", i, p[i].At.Format(time.RFC3339Nano), "after holdoutEnd "+holdoutEnd.Format(time.RFC3339Nano))
			e.Kind = ErrPurchaseAfterEnd
			return nil, e
		}
	}
	hist := customerHistories(p, g, loc)
	unit := hist.unit(period)
	out := make([]Holdout, 0, len(hist.ids))
	for k, id := range hist.ids {
		txs := hist.txs[hist.start[k]:hist.start[k+1]]
		if txs[0].t.after(calT) {
			continue
		}
		cut := len(txs)
		for j, tx := range txs {
			if tx.t.after(calT) {
				cut = j
				break
			}
		}
		h := Holdout{Summary: summarizeOne(id, txs[:cut], calT, unit)}
		h.HoldoutDuration = holdT.sub(calT) * unit
		if n := len(txs) - cut; n > 0 {
			sum := 0.0
			for _, tx := range txs[cut:] {
				sum += tx.value
			}
			h.HoldoutFrequency = float64(n)
			h.HoldoutMeanValue = sum / float64(n)
		}
		out = append(out, h)
	}
	return out, nil
}

func summarizeOpts(c check.Checker, opts *SummarizeOptions) (Grouping, *time.Location, error) {
	if opts == nil {
		return ByDay, nil, nil
	}
	switch opts.Grouping {
	case ByDay, ByInstant, NoGrouping:
	default:
		return 0, nil, c.Fail("opts.Grouping", -1, opts.Grouping.String(), "unknown grouping")
	}
	return opts.Grouping, opts.Location, nil
}

func checkPurchases(c check.Checker, p []Purchase, period time.Duration) error {
	if period <= 0 {
		return c.Fail("period", -1, period.String(), "must be > 0")
	}
	for i := range p {
		a := p[i].Amount
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return c.Fail("p.Amount", i, check.Float(a), "must be finite")
		}
		if a < 0 {
			return c.Fail("p.Amount", i, check.Float(a), "must be ≥ 0")
		}
	}
	return nil
}

// purchaseTick is a point in time as used by a grouping: a civil day number under
// ByDay, Unix seconds and nanoseconds otherwise.
type purchaseTick struct {
	sec  int64
	nsec int64
}

func (a purchaseTick) cmp(b purchaseTick) int {
	if c := cmp.Compare(a.sec, b.sec); c != 0 {
		return c
	}
	return cmp.Compare(a.nsec, b.nsec)
}

func (a purchaseTick) after(b purchaseTick) bool { return a.cmp(b) > 0 }

// sub returns a − b in the tick's own unit (days under ByDay, seconds
// otherwise).
func (a purchaseTick) sub(b purchaseTick) float64 {
	return float64(a.sec-b.sec) + float64(a.nsec-b.nsec)*1e-9
}

func toTick(t time.Time, g Grouping, loc *time.Location) purchaseTick {
	if g == ByDay {
		if loc != nil {
			t = t.In(loc)
		}
		y, m, d := t.Date()
		return purchaseTick{sec: civilDay(y, int(m), d)}
	}
	return purchaseTick{sec: t.Unix(), nsec: int64(t.Nanosecond())}
}

// civilDay returns the number of days from 1970-01-01 to the proleptic
// Gregorian date y-m-d (Hinnant's days_from_civil).
func civilDay(y, m, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

type groupedTx struct {
	t     purchaseTick
	value float64
}

// purchaseHistories holds every customer's transactions, grouped and in time order:
// customer k owns txs[start[k]:start[k+1]].
type purchaseHistories struct {
	ids   []string
	start []int
	txs   []groupedTx
	byDay bool
}

// unit returns the factor that converts a purchaseTick difference into periods.
func (h *purchaseHistories) unit(period time.Duration) float64 {
	if h.byDay {
		return float64(24*time.Hour) / float64(period)
	}
	return float64(time.Second) / float64(period)
}

func customerHistories(p []Purchase, g Grouping, loc *time.Location) purchaseHistories {
	index := make(map[string]int32)
	var ids []string
	cust := make([]int32, len(p))
	for i := range p {
		k, ok := index[p[i].Customer]
		if !ok {
			k = int32(len(ids))
			index[p[i].Customer] = k
			ids = append(ids, p[i].Customer)
		}
		cust[i] = k
	}
	type row struct {
		cust  int32
		t     purchaseTick
		value float64
		i     int
	}
	rows := make([]row, len(p))
	for i := range p {
		rows[i] = row{cust[i], toTick(p[i].At, g, loc), p[i].Amount, i}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := cmp.Compare(a.cust, b.cust); c != 0 {
			return c
		}
		if c := a.t.cmp(b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	h := purchaseHistories{ids: ids, start: make([]int, 0, len(ids)+1), txs: make([]groupedTx, 0, len(p)), byDay: g == ByDay}
	for j, r := range rows {
		if j == 0 || r.cust != rows[j-1].cust {
			h.start = append(h.start, len(h.txs))
		} else if g != NoGrouping && r.t == rows[j-1].t {
			h.txs[len(h.txs)-1].value += r.value
			continue
		}
		h.txs = append(h.txs, groupedTx{r.t, r.value})
	}
	h.start = append(h.start, len(h.txs))
	return h
}

func summarizeOne(id string, txs []groupedTx, end purchaseTick, unit float64) Summary {
	s := Summary{Customer: id}
	first, last := txs[0].t, txs[len(txs)-1].t
	s.T = end.sub(first) * unit
	if n := len(txs) - 1; n > 0 {
		s.Frequency = float64(n)
		s.Recency = last.sub(first) * unit
		sum := 0.0
		for _, tx := range txs[1:] {
			sum += tx.value
		}
		s.MeanValue = sum / float64(n)
	}
	return s
}
