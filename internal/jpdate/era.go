package jpdate

import "fmt"

// Era is a Japanese era; EraNone marks a western-year date.
type Era int

// Eras this product meets: children are born in 令和, parents in 昭和/平成.
const (
	EraNone Era = iota
	Showa
	Heisei
	Reiwa
)

type eraSpan struct {
	name, letter string
	first, last  Date // inclusive; last is zero for the current era
	offset       int  // western year = era year + offset
}

var eras = map[Era]eraSpan{
	Showa:  {"昭和", "S", Date{1926, 12, 25}, Date{1989, 1, 7}, 1925},
	Heisei: {"平成", "H", Date{1989, 1, 8}, Date{2019, 4, 30}, 1988},
	Reiwa:  {"令和", "R", Date{2019, 5, 1}, Date{}, 2018},
}

// Name is the era's kanji name; "" for EraNone.
func (e Era) Name() string { return eras[e].name }

// Letter is the one-letter abbreviation (R, H, S).
func (e Era) Letter() string { return eras[e].letter }

// Contains reports whether d falls inside the era.
func (e Era) Contains(d Date) bool {
	s, ok := eras[e]
	if !ok {
		return true
	}
	return !d.Before(s.first) && (s.last.IsZero() || !s.last.Before(d))
}

// Western converts an era year to a western year.
func (e Era) Western(year int) int { return year + eras[e].offset }

// EraOf returns the era that d falls in, or EraNone before 昭和.
func EraOf(d Date) Era {
	for _, e := range []Era{Reiwa, Heisei, Showa} {
		if e.Contains(d) {
			return e
		}
	}
	return EraNone
}

// Japanese writes d as 令和7年4月1日 (元年 for year 1).
func (d Date) Japanese() string {
	e := EraOf(d)
	if e == EraNone {
		return fmt.Sprintf("%d年%d月%d日", d.Y, d.M, d.D)
	}
	y := d.Y - eras[e].offset
	ys := fmt.Sprint(y)
	if y == 1 {
		ys = "元"
	}
	return fmt.Sprintf("%s%s年%d月%d日", e.Name(), ys, d.M, d.D)
}
