// Package segment answers who the most valuable customers are, and how value tiers shift.
//
// This package is being built; see the README for the planned API.
package segment
