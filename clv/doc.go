// Package clv answers what a customer is worth.
//
// This package is being built; see the README for the planned API.
package clv
