// Package importfile renders the import file of the health management
// system from stored records: the form's export columns, its date format and
// code mapping, CRLF line ends, and CP932 (refusing, with every place named,
// a character CP932 cannot hold) or UTF-8. It knows nothing of the reader or
// the store.
package importfile

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"strings"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
	"kenshin/internal/ocrcsv"
)

// Encodings.
const (
	CP932 = "cp932"
	UTF8  = "utf8"
)

// BadCell is a value the import file's encoding cannot hold.
type BadCell struct {
	Atena  string
	Column string
	Char   string
}

// UnencodableError lists every cell CP932 cannot hold (〜 U+301C, − U+2212,
// 𠮷, emoji …), so they can be corrected instead of written as "?".
type UnencodableError struct{ Cells []BadCell }

func (e *UnencodableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CP932（Shift_JIS）で書けない文字が %d か所あります。修正するか UTF-8 で出力してください:", len(e.Cells))
	for i, c := range e.Cells {
		if i == 20 {
			fmt.Fprintf(&b, "\n  ほか %d か所", len(e.Cells)-20)
			break
		}
		fmt.Fprintf(&b, "\n  宛名番号 %s「%s」の「%s」(U+%04X)", c.Atena, c.Column, c.Char, []rune(c.Char)[0])
	}
	return b.String()
}

// Renderer builds one import file, a record at a time.
type Renderer struct {
	f        *form.Form
	encoding string
	buf      bytes.Buffer
	rec      []string
	colsOf   map[string][]int // a field may feed several columns
	bad      []BadCell
	enc      interface{ String(string) (string, error) }
	Records  int
}

// New starts an import file of form f in encoding (CP932 or UTF8).
func New(f *form.Form, encoding string) (*Renderer, error) {
	if encoding != CP932 && encoding != UTF8 {
		return nil, fmt.Errorf("文字コード「%s」は cp932 か utf8 です", encoding)
	}
	r := &Renderer{f: f, encoding: encoding, colsOf: map[string][]int{}, enc: japanese.ShiftJIS.NewEncoder()}
	cols := f.Export.Columns
	r.rec = make([]string, len(cols))
	for i, c := range cols {
		r.rec[i] = c.Header
		r.colsOf[c.Field] = append(r.colsOf[c.Field], i)
	}
	ocrcsv.AppendRecord(&r.buf, r.rec)
	return r, nil
}

// Add renders one record (field key → final value).
func (r *Renderer) Add(atena string, values iter.Seq2[string, string]) {
	rec := r.rec
	for i := range rec {
		rec[i] = ""
	}
	for k, v := range values {
		for _, i := range r.colsOf[k] {
			rec[i] = v
		}
	}
	for i, c := range r.f.Export.Columns {
		v := rec[i]
		if normalize.IsUnreadable(v) {
			// ● is the OCR's "could not read", not a value: one that reached
			// the store (a supervisor let it through) is exported as blank,
			// so the health management system never stores the mark.
			v = ""
		}
		if fd := r.f.Field(c.Field); fd != nil && fd.Type == form.TypeDate {
			v = formatDate(v, r.f.Export.DateFormat)
		}
		if m, ok := c.Codes[v]; ok {
			v = m
		}
		rec[i] = v
		if r.encoding == CP932 {
			if _, err := r.enc.String(v); err != nil {
				for _, ch := range v {
					if _, err := r.enc.String(string(ch)); err != nil {
						r.bad = append(r.bad, BadCell{Atena: atena, Column: c.Header, Char: string(ch)})
					}
				}
			}
		}
	}
	ocrcsv.AppendRecord(&r.buf, rec)
	r.Records++
}

// WriteTo writes the finished file, or returns *UnencodableError listing
// every cell CP932 cannot hold (nothing written then).
func (r *Renderer) WriteTo(w io.Writer) (int64, error) {
	if len(r.bad) > 0 {
		return 0, &UnencodableError{Cells: r.bad}
	}
	data := r.buf.Bytes()
	if r.encoding == CP932 {
		out, err := japanese.ShiftJIS.NewEncoder().Bytes(data)
		if err != nil {
			return 0, fmt.Errorf("CP932 に変換できません: %w", err)
		}
		data = out
	}
	n, err := w.Write(data)
	return int64(n), err
}

// Check returns the *UnencodableError the file would fail with, or nil.
func (r *Renderer) Check() error {
	if len(r.bad) > 0 {
		return &UnencodableError{Cells: r.bad}
	}
	return nil
}

func formatDate(iso, layout string) string {
	p := jpdate.Parse(iso, jpdate.EraNone)
	if p.Problem != jpdate.OK {
		return iso
	}
	d := p.Date
	switch layout {
	case "yyyy/mm/dd":
		return d.Slash()
	case "yyyy-mm-dd":
		return d.String()
	}
	return fmt.Sprintf("%04d%02d%02d", d.Y, d.M, d.D)
}
