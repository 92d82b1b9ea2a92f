# Times R survival's coxph (Efron) and survfit (Kaplan-Meier) on the CSV
# written by bench/churn/gen and prints the ratio to the Go timings that
# bench/churn/gotime printed (passed as a file of "name seconds" lines).
#
# Usage: Rscript bench/churn/compare.R bench/out/churn.csv bench/out/go.txt [reps]
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
csv <- if (length(args) >= 1) args[1] else "bench/out/churn.csv"
gofile <- if (length(args) >= 2) args[2] else "bench/out/go.txt"
reps <- if (length(args) >= 3) as.integer(args[3]) else 3L

d <- read.csv(csv)
cat(sprintf("R %s, survival %s: %d customers, %d events, %d distinct times\n",
            getRversion(), packageVersion("survival"), nrow(d), sum(d$event),
            length(unique(d$time))))
covs <- grep("^x", names(d), value = TRUE)
f <- as.formula(paste("Surv(time, event) ~", paste(covs, collapse = " + ")))

timeit <- function(expr) {
  t <- numeric(reps)
  for (i in seq_len(reps)) {
    gc()
    t[i] <- system.time(eval.parent(substitute(expr)))[["elapsed"]]
  }
  median(t)
}

r_cox <- timeit(fit <- coxph(f, data = d, ties = "efron"))
r_km <- timeit(km <- survfit(Surv(time, event) ~ 1, data = d))
print(round(coef(fit), 4))
cat(sprintf("loglik %.3f, %d iterations\n", fit$loglik[2], fit$iter))

go <- read.table(gofile, col.names = c("name", "seconds"))
g <- setNames(go$seconds, go$name)
cat(sprintf("%-8s %10s %10s %8s\n", "method", "R (s)", "Go (s)", "R / Go"))
cat(sprintf("%-8s %10.3f %10.3f %8.1f\n", "coxph", r_cox, g[["go_coxph"]], r_cox / g[["go_coxph"]]))
cat(sprintf("%-8s %10.3f %10.3f %8.1f\n", "survfit", r_km, g[["go_survfit"]], r_km / g[["go_survfit"]]))
