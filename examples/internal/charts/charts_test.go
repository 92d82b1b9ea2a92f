package charts

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestChartsWriteSVG(t *testing.T) {
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	curves := []Curve{
		{Name: "a", Time: []float64{1, 2, 3}, Surv: []float64{0.9, 0.8, 0.5}, Lower: []float64{0.85, 0.7, 0.4}, Upper: []float64{0.95, 0.9, 0.6}},
		{Name: "b", Time: []float64{1.5, 4}, Surv: []float64{0.7, 0.6}},
	}
	m := [][]float64{{0.9, 0.1}, {0.2, 0.8}}
	steps := []struct {
		name string
		err  error
	}{
		{"survival.svg", Survival(file("survival.svg"), "t", "months", curves)},
		{"grouped.svg", GroupedBars(file("grouped.svg"), "t", "%", []string{"x", "y"}, []Series{{"s1", []float64{1, 2}}, {"s2", []float64{3, 4}}})},
		{"bars.svg", Bars(file("bars.svg"), "t", "lift", []string{"r1", "r2", "r3"}, []float64{3, 2, 1})},
		{"heat.svg", HeatMap(file("heat.svg"), "t", []string{"A", "B"}, m)},
		{"hist.svg", Histogram(file("hist.svg"), "t", "CLV", []float64{1, 2, 2, 3, 10}, 4)},
	}
	for _, s := range steps {
		if s.err != nil {
			t.Errorf("%s: %v", s.name, s.err)
			continue
		}
		b, err := os.ReadFile(file(s.name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("%s is not an SVG file", s.name)
		}
	}
}

func TestChartsBadInput(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "x.svg")
	if Survival(f, "", "", []Curve{{Name: "x", Time: []float64{1}, Surv: nil}}) == nil {
		t.Error("Survival with mismatched lengths: no error")
	}
	if Bars(f, "", "", []string{"a"}, nil) == nil {
		t.Error("Bars with mismatched lengths: no error")
	}
	if HeatMap(f, "", []string{"a", "b"}, [][]float64{{1, 0}}) == nil {
		t.Error("HeatMap with a short matrix: no error")
	}
	if Histogram(f, "", "", nil, 3) == nil {
		t.Error("Histogram of nothing: no error")
	}
	if GroupedBars(f, "", "", []string{"a"}, []Series{{"s", []float64{1, 2}}}) == nil {
		t.Error("GroupedBars with mismatched lengths: no error")
	}
}
