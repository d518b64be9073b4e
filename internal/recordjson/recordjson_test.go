package recordjson

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValues: every map of strings survives Encode → Decode,
// and Decode never panics on any text.
func FuzzValues(f *testing.F) {
	f.Add("00000001", `メモ "引用" \ と改行`+"\n", "\x00\x1f\xff")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		c = strings.ToValidUTF8(c, "\ufffd") // keys are the form's own, valid text
		keys := []string{"atena", "note", c}
		if c == "atena" || c == "note" {
			keys = keys[:2]
		}
		in := map[string]string{"atena": a, "note": b, c: a + b}
		var sb strings.Builder
		s := Encode(&sb, keys, in)
		out := map[string]string{}
		if err := Decode(s, func(k, v string) { out[k] = v }); err != nil {
			t.Fatalf("decode(%q): %v", s, err)
		}
		for _, k := range keys {
			if !utf8.ValidString(in[k]) {
				continue // stored with U+FFFD per bad byte; CSV input is decoded text already
			}
			if out[k] != in[k] {
				t.Fatalf("%q: %q; want %q", k, out[k], in[k])
			}
		}
		_ = Decode(a, func(string, string) {})
	})
}
