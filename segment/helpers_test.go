package segment

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// closedFormTol is the relative tolerance against closed forms and
// hand-computed small cases (STYLE §11: rel 1e-12).
const closedFormTol = 1e-12

// wantInputError fails the test unless err wraps ErrInvalidInput and is an
// *InputError for field and index.
func wantInputError(t *testing.T, err error, field string, index int) {
	t.Helper()
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want one wrapping ErrInvalidInput", err)
	}
	var e *InputError
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *InputError", err)
	}
	if e.Field != field || e.Index != index {
		t.Errorf("err = %v: field %q index %d, want %q index %d", err, e.Field, e.Index, field, index)
	}
}

// relClose reports whether got is within rel of want (absolute for want = 0).
func relClose(got, want, rel float64) bool {
	if want == 0 {
		return math.Abs(got) <= rel
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// fuzzFloats decodes fuzzer bytes into float64s: when the first byte is
// even, each following byte is a small signed integer (many ties);
// otherwise each 8 bytes are the bits of a float64 (NaN, ±Inf, huge and tiny
// values included).
func fuzzFloats(b []byte) []float64 {
	if len(b) == 0 {
		return nil
	}
	mode, b := b[0], b[1:]
	var out []float64
	if mode%2 == 0 {
		for _, c := range b {
			out = append(out, float64(int8(c)))
		}
		return out
	}
	for len(b) >= 8 {
		out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return out
}
