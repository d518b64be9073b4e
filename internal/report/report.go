// Package report writes the correction / discrepancy report of a batch as
// an Excel workbook a supervisor prints and signs: 概要 (summary and a chart
// of findings by field), 修正一覧 (every corrected or confirmed cell) and
// 未解決 (findings still open or overridden). Print-ready: A4 landscape, fit
// to width, header row on every page, batch and page numbers in the footer.
package report

import (
	"io"

	"fmt"
	"kenshin/internal/app"
	"kenshin/internal/safefile"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/submission"
)

// Options for Write.
type Options struct {
	Password string    // non-empty: the file is encrypted and opens only with it
	Now      time.Time // print date
	// AuditHead is the audit log's head (entries:last hash) when the report
	// was written: printed on the summary sheet so that a later deletion of
	// the log's tail shows against this printout.
	AuditHead string
}

// Sheet names.
const (
	SheetSummary = "概要"
	SheetChanges = "修正一覧"
	SheetOpen    = "未解決"
)

// Write writes the report of batch b (of form f) to path.
func Write(path string, b *submission.Batch, f *form.Form, opt Options) error {
	x := excelize.NewFile()
	defer x.Close()
	st, err := newStyles(x)
	if err != nil {
		return err
	}
	rows := index(b)
	changes, open := split(b)
	if err := x.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	if err := summary(x, st, b, f, opt, changes, open); err != nil {
		return fmt.Errorf("report: summary: %w", err)
	}
	label := func(key string) string {
		if fd := f.Field(key); fd != nil {
			return fd.Label
		}
		if key == "" {
			return "（行全体）"
		}
		return key
	}
	id := batchLabel(b)
	var growth *form.Growth
	if set, err := form.Default(); err == nil {
		growth = set.Growth
	}
	today := opt.Now
	if !b.SubmittedAt.IsZero() {
		today = b.SubmittedAt // what the checks knew then
	}
	if today.IsZero() {
		today = time.Now()
	}
	atOCR := newOCRFindings(b, f, growth, rows, today)
	changeRow := func(i int) []any {
		c := changes[i]
		r := rows[c.Row]
		if c.Edited && len(c.Findings) == 0 {
			c.Findings = readAs(atOCR.of(c)) // the correction settled them: say what they were
		}
		kind, who, when := "確認", c.ConfirmedBy, c.ConfirmedAt
		if c.Edited {
			kind, who, when = "修正", c.EditedBy, c.EditedAt
		}
		if c.Confirmed && c.ConfirmReason != "" {
			kind += "（" + c.ConfirmReason + "）"
		}
		return []any{c.Row, text(r.Atena), text(r.Values[form.KeyKana]), label(c.Key),
			text(c.OCR), text(c.Final), kinds(c.Findings), text(messages(c.Findings)), confidence(c), kind, text(who), timeOrBlank(when)}
	}
	if err := table(x, st, SheetChanges, id, opt.Now,
		[]column{{"行", 6, nil}, {"宛名番号", 18, &st.text}, {"氏名カナ", 18, nil}, {"項目", 16, nil}, {"OCR の値", 14, &st.text}, {"最終値", 14, &st.text},
			{"指摘の種類", 14, nil}, {"指摘の内容", 60, &st.wrap}, {"確信度", 8, &st.pct}, {"区分", 30, &st.wrap}, {"担当者", 12, nil}, {"日時", 17, &st.datetime}},
		len(changes), changeRow); err != nil {
		return fmt.Errorf("report: %s: %w", SheetChanges, err)
	}
	reason := ""
	if b.Override != nil {
		reason = b.Override.Reason + "（" + b.Override.User + "）"
	}
	openRow := func(i int) []any {
		c := open[i]
		r := rows[c.Row]
		state, why := "未解決", ""
		if c.Overridden {
			state, why = "上書きで送信", reason
		}
		return []any{c.Row, text(r.Atena), text(r.Values[form.KeyKana]), label(c.Key), text(c.Final),
			kinds(c.Findings), text(messages(c.Findings)), confidence(c), state, text(why)}
	}
	if err := table(x, st, SheetOpen, id, opt.Now,
		[]column{{"行", 6, nil}, {"宛名番号", 18, &st.text}, {"氏名カナ", 18, nil}, {"項目", 16, nil}, {"値", 14, &st.text},
			{"指摘の種類", 14, nil}, {"指摘の内容", 70, &st.wrap}, {"確信度", 8, &st.pct}, {"状態", 14, nil}, {"理由", 30, &st.wrap}},
		len(open), openRow); err != nil {
		return fmt.Errorf("report: %s: %w", SheetOpen, err)
	}
	x.SetActiveSheet(0)
	// whole or absent, owner-only: the report holds names and 宛名番号
	if err := safefile.Write(path, func(w io.Writer) error {
		return x.Write(w, excelize.Options{Password: opt.Password})
	}); err != nil {
		return fmt.Errorf("レポートを保存できません: %w", err)
	}
	return nil
}

func batchLabel(b *submission.Batch) string {
	if b.ID == 0 {
		return "未送信"
	}
	return fmt.Sprintf("バッチ %d", b.ID)
}

// index finds each record by its row.
func index(b *submission.Batch) map[int]submission.Record {
	m := make(map[int]submission.Record, len(b.Records))
	for _, r := range b.Records {
		m[r.Row] = r
	}
	return m
}

// split: cells a person changed or confirmed; cells with findings still open.
func split(b *submission.Batch) (changes, open []submission.Cell) {
	for _, c := range b.Trail {
		if c.Edited || c.Confirmed {
			changes = append(changes, c)
		}
		if len(c.Findings) > 0 && (!c.Confirmed || c.Overridden) {
			open = append(open, c)
		}
	}
	return changes, open
}

func kinds(fs []string) string {
	var out []string
	for _, f := range fs {
		code, _, _ := strings.Cut(f, ": ")
		if k := check.KindLabel(code); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return strings.Join(out, "・")
}

func messages(fs []string) string {
	var out []string
	for _, f := range fs {
		_, msg, _ := strings.Cut(f, ": ")
		out = append(out, msg)
	}
	return strings.Join(out, "\n")
}

func confidence(c submission.Cell) any {
	if !c.HasConfidence {
		return nil
	}
	return c.Confidence / 100
}

func timeOrBlank(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Local()
}

// text keeps a value as text, and keeps a spreadsheet from running text
// that looks like a formula (=, +, -, @, tab, CR): a leading apostrophe,
// the usual guard, readable and never evaluated. Numbers are not touched:
// only text reaches here.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// counts by kind and by field, largest first.
type count struct {
	name string
	n    int
}

func tally(cells []submission.Cell, key func(c submission.Cell, finding string) string) []count {
	m := map[string]int{}
	for _, c := range cells {
		for _, f := range c.Findings {
			m[key(c, f)]++
		}
	}
	out := make([]count, 0, len(m))
	for k, n := range m {
		out = append(out, count{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n > out[j].n || out[i].n == out[j].n && out[i].name < out[j].name })
	return out
}

// ForApp is Write behind the application layer's report port
// (app.ReportWriter), so the GUI and the CLI hand it the same options.
func ForApp(path string, b *submission.Batch, f *form.Form, opt app.ReportOptions) error {
	return Write(path, b, f, Options{Password: opt.Password, Now: opt.Now, AuditHead: opt.Head.String()})
}
