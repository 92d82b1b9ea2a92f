// Package charts draws the SVG charts of clm's examples with
// gonum.org/v1/plot: survival curves with confidence bands, grouped and
// horizontal bar charts, a heat map of a transition matrix and a histogram.
// Each function takes plain slices and writes one file; the file's extension
// (.svg, .png, .pdf) chooses the format.
package charts

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette holds distinguishable line colours (the Okabe-Ito set).
var palette = []color.RGBA{
	{0, 114, 178, 255}, {213, 94, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
	{230, 159, 0, 255}, {86, 180, 233, 255}, {240, 228, 66, 255}, {0, 0, 0, 255},
}

func colour(i int) color.RGBA { return palette[i%len(palette)] }

func fade(c color.RGBA) color.NRGBA { return color.NRGBA{c.R, c.G, c.B, 60} }

// Curve is one survival curve: a step function S(t) from Time[0] on, with
// optional pointwise band Lower..Upper (nil for none).
type Curve struct {
	Name         string
	Time, Surv   []float64
	Lower, Upper []float64
}

// Survival draws step survival curves with their confidence bands.
func Survival(path, title, xLabel string, curves []Curve) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = "S(t)"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(plotter.NewGrid())
	p.Legend.Top = false
	p.Legend.Left = true
	for i, c := range curves {
		if len(c.Time) == 0 || len(c.Time) != len(c.Surv) {
			return fmt.Errorf("charts: curve %q: %d times, %d values", c.Name, len(c.Time), len(c.Surv))
		}
		// Start every curve at S(0) = 1.
		xs := append([]float64{0}, c.Time...)
		ys := append([]float64{1}, c.Surv...)
		if len(c.Lower) == len(c.Time) && len(c.Upper) == len(c.Time) {
			lo := append([]float64{1}, c.Lower...)
			hi := append([]float64{1}, c.Upper...)
			band := stepBand(xs, lo, hi)
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return err
			}
			poly.Color = fade(colour(i))
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		line, err := plotter.NewLine(xy(xs, ys))
		if err != nil {
			return err
		}
		line.StepStyle = plotter.PostStep
		line.Color = colour(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(c.Name, line)
	}
	return save(p, path, 16, 10)
}

// stepBand returns the outline of the region between two post-step
// functions, for filling.
func stepBand(x, lo, hi []float64) plotter.XYs {
	var pts plotter.XYs
	n := len(x)
	for i := range n {
		pts = append(pts, plotter.XY{X: x[i], Y: finite(hi[i])})
		if i+1 < n {
			pts = append(pts, plotter.XY{X: x[i+1], Y: finite(hi[i])})
		}
	}
	for i := n - 1; i >= 0; i-- {
		if i+1 < n {
			pts = append(pts, plotter.XY{X: x[i+1], Y: finite(lo[i])})
		}
		pts = append(pts, plotter.XY{X: x[i], Y: finite(lo[i])})
	}
	return pts
}

func finite(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return min(max(v, 0), 1)
}

// Series is one named series of a grouped bar chart.
type Series struct {
	Name   string
	Values []float64
}

// GroupedBars draws vertical bars per category, one bar per series.
func GroupedBars(path, title, yLabel string, categories []string, series []Series) error {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = yLabel
	p.Add(plotter.NewGrid())
	w := vg.Points(18)
	for i, s := range series {
		if len(s.Values) != len(categories) {
			return fmt.Errorf("charts: series %q: %d values for %d categories", s.Name, len(s.Values), len(categories))
		}
		bars, err := plotter.NewBarChart(plotter.Values(s.Values), w)
		if err != nil {
			return err
		}
		bars.Color = colour(i)
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(float64(i)-float64(len(series)-1)/2)
		p.Add(bars)
		p.Legend.Add(s.Name, bars)
	}
	// Top left: bar charts of shares usually rise to the right.
	p.Legend.Top = true
	p.Legend.Left = true
	p.NominalX(categories...)
	return save(p, path, 16, 10)
}

// Bars draws one horizontal bar per label, the first label at the top.
func Bars(path, title, xLabel string, labels []string, values []float64) error {
	if len(labels) != len(values) {
		return fmt.Errorf("charts: %d labels for %d values", len(labels), len(values))
	}
	if len(values) == 0 {
		return errors.New("charts: no bars")
	}
	// Plot from the bottom up, so reverse.
	n := len(values)
	rv := make(plotter.Values, n)
	rl := make([]string, n)
	for i := range n {
		rv[i], rl[i] = values[n-1-i], labels[n-1-i]
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Add(plotter.NewGrid())
	bars, err := plotter.NewBarChart(rv, vg.Points(12))
	if err != nil {
		return err
	}
	bars.Horizontal = true
	bars.Color = colour(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalY(rl...)
	return save(p, path, 18, 4+0.6*float64(n))
}

// grid adapts a square matrix to plotter.GridXYZ, row 0 at the top.
type grid struct{ m [][]float64 }

func (g grid) Dims() (c, r int)   { return len(g.m), len(g.m) }
func (g grid) Z(c, r int) float64 { return g.m[len(g.m)-1-r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

type cellLabels struct {
	g    grid
	text []string
}

func (l cellLabels) Len() int { n := len(l.g.m); return n * n }
func (l cellLabels) XY(i int) (float64, float64) {
	n := len(l.g.m)
	return float64(i % n), float64(i/n) - 0.1
}
func (l cellLabels) Label(i int) string { return l.text[i] }

// HeatMap draws a square matrix (rows "from", columns "to") with its values
// printed in the cells.
func HeatMap(path, title string, labels []string, m [][]float64) error {
	n := len(labels)
	if n == 0 || len(m) != n {
		return fmt.Errorf("charts: %d labels for a %d-row matrix", n, len(m))
	}
	for i := range m {
		if len(m[i]) != n {
			return fmt.Errorf("charts: matrix row %d has %d columns, want %d", i, len(m[i]), n)
		}
	}
	g := grid{m}
	pal := moreland.SmoothBlueRed().Palette(64)
	h := plotter.NewHeatMap(g, pal)
	h.Min, h.Max = 0, 1
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "to"
	p.Y.Label.Text = "from"
	p.Add(h)
	text := make([]string, n*n)
	for r := range n {
		for c := range n {
			text[r*n+c] = fmt.Sprintf("%.2f", g.Z(c, r))
		}
	}
	lab, err := plotter.NewLabels(cellLabels{g, text})
	if err != nil {
		return err
	}
	for i := range lab.TextStyle {
		lab.TextStyle[i].XAlign = draw.XCenter
	}
	p.Add(lab)
	p.NominalX(labels...)
	rev := make([]string, n)
	for i := range n {
		rev[i] = labels[n-1-i]
	}
	p.NominalY(rev...)
	return save(p, path, 16, 14)
}

// Histogram draws a histogram of values with the given number of bins.
func Histogram(path, title, xLabel string, values []float64, bins int) error {
	if len(values) == 0 {
		return errors.New("charts: no values")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = "customers"
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return err
	}
	h.FillColor = colour(0)
	h.LineStyle.Width = 0
	p.Add(h)
	return save(p, path, 16, 10)
}

func xy(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i] = plotter.XY{X: x[i], Y: finite(y[i])}
	}
	return pts
}

func save(p *plot.Plot, path string, w, h float64) error {
	if err := p.Save(vg.Length(w)*vg.Centimeter, vg.Length(h)*vg.Centimeter, path); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	return nil
}
