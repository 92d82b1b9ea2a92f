package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

func TestExit(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode int
		wantErr  string
	}{
		{"ok", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"usage", badFlag(), 2, ""},
		{"data", Errorf("data/x.csv", 7, "Age %q: not a number", "abc"), 1, "tool: data/x.csv:7: Age \"abc\": not a number\n"},
		{"multi-line", errors.New("first\nsecond"), 1, "tool: first second\n"},
		{"missing file", func() error { _, err := os.Open("/no/such/file.csv"); return err }(), 1,
			"tool: open /no/such/file.csv: no such file or directory\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := exit("tool", func([]string, io.Writer) error { return tc.err }, nil, &stdout, &stderr)
			if code != tc.wantCode || stderr.String() != tc.wantErr {
				t.Errorf("exit() = %d, stderr %q; want %d, %q", code, stderr.String(), tc.wantCode, tc.wantErr)
			}
		})
	}
}

func TestLineError(t *testing.T) {
	err := Errorf("f.csv", 0, "empty")
	if got := err.Error(); got != "f.csv: empty" {
		t.Errorf("Error() = %q", got)
	}
	var le *LineError
	if !errors.As(Errorf("f.csv", 3, "bad"), &le) || le.Line != 3 || le.File != "f.csv" {
		t.Errorf("errors.As: %+v", le)
	}
}

func TestTable(t *testing.T) {
	tb := NewTable("name", "n", "share")
	tb.Row("a", 1, 0.5)
	tb.Row("longer name", 1234, "12.5%")
	var b bytes.Buffer
	tb.Print(&b)
	want := "  name            n  share\n" +
		"  a               1    0.5\n" +
		"  longer name  1234  12.5%\n"
	if b.String() != want {
		t.Errorf("Print() =\n%s\nwant\n%s", b.String(), want)
	}
	tb = NewTable("level", "action", "n").Left(1)
	tb.Row("watch", "call", 12)
	tb.Row("critical", "visit in person", 3)
	b.Reset()
	tb.Print(&b)
	want = "  level     action            n\n" +
		"  watch     call             12\n" +
		"  critical  visit in person   3\n"
	if b.String() != want {
		t.Errorf("Print() with a left column =\n%s\nwant\n%s", b.String(), want)
	}
	if !strings.HasSuffix(b.String(), "\n") {
		t.Error("no final newline")
	}
}

func badFlag() error {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Parse(fs, []string{"-nope"})
}
