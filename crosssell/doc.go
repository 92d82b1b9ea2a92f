// Package crosssell answers which product to offer next.
//
// It mines the baskets of products that customers hold (or buy together)
// for frequent itemsets, derives association rules from them, and turns the
// rules into a next-best-product recommender that explains each offer:
//
//	sets, err := crosssell.Mine(holdings, crosssell.Options{MinSupport: 0.01})
//	rules, err := crosssell.Rules(sets, len(holdings), 0.5)
//	rec := crosssell.NewRecommender(rules, crosssell.Lift)
//	offers := rec.Recommend([]string{"current", "savings"}, 3) // with the rule behind each offer
//
// # Models
//
// [Mine] returns every frequent itemset, or only the closed or maximal ones
// ([Target]), with FP-Growth (the default), Eclat or Apriori
// ([Algorithm]); all three give identical results. [Each] streams the
// itemsets to a callback in constant memory, for the millions of itemsets
// that dense data produce at low supports. [Options].Workers mines in
// parallel with the same output as one worker.
//
// [Rules] splits each frequent itemset into antecedent → consequent rules
// that clear a minimum confidence, with support, confidence, lift,
// leverage, conviction, coverage, Zhang's metric, Jaccard, Kulczynski and
// all-confidence; [RulesWith] adds single-item consequents (as arules) and
// filters on the items of either side.
//
// [NewRecommender] indexes the rules; [Recommender.Recommend] returns the
// best products for a customer's holdings by confidence, lift, leverage or
// conviction ([Metric]), optionally weighted by each product's value
// ([NewValueRecommender]), never an item already held.
//
// # Input conventions
//
// Items are any ordered type: string product codes or integer IDs. They are
// encoded internally to dense integer IDs, in order of decreasing
// frequency, and decoded on output; itemsets and rule sides list their
// items in increasing order. A basket is a set: duplicate items count
// once. Empty baskets count in the number of baskets n, so they lower
// supports. The support threshold is ⌈MinSupport·n⌉ baskets, as in arules
// and mlxtend. NaN items are rejected.
//
// The caller's slices are never modified, and results never share memory
// with them.
//
// # Errors
//
// Bad input returns an error wrapping [ErrInvalidInput]; [InputError]
// (via errors.As) names the function, the field and the index. No input
// makes a function of this package panic. [Recommender.Recommend] has no
// error: it is defined for every input (k ≤ 0 gives nil).
//
// # Concurrency
//
// A *Recommender is immutable and safe for concurrent use. Mine, Each and
// Rules use goroutines only when [Options].Workers > 1.
//
// # References
//
//   - Agrawal, R. & Srikant, R. (1994). Fast algorithms for mining
//     association rules. VLDB. (Apriori; ap-genrules for rules.)
//   - Han, J., Pei, J. & Yin, Y. (2000). Mining frequent patterns without
//     candidate generation. SIGMOD. (FP-Growth.)
//   - Zaki, M. J. (2000). Scalable algorithms for association mining. IEEE
//     TKDE 12(3). (Eclat.) Zaki, M. J. & Gouda, K. (2003). Fast vertical
//     mining using diffsets. KDD. (dEclat.)
//   - Borgelt, C. (2003, 2005). Efficient implementations of Apriori and
//     Eclat; An implementation of the FP-growth algorithm. FIMI/OSDM.
//     (Perfect extension pruning, array-based trees.)
//   - Hahsler, M., Grün, B. & Hornik, K. (2005). arules: a computational
//     environment for mining association rules and frequent item sets.
//     J. Statistical Software 14(15). (Reference values, metric
//     definitions.)
//   - Zhang, T. (2000). Association rules. PAKDD. (Zhang's metric.)
package crosssell
