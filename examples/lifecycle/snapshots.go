package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/clmkit/clm/examples/internal/cli"
	"github.com/clmkit/clm/lifecycle"
)

// snapshotColumns is the CSV layout of -data and -export: one row per
// customer per month end, the rows of one customer together and in date
// order. Dates are YYYY-MM-DD, empty when unknown or not yet happened.
var snapshotColumns = []string{"customer", "as_of", "first_contact", "opened", "closed", "last_activity",
	"transactions", "prev_transactions", "value", "prev_value", "products", "prev_products"}

// customerHistory is one customer's snapshots.
type customerHistory struct {
	ID        string
	Snapshots []lifecycle.Snapshot
}

// loadSnapshots reads the CSV with encoding/csv, mapping each row onto a
// lifecycle.Snapshot. Any problem is reported with the file and line.
func loadSnapshots(path string) ([]customerHistory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	col, err := cli.ReadHeader(path, r, snapshotColumns)
	if err != nil {
		return nil, err
	}
	var out []customerHistory
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cli.CSVError(path, err)
		}
		line, _ := r.FieldPos(0)
		get := func(name string) string { return rec[col[name]] }
		var firstErr error
		date := func(name string) time.Time {
			v := get(name)
			if v == "" {
				return time.Time{}
			}
			t, err := time.Parse(time.DateOnly, v)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("column %s = %q: want a date YYYY-MM-DD", name, v)
			}
			return t
		}
		count := func(name string) int {
			n, err := strconv.Atoi(get(name))
			if (err != nil || n < 0) && firstErr == nil {
				firstErr = fmt.Errorf("column %s = %q: want a whole number ≥ 0", name, get(name))
			}
			return n
		}
		number := func(name string) float64 {
			v, err := strconv.ParseFloat(get(name), 64)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("column %s = %q: want a number", name, get(name))
			}
			return v
		}
		s := lifecycle.Snapshot{
			AsOf:             date("as_of"),
			FirstContact:     date("first_contact"),
			Opened:           date("opened"),
			Closed:           date("closed"),
			LastActivity:     date("last_activity"),
			Transactions:     count("transactions"),
			PrevTransactions: count("prev_transactions"),
			Value:            number("value"),
			PrevValue:        number("prev_value"),
			Products:         count("products"),
			PrevProducts:     count("prev_products"),
		}
		if s.AsOf.IsZero() && firstErr == nil {
			firstErr = errors.New("column as_of is empty")
		}
		if firstErr != nil {
			return nil, &cli.LineError{File: path, Line: line, Err: firstErr}
		}
		id := get("customer")
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, customerHistory{ID: id})
		}
		h := &out[len(out)-1]
		if n := len(h.Snapshots); n > 0 && !s.AsOf.After(h.Snapshots[n-1].AsOf) {
			return nil, cli.Errorf(path, line, "customer %s: as_of %s not after the previous row's", id, get("as_of"))
		}
		h.Snapshots = append(h.Snapshots, s)
	}
	if len(out) == 0 {
		return nil, cli.Errorf(path, 0, "no rows")
	}
	return out, nil
}

// writeSnapshots writes histories in the layout loadSnapshots reads.
func writeSnapshots(path string, hs []customerHistory) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write(snapshotColumns)
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	for _, h := range hs {
		for _, s := range h.Snapshots {
			w.Write([]string{h.ID, day(s.AsOf), day(s.FirstContact), day(s.Opened), day(s.Closed), day(s.LastActivity),
				strconv.Itoa(s.Transactions), strconv.Itoa(s.PrevTransactions),
				strconv.FormatFloat(s.Value, 'f', 2, 64), strconv.FormatFloat(s.PrevValue, 'f', 2, 64),
				strconv.Itoa(s.Products), strconv.Itoa(s.PrevProducts)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
