// Package ocrcsv reads the CSV files an AI-OCR service writes: it detects the
// encoding, parses every record without dropping any (malformed rows are kept
// with their line and a problem), and matches the header to a form.
package ocrcsv

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// Encoding names as shown to users.
const (
	EncUTF8    = "UTF-8"
	EncUTF8BOM = "UTF-8 (BOM付き)"
	EncCP932   = "CP932 (Shift_JIS)"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// decode turns file bytes into text. want is "", "utf8" or "cp932". Bytes
// that cannot be decoded become U+FFFD, which the checks then flag per cell.
func decode(name string, b []byte, want string) (string, string, error) {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return "", "", &Error{File: name, Msg: "CSV ではなく Excel などのファイルのようです。OCR サービスが出力した CSV を指定してください"}
	}
	if bytes.IndexByte(b[:min(len(b), 4096)], 0) >= 0 {
		return "", "", &Error{File: name, Msg: "NUL 文字を含むためテキストの CSV として読めません（UTF-16 や画像ファイルではありませんか）"}
	}
	switch want {
	case "utf8", "utf-8":
		rest, hadBOM := bytes.CutPrefix(b, bom)
		enc := EncUTF8
		if hadBOM {
			enc = EncUTF8BOM
		}
		return strings.ToValidUTF8(string(rest), "\uFFFD"), enc, nil
	case "cp932", "sjis", "shift_jis":
		return decodeCP932(b), EncCP932, nil
	case "":
	default:
		return "", "", &Error{File: name, Msg: "文字コード「" + want + "」には対応していません（utf8 か cp932）"}
	}
	if rest, ok := bytes.CutPrefix(b, bom); ok {
		return strings.ToValidUTF8(string(rest), "\uFFFD"), EncUTF8BOM, nil
	}
	if utf8.Valid(b) {
		return string(b), EncUTF8, nil
	}
	// Neither is certain: keep the reading that loses fewer characters.
	sj := decodeCP932(b)
	u := strings.ToValidUTF8(string(b), "\uFFFD")
	if strings.Count(u, "\uFFFD") < strings.Count(sj, "\uFFFD") {
		return u, EncUTF8, nil
	}
	return sj, EncCP932, nil
}

func decodeCP932(b []byte) string {
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
	if err != nil {
		// The decoder replaces bad bytes itself; an error here means it gave up.
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}
