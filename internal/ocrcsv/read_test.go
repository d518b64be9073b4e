package ocrcsv

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kenshin/internal/form"
)

func forms(t testing.TB) *form.Set {
	t.Helper()
	s, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fixture(t testing.TB, parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

func TestEncodings(t *testing.T) {
	tests := []struct {
		file, enc string
	}{
		{"utf8.csv", EncUTF8},
		{"utf8-bom.csv", EncUTF8BOM},
		{"utf8-lf.csv", EncUTF8},
		{"cp932.csv", EncCP932},
	}
	set := forms(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := ReadFile(fixture(t, "encoding", tt.file), set, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Encoding != tt.enc {
				t.Errorf("encoding = %q, want %q", b.Encoding, tt.enc)
			}
			if b.Form.ID != "m4-exam" || len(b.Rows) != 3 {
				t.Fatalf("form %s rows %d, want m4-exam 3", b.Form.ID, len(b.Rows))
			}
			doctor := b.Form.Field("doctor").Index
			detail := b.Form.Field("detail").Index
			// CP932 extension characters survive: 髙 (IBM ext), ① (NEC), ㈱ (NEC)
			if got := b.Value(0, doctor); got != "髙橋 一郎" {
				t.Errorf("doctor = %q", got)
			}
			if got := b.Value(1, detail); got != "①経過観察" {
				t.Errorf("detail = %q", got)
			}
			if got := b.Value(2, detail); got != "㈱保育園通園" {
				t.Errorf("detail = %q", got)
			}
			if b.Rows[2].Line != 4 {
				t.Errorf("third row line = %d, want 4", b.Rows[2].Line)
			}
			for i, r := range b.Rows {
				if r.Problem != nil {
					t.Errorf("row %d problem %+v", i+1, r.Problem)
				}
			}
		})
	}
}

func TestGaijiBecomesReplacementChar(t *testing.T) {
	b, err := ReadFile(fixture(t, "encoding", "cp932-gaiji.csv"), forms(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Encoding != EncCP932 {
		t.Fatalf("encoding %s", b.Encoding)
	}
	if got := b.Value(1, b.Form.Field("doctor").Index); !strings.ContainsRune(got, '\uFFFD') {
		t.Fatalf("gaiji should decode to U+FFFD so the cell can be flagged, got %q", got)
	}
}

func TestForcedEncodingWrong(t *testing.T) {
	// A CP932 file forced to UTF-8: the header is mojibake, and the message says so.
	_, err := ReadFile(fixture(t, "encoding", "cp932.csv"), forms(t), Options{Encoding: "utf8"})
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 || !strings.Contains(e.Error(), "文字化け") || !strings.Contains(e.Error(), "cp932.csv") {
		t.Fatalf("got %v", err)
	}
}

func TestMalformedRowsAreKept(t *testing.T) {
	tests := []struct {
		file    string
		rows    int
		badRow  int // 1-based data row with a problem, 0 for none
		code    string
		line    int
		column  int
		checkFn func(t *testing.T, vals func(row int, key string) string)
	}{
		{file: "field_count.csv", rows: 3, badRow: 2, code: CodeFieldCount, line: 3, column: 23},
		{file: "bare_quote.csv", rows: 3, badRow: 1, code: CodeQuote, line: 2, column: 2,
			checkFn: func(t *testing.T, v func(int, string) string) {
				if got := v(1, "kana_name"); got != `サトウ "ハルト` {
					t.Errorf("bare quote kept literally: %q", got)
				}
			}},
		{file: "unterminated_quote.csv", rows: 3, badRow: 2, code: CodeQuote, line: 3, column: 21,
			checkFn: func(t *testing.T, v func(int, string) string) {
				// the row after the broken one is read normally
				if got := v(3, "atena_no"); got != "000000323456789" {
					t.Errorf("row after unterminated quote: %q", got)
				}
			}},
		{file: "multiline_ok.csv", rows: 3,
			checkFn: func(t *testing.T, v func(int, string) string) {
				if got := v(2, "detail"); got != "経過観察\n次回,再確認" {
					t.Errorf("quoted newline: %q", got)
				}
			}},
	}
	set := forms(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := ReadFile(fixture(t, "malformed", tt.file), set, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rows) != tt.rows {
				t.Fatalf("rows = %d, want %d: no row may be dropped", len(b.Rows), tt.rows)
			}
			for i, r := range b.Rows {
				if i+1 == tt.badRow {
					if r.Problem == nil || r.Problem.Code != tt.code || r.Line != tt.line || r.Problem.Column != tt.column {
						t.Errorf("row %d: line %d problem %+v, want %s at line %d column %d", i+1, r.Line, r.Problem, tt.code, tt.line, tt.column)
					}
				} else if r.Problem != nil {
					t.Errorf("row %d: unexpected problem %+v", i+1, r.Problem)
				}
			}
			if tt.file == "multiline_ok.csv" && b.Rows[2].Line != 5 {
				t.Errorf("row after a two-line record starts at line %d, want 5", b.Rows[2].Line)
			}
			if tt.checkFn != nil {
				tt.checkFn(t, func(row int, key string) string { return b.Value(row-1, b.Form.Field(key).Index) })
			}
		})
	}
}

func TestUnusableInput(t *testing.T) {
	tests := []struct {
		file string
		opt  Options
		want []string // all must appear in the message
	}{
		{"empty.csv", Options{}, []string{"empty.csv", "空のファイル"}},
		{"header_only.csv", Options{FormID: "nope"}, []string{"帳票 ID「nope」"}},
		{"unknown_header.csv", Options{}, []string{"unknown_header.csv", "1 行目", "どの帳票にも合いません", "該当しない列", "番号"}},
		{"not_csv.xlsx", Options{}, []string{"not_csv.xlsx", "Excel"}},
	}
	set := forms(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := ReadFile(fixture(t, "malformed", tt.file), set, tt.opt)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := ReadFile(fixture(t, "malformed", "missing.csv"), set, Options{}); err == nil || !strings.Contains(err.Error(), "ファイルがありません") {
		t.Errorf("missing file: %v", err)
	}
}

func TestHeaderOnlyIsEmptyBatch(t *testing.T) {
	b, err := ReadFile(fixture(t, "malformed", "header_only.csv"), forms(t), Options{})
	if err != nil || len(b.Rows) != 0 || b.Form.ID != "m4-exam" {
		t.Fatalf("header only: %v %+v", err, b)
	}
}

func TestDentalFormsToldApartByAge(t *testing.T) {
	set := forms(t)
	head := "宛名番号,氏名カナ,生年月日,性別,受診日,会場,現在歯数,未処置歯数,処置歯数,う蝕罹患型,歯垢,歯肉・粘膜,咬合,フッ化物塗布,判定,歯科医師名\n"
	young := head + "000000000000001,サトウ ユイ,R5.11.2,2,R7.6.10,1,14,0,0,O1,1,1,1,1,1,森田 健\n"
	old := head + "000000000000001,サトウ ユイ,R4.4.2,2,R7.6.10,1,20,0,0,O,1,1,1,1,1,森田 健\n"
	for _, tt := range []struct{ csv, want string }{{young, "m18-dental-exam"}, {old, "y3-dental-exam"}} {
		b, err := Read("d.csv", []byte(tt.csv), set, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if b.Form.ID != tt.want || len(b.Notes) == 0 || b.Notes[0].Code != CodeFormByAge {
			t.Errorf("got %s notes %+v, want %s with a note", b.Form.ID, b.Notes, tt.want)
		}
	}
	// No usable dates: the header alone cannot decide, and the message lists both.
	_, err := Read("d.csv", []byte(head+"000000000000001,,,,,,14,0,0,O1,1,1,1,1,1,\n"), set, Options{})
	if err == nil || !strings.Contains(err.Error(), "m18-dental-exam") || !strings.Contains(err.Error(), "y3-dental-exam") {
		t.Fatalf("ambiguous: %v", err)
	}
}

func TestUnknownColumnsKeptAndNoted(t *testing.T) {
	data, err := os.ReadFile(fixture(t, "encoding", "utf8.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\r\n")
	for i := range lines[:4] {
		lines[i] += ",備考"
	}
	b, err := Read("x.csv", []byte(strings.Join(lines, "\r\n")), forms(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Notes) != 1 || b.Notes[0].Code != CodeUnknownColumns || !strings.Contains(b.Notes[0].Message, "備考") {
		t.Fatalf("notes %+v", b.Notes)
	}
	if got := b.Rows[0].Cell(len(b.Header) - 1); got != "備考" {
		t.Errorf("unknown column value kept: %q", got)
	}
}

func TestConfidenceScale(t *testing.T) {
	head := "宛名番号,宛名番号_確信度,生年月日,生年月日_確信度,受診日,身長,体重,頭囲,胸囲,栄養法,首のすわり,追視,股関節開排制限,斜頸,心雑音,皮膚,臍ヘルニア,その他,判定\n"
	row := "000000000000001,%s,R7.1.10,%s,R7.4.20,62.0,6.5,40,40,1,1,1,1,1,1,1,1,1,1\n"
	csv := head + strings.ReplaceAll(strings.ReplaceAll(row, "%s", "0.95"), "0.95,R7.1.10,0.95", "0.95,R7.1.10,95")
	b, err := Read("c.csv", []byte(csv), forms(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := b.Confidence(0, 0); !ok || c != 95 {
		t.Errorf("0–1 column read as %v %v, want 95", c, ok)
	}
	if c, ok := b.Confidence(0, b.Form.Field("birth_date").Index); !ok || c != 95 {
		t.Errorf("0–100 column read as %v %v, want 95", c, ok)
	}
	if _, ok := b.Confidence(0, b.Form.Field("height").Index); ok {
		t.Error("no confidence column: want ok=false")
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{"encoding/utf8.csv", "encoding/cp932.csv", "malformed/unterminated_quote.csv", "malformed/bare_quote.csv", "malformed/multiline_ok.csv", "malformed/field_count.csv"} {
		b, err := os.ReadFile(fixture(f, strings.Split(p, "/")...))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	set := forms(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read("fuzz.csv", data, set, Options{FormID: "m4-exam"})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// Every record is kept with an increasing line number.
		last := 1
		for i, r := range b.Rows {
			if r.Line <= last {
				t.Fatalf("row %d line %d not after %d", i+1, r.Line, last)
			}
			last = r.Line
		}
		// Nothing is lost between parsing and the batch: every record of
		// the decoded text after the header is a row, cells and problem
		// unchanged. (FuzzParse shows that parsing itself loses nothing.)
		text, _, err := decode("fuzz.csv", data, "")
		if err != nil {
			t.Fatal(err)
		}
		recs := parse(text)
		if len(b.Rows) != len(recs)-1 {
			t.Fatalf("%d rows kept of %d records after the header", len(b.Rows), len(recs)-1)
		}
		for i := range b.Rows {
			got, want := b.Rows[i].Cells(), recs[i+1].Cells()
			if !slices.Equal(got, want) || (b.Rows[i].Problem == nil) != (recs[i+1].Problem == nil) {
				t.Fatalf("row %d: cells %q problem %v, parsed %q problem %v", i+1, got, b.Rows[i].Problem, want, recs[i+1].Problem)
			}
		}
	})
}

// structural drops the characters CSV uses for structure (separators, quotes,
// line ends): what is left of a text must all be found in the cells.
func structural(s string) string {
	// byte by byte: these are ASCII, never part of a multi-byte sequence,
	// and invalid UTF-8 must not be re-encoded on the way
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\r\n\"x\ny\",2\r\n", "a,b\n\"1,2\n3,4\n", "a,\"b\"\"c\"\n", "a,b\n\"x\"y,2\r3\n", "a\n\n\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		recs := parse(s)
		// Records come in order, each at a real line.
		lines := strings.Count(s, "\n") + 1
		last := 0
		for _, r := range recs {
			if r.Line <= last || r.Line > lines {
				t.Fatalf("record line %d out of order (after %d, %d lines)", r.Line, last, lines)
			}
			last = r.Line
		}
		// Nothing is lost: every byte that is not CSV structure ends up in
		// a cell, in the order of the input. A malformed row keeps its
		// line as cells (and as Problem.Raw for the finding).
		var got strings.Builder
		for _, r := range recs {
			for _, c := range r.Cells() {
				got.WriteString(structural(c))
			}
			if r.Problem != nil && r.Problem.Raw != "" && structural(r.Problem.Raw) != structural(strings.Join(r.Cells(), "")) {
				t.Fatalf("line %d: the finding's raw line %q differs from its cells %q", r.Line, r.Problem.Raw, r.Cells())
			}
		}
		if want := structural(s); got.String() != want {
			t.Fatalf("content lost or reordered:\n got %q\nwant %q", got.String(), want)
		}
	})
}
