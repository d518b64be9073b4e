package ocrstats

import (
	"time"

	"kenshin/internal/submission"
)

// FromBatch is the trail of a submitted batch as Entries: every cell of
// every record (the denominator of the rates), marked edited where the
// trail says the clerk corrected it. The final text of an edited cell is
// what the clerk typed, not its canonical form, so that formatting is not
// counted as a misread. Month is the submission month in loc (nil: Local).
func FromBatch(b *submission.Batch, loc *time.Location) []Entry {
	if loc == nil {
		loc = time.Local
	}
	month := b.SubmittedAt.In(loc).Format("2006-01")
	type cell struct {
		row int
		key string
	}
	edited := map[cell]string{}
	for _, c := range b.Trail {
		if c.Edited && c.Key != "" {
			edited[cell{c.Row, c.Key}] = c.Final
		}
	}
	out := make([]Entry, 0, len(b.Records)*len(b.Keys))
	for _, r := range b.Records {
		for _, k := range b.Keys {
			e := Entry{Form: b.Form, Centre: b.Centre, Month: month, Key: k, OCR: r.OCR[k], Final: r.Values[k]}
			if f, ok := edited[cell{r.Row, k}]; ok {
				e.Final, e.Edited = f, true
			}
			out = append(out, e)
		}
	}
	return out
}
