package lifecycle

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// String explains the reason in words and figures, for example
//
//	decline: 2 of 3 decline signals (need 2): transactions 12→4 (-66.7%, limit -30%); value 5000→4800 (-4%); products 3→2
//
// Durations are in days. String allocates; keep the Reason itself when
// storing many.
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString(r.Rule.String())
	b.WriteString(": ")
	switch r.Rule {
	case RuleNone:
		b.WriteString("no rule")
	case RuleInvalid:
		b.WriteString("the snapshot is invalid (see Track for the field)")
	case RuleClosed:
		b.WriteString("all accounts closed; tenure " + days(r.Tenure))
	case RuleProspectLapsed:
		b.WriteString("no account and no contact for " + days(r.Inactive) + " (limit " + days(r.Limit) + ")")
	case RuleProspect:
		b.WriteString("no account opened yet")
	case RuleDormantTerminated:
		b.WriteString("dormant past the limit: no activity for " + days(r.Inactive) + " (limit " + days(r.Limit) + ")")
	case RuleDormant:
		b.WriteString("dormant: no activity for " + days(r.Inactive) + " (limit " + days(r.Limit) + ")")
	case RuleOnboarding:
		b.WriteString("account opened " + days(r.Tenure) + " ago (onboarding period " + days(r.Limit) + ")")
	case RuleDecline:
		r.writeSignals(&b)
	case RuleMaturity:
		b.WriteString("tenure " + days(r.Tenure) + " (mature after " + days(r.Limit) + "), not declining: ")
		r.writeSignals(&b)
	case RuleGrowth:
		b.WriteString("tenure " + days(r.Tenure) + " (mature after " + days(r.Limit) + "), not declining: ")
		r.writeSignals(&b)
	default:
		b.WriteString("unknown rule")
	}
	if r.Dormant && r.Rule != RuleDormant && r.Rule != RuleDormantTerminated {
		b.WriteString("; dormant: no activity for " + days(r.Inactive))
	}
	return b.String()
}

func (r Reason) writeSignals(b *strings.Builder) {
	b.WriteString(strconv.Itoa(r.Signals.DeclineCount()))
	b.WriteString(" of 3 decline signals (need ")
	b.WriteString(strconv.Itoa(r.Need))
	b.WriteString("): transactions ")
	b.WriteString(strconv.Itoa(r.PrevTransactions) + "→" + strconv.Itoa(r.Transactions))
	writeChange(b, float64(r.PrevTransactions), float64(r.Transactions), r.Drop, r.Signals&LowerFrequency != 0)
	b.WriteString("; value ")
	b.WriteString(num(r.PrevValue) + "→" + num(r.Value))
	writeChange(b, r.PrevValue, r.Value, r.Drop, r.Signals&LowerValue != 0)
	b.WriteString("; products ")
	b.WriteString(strconv.Itoa(r.PrevProducts) + "→" + strconv.Itoa(r.Products))
	if r.Signals&FewerProducts != 0 {
		b.WriteString(" (fewer)")
	}
}

// writeChange writes " (-66.7%, limit -30%)" when the relative change is
// defined (prev > 0), marking the limit only when the signal fired.
func writeChange(b *strings.Builder, prev, cur, drop float64, fired bool) {
	if prev <= 0 {
		return
	}
	b.WriteString(" (")
	b.WriteString(pct((cur - prev) / prev))
	if fired {
		b.WriteString(", limit " + pct(-drop))
	}
	b.WriteString(")")
}

func pct(x float64) string {
	s := strconv.FormatFloat(100*x, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if x > 0 {
		s = "+" + s
	}
	return s + "%"
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

func days(d time.Duration) string {
	return strconv.FormatFloat(math.Round(10*float64(d)/float64(Day))/10, 'f', -1, 64) + " days"
}
