package jpdate

import (
	"fmt"
	"strings"

	"kenshin/internal/normalize"
)

// Problem says why a cell could not be read as a valid date.
type Problem int

// Parse outcomes.
const (
	OK          Problem = iota
	Empty               // blank cell
	BadFormat           // not a date in any written form we know
	BadCalendar         // no such day (2/30, month 13)
	BadEra              // outside its era (平成32年, 令和元年4月)
)

// Parsed is what Parse read from a cell. Date is set whenever the numbers
// could be read, even when Problem reports an era or calendar fault, so that
// a caller can still explain or suggest.
type Parsed struct {
	Date       Date
	Era        Era
	ImpliedEra bool // year written without an era: the preprinted era applies
	FullWidth  bool // full-width digits or punctuation were folded
	Lookalike  bool // letters read as digits (O→0, l→1, S→5, B→8, Z→2)
	Problem    Problem
}

var eraPrefixes = []struct {
	p string
	e Era
}{
	{"令和", Reiwa}, {"平成", Heisei}, {"昭和", Showa},
	{"R", Reiwa}, {"r", Reiwa}, {"H", Heisei}, {"h", Heisei}, {"S", Showa},
}

// Parse reads a date written in any common form. implied is the era printed on
// the paper form, used when only a 1–2 digit year was written.
func Parse(s string, implied Era) Parsed {
	var p Parsed
	s = strings.TrimSpace(strings.Trim(s, "\u3000"))
	if s == "" {
		p.Problem = Empty
		return p
	}
	s, p.FullWidth = normalize.FoldWidth(s)
	s = strings.TrimSpace(s)
	for _, ep := range eraPrefixes {
		if rest, ok := strings.CutPrefix(s, ep.p); ok && rest != "" && (ep.e != Showa || isDigitStart(rest)) {
			p.Era, s = ep.e, strings.TrimLeft(rest, " .")
			break
		}
	}
	if rest, ok := strings.CutPrefix(s, "元"); ok && p.Era != EraNone {
		s = "1" + rest
	}
	parts, look, ok := splitNumbers(s)
	p.Lookalike = look
	if !ok {
		p.Problem = BadFormat
		return p
	}
	var ys, ms, ds string
	switch {
	case len(parts) == 3:
		ys, ms, ds = parts[0], parts[1], parts[2]
	case len(parts) == 1 && len(parts[0]) == 8 && p.Era == EraNone:
		ys, ms, ds = parts[0][:4], parts[0][4:6], parts[0][6:]
	case len(parts) == 1 && len(parts[0]) == 6:
		ys, ms, ds = parts[0][:2], parts[0][2:4], parts[0][4:]
	default:
		p.Problem = BadFormat
		return p
	}
	y, m, d := atoi(ys), atoi(ms), atoi(ds)
	if len(ms) > 2 || len(ds) > 2 || m == 0 || d == 0 {
		p.Problem = BadFormat
		return p
	}
	switch {
	case p.Era != EraNone:
		if len(ys) > 2 || y == 0 {
			p.Problem = BadFormat
			return p
		}
		y = p.Era.Western(y)
	case len(ys) == 4:
	case len(ys) <= 2 && implied != EraNone && y > 0:
		p.Era, p.ImpliedEra = implied, true
		y = implied.Western(y)
	default:
		p.Problem = BadFormat
		return p
	}
	p.Date = Date{y, m, d}
	switch {
	case !p.Date.Valid():
		p.Problem = BadCalendar
	case p.Era != EraNone && !p.Era.Contains(p.Date):
		p.Problem = BadEra
	}
	return p
}

func isDigitStart(s string) bool { return s[0] >= '0' && s[0] <= '9' }

// splitNumbers splits on date separators, mapping letter look-alikes to digits.
func splitNumbers(s string) (parts []string, look bool, ok bool) {
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, string(cur))
			cur = cur[:0]
		}
	}
	seps := 0
	lastWasSpace := false // a space just ended a number: a following separator belongs to it
	for _, r := range s {
		space := r == ' '
		if !space && lastWasSpace && strings.ContainsRune("年月日./-・,、", r) {
			lastWasSpace = false
			continue
		}
		lastWasSpace = false
		switch {
		case r >= '0' && r <= '9':
			cur = append(cur, byte(r))
		case r == ' ':
			// spaces pad handwriting boxes; they separate only between digits
			if len(cur) > 0 {
				flush()
				seps++
				lastWasSpace = true
			}
		case strings.ContainsRune("年月日./-・,、", r):
			if len(cur) == 0 && r != '日' {
				return nil, look, false
			}
			flush()
			seps++
		default:
			d, isLook := normalize.DigitFor(r)
			if !isLook {
				return nil, look, false
			}
			cur = append(cur, d)
			look = true
		}
	}
	flush()
	if seps > 3 {
		return nil, look, false
	}
	return parts, look, len(parts) > 0
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Style is a way of writing a date that OCR output shows (domain.md §2).
type Style int

// Written forms, in the order domain.md lists them.
const (
	StyleKanji     Style = iota // 令和7年4月1日 (元年 for year 1)
	StyleEraDot                 // R7.4.1
	StyleEraPadded              // R07.04.01
	StyleEraSlash               // R7/4/1
	StyleImplied                // 7.4.1 (era preprinted)
	StyleFullWidth              // ７．４．１
	StyleSlash                  // 2025/04/01
	StyleCompact                // 20250401
)

// Styles lists every Style.
var Styles = []Style{StyleKanji, StyleEraDot, StyleEraPadded, StyleEraSlash, StyleImplied, StyleFullWidth, StyleSlash, StyleCompact}

// Format writes d in style s.
func (d Date) Format(s Style) string {
	e := EraOf(d)
	ey := d.Y - eras[e].offset
	switch s {
	case StyleKanji:
		return d.Japanese()
	case StyleEraDot:
		return fmt.Sprintf("%s%d.%d.%d", e.Letter(), ey, d.M, d.D)
	case StyleEraPadded:
		return fmt.Sprintf("%s%02d.%02d.%02d", e.Letter(), ey, d.M, d.D)
	case StyleEraSlash:
		return fmt.Sprintf("%s%d/%d/%d", e.Letter(), ey, d.M, d.D)
	case StyleImplied:
		return fmt.Sprintf("%d.%d.%d", ey, d.M, d.D)
	case StyleFullWidth:
		return ToFullWidth(fmt.Sprintf("%d.%d.%d", ey, d.M, d.D))
	case StyleCompact:
		return fmt.Sprintf("%04d%02d%02d", d.Y, d.M, d.D)
	}
	return d.Slash()
}

// ToFullWidth turns half-width ASCII into full-width forms.
func ToFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r <= '~' {
			return r + 0xFEE0
		}
		return r
	}, s)
}
