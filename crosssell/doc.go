// Package crosssell answers which product to offer next.
//
// This package is being built; see the README for the planned API.
package crosssell
