// Package lifecycle answers which stage of the relationship a customer is in, and how customers move between stages.
//
// This package is being built; see the README for the planned API.
package lifecycle
