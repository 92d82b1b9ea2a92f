package crosssell

func mineEclat(ds *dataset, workers int, out sink) { mineFPGrowth(ds, workers, out) }
