package clv

import (
	"encoding/json"
	"os"
	"path/filepath"
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
