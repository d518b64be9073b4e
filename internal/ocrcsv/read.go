package ocrcsv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// Error is an unusable input: the message is Japanese and names the file,
// and the line and column when there is one.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
	Forms  []string // when the header fits several forms: their IDs, to choose from
}

func (e *Error) Error() string {
	where := "ファイル「" + filepath.Base(e.File) + "」"
	if e.Line > 0 {
		where += fmt.Sprintf(" %d 行目", e.Line)
	}
	if e.Column > 0 {
		where += fmt.Sprintf(" %d 列目", e.Column)
	}
	return where + ": " + e.Msg
}

// Options choose what auto-detection would otherwise decide.
type Options struct {
	FormID   string // "" to detect the form from the header
	Encoding string // "", "utf8" or "cp932"
}

// CodeUnknownColumns marks a file-level note about columns no field claims.
const CodeUnknownColumns = "file.unknown_columns"

// CodeFormByAge marks the note that the form was told apart by the children's ages.
const CodeFormByAge = "file.form_by_age"

// ReadFile reads a CSV file from disk.
func ReadFile(path string, set *form.Set, opt Options) (*batch.Batch, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the CSV the user chose to open
	if err != nil {
		return nil, &Error{File: path, Msg: "開けません: " + osMessage(err)}
	}
	return Read(path, data, set, opt)
}

func osMessage(err error) string {
	switch {
	case os.IsNotExist(err):
		return "ファイルがありません"
	case os.IsPermission(err):
		return "読み取りの権限がありません"
	}
	return err.Error()
}

// Read parses CSV bytes against the form set.
func Read(name string, data []byte, set *form.Set, opt Options) (*batch.Batch, error) {
	sum := sha256.Sum256(data)
	text, enc, err := decode(name, data, opt.Encoding)
	if err != nil {
		return nil, err
	}
	recs := parse(text)
	if len(recs) == 0 {
		return nil, &Error{File: name, Msg: "空のファイルです（見出し行がありません）"}
	}
	head := recs[0]
	if head.Problem != nil && head.Problem.Code == CodeQuote {
		return nil, &Error{File: name, Line: head.Line, Column: head.Problem.Column, Msg: "見出し行の引用符が正しくありません"}
	}
	header := head.Cells()
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	if strings.ContainsRune(strings.Join(header, ""), '\uFFFD') {
		return nil, &Error{File: name, Line: head.Line, Msg: "見出し行が文字化けしています。文字コード（UTF-8 / CP932）を確認してください"}
	}
	b := &batch.Batch{File: name, Hash: hex.EncodeToString(sum[:]), Encoding: enc, Header: header}
	b.Rows = recs[1:]
	cand, note, err := chooseForm(name, header, b.Rows, set, opt.FormID)
	if err != nil {
		return nil, err
	}
	b.Form, b.Columns = cand.Form, cand.Columns
	if note != "" {
		b.Notes = append(b.Notes, batch.Finding{Field: -1, Severity: batch.Warning, Code: CodeFormByAge, Message: note})
	}
	for _, col := range cand.Columns.Unknown {
		b.Notes = append(b.Notes, batch.Finding{Field: -1, Severity: batch.Warning, Code: CodeUnknownColumns,
			Message: fmt.Sprintf("%d 列目「%s」は帳票「%s」の項目にありません。値は保持しますが確認の対象外です", col+1, header[col], cand.Form.Title)})
	}
	b.DetectConfidenceScale()
	return b, nil
}

func chooseForm(name string, header []string, rows []batch.Row, set *form.Set, id string) (form.Candidate, string, error) {
	cands := set.Candidates(header)
	if id != "" {
		for _, c := range cands {
			if c.Form.ID != id {
				continue
			}
			if len(c.MissingRequired) > 0 {
				return c, "", &Error{File: name, Line: 1, Msg: fmt.Sprintf("帳票「%s」の必須列 %s が見出しにありません", c.Form.Title, quoteList(c.MissingRequired))}
			}
			return c, "", nil
		}
		return form.Candidate{}, "", &Error{File: name, Msg: fmt.Sprintf("帳票 ID「%s」はありません（%s）", id, strings.Join(set.IDs(), ", "))}
	}
	tied := form.Tied(cands)
	switch len(tied) {
	case 0:
		return form.Candidate{}, "", &Error{File: name, Line: 1, Msg: "見出しがどの帳票にも合いません。" + closest(header, cands)}
	case 1:
		return tied[0], "", nil
	}
	// The header cannot tell them apart: let the children's ages decide.
	best, bestN, second := -1, -1, -1
	for i, c := range tied {
		n := inWindow(c, rows)
		if n > bestN {
			best, second, bestN = i, bestN, n
		} else if n > second {
			second = n
		}
	}
	if bestN > 0 && bestN > second {
		c := tied[best]
		return c, fmt.Sprintf("見出しが同じ帳票が複数あるため、受診時の月齢から「%s」と判定しました。違う場合は帳票を指定してください", c.Form.Title), nil
	}
	ids := make([]string, len(tied))
	for i, c := range tied {
		ids[i] = c.Form.ID + "（" + c.Form.Title + "）"
	}
	forms := make([]string, len(tied))
	for i, c := range tied {
		forms[i] = c.Form.ID
	}
	return form.Candidate{}, "", &Error{File: name, Line: 1, Forms: forms, Msg: "見出しからは帳票を1つに決められません: " + strings.Join(ids, "、") + "。帳票を指定してください"}
}

// inWindow counts rows (up to 500) whose age at the exam fits the form's window.
func inWindow(c form.Candidate, rows []batch.Row) int {
	bc := c.Columns.Value[c.Form.Field(form.KeyBirth).Index]
	ec := c.Columns.Value[c.Form.Field(form.KeyExamDate).Index]
	n := 0
	for i := range rows[:min(len(rows), 500)] {
		b := jpdate.Parse(rows[i].Cell(bc), jpdate.Reiwa)
		e := jpdate.Parse(rows[i].Cell(ec), jpdate.Reiwa)
		if b.Problem != jpdate.OK || e.Problem != jpdate.OK {
			continue
		}
		m := jpdate.MonthsBetween(b.Date, e.Date)
		if m >= c.Form.AgeMonths[0] && m < c.Form.AgeMonths[1] {
			n++
		}
	}
	return n
}

// closest explains the best few candidates: what they miss and what is left over.
func closest(header []string, cands []form.Candidate) string {
	var b strings.Builder
	b.WriteString("近い帳票: ")
	for i, c := range cands[:min(3, len(cands))] {
		if i > 0 {
			b.WriteString(" / ")
		}
		fmt.Fprintf(&b, "%s（%s）一致 %d/%d 列", c.Form.ID, c.Form.Title, c.Matched, len(c.Form.Fields))
		if len(c.MissingRequired) > 0 {
			b.WriteString("、必須列なし: " + quoteList(c.MissingRequired))
		}
		if len(c.Columns.Unknown) > 0 {
			var u []string
			for _, col := range c.Columns.Unknown[:min(5, len(c.Columns.Unknown))] {
				u = append(u, header[col])
			}
			more := ""
			if len(c.Columns.Unknown) > 5 {
				more = fmt.Sprintf(" ほか %d 列", len(c.Columns.Unknown)-5)
			}
			b.WriteString("、該当しない列: " + quoteList(u) + more)
		}
	}
	return b.String()
}

func quoteList(s []string) string { return "「" + strings.Join(s, "」「") + "」" }
