// Package jpdate reads and writes calendar dates as they appear on Japanese
// forms: era dates (令和7年4月1日, R7.4.1, 7.4.1 with the era preprinted) and
// western dates, with the era table exact at its boundaries.
package jpdate

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time zone.
type Date struct{ Y, M, D int }

// Of returns the date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, int(m), d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day of the Gregorian calendar.
func (d Date) Valid() bool {
	return d.Y >= 1 && d.M >= 1 && d.M <= 12 && d.D >= 1 && d.D <= DaysIn(d.Y, d.M)
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Of(d.Time().AddDate(0, 0, n)) }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Y != o.Y:
		return sign(d.Y - o.Y)
	case d.M != o.M:
		return sign(d.M - o.M)
	}
	return sign(d.D - o.D)
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// String is ISO 8601 (2025-04-01).
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D) }

// Slash is the 2025/04/01 form the health management system imports.
func (d Date) Slash() string { return fmt.Sprintf("%04d/%02d/%02d", d.Y, d.M, d.D) }

// DaysIn returns the number of days of month m in year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// MonthsBetween returns the completed months from birth to on (negative when
// on is before birth). A child born on the 31st completes a month on the last
// day of a shorter month.
func MonthsBetween(birth, on Date) int {
	m := (on.Y-birth.Y)*12 + on.M - birth.M
	day := birth.D
	if last := DaysIn(on.Y, on.M); day > last {
		day = last
	}
	if m > 0 && on.D < day {
		m--
	} else if m < 0 && on.D > day {
		m++
	} else if m == 0 && on.Before(birth) {
		m = -1
	}
	return m
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
