// Package batch is the model of one OCR CSV under review: every source row
// with its line number and original cells (never overwritten), and the
// findings the checks attach to cells.
package batch

import (
	"strconv"
	"strings"

	"kenshin/internal/form"
)

// Batch is one CSV file read against one form.
type Batch struct {
	File     string // path as given
	Hash     string // SHA-256 of the file's bytes, hex
	Encoding string // 「UTF-8」「UTF-8 (BOM付き)」「CP932」
	Form     *form.Form
	Header   []string
	Columns  form.Columns
	Rows     []Row
	Notes    []Finding // file-level findings (unknown columns, chosen form …)

	confScale []float64 // per field: 100 for 0–100 columns, 1 for 0–1 columns
}

// Row is one record of the CSV as read. Its cells are held compactly — one
// string and the offsets of the cells in it — because a 100,000-row file
// would otherwise spend most of its memory on string headers.
type Row struct {
	Line    int // physical line where the record starts; the header is line 1
	Problem *RowProblem

	text   string   // the cells, separated by one byte each
	starts []uint32 // start of each cell in text, plus len(text)+1
}

// NewRow makes a row from cells.
func NewRow(line int, cells []string) Row {
	n := len(cells)
	for _, c := range cells {
		n += len(c)
	}
	var b strings.Builder
	b.Grow(n)
	starts := make([]uint32, len(cells)+1)
	for i, c := range cells {
		starts[i] = uint32(b.Len()) // #nosec G115 -- one CSV row, far below 4 GiB (files are read whole into memory)
		b.WriteString(c)
		b.WriteByte(',')
	}
	starts[len(cells)] = uint32(b.Len()) // #nosec G115 -- as above
	return Row{Line: line, text: b.String(), starts: starts}
}

// NewRowIn makes a row from text that already holds the cells separated by
// one byte each, at the given starts (with the final len(text)+1).
func NewRowIn(line int, text string, starts []uint32) Row {
	return Row{Line: line, text: text, starts: starts}
}

// Len is the number of cells the row has.
func (r *Row) Len() int { return max(len(r.starts)-1, 0) }

// Cells returns a copy of every cell.
func (r *Row) Cells() []string {
	out := make([]string, r.Len())
	for i := range out {
		out[i] = r.Cell(i)
	}
	return out
}

// RowProblem records why a row could not be parsed cleanly. The row is kept.
type RowProblem struct {
	Code   string // a finding code (row.field_count, row.quote …)
	Column int    // 1-based CSV column where it was noticed, 0 if none
	Raw    string // the source text of the row when the cells cannot be trusted
	Want   int    // expected number of columns, for field count problems
}

// Cell returns CSV column col of row r, or "" when the row is short.
func (r *Row) Cell(col int) string {
	if col < 0 || col >= r.Len() {
		return ""
	}
	return r.text[r.starts[col] : r.starts[col+1]-1]
}

// Value returns the raw OCR text of a field in row i.
func (b *Batch) Value(i, field int) string {
	return b.Rows[i].Cell(b.Columns.Value[field])
}

// Image returns the crop image path of a field in row i, relative to the CSV.
func (b *Batch) Image(i, field int) string {
	return b.Rows[i].Cell(b.Columns.Image[field])
}

// Confidence returns the OCR confidence of a field in row i in percent, and
// whether the CSV gave one.
func (b *Batch) Confidence(i, field int) (float64, bool) {
	col := b.Columns.Conf[field]
	if col < 0 {
		return 0, false
	}
	s := b.Rows[i].Cell(col)
	if n, ok := smallInt(s); ok { // the common case: 0–100, no float parsing
		return float64(n) * b.scale(field), true
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v * b.scale(field), true
}

// smallInt reads one to three ASCII digits.
func smallInt(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func (b *Batch) scale(field int) float64 {
	if b.confScale == nil {
		return 1
	}
	return b.confScale[field]
}

// DetectConfidenceScale decides per confidence column whether it holds
// 0–100 or 0–1: a column whose values are all ≤ 1 and that has at least one
// decimal is taken as 0–1.
func (b *Batch) DetectConfidenceScale() {
	b.confScale = make([]float64, len(b.Form.Fields))
	for f, col := range b.Columns.Conf {
		b.confScale[f] = 1
		if col < 0 {
			continue
		}
		fraction, seen := true, false
		for i := range b.Rows {
			s := strings.TrimSpace(b.Rows[i].Cell(col))
			if s == "" {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				continue
			}
			if v > 1 {
				fraction = false
				break
			}
			if strings.Contains(s, ".") {
				seen = true
			}
		}
		if fraction && seen {
			b.confScale[f] = 100
		}
	}
}

// Severity grades a finding: errors block submission, warnings ask to
// confirm, info (参考) is shown but asks nothing: the evidence confirms the
// value although OCR was unsure of it.
type Severity int

// Severities, in increasing order. Zero is left unused so that a finding
// built without a severity is not silently taken for info.
const (
	Info    Severity = -1
	Warning Severity = 1
	Error   Severity = 2
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Info:
		return "info"
	}
	return "warning"
}

// Label is the Japanese word shown to a clerk.
func (s Severity) Label() string {
	switch s {
	case Error:
		return "エラー"
	case Info:
		return "参考"
	}
	return "警告"
}

// Asks reports whether the finding needs the clerk: an error or a warning.
func (s Severity) Asks() bool { return s >= Warning }

// Finding is one thing a check noticed. It is data, not an error.
type Finding struct {
	Row        int // 1-based data row; 0 for the file
	Line       int // physical line in the file
	Field      int // form field index; -1 when the finding concerns the row or the file
	Related    []int
	Severity   Severity
	Code       string
	Message    string
	Suggestion string
	Suggest    bool // Suggestion is meaningful (it may be "", meaning "clear the cell")
	// Score is how likely the subject cell is misread, 0–1, from OCR
	// confidence and the domain evidence: the workbench grades its
	// highlight and orders 「疑わしい順」 by it.
	Score float64
}

// Touches reports whether the finding is about field f (as the subject or as
// a related field of a cross-field check).
func (f *Finding) Touches(field int) bool {
	if f.Field == field {
		return true
	}
	for _, r := range f.Related {
		if r == field {
			return true
		}
	}
	return false
}
