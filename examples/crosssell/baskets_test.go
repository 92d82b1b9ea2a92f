package main

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/clmkit/clm/examples/internal/cli"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "baskets.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadBaskets(t *testing.T) {
	got, err := loadBaskets(writeFile(t, "citrus fruit,semi-finished bread,margarine,ready soups\ntropical fruit, yogurt ,coffee\nwhole milk\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"citrus fruit", "semi-finished bread", "margarine", "ready soups"}, {"tropical fruit", "yogurt", "coffee"}, {"whole milk"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loadBaskets() = %q, want %q", got, want)
	}
}

func TestLoadBasketsErrors(t *testing.T) {
	tests := []struct {
		name, content string
		wantLine      int
		wantText      string
	}{
		{"empty file", "", 0, "no baskets"},
		{"empty item", "milk,bread\nmilk,,eggs\n", 2, "item 2 is empty"},
		{"bad quote", "milk\nbread,\"eggs\n", 2, "quote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := loadBaskets(path)
			var le *cli.LineError
			if !errors.As(err, &le) {
				t.Fatalf("loadBaskets() error = %v, want a *cli.LineError", err)
			}
			if le.File != path || le.Line != tc.wantLine || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("loadBaskets() error = %q (line %d), want line %d mentioning %q", err, le.Line, tc.wantLine, tc.wantText)
			}
		})
	}
	if _, err := loadBaskets(filepath.Join(t.TempDir(), "absent.csv")); err == nil || !strings.Contains(err.Error(), "absent.csv") {
		t.Errorf("loadBaskets(absent) error = %v, want one naming the file", err)
	}
}
