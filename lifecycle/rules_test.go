package lifecycle

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	r := DefaultRules()
	asOf := day(1000)
	opened := day(1000 - 400) // tenure 400 days: past onboarding, before maturity
	steady := Snapshot{AsOf: asOf, FirstContact: day(0), Opened: opened, LastActivity: asOf.AddDate(0, 0, -3),
		Transactions: 10, PrevTransactions: 10, Value: 1000, PrevValue: 1000, Products: 3, PrevProducts: 3}
	with := func(f func(s *Snapshot)) Snapshot { s := steady; f(&s); return s }
	tests := []struct {
		name   string
		s      Snapshot
		stage  Stage
		rule   Rule
		reason string
	}{
		{"steady growth", steady, Growth, RuleGrowth, "tenure 400 < 730, no decline signal"},
		{"no account", with(func(s *Snapshot) { s.Opened = time.Time{}; s.LastActivity = day(900) }), Prospect, RuleProspect, "contact 100 days ago"},
		{"opened later", with(func(s *Snapshot) { s.Opened = day(1001) }), Prospect, RuleProspect, "Opened after AsOf: not yet happened"},
		{"prospect lapsed", with(func(s *Snapshot) { s.Opened = time.Time{}; s.LastActivity = time.Time{} }), Terminated, RuleProspectLapsed, "first contact 1000 days ago ≥ 365"},
		{"prospect unknown contact", with(func(s *Snapshot) { s.Opened, s.LastActivity, s.FirstContact = time.Time{}, time.Time{}, time.Time{} }), Prospect, RuleProspect, "no date to measure inactivity from"},
		{"closed", with(func(s *Snapshot) { s.Closed = day(990) }), Terminated, RuleClosed, "closed before AsOf"},
		{"closed on AsOf", with(func(s *Snapshot) { s.Closed = asOf }), Terminated, RuleClosed, "closure date counts"},
		{"closing later", with(func(s *Snapshot) { s.Closed = day(1010) }), Growth, RuleGrowth, "Closed after AsOf: still open"},
		{"dormant", with(func(s *Snapshot) { s.LastActivity = asOf.AddDate(0, 0, -180) }), Decline, RuleDormant, "exactly DormantAfter"},
		{"almost dormant", with(func(s *Snapshot) { s.LastActivity = asOf.AddDate(0, 0, -179) }), Growth, RuleGrowth, "one day short"},
		{"dormant past limit", with(func(s *Snapshot) { s.LastActivity = asOf.AddDate(0, 0, -365) }), Terminated, RuleDormantTerminated, "exactly TerminateAfter"},
		{"never active, old account", with(func(s *Snapshot) { s.LastActivity, s.Transactions = time.Time{}, 0 }), Terminated, RuleDormantTerminated, "inactive since opening 400 days"},
		{"activity date not recorded", with(func(s *Snapshot) { s.LastActivity = time.Time{} }), Growth, RuleGrowth, "transactions in the window count as activity"},
		{"onboarding", with(func(s *Snapshot) { s.Opened = day(1000 - 89) }), Onboarding, RuleOnboarding, "tenure 89 < 90"},
		{"onboarding ends", with(func(s *Snapshot) { s.Opened = day(1000 - 90) }), Growth, RuleGrowth, "tenure 90 = OnboardingPeriod"},
		{"new and dormant", with(func(s *Snapshot) {
			s.Opened = day(1000 - 60)
			s.LastActivity, s.Transactions = time.Time{}, 0
			s.AsOf = day(1000 + 130)
		}), Decline, RuleDormant, "no activity since opening 190 days ago; dormancy beats onboarding"},
		{"two decline signals", with(func(s *Snapshot) { s.Transactions = 7; s.Products = 2 }), Decline, RuleDecline, "-30% transactions and fewer products"},
		{"one decline signal", with(func(s *Snapshot) { s.Transactions = 7 }), Growth, RuleGrowth, "one signal is not enough"},
		{"drop short of limit", with(func(s *Snapshot) { s.Transactions = 8; s.Value = 500 }), Growth, RuleGrowth, "-20% is not a signal, -50% is: one signal"},
		{"value and frequency", with(func(s *Snapshot) { s.Transactions = 0; s.Value = 0 }), Decline, RuleDecline, "both fell to zero"},
		{"mature", with(func(s *Snapshot) { s.Opened = day(1000 - 730) }), Maturity, RuleMaturity, "tenure 730 = MatureAfter"},
		{"mature declining", with(func(s *Snapshot) { s.Opened = day(0); s.Value = 100; s.Products = 1 }), Decline, RuleDecline, "trend beats tenure"},
		{"negative balance", with(func(s *Snapshot) { s.Value = -50; s.PrevValue = -10; s.Products = 2 }), Growth, RuleGrowth, "no relative change with prev ≤ 0: only one signal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, why := r.Classify(tc.s)
			if got != tc.stage || why.Rule != tc.rule {
				t.Errorf("Classify = %v (%v), want %v (%v): %s\nreason: %v", got, why.Rule, tc.stage, tc.rule, tc.reason, why)
			}
		})
	}
}

func TestClassifyReasonFigures(t *testing.T) {
	t.Parallel()
	r := DefaultRules()
	s := Snapshot{AsOf: day(500), Opened: day(100), LastActivity: day(490),
		Transactions: 4, PrevTransactions: 12, Value: 4800, PrevValue: 5000, Products: 2, PrevProducts: 3}
	st, why := r.Classify(s)
	if st != Decline {
		t.Fatalf("stage = %v, want Decline", st)
	}
	want := Reason{Rule: RuleDecline, Signals: FewerProducts | LowerFrequency, Tenure: 400 * Day, Inactive: 10 * Day,
		Drop: 0.3, Need: 2, Transactions: 4, PrevTransactions: 12, Value: 4800, PrevValue: 5000, Products: 2, PrevProducts: 3}
	if why != want {
		t.Errorf("Reason = %+v\nwant     %+v", why, want)
	}
	text := why.String()
	for _, part := range []string{"decline: 2 of 3 decline signals (need 2)", "transactions 12→4 (-66.7%, limit -30%)", "value 5000→4800 (-4%)", "products 3→2 (fewer)"} {
		if !strings.Contains(text, part) {
			t.Errorf("Reason.String() = %q, missing %q", text, part)
		}
	}

	s.LastActivity = day(300)
	_, why = r.Classify(s)
	if text := why.String(); !why.Dormant || text != "dormant: dormant: no activity for 200 days (limit 180 days)" {
		t.Errorf("dormant Reason = %+v, %q", why, text)
	}
}

func TestReasonStringEveryRule(t *testing.T) {
	t.Parallel()
	for rule := RuleNone; rule <= RuleGrowth+1; rule++ {
		text := Reason{Rule: rule, Limit: 90 * Day, Tenure: 12 * time.Hour}.String()
		if !strings.HasPrefix(text, rule.String()+": ") || strings.Contains(text, "%!") {
			t.Errorf("Reason{Rule: %v}.String() = %q", rule, text)
		}
		b, err := rule.MarshalText()
		if rule > RuleGrowth {
			if err == nil {
				t.Errorf("Rule(%d).MarshalText: want error", rule)
			}
			continue
		}
		var back Rule
		if err != nil || back.UnmarshalText(b) != nil || back != rule {
			t.Errorf("Rule %v text round trip: %q, %v, %v", rule, b, err, back)
		}
	}
	var r Rule
	if err := r.UnmarshalText([]byte("bogus")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Rule.UnmarshalText(bogus) = %v", err)
	}
	if got := (FewerProducts | HigherValue).String(); got != "fewer-products|higher-value" {
		t.Errorf("Signals.String() = %q", got)
	}
	if got := Signals(0).String(); got != "none" {
		t.Errorf("Signals(0).String() = %q", got)
	}
}

func TestClassifyInvalid(t *testing.T) {
	t.Parallel()
	good := Snapshot{AsOf: day(100), Opened: day(10), Transactions: 1, Value: 1, Products: 1}
	with := func(f func(s *Snapshot)) Snapshot { s := good; f(&s); return s }
	tests := []struct {
		name  string
		s     Snapshot
		field string
	}{
		{"zero AsOf", with(func(s *Snapshot) { s.AsOf = time.Time{} }), "history.AsOf"},
		{"before first contact", with(func(s *Snapshot) { s.FirstContact = day(101) }), "history.AsOf"},
		{"closed without opened", with(func(s *Snapshot) { s.Opened = time.Time{}; s.Closed = day(50) }), "history.Closed"},
		{"closed before opened", with(func(s *Snapshot) { s.Closed = day(5) }), "history.Closed"},
		{"negative transactions", with(func(s *Snapshot) { s.Transactions = -1 }), "history.Transactions"},
		{"negative prev transactions", with(func(s *Snapshot) { s.PrevTransactions = -1 }), "history.PrevTransactions"},
		{"NaN value", with(func(s *Snapshot) { s.Value = math.NaN() }), "history.Value"},
		{"Inf prev value", with(func(s *Snapshot) { s.PrevValue = math.Inf(-1) }), "history.PrevValue"},
		{"negative products", with(func(s *Snapshot) { s.Products = -2 }), "history.Products"},
		{"negative prev products", with(func(s *Snapshot) { s.PrevProducts = -2 }), "history.PrevProducts"},
	}
	r := DefaultRules()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, why := r.Classify(tc.s)
			if st != 0 || why.Rule != RuleInvalid {
				t.Errorf("Classify = %v, %v; want 0, RuleInvalid", st, why.Rule)
			}
			// Track reports the same snapshot with its field and index.
			hist := []Snapshot{{AsOf: day(1)}, tc.s}
			if tc.name == "zero AsOf" {
				hist = []Snapshot{tc.s}
			}
			_, err := Track(nil, r, hist)
			var e *InputError
			if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != tc.field || e.Index != len(hist)-1 {
				t.Errorf("Track error = %v, want %s[%d]", err, tc.field, len(hist)-1)
			}
			if errors.Is(err, ErrIllegalTransition) {
				t.Errorf("bad data reported as an illegal transition: %v", err)
			}
		})
	}
	if st, _ := r.Classify(good); st == 0 {
		t.Error("the good snapshot must classify")
	}
}

func TestRulesValidate(t *testing.T) {
	t.Parallel()
	if err := DefaultRules().Validate(); err != nil {
		t.Fatalf("DefaultRules().Validate() = %v", err)
	}
	if err := (Rules{}).Validate(); err != nil {
		t.Fatalf("Rules{}.Validate() = %v", err)
	}
	tests := []struct {
		field string
		f     func(r *Rules)
	}{
		{"r.OnboardingPeriod", func(r *Rules) { r.OnboardingPeriod = -1 }},
		{"r.MatureAfter", func(r *Rules) { r.MatureAfter = -Day }},
		{"r.DormantAfter", func(r *Rules) { r.DormantAfter = -Day }},
		{"r.TerminateAfter", func(r *Rules) { r.TerminateAfter = -Day }},
		{"r.DeclineDrop", func(r *Rules) { r.DeclineDrop = math.NaN() }},
		{"r.DeclineDrop", func(r *Rules) { r.DeclineDrop = 1.5 }},
		{"r.DeclineDrop", func(r *Rules) { r.DeclineDrop = -0.1 }},
		{"r.DeclineSignals", func(r *Rules) { r.DeclineSignals = 4 }},
		{"r.DeclineSignals", func(r *Rules) { r.DeclineSignals = -1 }},
		{"r.MinPeriods", func(r *Rules) { r.MinPeriods = -1 }},
	}
	for _, tc := range tests {
		r := DefaultRules()
		tc.f(&r)
		for name, err := range map[string]error{"Validate": r.Validate(), "Track": trackErr(r)} {
			var e *InputError
			if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != tc.field || e.Index != -1 {
				t.Errorf("%s: err = %v, want field %s", name, err, tc.field)
			}
		}
	}
}

func trackErr(r Rules) error {
	_, err := Track(nil, r, []Snapshot{{AsOf: day(1)}})
	return err
}
