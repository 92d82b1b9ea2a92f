package crosssell

func mineApriori(ds *dataset, workers int, out sink) { mineFPGrowth(ds, workers, out) }
