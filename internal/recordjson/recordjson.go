// Package recordjson writes and reads the text both central stores keep a
// record's values in: a flat JSON object of strings, with keys in form order.
// encoding/json on a map of 30 keys was most of the time of submitting or
// exporting 100,000 records, and the two backends must agree byte for byte.
package recordjson

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encode writes {"k":"v",...} with keys in the given order.
func Encode(b *strings.Builder, keys []string, m map[string]string) string {
	b.Reset()
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		quote(b, k)
		b.WriteByte(':')
		quote(b, m[k])
	}
	b.WriteByte('}')
	return b.String()
}

// EncodeDiff writes only the keys whose value in m differs from base: the
// OCR text is kept where it is not the final value, and is the final value
// everywhere else.
func EncodeDiff(b *strings.Builder, keys []string, m, base map[string]string) string {
	b.Reset()
	b.WriteByte('{')
	first := true
	for _, k := range keys {
		if m[k] == base[k] {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		quote(b, k)
		b.WriteByte(':')
		quote(b, m[k])
	}
	b.WriteByte('}')
	return b.String()
}

func quote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		case c < 0x20:
			fmt.Fprintf(b, `\u%04x`, c)
			i++
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
		}
	}
	b.WriteByte('"')
}

// Decode reads a flat object of strings, calling set for each pair.
func Decode(s string, set func(k, v string)) error {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return fmt.Errorf("not an object")
	}
	i := 1
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if s[i] == '}' {
			return nil
		}
		k, n, err := readString(s[i:])
		if err != nil {
			return err
		}
		i += n
		if i >= len(s) || s[i] != ':' {
			return fmt.Errorf("missing colon at %d", i)
		}
		v, n, err := readString(s[i+1:])
		if err != nil {
			return err
		}
		i += 1 + n
		set(k, v)
		switch {
		case i < len(s) && s[i] == ',':
			i++
		case i < len(s) && s[i] == '}':
			return nil
		default:
			return fmt.Errorf("bad separator at %d", i)
		}
	}
}

// readString reads a JSON string at the start of s; n is the bytes used.
func readString(s string) (string, int, error) {
	if len(s) == 0 || s[0] != '"' {
		return "", 0, fmt.Errorf("want a string")
	}
	esc := false
	for j := 1; j < len(s); j++ {
		switch {
		case esc:
			esc = false
		case s[j] == '\\':
			esc = true
		case s[j] == '"':
			body := s[1:j]
			if !strings.Contains(body, `\`) {
				return body, j + 1, nil
			}
			v, err := strconv.Unquote(`"` + body + `"`)
			return v, j + 1, err
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}

// Seq yields the values of the text *raw holds when it is iterated, so one
// Seq serves every row of a scan with no map per record (most of an
// export's time would go there). A decoding error is passed to fail.
func Seq(raw *string, fail func(error)) iter.Seq2[string, string] {
	return func(yield func(k, v string) bool) {
		stop := false
		if err := Decode(*raw, func(k, v string) {
			if !stop && !yield(k, v) {
				stop = true
			}
		}); err != nil {
			fail(err)
		}
	}
}
