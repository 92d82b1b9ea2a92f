//go:build race

package crosssell

// raceEnabled is true under the race detector, which slows the miners
// about tenfold: the largest reference checks then run only without -race.
const raceEnabled = true
