package clv

import (
	"bufio"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const week = 7 * 24 * time.Hour

// readCDNOWSample reads shared/data/cdnow/CDNOW_sample.txt: master id,
// sample id, date YYYYMMDD, number of CDs, dollar value. The customer is
// the sample id, as in the published summaries.
func readCDNOWSample(t testing.TB) []Purchase {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/cdnow/CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Purchase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Fields(sc.Text())
		if len(p) == 0 {
			continue
		}
		if len(p) != 5 {
			t.Fatalf("CDNOW_sample: bad line %q", sc.Text())
		}
		at, err := time.Parse("20060102", p[2])
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(p[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.Atoi(p[1])
		out = append(out, Purchase{Customer: strconv.Itoa(id), At: at, Amount: v})
	}
	return out
}

// readCDNOWZbar reads cdnow_customers_summary_with_transactions.csv:
// ID, x, t_x, T (weeks, 2 decimals), zbar (mean repeat spend, 2 decimals).
func readCDNOWZbar(t testing.TB) []Summary {
	t.Helper()
	f, err := os.Open(sharedPath(t, "data/cdnow/cdnow_customers_summary_with_transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Summary
	sc := bufio.NewScanner(f)
	sc.Scan()
	for sc.Scan() {
		p := strings.Split(strings.TrimSpace(sc.Text()), ",")
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(p[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, Summary{Customer: p[0], Frequency: v[0], Recency: v[1], T: v[2], MeanValue: v[3]})
	}
	return out
}

func TestSplitHoldoutCDNOW(t *testing.T) {
	t.Parallel()
	p := readCDNOWSample(t)
	want := readCDNOWZbar(t)
	// Calibration ends 1997-09-30 (39 weeks; BTYD walkthrough), data run to
	// 1998-06-30. Same-day purchases are one transaction (ByDay default).
	calEnd := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	holdEnd := time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
	orig := append([]Purchase(nil), p...)
	got, err := SplitHoldout(p, calEnd, holdEnd, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(orig, p); diff != "" {
		t.Errorf("SplitHoldout modified its input (-before +after):\n%s", diff)
	}
	if len(got) != len(want) {
		t.Fatalf("%d customers, want %d", len(got), len(want))
	}
	cal := make([]Summary, len(got))
	for i := range got {
		cal[i] = got[i].Summary
	}
	// The published file prints x, t_x, T and zbar to 2 decimals.
	const printed = 0.005 + 1e-9
	if diff := cmp.Diff(want, cal, cmpopts.EquateApprox(0, printed)); diff != "" {
		t.Errorf("calibration summaries differ from cdnow_customers_summary_with_transactions.csv (-want +got):\n%s", diff)
	}
	var hx float64
	for _, h := range got {
		hx += h.HoldoutFrequency
		if d := h.HoldoutDuration; math.Abs(d-273.0/7) > 1e-12 {
			t.Fatalf("HoldoutDuration = %g, want 39 weeks", d)
		}
	}
	if hx == 0 {
		t.Error("no holdout transactions")
	}

	// Summarize on the whole sample with the calibration end is an error of
	// kind ErrPurchaseAfterEnd naming the first late row.
	_, err = Summarize(p, calEnd, week)
	var ie *InputError
	if !errors.Is(err, ErrPurchaseAfterEnd) || !errors.Is(err, ErrInvalidInput) || !errors.As(err, &ie) || ie.Field != "p.At" {
		t.Fatalf("Summarize with late purchases: err = %v", err)
	}
	if !p[ie.Index].At.After(calEnd) {
		t.Errorf("error names row %d at %v, not after the end", ie.Index, p[ie.Index].At)
	}
}

func TestSummarizeGrouping(t *testing.T) {
	t.Parallel()
	day := func(d, h int) time.Time { return time.Date(2024, 1, d, h, 0, 0, 0, time.UTC) }
	p := []Purchase{
		{"b", day(3, 9), 5},
		{"a", day(1, 9), 10},
		{"a", day(1, 9), 1},  // same instant as the row above
		{"a", day(1, 15), 2}, // same day, later
		{"a", day(5, 12), 4},
		{"c", day(5, 23), 7},
	}
	end := day(8, 18)
	tests := []struct {
		name string
		opts *SummarizeOptions
		want []Summary
	}{
		{"by day (default)", nil, []Summary{
			{Customer: "b", T: 5},
			{Customer: "a", Frequency: 1, Recency: 4, T: 7, MeanValue: 4},
			{Customer: "c", T: 3},
		}},
		{"by instant", &SummarizeOptions{Grouping: ByInstant}, []Summary{
			{Customer: "b", T: 5 + 9.0/24},
			{Customer: "a", Frequency: 2, Recency: 4 + 3.0/24, T: 7 + 9.0/24, MeanValue: 3},
			{Customer: "c", T: 2 + 19.0/24},
		}},
		{"no grouping", &SummarizeOptions{Grouping: NoGrouping}, []Summary{
			{Customer: "b", T: 5 + 9.0/24},
			{Customer: "a", Frequency: 3, Recency: 4 + 3.0/24, T: 7 + 9.0/24, MeanValue: 7.0 / 3},
			{Customer: "c", T: 2 + 19.0/24},
		}},
		{"by day in UTC+10", &SummarizeOptions{Location: time.FixedZone("AEST", 10*3600)}, []Summary{
			// 15:00 UTC on the 1st is the 2nd in UTC+10; 23:00 UTC on the
			// 5th is the 6th; end is the 9th.
			{Customer: "b", T: 6},
			{Customer: "a", Frequency: 2, Recency: 4, T: 8, MeanValue: 3},
			{Customer: "c", T: 3},
		}},
	}
	const closedForm = 1e-12
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SummarizeWith(p, end, 24*time.Hour, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(closedForm, 0)); diff != "" {
				t.Errorf("SummarizeWith mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummarizeBadInput(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := []Purchase{{"a", at, 1}, {"a", at.Add(48 * time.Hour), 2}}
	end := at.Add(240 * time.Hour)
	tests := []struct {
		name  string
		run   func() error
		field string
		index int
		kind  error
	}{
		{"empty", func() error { _, err := Summarize(nil, end, week); return err }, "p", -1, nil},
		{"zero period", func() error { _, err := Summarize(ok, end, 0); return err }, "period", -1, nil},
		{"NaN amount", func() error {
			_, err := Summarize([]Purchase{{"a", at, 1}, {"b", at, math.NaN()}}, end, week)
			return err
		}, "p.Amount", 1, nil},
		{"negative amount", func() error { _, err := Summarize([]Purchase{{"a", at, -1}}, end, week); return err }, "p.Amount", 0, nil},
		{"after end", func() error { _, err := Summarize(ok, at.Add(24*time.Hour), week); return err }, "p.At", 1, ErrPurchaseAfterEnd},
		{"bad grouping", func() error {
			_, err := SummarizeWith(ok, end, week, &SummarizeOptions{Grouping: 7})
			return err
		}, "opts.Grouping", -1, nil},
		{"holdout before calibration", func() error { _, err := SplitHoldout(ok, end, at, week, nil); return err }, "holdoutEnd", -1, nil},
		{"after holdout end", func() error {
			_, err := SplitHoldout(ok, at, at.Add(24*time.Hour), week, nil)
			return err
		}, "p.At", 1, ErrPurchaseAfterEnd},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			var ie *InputError
			if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an InputError wrapping ErrInvalidInput", err)
			}
			if ie.Field != tc.field || ie.Index != tc.index {
				t.Errorf("field, index = %q, %d; want %q, %d", ie.Field, ie.Index, tc.field, tc.index)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("err = %v, want kind %v", err, tc.kind)
			}
		})
	}
}
