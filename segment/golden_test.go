package segment

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s changed; if intended, rerun with -update.\nwant:\n%s\ngot:\n%s", path, want, got)
	}
}

// TestKMeansGolden pins a seeded k-means result, so that a change to the
// seeding, the iteration or the merge order shows up as a diff. Values are
// printed to 10 significant digits, which fused multiply-add on some
// platforms does not reach.
func TestKMeansGolden(t *testing.T) {
	t.Parallel()
	x := benchFeatures(5000)
	m, err := KMeans(x, 8, &KMeansOptions{Seed: 42, Restarts: 3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "restart %d, iter %d, converged %v, inertia %.10g\n", m.Restart, m.Iter, m.Converged, m.Inertia)
	for j, c := range m.Centers {
		fmt.Fprintf(&b, "cluster %d size %4d center", j, m.Size[j])
		for _, v := range c {
			fmt.Fprintf(&b, " %.10g", v)
		}
		b.WriteByte('\n')
	}
	golden(t, "kmeans_seed42.golden", b.String())
}

// TestScoreRFMGolden pins the scores of the first 40 of 5000 generated
// customers and the size of every R/F segment.
func TestScoreRFMGolden(t *testing.T) {
	t.Parallel()
	in := benchRFM(5000)
	s, err := ScoreRFM(in, 5)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "%+v -> %+v %v\n", in[i], s[i], s[i].Segment(5))
	}
	count := map[RFMSegment]int{}
	for _, sc := range s {
		count[sc.Segment(5)]++
	}
	for seg := Champions; seg <= Lost; seg++ {
		fmt.Fprintf(&b, "%-18s %d\n", seg, count[seg])
	}
	golden(t, "scorerfm.golden", b.String())
}
