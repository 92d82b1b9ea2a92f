package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clmkit/clm/examples/internal/cli"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snapshots.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunExportThenData runs the lesson on the portfolio, exports its
// snapshots, and runs it again on the export: the same book must come back.
func TestRunExportThenData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	var first, second bytes.Buffer
	if err := run([]string{"-customers", "1500", "-seed", "2", "-export", path}, &first); err != nil {
		t.Fatalf("run(-export) error = %v", err)
	}
	if err := run([]string{"-data", path}, &second); err != nil {
		t.Fatalf("run(-data export) error = %v", err)
	}
	tail := func(s string) string { return s[strings.Index(s, "The book"):] }
	if !strings.Contains(first.String(), "The book") || !strings.Contains(second.String(), "The book") {
		t.Fatalf("reports lack the book section:\n%s\n%s", first.String(), second.String())
	}
	// The CSV keeps dates to the day, which can move a stage by a day at
	// most; the customer counts per stage must agree.
	a, b := countsLine(tail(first.String())), countsLine(tail(second.String()))
	if strings.Count(a, ";") != 2 {
		t.Fatalf("could not read the stage counts from the report: %q", a)
	}
	if a != b {
		t.Errorf("stage counts differ after the CSV round trip:\n%s\n%s", a, b)
	}
}

func countsLine(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && (f[0] == "Maturity" || f[0] == "Terminated" || f[0] == "Decline") {
			if _, err := strconv.Atoi(f[1]); err == nil {
				out = append(out, f[0]+" "+f[1])
			}
		}
	}
	return strings.Join(out, "; ")
}

func TestLoadSnapshotsErrors(t *testing.T) {
	const header = "customer,as_of,first_contact,opened,closed,last_activity,transactions,prev_transactions,value,prev_value,products,prev_products\n"
	tests := []struct {
		name, content string
		wantLine      int
		wantText      string
	}{
		{"empty", "", 0, "empty file"},
		{"no rows", header, 0, "no rows"},
		{"missing column", "customer,as_of\nC1,2024-01-31\n", 1, "missing column"},
		{"bad date", header + "C1,2024-01-31,,2023-05-01,,,3,2,10,5,1,1\nC1,31/02/2024,,2023-05-01,,,3,2,10,5,1,1\n", 3, "as_of"},
		{"negative count", header + "C1,2024-01-31,,2023-05-01,,,-3,2,10,5,1,1\n", 2, "transactions"},
		{"bad value", header + "C1,2024-01-31,,2023-05-01,,,3,2,ten,5,1,1\n", 2, "value"},
		{"out of order", header + "C1,2024-02-29,,2023-05-01,,,3,2,10,5,1,1\nC1,2024-01-31,,2023-05-01,,,3,2,10,5,1,1\n", 3, "not after"},
		{"short row", header + "C1,2024-01-31\n", 2, "wrong number of fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := loadSnapshots(path)
			var le *cli.LineError
			if !errors.As(err, &le) {
				t.Fatalf("loadSnapshots() error = %v, want a *cli.LineError", err)
			}
			if le.File != path || le.Line != tc.wantLine || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("loadSnapshots() error = %q (line %d), want line %d mentioning %q", err, le.Line, tc.wantLine, tc.wantText)
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "missing.csv")
	if err := run([]string{"-data", missing}, io.Discard); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("run(-data missing) error = %v, want one naming the file", err)
	}
}
