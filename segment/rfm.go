package segment

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/clmkit/clm/internal/check"
)

// RFM is one customer's recency, frequency and monetary value (Hughes 1994,
// "Strategic Database Marketing"). Recency is the time since the customer's
// last activity, in any unit (days, periods), so a smaller recency is better;
// Frequency is the number of transactions; Monetary is the customer's spend
// or revenue (total or mean per transaction, as the caller prefers).
type RFM struct {
	Recency, Frequency, Monetary float64
}

// RFMScore holds a customer's quantile scores, each in 1..bins, with higher
// always better: R is high for a short recency, F and M are high for large
// frequency and monetary value.
type RFMScore struct {
	R, F, M int
}

// exactScoreBins is the number of bins above which [ScoreRFM] ranks each
// customer by binary search in a sorted copy instead of comparing with
// bins-1 quantile thresholds.
const exactScoreBins = 64

// ScoreRFM returns quantile scores 1..bins for each customer on each of the
// three dimensions, higher = better (a short recency scores high).
//
// For one dimension with n customers, a customer whose value is better than
// w other customers' values (strictly) scores
//
//	score = 1 + ⌊bins · w / n⌋
//
// which is 1 + ⌊bins · F(v−)⌋ with F the empirical distribution function on
// the "better" scale. So customers with equal values always get equal scores,
// scores are monotone in the value, each score holds about n/bins customers
// when there are few ties, and the best customer scores bins when n >= bins.
// When there are fewer distinct values than bins (for example frequency 1
// for most customers) the scores skip numbers rather than split ties: every
// customer tied at the worst value scores 1. bins larger than n or than the
// number of distinct values is allowed.
//
// ScoreRFM returns an error wrapping [ErrInvalidInput] if in is empty, if
// bins < 2, if a Recency or Frequency is negative, NaN or ±Inf, or if a
// Monetary value is NaN or ±Inf (it may be negative, after refunds). It runs
// in expected O(n log bins) time (a multi-rank selection per dimension, not
// a sort) for bins <= 64, and O(n log n) above.
func ScoreRFM(in []RFM, bins int) ([]RFMScore, error) {
	c := checker("ScoreRFM")
	if bins < 2 {
		return nil, c.Fail("bins", -1, strconv.Itoa(bins), "must be ≥ 2")
	}
	if err := c.NonEmpty("in", len(in)); err != nil {
		return nil, err
	}
	for i, r := range in {
		if err := checkNonNeg(c, "in.Recency", i, r.Recency); err != nil {
			return nil, err
		}
		if err := checkNonNeg(c, "in.Frequency", i, r.Frequency); err != nil {
			return nil, err
		}
		if math.IsNaN(r.Monetary) || math.IsInf(r.Monetary, 0) {
			return nil, c.Fail("in.Monetary", i, check.Float(r.Monetary), "must be finite")
		}
	}
	n := len(in)
	// One scorer per dimension; recency is negated so that larger is better
	// on every dimension (negation is exact). The selection path copies its
	// few thresholds out of buf, so one scratch buffer serves all three;
	// the sorted path keeps its buffer.
	var sc [3]scorer
	buf := make([]float64, n)
	for dim := range sc {
		if dim > 0 && bins > exactScoreBins {
			buf = make([]float64, n)
		}
		switch dim {
		case 0:
			for i, r := range in {
				buf[i] = -r.Recency
			}
		case 1:
			for i, r := range in {
				buf[i] = r.Frequency
			}
		case 2:
			for i, r := range in {
				buf[i] = r.Monetary
			}
		}
		sc[dim].prepare(buf, bins)
	}
	out := make([]RFMScore, n)
	for i, r := range in {
		out[i] = RFMScore{R: sc[0].score(-r.Recency), F: sc[1].score(r.Frequency), M: sc[2].score(r.Monetary)}
	}
	return out, nil
}

func checkNonNeg(c check.Checker, field string, i int, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return c.Fail(field, i, check.Float(v), "must be finite")
	}
	if v < 0 {
		return c.Fail(field, i, check.Float(v), "must be ≥ 0")
	}
	return nil
}

// scorer computes 1 + ⌊bins·w/n⌋, w = #{x < v}, for the values it was
// prepared with.
type scorer struct {
	n, bins int
	// threshold[s-1] is the m-th smallest value with m = ⌈s·n/bins⌉, for
	// s = 1..bins-1: w >= m exactly when v > threshold[s-1], so the score is
	// 1 + #{s: v > threshold[s-1]}.
	threshold []float64
	ranks     []int
	// sorted is the whole sorted copy, used when bins > exactScoreBins.
	sorted []float64
}

// prepare reorders buf (a scratch copy of the values) and records what
// score needs.
func (s *scorer) prepare(buf []float64, bins int) {
	n := len(buf)
	s.n, s.bins = n, bins
	if bins > exactScoreBins {
		slices.Sort(buf)
		s.sorted = buf
		return
	}
	if s.ranks == nil {
		s.ranks = make([]int, 0, bins-1)
		s.threshold = make([]float64, 0, bins-1)
	}
	s.ranks = s.ranks[:0]
	for k := 1; k < bins; k++ {
		m := (k*n + bins - 1) / bins // ⌈k·n/bins⌉ >= 1
		s.ranks = append(s.ranks, m-1)
	}
	// ranks is already ascending (with repeats when bins > n).
	selectRanks(buf, s.ranks)
	s.threshold = s.threshold[:0]
	for _, r := range s.ranks {
		s.threshold = append(s.threshold, buf[r])
	}
}

func (s *scorer) score(v float64) int {
	if s.sorted != nil {
		w, _ := slices.BinarySearch(s.sorted, v) // first index with sorted[i] >= v
		hi, lo := bits.Mul64(uint64(s.bins), uint64(w))
		q, _ := bits.Div64(hi, lo, uint64(s.n))
		return 1 + int(q)
	}
	if len(s.threshold) > 8 {
		w, _ := slices.BinarySearch(s.threshold, v) // #{thresholds < v}
		return 1 + w
	}
	score := 1
	for _, q := range s.threshold {
		if v > q {
			score++
		}
	}
	return score
}

// RFMSegment is a named customer segment read off the recency-frequency
// score grid; see [RFMScore.Segment]. The zero value means "no segment".
type RFMSegment uint8

// The eleven segments of the recency (R) × frequency (F) grid on 1..5
// scores that are widely used in marketing practice. Rows are R, columns F:
//
//	R\F   1                 2                 3                 4                5
//	5     New               Potential loyal.  Potential loyal.  Champions        Champions
//	4     Promising         Potential loyal.  Potential loyal.  Loyal            Loyal
//	3     About to sleep    About to sleep    Need attention    Loyal            Loyal
//	2     Hibernating       Hibernating       At risk           At risk          Can't lose them
//	1     Lost              Hibernating       At risk           At risk          Can't lose them
//
// Champions bought recently and often; Loyal buy often and fairly recently;
// Potential loyalists are recent with some repeat buying; New bought once,
// very recently; Promising are recent one-time buyers; Need attention sit in
// the middle on both; About to sleep are fading infrequent buyers; At risk
// bought often but long ago; Can't lose them were the most frequent buyers
// and have gone quiet; Hibernating are long gone and infrequent; Lost bought
// once, long ago.
const (
	Champions RFMSegment = iota + 1
	Loyal
	PotentialLoyalist
	New
	Promising
	NeedAttention
	AboutToSleep
	AtRisk
	CantLose
	Hibernating
	Lost
)

var segmentNames = [...]string{
	Champions:         "Champions",
	Loyal:             "Loyal",
	PotentialLoyalist: "Potential loyalist",
	New:               "New",
	Promising:         "Promising",
	NeedAttention:     "Need attention",
	AboutToSleep:      "About to sleep",
	AtRisk:            "At risk",
	CantLose:          "Can't lose them",
	Hibernating:       "Hibernating",
	Lost:              "Lost",
}

// rfmGrid[r-1][f-1] is the segment of R score r and F score f on 1..5.
var rfmGrid = [5][5]RFMSegment{
	{Lost, Hibernating, AtRisk, AtRisk, CantLose},
	{Hibernating, Hibernating, AtRisk, AtRisk, CantLose},
	{AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal},
	{Promising, PotentialLoyalist, PotentialLoyalist, Loyal, Loyal},
	{New, PotentialLoyalist, PotentialLoyalist, Champions, Champions},
}

// String returns the segment's name, such as "Can't lose them", or
// "RFMSegment(n)" for a value outside the consts.
func (s RFMSegment) String() string {
	if s >= 1 && int(s) < len(segmentNames) {
		return segmentNames[s]
	}
	return "RFMSegment(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText returns the segment's name; it fails for the zero value and
// values outside the consts.
func (s RFMSegment) MarshalText() ([]byte, error) {
	if s < 1 || int(s) >= len(segmentNames) {
		return nil, checker("RFMSegment.MarshalText").Fail("segment", -1, strconv.Itoa(int(s)), "unknown segment")
	}
	return []byte(segmentNames[s]), nil
}

// UnmarshalText parses a segment name, as [ParseRFMSegment] does.
func (s *RFMSegment) UnmarshalText(text []byte) error {
	v, err := ParseRFMSegment(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseRFMSegment returns the segment with the given name, ignoring case,
// surrounding space, and spaces, underscores, hyphens and apostrophes inside
// ("cant_lose_them" and "Can't lose them" both parse). An unknown name is an
// error wrapping [ErrInvalidInput].
func ParseRFMSegment(name string) (RFMSegment, error) {
	key := segmentKey(name)
	for s := Champions; s <= Lost; s++ {
		if segmentKey(segmentNames[s]) == key {
			return s, nil
		}
	}
	return 0, checker("ParseRFMSegment").Fail("name", -1, strconv.Quote(name), "unknown segment")
}

func segmentKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '\'', '\u2019', '\t':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// Segment returns the named segment of the score's R and F on the grid
// documented at [Champions]. Scores from bins other than 5 are first mapped
// to 1..5 by the middle of their quantile range, ⌈5·(score−½)/bins⌉: with
// 10 bins, scores 1-2 count as 1 and 9-10 as 5; with 3 bins, 1, 2, 3 count
// as 1, 3, 5.
// Segment returns 0 (no segment) when bins < 2 or R or F is outside
// 1..bins. M does not enter the grid.
func (s RFMScore) Segment(bins int) RFMSegment {
	if bins < 2 || s.R < 1 || s.R > bins || s.F < 1 || s.F > bins {
		return 0
	}
	r := to5(s.R, bins)
	f := to5(s.F, bins)
	return rfmGrid[r-1][f-1]
}

func to5(score, bins int) int {
	// ⌈5·(score−½)/bins⌉ = ⌈5·(2·score−1) / (2·bins)⌉, without overflow for
	// any bins.
	hi, lo := bits.Mul64(5, 2*uint64(score)-1)
	q, rem := bits.Div64(hi, lo, 2*uint64(bins))
	if rem != 0 {
		q++
	}
	return int(q)
}
