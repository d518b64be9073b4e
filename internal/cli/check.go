package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/ocrcsv"
)

// jsonFinding is the public JSON shape of a finding (README documents it).
type jsonFinding struct {
	Row        int     `json:"row"`
	Line       int     `json:"line"`
	Field      string  `json:"field"`
	Column     string  `json:"column"`
	Severity   string  `json:"severity"`
	Code       string  `json:"code"`
	Message    string  `json:"message"`
	Suggestion *string `json:"suggestion"`
	Score      float64 `json:"score"` // how likely the cell is misread, 0–1
}

type jsonFile struct {
	File     string        `json:"file"`
	Form     string        `json:"form"`
	Encoding string        `json:"encoding"`
	Rows     int           `json:"rows"`
	Errors   int           `json:"errors"`
	Warnings int           `json:"warnings"`
	Infos    int           `json:"infos"`
	Findings []jsonFinding `json:"findings"`
}

// checked is one file read and checked.
type checked struct {
	b        *batch.Batch
	checker  *check.Checker
	findings []batch.Finding
}

func (m *Main) check(_ context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	formID := fs.String("form", "", "帳票 ID")
	format := fs.String("format", "text", "text または json")
	enc := fs.String("encoding", "", "utf8 または cp932（既定: 自動判定）")
	files, err := parse(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(files) == 0 {
		return ExitUsage, usagef("検査する CSV ファイルを指定してください")
	}
	if *format != "text" && *format != "json" {
		return ExitUsage, usagef("--format は text か json です")
	}
	results, err := m.readAndCheck(files, ocrcsv.Options{FormID: *formID, Encoding: *enc})
	if err != nil {
		return ExitUsage, err
	}
	errorsLeft := false
	for _, r := range results {
		for _, f := range r.findings {
			if f.Severity == batch.Error {
				errorsLeft = true
			}
		}
	}
	if *format == "json" {
		writeJSON(m.Stdout, results)
	} else {
		writeText(m.Stdout, results)
	}
	if errorsLeft {
		return ExitFindings, nil
	}
	return ExitOK, nil
}

// readAndCheck reads every file, checks it, and compares a checkup's 受診票
// with its アンケート when both are given.
func (m *Main) readAndCheck(files []string, opt ocrcsv.Options) ([]*checked, error) {
	var out []*checked
	var problems []error
	for _, path := range files {
		b, err := ocrcsv.ReadFile(path, m.Forms, opt)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		c := check.New(b.Form, m.Forms.Growth, m.today())
		fs := append([]batch.Finding(nil), b.Notes...)
		fs = append(fs, c.All(check.OCR(b))...)
		out = append(out, &checked{b: b, checker: c, findings: fs})
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	for i, a := range out {
		for _, b := range out[i+1:] {
			if a.b.Form.Partner(b.b.Form) {
				fa, fb := check.Partners(a.checker, check.OCR(a.b), b.checker, check.OCR(b.b))
				a.findings = append(a.findings, fa...)
				b.findings = append(b.findings, fb...)
			}
		}
	}
	for _, r := range out {
		check.Sort(r.findings)
	}
	return out, nil
}

func columnOf(b *batch.Batch, field int) (key, header string) {
	if field < 0 {
		return "", ""
	}
	fd := b.Form.Fields[field]
	if col := b.Columns.Value[field]; col >= 0 {
		return fd.Key, b.Header[col]
	}
	return fd.Key, fd.Header
}

func writeJSON(w io.Writer, results []*checked) {
	out := make([]jsonFile, 0, len(results))
	for _, r := range results {
		jf := jsonFile{File: r.b.File, Form: r.b.Form.ID, Encoding: r.b.Encoding, Rows: len(r.b.Rows), Findings: []jsonFinding{}}
		for _, f := range r.findings {
			key, header := columnOf(r.b, f.Field)
			jf2 := jsonFinding{Row: f.Row, Line: f.Line, Field: key, Column: header, Severity: f.Severity.String(), Code: f.Code, Message: f.Message,
				Score: math.Round(f.Score*100) / 100}
			if f.Suggest {
				s := f.Suggestion
				jf2.Suggestion = &s
			}
			switch f.Severity {
			case batch.Error:
				jf.Errors++
			case batch.Info:
				jf.Infos++
			default:
				jf.Warnings++
			}
			jf.Findings = append(jf.Findings, jf2)
		}
		out = append(out, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

func writeText(w io.Writer, results []*checked) {
	for _, r := range results {
		b := r.b
		nErr, nWarn, nInfo := 0, 0, 0
		for _, f := range r.findings {
			switch f.Severity {
			case batch.Error:
				nErr++
			case batch.Info:
				nInfo++
			default:
				nWarn++
			}
		}
		fmt.Fprintf(w, "%s: %s（%s）%s %d 行 — エラー %d 件、警告 %d 件、参考 %d 件\n", b.File, b.Form.ID, b.Form.Title, b.Encoding, len(b.Rows), nErr, nWarn, nInfo)
		for _, f := range r.findings {
			where := "ファイル全体"
			if f.Row > 0 {
				where = fmt.Sprintf("%d 行目（データ %d 件目）", f.Line, f.Row)
			}
			if f.Field >= 0 {
				_, header := columnOf(b, f.Field)
				where += " 「" + header + "」"
			}
			fmt.Fprintf(w, "  %s %s [%s] %s", where, f.Severity.Label(), f.Code, f.Message)
			if f.Suggest {
				if f.Suggestion == "" {
					fmt.Fprint(w, " → 候補: （空欄）")
				} else {
					fmt.Fprintf(w, " → 候補: %s", f.Suggestion)
				}
			}
			fmt.Fprintln(w)
		}
	}
}
