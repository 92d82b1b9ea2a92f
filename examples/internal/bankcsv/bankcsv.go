// Package bankcsv reads the public bank churn table (Churn_Modelling.csv:
// 10,000 customers of a fictitious European bank, with whether each left)
// for the churn and segment lessons. It shows the shape of a loader for a
// bank's own extract: encoding/csv, columns found by header name, every
// field checked, and any problem reported as one line naming the file and
// line.
package bankcsv

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/clmkit/clm/examples/internal/cli"
)

// Row is one row of the public bank churn table (Churn_Modelling.csv):
// a snapshot of 10,000 customers of a European bank, with whether each had
// left (Exited) and how many whole years they had been a customer (Tenure).
type Row struct {
	CustomerID  string
	CreditScore float64
	Geography   string // France, Germany or Spain
	Female      bool
	Age         float64
	Tenure      float64 // years with the bank, 0..10
	Balance     float64
	Products    float64 // NumOfProducts, 1..4
	CreditCard  bool    // HasCrCard
	Active      bool    // IsActiveMember
	Salary      float64 // EstimatedSalary
	Exited      bool    // 1 = closed the account
}

// columns are the columns the lessons read; others are ignored.
var columns = []string{"CustomerId", "CreditScore", "Geography", "Gender", "Age", "Tenure", "Balance",
	"NumOfProducts", "HasCrCard", "IsActiveMember", "EstimatedSalary", "Exited"}

// Load reads the table at path with encoding/csv, finding columns by their
// header names. Any problem is reported with the file name and line.
func Load(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	col, err := cli.ReadHeader(path, r, columns)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cli.CSVError(path, err)
		}
		line, _ := r.FieldPos(0)
		p := fieldParser{rec: rec, col: col}
		row := Row{
			CustomerID:  p.text("CustomerId"),
			CreditScore: p.number("CreditScore", 0, 1000),
			Geography:   p.text("Geography"),
			Age:         p.number("Age", 0, 150),
			Tenure:      p.number("Tenure", 0, 100),
			Balance:     p.number("Balance", 0, 1e12),
			Products:    p.number("NumOfProducts", 0, 100),
			CreditCard:  p.flag("HasCrCard"),
			Active:      p.flag("IsActiveMember"),
			Salary:      p.number("EstimatedSalary", 0, 1e12),
			Exited:      p.flag("Exited"),
		}
		switch g := p.text("Gender"); g {
		case "Female", "Male":
			row.Female = g == "Female"
		default:
			p.fail("Gender", "must be Female or Male")
		}
		if p.err != nil {
			return nil, &cli.LineError{File: path, Line: line, Err: p.err}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, cli.Errorf(path, 0, "no data rows")
	}
	return rows, nil
}

// fieldParser converts the fields of one record, keeping the first error.
type fieldParser struct {
	rec []string
	col map[string]int
	err error
}

func (p *fieldParser) text(name string) string {
	if i := p.col[name]; i < len(p.rec) {
		return p.rec[i]
	}
	return ""
}

func (p *fieldParser) fail(name, reason string) {
	if p.err == nil {
		p.err = fmt.Errorf("column %s = %q: %s", name, p.text(name), reason)
	}
}

func (p *fieldParser) number(name string, lo, hi float64) float64 {
	v, err := strconv.ParseFloat(p.text(name), 64)
	if err != nil || v < lo || v > hi {
		p.fail(name, fmt.Sprintf("want a number in [%g, %g]", lo, hi))
		return 0
	}
	return v
}

func (p *fieldParser) flag(name string) bool {
	switch p.text(name) {
	case "0":
		return false
	case "1":
		return true
	}
	p.fail(name, "want 0 or 1")
	return false
}
