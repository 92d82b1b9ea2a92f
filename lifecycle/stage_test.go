package lifecycle

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Stage
	}{
		{"Prospect", Prospect},
		{"onboarding", Onboarding},
		{"GROWTH", Growth},
		{"mAtUrItY", Maturity},
		{"  Decline\t", Decline},
		{"terminated", Terminated},
		{"潜在期", Prospect},
		{"开发期", Onboarding},
		{"成长期", Growth},
		{"成熟期", Maturity},
		{"衰退期", Decline},
		{"终止期", Terminated},
	}
	for _, tc := range tests {
		got, err := ParseStage(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseStage(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseStageUnknown(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "foo", "Stage(0)", "1", "Grow", "Growths", "成长", "prospect期"} {
		got, err := ParseStage(in)
		var e *InputError
		if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &e) || e.Field != "stage" || got != 0 {
			t.Errorf("ParseStage(%q) = %v, %v; want 0 and an InputError for field stage", in, got, err)
		}
	}
}

func TestStageString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s             Stage
		name, chinese string
		valid         bool
	}{
		{0, "Stage(0)", "", false},
		{Prospect, "Prospect", "潜在期", true},
		{Terminated, "Terminated", "终止期", true},
		{7, "Stage(7)", "", false},
		{255, "Stage(255)", "", false},
	}
	for _, tc := range tests {
		if got := tc.s.String(); got != tc.name {
			t.Errorf("Stage(%d).String() = %q, want %q", tc.s, got, tc.name)
		}
		if got := tc.s.Chinese(); got != tc.chinese {
			t.Errorf("Stage(%d).Chinese() = %q, want %q", tc.s, got, tc.chinese)
		}
		if got := tc.s.Valid(); got != tc.valid {
			t.Errorf("Stage(%d).Valid() = %v, want %v", tc.s, got, tc.valid)
		}
	}
}

func TestStageTextRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range Stages() {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText: %v", s, err)
		}
		var got Stage
		if err := got.UnmarshalText(b); err != nil || got != s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, got, err, s)
		}
		c, _ := ParseStage(s.Chinese())
		if c != s {
			t.Errorf("ParseStage(%q) = %v, want %v", s.Chinese(), c, s)
		}
	}
	for _, bad := range []Stage{0, 7} {
		if _, err := bad.MarshalText(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Stage(%d).MarshalText error = %v, want ErrInvalidInput", bad, err)
		}
	}
	s := Growth
	if err := s.UnmarshalText([]byte("nope")); !errors.Is(err, ErrInvalidInput) || s != Growth {
		t.Errorf("UnmarshalText(nope) = %v, stage %v; want error and unchanged Growth", err, s)
	}
}

func TestStageJSON(t *testing.T) {
	t.Parallel()
	type row struct {
		ID    int
		Stage Stage
		Count map[Stage]int
	}
	in := row{ID: 7, Stage: Decline, Count: map[Stage]int{Growth: 2, Terminated: 1}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ID":7,"Stage":"Decline","Count":{"Growth":2,"Terminated":1}}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var out row
	if err := json.Unmarshal([]byte(`{"ID":7,"Stage":"衰退期","Count":{"growth":2,"Terminated":1}}`), &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("json round trip mismatch (-want +got):\n%s", diff)
	}
	if _, err := json.Marshal(row{}); err == nil {
		t.Error("json.Marshal of the unset stage: want an error")
	}
}
