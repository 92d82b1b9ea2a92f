package main

import (
	"encoding/csv"
	"io"
	"os"
	"strings"

	"github.com/clmkit/clm/examples/internal/cli"
)

// loadBaskets reads market baskets with encoding/csv: one basket per line,
// its items separated by commas, no header, as in the Groceries data of
// R's arules (groceries.csv). Lines may have any number of items; an empty
// item (",,") is an error naming the file and line.
func loadBaskets(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // baskets differ in size
	var baskets [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cli.CSVError(path, err)
		}
		line, _ := r.FieldPos(0)
		basket := make([]string, 0, len(rec))
		for i, item := range rec {
			item = strings.TrimSpace(item)
			if item == "" {
				return nil, cli.Errorf(path, line, "item %d is empty", i+1)
			}
			basket = append(basket, item)
		}
		baskets = append(baskets, basket)
	}
	if len(baskets) == 0 {
		return nil, cli.Errorf(path, 0, "no baskets")
	}
	return baskets, nil
}
