// Package churn answers who is about to leave, and when.
//
// This package is being built; see the README for the planned API.
package churn
