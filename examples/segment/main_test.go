package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clmkit/clm/examples/internal/cli"
)

func TestRunSynthetic(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-customers", "3000", "-seed", "5"}, &out); err != nil {
		t.Fatalf("run() error = %v", err)
	}
	if !strings.Contains(out.String(), "synthetic portfolio") || !strings.Contains(out.String(), "Tier migration") {
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
