package crosssell

import (
	"sync"
	"sync/atomic"
)

// sink receives itemsets as item IDs in any order, with their count. emit
// returns false to stop the search. ids is only valid during the call.
type sink interface {
	emit(ids []int32, count int32) bool
}

// enum is the depth-first search state shared by FP-Growth and Eclat: the
// current itemset and the perfect extensions of its prefixes.
//
// A perfect extension of an itemset X is an item e that occurs in every
// basket that holds X, so count(X ∪ {e}) = count(X). Then the same holds
// for every superset of X, and the search can leave e out of the
// conditional data and report each itemset found below X with and without
// every subset of the perfect extensions (Borgelt 2003, "Efficient
// implementations of Apriori and Eclat", sec. 3.3). On dense data this cuts
// the search by orders of magnitude.
type enum struct {
	ds    *dataset
	out   sink
	stack []int32 // the current itemset (item IDs)
	pe    []int32 // perfect extensions of the current itemset's prefixes
	stop  bool
}

// report emits the current itemset and its unions with every non-empty
// subset of the perfect extensions, within MaxLen.
func (e *enum) report(count int32) {
	if e.stop {
		return
	}
	if !e.out.emit(e.stack, count) {
		e.stop = true
		return
	}
	if len(e.pe) > 0 {
		e.extend(0, count)
	}
}

func (e *enum) extend(from int, count int32) {
	if e.ds.maxLen > 0 && len(e.stack) >= e.ds.maxLen {
		return
	}
	for k := from; k < len(e.pe) && !e.stop; k++ {
		e.stack = append(e.stack, e.pe[k])
		if e.out.emit(e.stack, count) {
			e.extend(k+1, count)
		} else {
			e.stop = true
		}
		e.stack = e.stack[:len(e.stack)-1]
	}
}

// canGrow reports whether the current itemset may be extended within MaxLen.
func (e *enum) canGrow() bool {
	return e.ds.maxLen == 0 || len(e.stack) < e.ds.maxLen
}

// bufSink stores itemsets: ids concatenated, end offsets and counts. With
// sorted set, each itemset's IDs are stored in increasing order. A bufSink
// used by a parallel worker stops early once halt is set.
type bufSink struct {
	ids    []int32
	end    []int
	counts []int32
	sorted bool
	halt   *atomic.Bool
}

func (b *bufSink) emit(ids []int32, count int32) bool {
	if b.halt != nil && len(b.end)&1023 == 0 && b.halt.Load() {
		return false
	}
	start := len(b.ids)
	b.ids = append(b.ids, ids...)
	if b.sorted {
		insertionSort(b.ids[start:])
	}
	b.end = append(b.end, len(b.ids))
	b.counts = append(b.counts, count)
	return true
}

func (b *bufSink) len() int { return len(b.end) }

func (b *bufSink) set(i int) []int32 {
	start := 0
	if i > 0 {
		start = b.end[i-1]
	}
	return b.ids[start:b.end[i]]
}

func (b *bufSink) reset() {
	b.ids, b.end, b.counts = b.ids[:0], b.end[:0], b.counts[:0]
}

// replay sends the stored itemsets to out in order; false if out stopped.
func (b *bufSink) replay(out sink) bool {
	for i := range b.end {
		if !out.emit(b.set(i), b.counts[i]) {
			return false
		}
	}
	return true
}

// runTasks runs tasks 0..m-1 and delivers their itemsets to out in task
// order, so that the output is the same for any number of workers. Each
// worker gets its own task function from newWorker. With workers > 1 the
// output of up to 2·workers tasks ahead of the one being delivered is
// buffered.
func runTasks(m, workers int, newWorker func() func(task int, out sink) bool, out sink) {
	if workers <= 1 || m <= 1 {
		run := newWorker()
		for i := 0; i < m; i++ {
			if !run(i, out) {
				return
			}
		}
		return
	}
	if workers > m {
		workers = m
	}
	results := make([]chan *bufSink, m)
	for i := range results {
		results[i] = make(chan *bufSink, 1)
	}
	window := make(chan struct{}, 2*workers)
	free := make(chan *bufSink, 3*workers)
	done := make(chan struct{})
	var halt atomic.Bool
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := newWorker()
			for {
				select {
				case window <- struct{}{}:
				case <-done:
					return
				}
				i := int(next.Add(1) - 1)
				if i >= m || halt.Load() {
					return
				}
				var buf *bufSink
				select {
				case buf = <-free:
					buf.reset()
				default:
					buf = &bufSink{halt: &halt}
				}
				run(i, buf)
				results[i] <- buf
			}
		}()
	}
	for i := 0; i < m; i++ {
		buf := <-results[i]
		ok := buf.replay(out)
		<-window
		select {
		case free <- buf:
		default:
		}
		if !ok {
			break
		}
	}
	halt.Store(true)
	close(done)
	wg.Wait()
}

// mineAll runs the selected algorithm and reports every frequent itemset.
func mineAll(ds *dataset, opts Options, out sink) {
	if ds.nItems == 0 {
		return
	}
	switch opts.Algorithm {
	case Eclat:
		mineEclat(ds, opts.Workers, out)
	case Apriori:
		mineApriori(ds, opts.Workers, out)
	default:
		mineFPGrowth(ds, opts.Workers, out)
	}
}

// mine reports the itemsets selected by opts.Target.
func mine(ds *dataset, opts Options, out sink) {
	if opts.Target == All {
		mineAll(ds, opts, out)
		return
	}
	buf := &bufSink{sorted: true}
	mineAll(ds, opts, buf)
	filterTarget(buf, opts.Target, out)
}
