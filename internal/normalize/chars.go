// Package normalize reads cell text as numbers, identifiers, clock times, check
// marks and katakana, reporting every fix it had to make (full-width digits,
// letter look-alikes, half-width kana) so that the checker can offer the fix
// as a suggestion instead of applying it silently.
package normalize

import (
	"strings"
	"unicode/utf8"
)

// lookalike maps letters and symbols an OCR engine emits for digits.
var lookalike = map[rune]byte{
	'O': '0', 'o': '0', 'D': '0', 'Q': '0', 'l': '1', 'I': '1', 'i': '1', '|': '1', '!': '1',
	'S': '5', 's': '5', 'B': '8', 'Z': '2', 'z': '2', 'b': '6', 'G': '6', 'g': '9', 'q': '9', 'T': '7',
}

// DigitFor returns the digit that a letter look-alike stands for.
func DigitFor(r rune) (byte, bool) { d, ok := lookalike[r]; return d, ok }

// FoldWidth turns full-width ASCII (０-９, ．, ／, ＋ …) and the ideographic
// space into half-width, and reports whether anything changed. Katakana is
// left alone: that is business text.
func FoldWidth(s string) (string, bool) {
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			break
		}
		i += n
	}
	if i == len(s) {
		return s, false
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s), true
}

// Trim removes ASCII and ideographic spaces around s.
func Trim(s string) string {
	// fast path: most cells have nothing to trim, and strings.Trim builds
	// its cutset on every call
	if s == "" || !trimmable(s[0]) && !trimmable(s[len(s)-1]) {
		return s
	}
	return strings.Trim(s, " \t\r\n\u3000")
}

// trimmable: an ASCII space, or the lead or last byte of U+3000 (E3 80 80).
func trimmable(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xE3 || b == 0x80
}

// Unreadable is the mark an OCR engine writes for a field it could not read.
const Unreadable = "●"

// IsUnreadable reports whether a cell holds the unreadable mark.
func IsUnreadable(s string) bool { return strings.Contains(s, Unreadable) }
