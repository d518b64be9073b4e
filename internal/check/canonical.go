package check

import (
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// Canonical returns a value in the one spelling the health management
// system imports: dates as ISO 2025-04-01, numbers in ASCII with the
// field's decimals, codes as their code, check marks as 1 or blank, times as
// HH:MM. ok is false when the value cannot be read as its type; the caller
// then keeps the text as it is (it was confirmed by a person).
func Canonical(f *form.Field, v string) (string, bool) {
	v = normalize.Trim(v)
	if v == "" {
		return "", true
	}
	switch f.Type {
	case form.TypeID:
		id := normalize.ReadID(v)
		return id.Digits, !id.Other && len(id.Digits) == f.Length
	case form.TypeDate:
		p := jpdate.Parse(v, jpdate.Reiwa)
		if p.Problem != jpdate.OK {
			return v, false
		}
		return p.Date.String(), true
	case form.TypeInteger, form.TypeDecimal:
		n := normalize.ReadNumber(v)
		if !n.OK {
			return v, false
		}
		if f.Type == form.TypeInteger {
			return n.Text, n.Decimals == 0
		}
		return normalize.FormatFixed(n.Value, f.Decimals), true
	case form.TypeCode:
		c, ok := f.Code(form.Fold(v))
		if !ok {
			return v, false
		}
		return c, true
	case form.TypeCheck:
		switch form.Fold(v) {
		case "○", "1", "◯", "〇":
			return "1", true
		}
		return v, false
	case form.TypeTime:
		c := normalize.ReadClock(v)
		if !c.OK {
			return v, false
		}
		return c.Text, true
	case form.TypeKana:
		return normalize.Trim(v), true
	}
	return v, true
}
