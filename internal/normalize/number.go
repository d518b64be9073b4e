package normalize

import (
	"strconv"
	"strings"
)

// Number is what ReadNumber made of a cell.
type Number struct {
	Value     float64
	Text      string // the number as plain ASCII, the way it should have been written
	Decimals  int    // digits written after the decimal point
	Unit      string // a unit written after the number (kg, g, cm, %, 本 …)
	FullWidth bool   // full-width digits or signs were folded
	Lookalike bool   // letters were read as digits
	PointLike bool   // a comma or 。・ stood where the decimal point belongs
	BarePoint bool   // the point had no digit before it (".5"): a digit was lost
	OK        bool   // a number could be read (after the fixes above)
}

// Fixed reports whether reading the number needed any fix.
func (n Number) Fixed() bool { return n.FullWidth || n.Lookalike || n.PointLike }

var units = []string{"kg", "KG", "Kg", "g", "cm", "CM", "mm", "%", "本", "回", "時間", "h"}

// ReadNumber reads a decimal number. Minus may be written -, −, ▲ or △.
func ReadNumber(s string) Number {
	var n Number
	s, n.FullWidth = FoldWidth(Trim(s))
	s = Trim(s)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u); ok && rest != "" {
			n.Unit, s = u, Trim(rest)
			break
		}
	}
	if s == "" {
		return n
	}
	var b strings.Builder
	b.Grow(len(s))
	neg := false
	point := -1
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteByte(byte(r))
			digits++
		case i == 0 && (r == '-' || r == '−' || r == '▲' || r == '△'):
			neg = true
		case i == 0 && r == 'ー': // the long-vowel mark is a misread minus
			n.Lookalike = true
			neg = true
		case i == 0 && r == '+':
		case r == '.' || r == ',' || r == '。' || r == '・' || r == '､' || r == '、':
			if point >= 0 {
				return n
			}
			if r != '.' {
				n.PointLike = true
			}
			point = b.Len()
			b.WriteByte('.')
		default:
			d, ok := lookalike[r]
			if !ok {
				return n
			}
			b.WriteByte(d)
			digits++
			n.Lookalike = true
		}
	}
	if digits == 0 {
		return n
	}
	text := b.String()
	if point >= 0 {
		n.Decimals = len(text) - point - 1
		if n.Decimals == 0 {
			text = strings.TrimSuffix(text, ".")
		}
		if point == 0 {
			text = "0" + text
			n.BarePoint = true
		}
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return n
	}
	if neg {
		v, text = -v, "-"+text
	}
	n.Value, n.Text, n.OK = v, text, true
	return n
}

// FormatFixed writes v with exactly decimals digits after the point.
func FormatFixed(v float64, decimals int) string {
	return strconv.FormatFloat(v, 'f', decimals, 64)
}
