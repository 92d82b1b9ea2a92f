// Package segment answers who the most valuable customers are, and how value
// tiers shift from one period to the next.
//
//	tier, err := segment.DefaultPyramid().Assign(revenue)   // 0 = Platinum … 3 = Lead
//	rows, err := segment.DefaultPyramid().Summarize(revenue, tier)
//	scores, err := segment.ScoreRFM(rfm, 5)                  // R, F, M in 1..5
//	g, err := segment.Gini(revenue)
//	z, scale, err := segment.Standardize(features)
//	m, err := segment.KMeans(z, 8, &segment.KMeansOptions{Seed: 1, Workers: runtime.GOMAXPROCS(0)})
//
// # Models
//
//   - Customer pyramid (Zeithaml, Rust & Lemon 2001): [Pyramid.Assign] places
//     customers in tiers by value rank, never splitting ties;
//     [AssignByCutoff] places them by absolute value (assets under
//     management); [SummarizeTiers] and [Pyramid.Summarize] build the
//     per-tier table of customers and value.
//   - RFM: [ScoreRFM] gives quantile scores for recency, frequency and
//     monetary value, higher = better; [RFMScore.Segment] names the segment
//     (Champions … Lost) from the R/F grid.
//   - Concentration: [Lorenz], [Gini] and [TopShare] ("what share of value do
//     the top 20 % hold").
//   - Behavioural clusters: [Standardize] z-scores the features, [KMeans]
//     clusters them (k-means++ seeding, Lloyd iterations, restarts),
//     [Clustering.Predict] scores new customers, and [Silhouette] measures
//     the separation.
//   - Migration: [Migration] and [MigrationCounts] tabulate how customers
//     move between tiers or segments from one period to the next.
//
// # Input conventions
//
// Customers are rows: one float64 per customer for values, one [RFM] per
// customer, one matrix row per customer for clustering features. Tiers,
// clusters and segments are 0-based int indices, tier 0 being the top.
// Values must be finite; concentration measures also need them non-negative
// with a positive total. Functions never modify or retain the caller's
// slices and matrices, and every returned slice is new and owned by the
// caller.
//
// # Errors
//
// Bad input (empty input, NaN or ±Inf, a negative value where a value must
// be non-negative, k < 1 or k > n, bins < 2, shares that do not sum to 1,
// mismatched lengths, labels out of range) returns an error that wraps
// [ErrInvalidInput]; errors.As with an *[InputError] gives the field and
// index, as in "segment: ScoreRFM: in.Recency[17] = -3: must be ≥ 0". Data
// never causes a panic. [KMeans] returns its model together with
// [ErrNotConverged] when the iteration limit is reached first.
//
// # Concurrency
//
// Functions are safe to call concurrently. A *[Clustering] and a
// *[Standardizer] are immutable and safe for concurrent use, and both
// round-trip through encoding/json. [KMeans] starts goroutines only when
// KMeansOptions.Workers > 1, and its result is identical for every Workers
// value: randomness comes from KMeansOptions.Seed only, and partial sums are
// merged in a fixed order.
//
// # References
//
//   - V. A. Zeithaml, R. T. Rust, K. N. Lemon (2001). The Customer Pyramid:
//     Creating and Serving Profitable Customers. California Management
//     Review 43(4):118-142.
//   - J. R. Miglautsch (2000). Thoughts on RFM Scoring. Journal of Database
//     Marketing 8(1):67-72.
//   - C. Gini (1912). Variabilità e mutabilità; and P. J. Lambert (2001), The
//     Distribution and Redistribution of Income, ch. 2, for the Lorenz curve
//     and the mean-difference form of the Gini coefficient.
//   - S. P. Lloyd (1982). Least Squares Quantization in PCM. IEEE
//     Transactions on Information Theory 28(2):129-137.
//   - D. Arthur, S. Vassilvitskii (2007). k-means++: The Advantages of
//     Careful Seeding. Proc. SODA 2007, 1027-1035.
//   - P. J. Rousseeuw (1987). Silhouettes: a Graphical Aid to the
//     Interpretation and Validation of Cluster Analysis. Journal of
//     Computational and Applied Mathematics 20:53-65.
package segment
