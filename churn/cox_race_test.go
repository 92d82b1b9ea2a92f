//go:build race

package churn

// coxRace is true when the tests run under the race detector, which slows
// the numerical loops about twentyfold; the parameter-recovery tests then
// use a smaller sample so that the -race suite stays fast.
const coxRace = true
