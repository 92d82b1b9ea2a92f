package main

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clmkit/clm/churn"
	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/examples/internal/portfolio"
)

func TestRunSynthetic(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-customers", "3000", "-seed", "5"}, &out); err != nil {
		t.Fatalf("run() error = %v", err)
	}
	if !strings.Contains(out.String(), "synthetic portfolio") {
		t.Errorf("report does not name its data:\n%s", out.String())
	}
}

func TestRunBadData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bank.csv")
	if err := os.WriteFile(path, []byte("this is\nnot the file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-data", path}, io.Discard)
	var le *cli.LineError
	if !errors.As(err, &le) || le.File != path {
		t.Errorf("run(-data malformed) error = %v, want a file:line error", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.csv")
	if err := run([]string{"-data", missing}, io.Discard); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("run(-data missing) error = %v, want one naming the file", err)
	}
}

// TestCoxRecoversTruth checks the claim of the portfolio's documentation:
// a Cox model with delayed entry recovers the true log hazard ratios. The
// tolerance is 3.5 standard errors (simulation tier, fixed seed).
func TestCoxRecoversTruth(t *testing.T) {
	const tolSE = 3.5
	p, err := portfolio.Generate(portfolio.Config{Seed: 11, Customers: 12000})
	if err != nil {
		t.Fatal(err)
	}
	d := fromPortfolio(p)
	m, err := churn.FitCox(d.x, d.duration, d.event, &churn.CoxOptions{Entry: d.entry, Names: d.names})
	if err != nil {
		t.Fatal(err)
	}
	for j, want := range portfolio.TrueCoef() {
		if diff := math.Abs(m.Coef[j] - want); diff > tolSE*m.StdErr[j] {
			t.Errorf("%s: coef %.4f, true %.4f: off by %.1f standard errors", d.names[j], m.Coef[j], want, diff/m.StdErr[j])
		}
	}
}
