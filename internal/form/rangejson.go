package form

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Range is a closed interval. In JSON it is [min, max]; for time fields the
// bounds may be written "HH:MM" and are held as minutes after midnight.
type Range struct{ Min, Max float64 }

// Contains reports whether v lies in the range.
func (r *Range) Contains(v float64) bool { return v >= r.Min && v <= r.Max }

// UnmarshalJSON reads [a, b] with numbers or "HH:MM" strings.
func (r *Range) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || len(raw) != 2 {
		return fmt.Errorf("範囲は [最小, 最大] の2要素で書いてください: %s", b)
	}
	var v [2]float64
	for i, m := range raw {
		var s string
		if json.Unmarshal(m, &s) == nil {
			mins, ok := ParseClock(s)
			if !ok {
				return fmt.Errorf("時刻 %q は HH:MM で書いてください", s)
			}
			v[i] = float64(mins)
			continue
		}
		if err := json.Unmarshal(m, &v[i]); err != nil {
			return fmt.Errorf("範囲の値 %s は数値ではありません", m)
		}
	}
	if v[0] > v[1] {
		return fmt.Errorf("範囲の最小 %v が最大 %v より大きい", v[0], v[1])
	}
	r.Min, r.Max = v[0], v[1]
	return nil
}

// MarshalJSON writes the range back as [min, max].
func (r Range) MarshalJSON() ([]byte, error) { return json.Marshal([2]float64{r.Min, r.Max}) }

// ParseClock reads "H:MM" or "HH:MM" (hours 0–24, 24:00 allowed as midnight at
// the end of a day) into minutes after midnight.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}
