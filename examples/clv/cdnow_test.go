package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clmkit/clm/clv"
	"github.com/clmkit/clm/examples/internal/cli"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cdnow.txt")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadCDNOW(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name, content string
		want          []clv.Purchase
	}{
		{"master", " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n",
			[]clv.Purchase{{Customer: "00001", At: day(1997, 1, 1), Amount: 11.77}, {Customer: "00002", At: day(1997, 1, 12), Amount: 12}}},
		{"sample", " 00004 0001 19970101  2   29.33\r\n\r\n 00004 0001 19970118  2   29.73\r\n",
			[]clv.Purchase{{Customer: "00004", At: day(1997, 1, 1), Amount: 29.33}, {Customer: "00004", At: day(1997, 1, 18), Amount: 29.73}}},
	}
	for _, tc := range tests {
		got, err := loadCDNOW(writeFile(t, tc.content))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d purchases, want %d", tc.name, len(got), len(tc.want))
		}
		for i := range got {
			if got[i].Customer != tc.want[i].Customer || !got[i].At.Equal(tc.want[i].At) || got[i].Amount != tc.want[i].Amount {
				t.Errorf("%s: purchase %d = %+v, want %+v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

func TestLoadCDNOWErrors(t *testing.T) {
	tests := []struct {
		name, content string
		wantLine      int
		wantText      string
	}{
		{"empty", "", 0, "no purchases"},
		{"fields", " 00001 19970101  1\n", 1, "3 fields"},
		{"date", " 00001 19970101  1   11.77\n 00002 1997-01-12  1   12.00\n", 2, "date"},
		{"value", " 00001 19970101  1   11.77\n 00002 19970112  1   -3\n", 2, "dollar value"},
		{"csv", "customer,date,amount\n1,19970101,3\n", 1, "fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := loadCDNOW(path)
			var le *cli.LineError
			if !errors.As(err, &le) {
				t.Fatalf("loadCDNOW() error = %v, want a *cli.LineError", err)
			}
			if le.File != path || le.Line != tc.wantLine || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("loadCDNOW() error = %q (line %d), want line %d mentioning %q", err, le.Line, tc.wantLine, tc.wantText)
			}
		})
	}
	if _, err := loadCDNOW(filepath.Join(t.TempDir(), "absent.txt")); err == nil || !strings.Contains(err.Error(), "absent.txt") {
		t.Errorf("loadCDNOW(absent) error = %v, want one naming the file", err)
	}
}
