package lifecycle

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"
)

// bytesReader decodes fuzz input into values; it yields zeros once the input
// is exhausted.
type bytesReader struct{ b []byte }

func (r *bytesReader) u8() uint8 {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *bytesReader) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], r.b)
	r.b = r.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

// date returns the zero time (code 0), a day offset from t0 in about ±90
// years, or an extreme time.
func (r *bytesReader) date() time.Time {
	switch r.u8() % 8 {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(int64(r.u64()), 0) // anything, including far outside 1678..2262
	default:
		return t0.AddDate(0, 0, int(int16(r.u64())))
	}
}

func (r *bytesReader) count() int {
	v := int(int16(r.u64()))
	if r.u8()%16 == 0 {
		return math.MinInt // extreme
	}
	return v
}

func (r *bytesReader) float() float64 {
	switch r.u8() % 8 {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1 - 2*int(r.u8()%2))
	case 2:
		return math.Float64frombits(r.u64())
	default:
		return float64(int32(r.u64())) / 16
	}
}

func (r *bytesReader) snapshot() Snapshot {
	return Snapshot{
		AsOf: r.date(), FirstContact: r.date(), Opened: r.date(), Closed: r.date(), LastActivity: r.date(),
		Transactions: r.count(), PrevTransactions: r.count(),
		Value: r.float(), PrevValue: r.float(),
		Products: r.count(), PrevProducts: r.count(),
	}
}

func (r *bytesReader) rules() Rules {
	rl := DefaultRules()
	if r.u8()%2 == 0 {
		return rl
	}
	rl.OnboardingPeriod = time.Duration(r.u64())
	rl.MatureAfter = time.Duration(r.u64())
	rl.DormantAfter = time.Duration(r.u64())
	rl.TerminateAfter = time.Duration(r.u64())
	rl.DeclineDrop = r.float()
	rl.DeclineSignals = int(int8(r.u8()))
	rl.MinPeriods = int(int8(r.u8()))
	return rl
}

func FuzzParseStage(f *testing.F) {
	for _, s := range []string{"Prospect", "growth", "  MATURITY ", "衰退期", "终止期", "", "Stage(0)", "ſtage", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStage(s)
		if err != nil {
			if st != 0 || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("ParseStage(%q) = %v, %v", s, st, err)
			}
			return
		}
		if !st.Valid() {
			t.Fatalf("ParseStage(%q) = %v without error", s, st)
		}
		for _, name := range []string{st.String(), st.Chinese()} {
			if back, err := ParseStage(name); err != nil || back != st {
				t.Fatalf("ParseStage(%q) = %v, %v; want %v", name, back, err, st)
			}
		}
		var u Stage
		if err := u.UnmarshalText([]byte(s)); err != nil || u != st {
			t.Fatalf("UnmarshalText(%q) = %v, %v", s, u, err)
		}
	})
}

func FuzzClassify(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 5, 200, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte("snapshot with many bytes to decode into dates, counts and values, and then rules"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &bytesReader{data}
		s := r.snapshot()
		rules := r.rules()
		st, why := rules.Classify(s)
		_ = why.String()
		if st != 0 && !st.Valid() {
			t.Fatalf("Classify = %v", st)
		}
		if (st == 0) != (why.Rule == RuleInvalid) {
			t.Fatalf("Classify = %v with rule %v", st, why.Rule)
		}
		// Track on the single snapshot agrees with Classify about validity.
		_, err := Track(nil, DefaultRules(), []Snapshot{s})
		if st == 0 && !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("Classify rejected the snapshot, Track returned %v", err)
		}
		if st != 0 && err != nil {
			t.Fatalf("Classify accepted the snapshot, Track returned %v", err)
		}
	})
}

func FuzzTrack(f *testing.F) {
	f.Add([]byte{}, uint32(0))
	f.Add([]byte("a history of a few snapshots, each decoded from the fuzzer's bytes into fields"), uint32(0x3ffff))
	f.Add([]byte{4, 0, 0, 0, 0, 0, 0, 0, 0, 2, 10, 0, 0, 0, 0, 0, 0, 0, 2, 20, 0, 0, 0, 0, 0, 0, 0}, uint32(1<<30-1))
	f.Fuzz(func(t *testing.T, data []byte, edgeBits uint32) {
		r := &bytesReader{data}
		var edges []Edge
		for k, e := range allEdges() {
			if edgeBits&(1<<k) != 0 {
				edges = append(edges, e)
			}
		}
		g, err := NewGraph(edges)
		if err != nil {
			t.Fatal(err)
		}
		if edgeBits>>31 == 1 {
			g = nil
		}
		rules := r.rules()
		n := int(r.u8() % 16)
		h := make([]Snapshot, n)
		prev := t0
		for i := range h {
			h[i] = r.snapshot()
			if r.u8()%4 != 0 { // mostly ordered, so that Track gets past validation
				prev = prev.AddDate(0, 0, 1+int(r.u8()))
				h[i].AsOf = prev
			}
		}
		j, err := Track(g, rules, h)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("Track error %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		if len(j.Transitions) == 0 {
			t.Fatal("empty journey without error")
		}
		for k := 1; k < len(j.Transitions); k++ {
			tr := j.Transitions[k]
			if tr.From != j.Transitions[k-1].To || !g.Allowed(tr.From, tr.To) || tr.From == tr.To {
				t.Fatalf("illegal transition %d: %v→%v", k, tr.From, tr.To)
			}
		}
	})
}
