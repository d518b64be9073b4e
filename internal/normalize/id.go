package normalize

import "strings"

// ID is what ReadID made of an identifier cell such as 宛名番号.
type ID struct {
	Digits    string // the digits read, look-alikes mapped, separators dropped
	FullWidth bool
	Lookalike bool
	Separated bool // spaces or hyphens stood between digits
	Other     bool // a character that is neither digit nor look-alike
}

// ReadID reads a digit identifier.
func ReadID(s string) ID {
	var id ID
	s, id.FullWidth = FoldWidth(Trim(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteByte(byte(r))
		case r == ' ' || r == '-' || r == 'ー' || r == '−':
			id.Separated = true
		default:
			if d, ok := lookalike[r]; ok {
				b.WriteByte(d)
				id.Lookalike = true
			} else {
				id.Other = true
			}
		}
	}
	id.Digits = b.String()
	return id
}

// PadID restores leading zeros that a spreadsheet dropped.
func PadID(digits string, length int) string {
	if len(digits) >= length {
		return digits
	}
	return strings.Repeat("0", length-len(digits)) + digits
}
