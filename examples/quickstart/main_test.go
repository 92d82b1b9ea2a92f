package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunSmallPortfolio(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-customers", "1500", "-seed", "3", "-plots", t.TempDir()}, &out); err != nil {
		t.Fatalf("run() error = %v", err)
	}
	for _, want := range []string{"Synthetic retail-bank portfolio (seed 3)", "1500 customers"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-customers", "5"}, {"-seed", "x"}, {"-nosuchflag"}} {
		var out bytes.Buffer
		if err := run(args, &out); err == nil {
			t.Errorf("run(%q) error = nil, want an error", args)
		}
	}
}
