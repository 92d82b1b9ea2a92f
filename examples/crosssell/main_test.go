package main

import (
	"bytes"
	"errors"
	"io"
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
	for _, want := range []string{"synthetic portfolio", "Association rules", "Next best offer"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunBadData(t *testing.T) {
	path := writeFile(t, "milk,bread\nmilk,,eggs\n")
	err := run([]string{"-data", path}, io.Discard)
	var le *cli.LineError
	if !errors.As(err, &le) || le.File != path || le.Line != 2 {
		t.Errorf("run(-data malformed) error = %v, want %s:2", err, path)
	}
	missing := filepath.Join(t.TempDir(), "missing.csv")
	if err := run([]string{"-data", missing}, io.Discard); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("run(-data missing) error = %v, want one naming the file", err)
	}
}
