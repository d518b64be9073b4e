package deletion

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"time"

	"kenshin/internal/submission"
)

// Field is one key/value of a deleted row.
type Field struct{ Key, Value string }

// Row is a deleted row as an ordered key/value map: the order is part of
// what is hashed, so the producer must give the fields in a fixed order
// (the store's column order, or form field order).
type Row []Field

// Magic opens every canonical encoding; the version changes if the
// encoding ever does, so an old record's hash can still be recomputed.
const Magic = "kenshin-deletion-v1\n"

// The canonical encoding of a list of rows, byte by byte:
//
//	encoding = Magic row*
//	row      = "r" count ":" (string string)*    count fields, each key then value
//	string   = length ":" bytes ","               a netstring: length in bytes, decimal
//
// Numbers are decimal ASCII without sign or leading zeros. Strings are the
// stored UTF-8 bytes, unnormalised. Length prefixes make it unambiguous:
// no two different row lists share an encoding, whatever the values hold.

// Hasher computes the SHA-256 of the canonical encoding row by row, so a
// store can hash what it deletes without holding it all.
type Hasher struct {
	h    hash.Hash
	rows int
	buf  []byte
}

// NewHasher starts an empty encoding.
func NewHasher() *Hasher {
	h := &Hasher{h: sha256.New()}
	h.h.Write([]byte(Magic))
	return h
}

// Add appends one row.
func (h *Hasher) Add(r Row) {
	h.buf = appendRow(h.buf[:0], r)
	h.h.Write(h.buf)
	h.rows++
}

// Rows is the number of rows added.
func (h *Hasher) Rows() int { return h.rows }

// Sum is the lowercase hex SHA-256 of the encoding so far.
func (h *Hasher) Sum() string { return hex.EncodeToString(h.h.Sum(nil)) }

func appendRow(b []byte, r Row) []byte {
	b = append(b, 'r')
	b = strconv.AppendInt(b, int64(len(r)), 10)
	b = append(b, ':')
	for _, f := range r {
		b = appendString(b, f.Key)
		b = appendString(b, f.Value)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, ',')
}

// Encode writes the canonical encoding of rows to w.
func Encode(w io.Writer, rows []Row) error {
	if _, err := io.WriteString(w, Magic); err != nil {
		return err
	}
	var b []byte
	for _, r := range rows {
		b = appendRow(b[:0], r)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// Hash is the lowercase hex SHA-256 of the canonical encoding of rows.
func Hash(rows []Row) string {
	h := NewHasher()
	for _, r := range rows {
		h.Add(r)
	}
	return h.Sum()
}

// Decode reads a canonical encoding back, for an auditor who kept a dump
// and wants to see what the hash stands for.
func Decode(data []byte) ([]Row, error) {
	if !bytes.HasPrefix(data, []byte(Magic)) {
		return nil, errors.New("deletion: not a canonical encoding (no header)")
	}
	p := len(Magic)
	num := func(end byte) (int, error) {
		start := p
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
		if p == start || p >= len(data) || data[p] != end || (data[start] == '0' && p-start > 1) || p-start > 9 {
			return 0, fmt.Errorf("deletion: bad number at byte %d", start)
		}
		n, _ := strconv.Atoi(string(data[start:p]))
		p++
		return n, nil
	}
	str := func() (string, error) {
		n, err := num(':')
		if err != nil {
			return "", err
		}
		if n > len(data)-p-1 || data[p+n] != ',' {
			return "", fmt.Errorf("deletion: string at byte %d overruns", p)
		}
		s := string(data[p : p+n])
		p += n + 1
		return s, nil
	}
	var rows []Row
	for p < len(data) {
		if data[p] != 'r' {
			return nil, fmt.Errorf("deletion: row expected at byte %d", p)
		}
		p++
		n, err := num(':')
		if err != nil {
			return nil, err
		}
		if n > (len(data)-p)/6 { // each field takes at least "0:,0:," — refuse counts the data cannot hold
			return nil, fmt.Errorf("deletion: row of %d fields at byte %d overruns", n, p)
		}
		r := make(Row, n)
		for i := range r {
			if r[i].Key, err = str(); err != nil {
				return nil, err
			}
			if r[i].Value, err = str(); err != nil {
				return nil, err
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// RecordRow is the row of a submitted record as the deletion hashes it:
// row number, 宛名番号, then each field's final and OCR value in form order.
func RecordRow(keys []string, r submission.Record) Row {
	out := make(Row, 0, 2+2*len(keys))
	out = append(out, Field{"row", strconv.Itoa(r.Row)}, Field{"atena_no", r.Atena})
	for _, k := range keys {
		out = append(out, Field{k, r.Values[k]}, Field{"ocr." + k, r.OCR[k]})
	}
	return out
}

// CellRow is a trail cell as the deletion hashes it: its place, both
// texts, the findings, and who edited or confirmed it.
func CellRow(c submission.Cell) Row {
	out := Row{
		{"row", strconv.Itoa(c.Row)}, {"key", c.Key}, {"ocr", c.OCR}, {"final", c.Final},
		{"edited", strconv.FormatBool(c.Edited)}, {"edited_by", c.EditedBy}, {"edited_at", stamp(c.EditedAt)},
		{"confirmed", strconv.FormatBool(c.Confirmed)}, {"confirmed_by", c.ConfirmedBy}, {"confirm_reason", c.ConfirmReason},
		{"overridden", strconv.FormatBool(c.Overridden)},
	}
	for _, f := range c.Findings {
		out = append(out, Field{"finding", f})
	}
	return out
}

// stamp is a time in UTC RFC 3339 with nanoseconds, "" when zero, so the
// hash does not depend on the machine's zone.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
