package report

import (
	"strings"
	"time"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/submission"
)

// ocrFindings tells what the checks said of the OCR reading of a cell. A
// corrected cell's trail lists the findings at submission, which the
// correction settled, so the report would show a 修正 with no kind or
// message; this checks the row as read once more (rows cached) to say what
// was wrong. growth may be nil: growth ranges are then left out.
type ocrFindings struct {
	f       *form.Form
	checker *check.Checker
	records map[int]submission.Record
	conf    map[int]map[string]float64 // row → field key → confidence
	byRow   map[int][]batch.Finding
}

func newOCRFindings(b *submission.Batch, f *form.Form, g *form.Growth, records map[int]submission.Record, today time.Time) *ocrFindings {
	o := &ocrFindings{f: f, records: records, conf: map[int]map[string]float64{}, byRow: map[int][]batch.Finding{}}
	if g != nil {
		o.checker = check.New(f, g, jpdate.Of(today))
	}
	for _, c := range b.Trail {
		if c.HasConfidence {
			if o.conf[c.Row] == nil {
				o.conf[c.Row] = map[string]float64{}
			}
			o.conf[c.Row][c.Key] = c.Confidence
		}
	}
	return o
}

// of returns "code: message" of the findings the OCR value of a cell had.
func (o *ocrFindings) of(c submission.Cell) []string {
	if o == nil || o.checker == nil {
		return nil
	}
	fd := o.f.Field(c.Key)
	if fd == nil {
		return nil
	}
	fs, ok := o.byRow[c.Row]
	if !ok {
		rec, found := o.records[c.Row]
		if !found {
			return nil
		}
		fs = o.checker.Row(rowSource{f: o.f, rec: rec, conf: o.conf[c.Row]}, 0, nil)
		o.byRow[c.Row] = fs
	}
	var out []string
	for _, x := range fs {
		if x.Field == fd.Index {
			out = append(out, x.Code+": "+x.Message)
		}
	}
	return out
}

// rowSource is one record as the OCR read it, for the checker.
type rowSource struct {
	f    *form.Form
	rec  submission.Record
	conf map[string]float64
}

func (r rowSource) Len() int                      { return 1 }
func (r rowSource) Line(int) int                  { return r.rec.Line }
func (r rowSource) Problem(int) *batch.RowProblem { return nil }
func (r rowSource) Value(_, f int) string         { return r.rec.OCR[r.f.Fields[f].Key] }
func (r rowSource) Confidence(_, f int) (float64, bool) {
	v, ok := r.conf[r.f.Fields[f].Key]
	return v, ok
}

// readAs marks findings derived from the OCR reading in the report.
func readAs(fs []string) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		code, msg, _ := strings.Cut(f, ": ")
		out[i] = code + ": " + "（読み取り時）" + msg
	}
	return out
}
