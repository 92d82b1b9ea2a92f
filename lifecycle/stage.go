package lifecycle

import (
	"strconv"
	"strings"
)

// Stage is one of the six stages of a financial-services relationship. The
// zero value means "unset" and is not a valid stage, so that a missing stage
// is detectable; [Stage.Valid] reports whether s is one of the six constants.
//
// A Stage marshals to and from its English name (see [Stage.MarshalText]),
// so it can be stored in JSON, CSV or configuration files.
type Stage uint8

// The six stages, in their natural order.
const (
	// Prospect (潜在期): known to the bank, no account yet; cost only, value 0.
	Prospect Stage = iota + 1
	// Onboarding (开发期): account opened recently; the customer is deciding
	// whether to stay.
	Onboarding
	// Growth (成长期): past onboarding, not declining, relationship still
	// being built: activity, balances and product count typically rising.
	Growth
	// Maturity (成熟期): stable and loyal over a long tenure; the most
	// valuable and cheapest to serve.
	Maturity
	// Decline (衰退期): the turning point: fewer products, lower frequency,
	// lower amounts, or no activity for a while (dormant, 沉睡客户).
	Decline
	// Terminated (终止期): the relationship has ended: accounts closed, or
	// dormant past a longer limit.
	Terminated
)

// NumStages is the number of valid stages. Arrays indexed by stage, such as
// the distributions of [Chain.Forecast], hold stage s at index s-1.
const NumStages = 6

var stageNames = [NumStages + 1]string{"", "Prospect", "Onboarding", "Growth", "Maturity", "Decline", "Terminated"}

var stageTerms = [NumStages + 1]string{"", "潜在期", "开发期", "成长期", "成熟期", "衰退期", "终止期"}

// Stages returns the six valid stages in order, Prospect first.
func Stages() []Stage {
	return []Stage{Prospect, Onboarding, Growth, Maturity, Decline, Terminated}
}

// Valid reports whether s is one of the six stages (1..6).
func (s Stage) Valid() bool { return s >= Prospect && s <= Terminated }

// String returns the English name of s ("Prospect", ..., "Terminated"), or
// "Stage(n)" for a value outside the constants, including the unset zero.
func (s Stage) String() string {
	if s.Valid() {
		return stageNames[s]
	}
	return "Stage(" + strconv.Itoa(int(s)) + ")"
}

// Chinese returns the Chinese term for s (潜在期, 开发期, 成长期, 成熟期,
// 衰退期, 终止期), or the empty string when s is not valid.
func (s Stage) Chinese() string {
	if s.Valid() {
		return stageTerms[s]
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler. It returns the English name,
// and an error wrapping [ErrInvalidInput] for the unset zero value or any
// other value outside the six constants.
func (s Stage) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, checker("Stage.MarshalText").Fail("stage", -1, strconv.Itoa(int(s)), "not a valid stage")
	}
	return []byte(stageNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with the names that
// [ParseStage] accepts. On error s is left unchanged.
func (s *Stage) UnmarshalText(text []byte) error {
	v, err := parseStage("Stage.UnmarshalText", string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseStage returns the stage named by s. It accepts the English names in
// any case ("Growth", "growth", "GROWTH") and the Chinese terms 潜在期, 开发期,
// 成长期, 成熟期, 衰退期 and 终止期; surrounding white space is ignored.
// Any other text, including the empty string, returns 0 and an error wrapping
// [ErrInvalidInput].
func ParseStage(s string) (Stage, error) {
	return parseStage("ParseStage", s)
}

func parseStage(fn, s string) (Stage, error) {
	t := strings.TrimSpace(s)
	for st := Prospect; st <= Terminated; st++ {
		if strings.EqualFold(t, stageNames[st]) || t == stageTerms[st] {
			return st, nil
		}
	}
	return 0, checker(fn).Fail("stage", -1, strconv.Quote(s), "unknown name")
}
