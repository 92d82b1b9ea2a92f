#!/usr/bin/env bash
# Compares clm's churn package with R's survival package on the same
# synthetic portfolio (see gen/main.go). Needs Go and R with the survival
# package (Debian: apt-get install r-base-core r-cran-survival).
#
# Usage: bench/churn/run.sh [n]        (default n = 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
mkdir -p bench/out
go run ./bench/churn/gen -n "$n" -out bench/out/churn.csv
go run ./bench/churn/gotime -in bench/out/churn.csv > bench/out/go.txt
cat bench/out/go.txt
Rscript bench/churn/compare.R bench/out/churn.csv bench/out/go.txt
