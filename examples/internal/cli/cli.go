// Package cli holds what clm's runnable examples share: the main wrapper
// that turns an error into one line on stderr and exit code 1, the error
// type that names a data file and line, and a small aligned-table printer.
package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// Main runs run with the command-line arguments and standard output, and
// exits: with code 0 on success or when -h asked for help, and with code 1
// after printing "name: error" as a single line on standard error otherwise.
func Main(name string, run func(args []string, stdout io.Writer) error) {
	os.Exit(exit(name, run, os.Args[1:], os.Stdout, os.Stderr))
}

func exit(name string, run func([]string, io.Writer) error, args []string, stdout, stderr io.Writer) int {
	err := run(args, stdout)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(stderr, "%s: %s\n", name, msg)
	return 1
}

var errUsage = errors.New("usage")

// Parse parses args with fs, which should use flag.ContinueOnError. On a bad
// flag the flag package has already printed the problem and the usage, so
// Parse returns an error that makes [Main] exit with code 2 and print
// nothing more.
func Parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}

// LineError is a problem in a data file, reported as "file:line: problem"
// (line 0 when the problem is with the file as a whole).
type LineError struct {
	File string
	Line int
	Err  error
}

// Error formats the error as "file:line: problem".
func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying problem.
func (e *LineError) Unwrap() error { return e.Err }

// Errorf returns a *LineError for file and line with a formatted message.
func Errorf(file string, line int, format string, args ...any) error {
	return &LineError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// CSVError turns an error from encoding/csv reading file into a
// *LineError, with the line of a *csv.ParseError.
func CSVError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{File: file, Line: pe.Line, Err: pe.Err}
	}
	return &LineError{File: file, Err: err}
}

// ReadHeader reads the header line of file from r and returns each column's
// index by name, or a *LineError for an empty file or a missing required
// column.
func ReadHeader(file string, r *csv.Reader, required []string) (map[string]int, error) {
	header, err := r.Read()
	if err == io.EOF {
		return nil, Errorf(file, 0, "empty file")
	}
	if err != nil {
		return nil, CSVError(file, err)
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[h] = i
	}
	for _, c := range required {
		if _, ok := col[c]; !ok {
			return nil, Errorf(file, 1, "missing column %q", c)
		}
	}
	return col, nil
}

// Table is a text table whose first column is left-aligned and whose other
// columns are right-aligned (unless marked with [Table.Left]), printed
// through text/tabwriter.
type Table struct {
	rows [][]string
	left map[int]bool
}

// NewTable starts a table with a header row.
func NewTable(header ...string) *Table {
	return &Table{rows: [][]string{header}, left: map[int]bool{0: true}}
}

// Left marks columns (0-based) to be left-aligned, for text.
func (t *Table) Left(cols ...int) *Table {
	for _, c := range cols {
		t.left[c] = true
	}
	return t
}

// Row adds a row. A float64 cell prints with %.4g; format other numbers
// before passing them to choose the precision.
func (t *Table) Row(cells ...any) {
	out := make([]string, len(cells))
	for i, c := range cells {
		if v, ok := c.(float64); ok {
			out[i] = fmt.Sprintf("%.4g", v)
			continue
		}
		out[i] = fmt.Sprint(c)
	}
	t.rows = append(t.rows, out)
}

// Print writes the table, indented by two spaces.
func (t *Table) Print(w io.Writer) {
	// Left-aligned columns are padded here to their width, so that the
	// right alignment of text/tabwriter leaves them as they are.
	width := map[int]int{}
	for _, r := range t.rows {
		for c, cell := range r {
			if t.left[c] {
				width[c] = max(width[c], len([]rune(cell)))
			}
		}
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 0, ' ', tabwriter.AlignRight)
	for _, r := range t.rows {
		for c, cell := range r {
			if t.left[c] {
				cell += strings.Repeat(" ", width[c]-len([]rune(cell)))
			}
			fmt.Fprintf(tw, "  %s\t", cell)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for line := range strings.Lines(buf.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

// Heading prints a section title underlined with '='.
func Heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
}
