//go:build !race

package churn

// coxRace is true when the tests run under the race detector; see
// cox_race_test.go.
const coxRace = false
