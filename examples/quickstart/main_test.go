package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunSmallPortfolio(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-customers", "1500", "-seed", "3", "-plots", dir}, &out); err != nil {
		t.Fatalf("run() error = %v", err)
	}
	for _, want := range []string{
		"Synthetic retail-bank portfolio (seed 3)", "1500 customers",
		"1. Lifecycle", "Monthly stage flow",
		"2. Segments", "Customer pyramid", "RFM segments", "Tier migration",
		"3. Cross-sell", "Next best product",
		"4. Churn", "Cox proportional hazards", "Early warning",
		"5. Lifetime value", "Top of the book",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, chart := range []string{"survival.svg", "pyramid.svg", "stage_transitions.svg", "rules_lift.svg", "clv.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, chart))
		if err != nil || !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("chart %s not written as SVG (err %v)", chart, err)
		}
	}
}

// TestRunDeterministic: the same seed gives the same report, but for the
// elapsed time on its last line.
func TestRunDeterministic(t *testing.T) {
	report := func() string {
		var out bytes.Buffer
		if err := run([]string{"-customers", "800", "-seed", "9"}, &out); err != nil {
			t.Fatalf("run() error = %v", err)
		}
		s := out.String()
		return s[:strings.LastIndex(s, "Done in")]
	}
	if a, b := report(), report(); a != b {
		t.Error("two runs with the same seed printed different reports")
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-customers", "5"}, {"-seed", "x"}, {"-nosuchflag"}} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run(%q) error = nil, want an error", args)
		}
	}
}
