package clv

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readCDNOWSummary reads shared/data/cdnow/cdnow_customers_summary.csv
// (ID, x, t_x, T in weeks; 2,357 customers, 39-week calibration).
func readCDNOWSummary(t testing.TB) []Summary {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/cdnow/cdnow_customers_summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Summary
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		p := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if len(p) != 4 {
			t.Fatalf("cdnow summary: bad line %q", sc.Text())
		}
		var v [3]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(p[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, Summary{Customer: p[0], Frequency: v[0], Recency: v[1], T: v[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
