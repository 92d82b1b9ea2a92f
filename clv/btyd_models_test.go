package clv

// btydModel is what the tests need of a fitted transaction model.
type btydModel interface {
	PAlive(x, tx, T float64) float64
	ExpectedPurchases(t float64) float64
	ConditionalPurchases(t, x, tx, T float64) float64
	params() []float64
}

func (m *BGNBD) params() []float64     { return []float64{m.R, m.Alpha, m.A, m.B} }
func (m *ParetoNBD) params() []float64 { return []float64{m.R, m.Alpha, m.S, m.Beta} }
func (m *MBGNBD) params() []float64    { return []float64{m.R, m.Alpha, m.A, m.B} }

// btydFits lists the transaction-model fits, so that the shared tests
// (bad input, non-convergence, JSON, concurrency, properties) run on each.
var btydFits = []struct {
	name string
	fit  func([]Summary, *FitOptions) (btydModel, error)
	zero func() btydModel
}{
	{"BGNBD", func(s []Summary, o *FitOptions) (btydModel, error) { return asModel(FitBGNBD(s, o)) }, func() btydModel { return new(BGNBD) }},
	{"MBGNBD", func(s []Summary, o *FitOptions) (btydModel, error) { return asModel(FitMBGNBD(s, o)) }, func() btydModel { return new(MBGNBD) }},
	{"ParetoNBD", func(s []Summary, o *FitOptions) (btydModel, error) { return asModel(FitParetoNBD(s, o)) }, func() btydModel { return new(ParetoNBD) }},
}

// asModel converts a fit's result, keeping a nil model nil.
func asModel[M interface {
	*BGNBD | *MBGNBD | *ParetoNBD
	btydModel
}](m M, err error) (btydModel, error) {
	if m == nil {
		return nil, err
	}
	return m, err
}
