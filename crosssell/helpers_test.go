package crosssell

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sharedPath returns the path of rel (for example "data/rossi/rossi.csv")
// inside the shared folder of public data and reference values, which lives
// beside the checkout (../shared). It looks in each parent directory of the
// package in turn, and skips the test with a message when no shared folder
// holds rel.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("reference data not found: no shared/%s in any parent directory; see README", rel)
		}
		dir = parent
	}
}

// readRef decodes the JSON reference file shared/reference/name into v,
// skipping the test when the shared folder is absent.
func readRef(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, "reference/"+name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("reference/%s: %v", name, err)
	}
}

// readBaskets reads a basket file from the shared data folder: one basket a
// line, items separated by sep. The FIMI files use ' ' and integer items;
// Groceries uses ','.
func readBaskets(t testing.TB, rel string, sep string) [][]string {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	out := make([][]string, len(lines))
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			out[i] = []string{}
			continue
		}
		// Items are trimmed: Groceries writes two labels with a trailing
		// space ("cream cheese ", "roll products "), and only sometimes
		// at the end of a line.
		f := strings.Split(l, sep)
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		out[i] = f
	}
	return out
}

// readFIMI reads a FIMI .dat file (space-separated non-negative integers,
// one transaction a line) into int32 baskets, without per-line allocation
// of strings.
func readFIMI(t testing.TB, name string) [][]int32 {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, "data/fimi/"+name))
	if err != nil {
		t.Fatal(err)
	}
	return parseFIMI(b)
}

func parseFIMI(b []byte) [][]int32 {
	lines := bytes.Count(b, []byte{'\n'}) + 1
	flat := make([]int32, 0, len(b)/3)
	ends := make([]int, 0, lines)
	v, in := int32(0), false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int32(c-'0')
			in = true
		case c == '\n':
			if in {
				flat = append(flat, v)
			}
			v, in = 0, false
			ends = append(ends, len(flat))
		default:
			if in {
				flat = append(flat, v)
			}
			v, in = 0, false
		}
	}
	if in {
		flat = append(flat, v)
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(flat) {
		ends = append(ends, len(flat))
	}
	out := make([][]int32, len(ends))
	start := 0
	for i, e := range ends {
		out[i] = flat[start:e:e]
		start = e
	}
	return out
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func itoa(i int) string { return strconv.Itoa(i) }
