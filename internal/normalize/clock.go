package normalize

import (
	"fmt"
	"strings"
)

// Clock is what ReadClock made of a time-of-day cell.
type Clock struct {
	Minutes   int // after midnight
	Text      string
	FullWidth bool
	Lookalike bool // letters for digits, or . ; for :
	OK        bool
}

// ReadClock reads 21:30, 21時30分, 21時, 2130 (and 21.30 as a look-alike).
func ReadClock(s string) Clock {
	var c Clock
	s, c.FullWidth = FoldWidth(Trim(s))
	s = strings.TrimSuffix(Trim(s), "分")
	var h, m string
	switch {
	case strings.Contains(s, ":"):
		h, m, _ = strings.Cut(s, ":")
	case strings.Contains(s, "時"):
		h, m, _ = strings.Cut(s, "時")
		if m == "" {
			m = "00"
		}
	case strings.ContainsAny(s, ".;"):
		h, m, _ = strings.Cut(strings.Replace(s, ";", ".", 1), ".")
		c.Lookalike = true
	case len(s) == 3 || len(s) == 4:
		h, m = s[:len(s)-2], s[len(s)-2:]
	default:
		return c
	}
	hh, ok1 := digitsOf(h, &c.Lookalike)
	mm, ok2 := digitsOf(m, &c.Lookalike)
	if !ok1 || !ok2 || len(h) == 0 || len(h) > 2 || len(m) != 2 || hh > 24 || mm > 59 || (hh == 24 && mm > 0) {
		return c
	}
	c.Minutes, c.OK = hh*60+mm, true
	c.Text = fmt.Sprintf("%02d:%02d", hh, mm)
	return c
}

func digitsOf(s string, look *bool) (int, bool) {
	n := 0
	for _, r := range s {
		d := byte(r) // #nosec G115 -- only used when r is '0'..'9'; other runes are looked up below
		if r < '0' || r > '9' {
			var ok bool
			if d, ok = lookalike[r]; !ok {
				return 0, false
			}
			*look = true
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}
