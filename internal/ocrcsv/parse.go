package ocrcsv

import (
	"strings"

	"kenshin/internal/batch"
)

// Row problem codes.
const (
	CodeFieldCount = "row.field_count"
	CodeQuote      = "row.quote"
)

// record is one parsed CSV record; fields is scratch space reused by the
// next record, row the compact copy that is kept.
type record struct {
	line    int
	fields  []string
	quoted  bool
	problem *batch.RowProblem
}

// parse splits CSV text into records. It never fails: a record it cannot read
// cleanly carries a problem, and an unterminated quote costs one physical line,
// not the rest of the file. want is the header's column count (0 while
// reading the header itself).
func parse(text string) []batch.Row {
	var out []batch.Row
	pos, line, want := 0, 1, 0
	scratch := make([]string, 0, 64)
	for pos < len(text) {
		if n := newlineLen(text, pos); n > 0 { // blank line
			pos += n
			line++
			continue
		}
		r, next, lines, multiline, unterminated := parseRecord(text, pos, line, scratch[:0])
		scratch = r.fields
		if want == 0 {
			want = len(r.fields)
		} else if r.problem == nil && len(r.fields) != want {
			r.problem = &batch.RowProblem{Code: CodeFieldCount, Column: min(len(r.fields), want) + 1, Want: want}
		}
		if unterminated || (multiline && len(r.fields) != want) {
			// A stray quote swallowed following lines: keep only its own
			// line as a malformed row and read on from the next line.
			end := lineEnd(text, pos)
			raw := strings.TrimRight(text[pos:end], "\r\n")
			r = record{line: line, fields: strings.Split(raw, ","), quoted: true, problem: &batch.RowProblem{
				Code: CodeQuote, Column: quoteColumn(raw), Raw: raw, Want: want,
			}}
			next, lines = end, 1
		}
		out = append(out, pack(text, pos, r))
		pos = next
		line += lines
	}
	return out
}

// pack keeps a record compactly. A record of plain fields on one line is
// kept as a slice of the decoded text itself: no copy.
func pack(text string, pos int, r record) batch.Row {
	var row batch.Row
	if r.quoted {
		row = batch.NewRow(r.line, r.fields)
	} else {
		starts := make([]uint32, len(r.fields)+1)
		n := 0
		for i, f := range r.fields {
			starts[i] = uint32(n)
			n += len(f) + 1
		}
		starts[len(r.fields)] = uint32(n)
		row = batch.NewRowIn(r.line, text[pos:pos+n-1], starts)
	}
	row.Problem = r.problem
	return row
}

// parseRecord reads one record starting at pos. It returns the position after
// the record's line ending and how many physical lines it spanned.
func parseRecord(text string, pos, line int, scratch []string) (r record, next, lines int, multiline, unterminated bool) {
	r.line = line
	lines = 1
	r.fields = scratch
	for {
		col := len(r.fields) + 1
		if pos < len(text) && text[pos] == '"' {
			r.quoted = true
			var b strings.Builder
			i := pos + 1
			closed := false
			for i < len(text) {
				j := strings.IndexByte(text[i:], '"')
				if j < 0 {
					break
				}
				seg := text[i : i+j]
				if n := strings.Count(seg, "\n"); n > 0 {
					lines += n
					multiline = true
				}
				b.WriteString(seg)
				i += j + 1
				if i < len(text) && text[i] == '"' { // escaped quote
					b.WriteByte('"')
					i++
					continue
				}
				closed = true
				break
			}
			if !closed {
				return r, len(text), lines, multiline, true
			}
			// Text after the closing quote: keep it, note the problem.
			if i < len(text) && text[i] != ',' && text[i] != '\n' && text[i] != '\r' {
				k := i
				for k < len(text) && text[k] != ',' && text[k] != '\n' {
					k++
				}
				b.WriteString(strings.TrimRight(text[i:k], "\r"))
				if r.problem == nil {
					r.problem = &batch.RowProblem{Code: CodeQuote, Column: col}
				}
				i = k
			}
			r.fields = append(r.fields, b.String())
			pos = i
		} else {
			k := pos
			for k < len(text) && text[k] != ',' && text[k] != '\n' {
				k++
			}
			f := text[pos:k]
			if k < len(text) && text[k] == '\n' || k == len(text) {
				f = strings.TrimSuffix(f, "\r")
			}
			if strings.IndexByte(f, '"') >= 0 && r.problem == nil {
				r.problem = &batch.RowProblem{Code: CodeQuote, Column: col}
			}
			r.fields = append(r.fields, f)
			pos = k
		}
		if pos >= len(text) {
			return r, pos, lines, multiline, false
		}
		switch text[pos] {
		case ',':
			pos++
			if pos == len(text) { // trailing comma at end of file: one more empty field
				r.fields = append(r.fields, "")
				return r, pos, lines, multiline, false
			}
		case '\r':
			if n := newlineLen(text, pos); n > 0 {
				return r, pos + n, lines, multiline, false
			}
			pos++
		case '\n':
			return r, pos + 1, lines, multiline, false
		}
	}
}

func newlineLen(text string, pos int) int {
	switch {
	case text[pos] == '\n':
		return 1
	case text[pos] == '\r' && pos+1 < len(text) && text[pos+1] == '\n':
		return 2
	}
	return 0
}

func lineEnd(text string, pos int) int {
	if j := strings.IndexByte(text[pos:], '\n'); j >= 0 {
		return pos + j + 1
	}
	return len(text)
}

// quoteColumn is the 1-based column of the first quote in a raw line.
func quoteColumn(raw string) int {
	q := strings.IndexByte(raw, '"')
	if q < 0 {
		return 0
	}
	return strings.Count(raw[:q], ",") + 1
}
