package ocrcsv

import (
	"bytes"
	"strings"
)

// AppendRecord writes one CSV record with CRLF, quoting only fields that
// need it (comma, quote, CR or LF) — what the OCR service and the health
// management system's import both expect.
func AppendRecord(buf *bytes.Buffer, rec []string) {
	for i, s := range rec {
		if i > 0 {
			buf.WriteByte(',')
		}
		if strings.ContainsAny(s, ",\"\r\n") {
			buf.WriteByte('"')
			buf.WriteString(strings.ReplaceAll(s, `"`, `""`))
			buf.WriteByte('"')
		} else {
			buf.WriteString(s)
		}
	}
	buf.WriteString("\r\n")
}
