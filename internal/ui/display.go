package ui

import (
	"fmt"
	"strings"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// display is what a cell shows: the value on one line, a code with its
// label (1 → 「1 できる」) and a date with its reading and the child's age
// (「R6.5.14（1歳7か月）」). Only a value that reads exactly as a code or a
// valid date gets the extra text, so the screen never shows a reading the
// data does not hold; anything else shows as stored.
func (sh *sheet) display(row, col int) string {
	v := sh.session.Value(row, col)
	f := sh.fields()[col]
	switch f.Type {
	case form.TypeCode:
		if l := f.OptionLabel(v); l != "" {
			return v + " " + l
		}
	case form.TypeDate:
		if r := sh.dateReading(row, f, v); r != "" {
			return r
		}
	}
	return displayValue(v)
}

// dateReading is 「R6.5.14」 for a valid date, with the age on the exam
// date when the row's birth date is valid too; "" when v is not a date.
func (sh *sheet) dateReading(row int, f *form.Field, v string) string {
	d, ok := parseDate(v)
	if !ok {
		return ""
	}
	out := eraShort(d)
	if f.Key != form.KeyExamDate {
		return out
	}
	bf := sh.session.Batch.Form.Field(form.KeyBirth)
	if bf == nil {
		return out
	}
	if b, ok := parseDate(sh.session.Value(row, bf.Index)); ok {
		if m := jpdate.MonthsBetween(b, d); m >= 0 {
			out += fmt.Sprintf("（%d歳%dか月）", m/12, m%12)
		}
	}
	return out
}

func parseDate(v string) (jpdate.Date, bool) {
	if strings.TrimSpace(v) == "" {
		return jpdate.Date{}, false
	}
	p := jpdate.Parse(v, jpdate.Reiwa)
	return p.Date, p.Problem == jpdate.OK && p.Date.Valid()
}

// eraShort writes a date the short way clerks write it: R6.5.14.
func eraShort(d jpdate.Date) string {
	e := jpdate.EraOf(d)
	if e == jpdate.EraNone {
		return fmt.Sprintf("%d.%d.%d", d.Y, d.M, d.D)
	}
	return fmt.Sprintf("%s%d.%d.%d", e.Letter(), d.Y-e.Western(0), d.M, d.D)
}
