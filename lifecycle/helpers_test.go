package lifecycle

import "time"

// t0 is the first snapshot date used by the hand-made histories.
var t0 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// mon returns t0 plus k calendar months.
func mon(k int) time.Time { return t0.AddDate(0, k, 0) }

// day returns t0 plus k days.
func day(k int) time.Time { return t0.AddDate(0, 0, k) }
