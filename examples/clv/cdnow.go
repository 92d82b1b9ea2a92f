package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/clmkit/clm/clv"
	"github.com/clmkit/clm/examples/internal/cli"
)

// loadCDNOW reads the CDNOW purchase records (Fader, Hardie & Lee 2005):
// whitespace-separated text, one purchase per line. Two layouts exist:
//
//	CDNOW_master.txt  a header, then: customer_id date number_of_cds dollar_value
//	CDNOW_sample.txt  no header:      customer_id sample_id date number_of_cds dollar_value
//
// with dates as YYYYMMDD. Each line becomes a clv.Purchase: who bought
// (the master customer id), when (midnight UTC of that day) and for how
// much (the dollar value). Any problem is reported with file and line.
func loadCDNOW(path string) ([]clv.Purchase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []clv.Purchase
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if line == 1 && fields[0] == "customer_id" {
			continue // the master file's header
		}
		var id, date, amount string
		switch len(fields) {
		case 4:
			id, date, amount = fields[0], fields[1], fields[3]
		case 5:
			id, date, amount = fields[0], fields[2], fields[4]
		default:
			return nil, cli.Errorf(path, line, "%d fields, want 4 (master layout) or 5 (sample layout)", len(fields))
		}
		at, err := time.Parse("20060102", date)
		if err != nil {
			return nil, cli.Errorf(path, line, "date %q: want YYYYMMDD", date)
		}
		v, err := strconv.ParseFloat(amount, 64)
		if err != nil || v < 0 || v > 1e9 {
			return nil, cli.Errorf(path, line, "dollar value %q: want a number ≥ 0", amount)
		}
		out = append(out, clv.Purchase{Customer: id, At: at, Amount: v})
	}
	if err := sc.Err(); err != nil {
		return nil, cli.Errorf(path, 0, "%v", err)
	}
	if len(out) == 0 {
		return nil, cli.Errorf(path, 0, "no purchases")
	}
	return out, nil
}

func customers(p []clv.Purchase) int {
	seen := map[string]bool{}
	for _, x := range p {
		seen[x.Customer] = true
	}
	return len(seen)
}
