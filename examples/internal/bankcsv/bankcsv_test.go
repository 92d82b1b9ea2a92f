package bankcsv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clmkit/clm/examples/internal/cli"
)

const bankHeader = "RowNumber,CustomerId,Surname,CreditScore,Geography,Gender,Age,Tenure,Balance,NumOfProducts,HasCrCard,IsActiveMember,EstimatedSalary,Exited\n"

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bank.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	path := writeFile(t, bankHeader+
		"1,15634602,Hargrave,619,France,Female,42,2,0,1,1,1,101348.88,1\n"+
		"2,15647311,Hill,608,Spain,Male,41,1,83807.86,1,0,1,112542.58,0\n")
	rows, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Row{CustomerID: "15647311", CreditScore: 608, Geography: "Spain", Age: 41, Tenure: 1, Balance: 83807.86, Products: 1, Active: true, Salary: 112542.58}
	if len(rows) != 2 || rows[1] != want || !rows[0].Female || !rows[0].Exited {
		t.Errorf("Load() = %+v", rows)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, content string
		wantLine      int
		wantText      string
	}{
		{"empty", "", 0, "empty file"},
		{"no rows", bankHeader, 0, "no data rows"},
		{"missing column", "RowNumber,Age\n1,2\n", 1, `missing column "CustomerId"`},
		{"bad number", bankHeader + "1,1,A,619,France,Female,42,2,0,1,1,1,1,1\n2,2,B,608,Spain,Male,forty,1,0,1,0,1,1,0\n", 3, "Age"},
		{"bad flag", bankHeader + "1,1,A,619,France,Female,42,2,0,1,1,1,1,yes\n", 2, "Exited"},
		{"bad gender", bankHeader + "1,1,A,619,France,F,42,2,0,1,1,1,1,1\n", 2, "Gender"},
		{"short row", bankHeader + "1,1,A,619\n", 2, "wrong number of fields"},
		{"bad quote", bankHeader + "1,1,\"A,619,France,Female,42,2,0,1,1,1,1,1\n", 2, "quote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := Load(path)
			var le *cli.LineError
			if !errors.As(err, &le) {
				t.Fatalf("Load() error = %v, want a *cli.LineError", err)
			}
			if le.File != path || le.Line != tc.wantLine || !strings.Contains(err.Error(), tc.wantText) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Load() error = %q (line %d), want line %d mentioning %q on one line", err, le.Line, tc.wantLine, tc.wantText)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.csv")); err == nil || !strings.Contains(err.Error(), "absent.csv") {
		t.Errorf("Load(absent) error = %v, want one naming the file", err)
	}
}
