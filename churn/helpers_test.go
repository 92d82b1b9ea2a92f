package churn

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
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

// rossiData is the Rossi et al. (1980) recidivism data as shipped in
// shared/data/rossi/rossi.csv: one column per CSV column, by header name.
type rossiData struct {
	week   []float64
	arrest []bool
	col    map[string][]float64
}

// readRossiCSV reads shared/data/rossi/rossi.csv, skipping the test when the
// shared folder is absent.
func readRossiCSV(t testing.TB) rossiData {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/rossi/rossi.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	d := rossiData{col: map[string][]float64{}}
	head := rows[0]
	for _, r := range rows[1:] {
		for j, name := range head {
			v, err := strconv.ParseFloat(r[j], 64)
			if err != nil {
				t.Fatalf("rossi.csv: %s: %v", name, err)
			}
			d.col[name] = append(d.col[name], v)
		}
	}
	d.week = d.col["week"]
	for _, a := range d.col["arrest"] {
		d.arrest = append(d.arrest, a == 1)
	}
	return d
}
