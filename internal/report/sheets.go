package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/submission"
)

type styles struct {
	header, text, wrap, pct, datetime, title, key, left, top int
}

func newStyles(x *excelize.File) (*styles, error) {
	s := &styles{}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	dt := "yyyy/mm/dd hh:mm"
	specs := []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDE6F0"}, Pattern: 1}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.text, &excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top"}}}, // "@": stays text, keeps leading zeros
		{&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.pct, &excelize.Style{NumFmt: 9, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.datetime, &excelize.Style{CustomNumFmt: &dt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}}},
		{&s.key, &excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.left, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.top, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
	}
	for _, sp := range specs {
		id, err := x.NewStyle(sp.st)
		if err != nil {
			return nil, err
		}
		*sp.dst = id
	}
	return s, nil
}

// printSetup: A4 landscape, fit to page width, batch and page numbers.
func printSetup(x *excelize.File, sheet, batch string, now time.Time) error {
	a4, land, one, zero := 9, "landscape", 1, 0
	if err := x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &land, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	return x.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L健診OCR確認 修正レポート（" + sheet + "）&R" + batch,
		OddFooter: "&L印刷日 " + now.Local().Format("2006/01/02") + "&C&P / &N ページ&R確認者印　　　　　",
	})
}

type column struct {
	title string
	width float64
	style *int
}

// table writes a list sheet of n rows, made one at a time by row, with the
// streaming writer: layout, print titles, autofilter and frozen header go
// in first (after Flush they would make excelize re-read the whole sheet).
func table(x *excelize.File, st *styles, sheet, batch string, now time.Time, cols []column, n int, rowAt func(int) []any) error {
	if _, err := x.NewSheet(sheet); err != nil {
		return err
	}
	if err := printSetup(x, sheet, batch, now); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$1", sheet), Scope: sheet}); err != nil {
		return err
	}
	if err := x.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, max(n+1, 2)), nil); err != nil {
		return err
	}
	fit := true
	if err := x.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil { // AutoFilter resets it
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: st.header, Value: c.title}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for r := 0; r < n; r++ {
		row := rowAt(r)
		for i, v := range row {
			style := st.top // multi-line rows read best with every cell at the top
			if c := cols[i]; c.style != nil {
				style = *c.style
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		lines := 1
		for i, v := range row {
			if str, ok := v.(string); ok && cols[i].style == &st.wrap {
				lines = max(lines, wrappedLines(str, cols[i].width))
			}
		}
		opts := []excelize.RowOpts{}
		if lines > 1 { // spreadsheets do not grow streamed rows to fit wrapped text
			opts = append(opts, excelize.RowOpts{Height: 15 * float64(lines)})
		}
		if err := sw.SetRow(cell, cells, opts...); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func summary(x *excelize.File, st *styles, b *submission.Batch, f *form.Form, opt Options, changes, open []submission.Cell) error {
	const sh = SheetSummary
	if err := printSetup(x, sh, batchLabel(b), opt.Now); err != nil {
		return err
	}
	fit := true
	if err := x.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	cw := &cellWriter{x: x, sheet: sh}
	cw.colWidth("A", "A", 30)
	cw.colWidth("B", "B", 44)
	cw.colWidth("D", "D", 22)
	cw.colWidth("E", "E", 10)
	cw.colWidth("B", "B", 44)
	cw.set("A1", "修正レポート（"+f.Title+"）")
	cw.style("A1", "A1", st.title)
	overrides := 0
	for _, c := range b.Trail {
		if c.Overridden {
			overrides++
		}
	}
	findings := 0
	for _, c := range b.Trail {
		findings += len(c.Findings)
	}
	submitted := any("未送信（確認用の一覧）")
	if b.ID != 0 {
		submitted = b.SubmittedAt.Local()
	}
	ov := "なし"
	if b.Override != nil {
		ov = b.Override.Reason + "（" + b.Override.User + "）"
	}
	info := [][2]any{
		{"バッチ", batchLabel(b)}, {"帳票", f.ID + " " + f.Title}, {"元のファイル", text(b.File)}, {"ファイルのハッシュ (SHA-256)", b.FileHash},
		{"保健センター", fmt.Sprintf("%d %s", b.Centre, submission.CentreName(f, b.Centre))}, {"確認者", text(reviewers(b))}, {"承認者", orDash(text(approver(b)))},
		{"送信者", orDash(text(b.Submitter))}, {"送信日時", submitted}, {"印刷日", opt.Now.Local()},
		{"行数", len(b.Records)}, {"全セル数", len(b.Records) * len(f.Fields)}, {"確認したセル数", len(changes)}, {"指摘", findings},
		{"修正したセル", countIf(changes, func(c submission.Cell) bool { return c.Edited })},
		{"読み取りどおりと確認したセル", countIf(changes, func(c submission.Cell) bool { return c.Confirmed })},
		{"未解決・上書きの指摘があるセル", len(open)}, {"上書きで送信したセル", overrides}, {"上書きの理由", ov},
		{"操作記録の末尾（件数:ハッシュ）", orDash(opt.AuditHead)},
	}
	info = append(info, toolRows(b, f)...)
	for i, kv := range info {
		r := i + 3
		cw.set(fmt.Sprintf("A%d", r), kv[0])
		cw.style(fmt.Sprintf("A%d", r), fmt.Sprintf("A%d", r), st.key)
		cw.set(fmt.Sprintf("B%d", r), kv[1])
		style := st.left
		if _, ok := kv[1].(time.Time); ok {
			style = st.datetime
		}
		cw.style(fmt.Sprintf("B%d", r), fmt.Sprintf("B%d", r), style)
	}
	// findings by kind (A) and by field (D), with a chart of the latter
	byKind := tally(b.Trail, func(_ submission.Cell, f string) string {
		code, _, _ := strings.Cut(f, ": ")
		return check.KindLabel(code)
	})
	byField := tally(b.Trail, func(c submission.Cell, _ string) string {
		if fd := f.Field(c.Key); fd != nil {
			return fd.Label
		}
		return "（行全体）"
	})
	top := len(info) + 5
	cw.set(fmt.Sprintf("A%d", top), "指摘の種類")
	cw.set(fmt.Sprintf("B%d", top), "件数")
	cw.set(fmt.Sprintf("D%d", top), "項目")
	cw.set(fmt.Sprintf("E%d", top), "件数")
	cw.style(fmt.Sprintf("A%d", top), fmt.Sprintf("E%d", top), st.header)
	for i, c := range byKind {
		cw.set(fmt.Sprintf("A%d", top+1+i), c.name)
		cw.set(fmt.Sprintf("B%d", top+1+i), c.n)
	}
	for i, c := range byField {
		cw.set(fmt.Sprintf("D%d", top+1+i), c.name)
		cw.set(fmt.Sprintf("E%d", top+1+i), c.n)
	}
	if cw.err != nil {
		return cw.err
	}
	if n := min(len(byField), 15); n > 0 {
		rng := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh, col, top+1, col, top+n) }
		if err := x.AddChart(sh, "G3", &excelize.Chart{
			Type:      excelize.Bar,
			Series:    []excelize.ChartSeries{{Name: "指摘の件数", Categories: rng("D"), Values: rng("E")}},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "項目別の指摘件数"}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			Dimension: excelize.ChartDimension{Width: 520, Height: 360},
			// the category axis runs top-down so the largest count is on
			// top, as in the table; the value axis runs left to right;
			// labels in black, readable on a monochrome printout
			XAxis: excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
			YAxis: excelize.ChartAxis{Font: axisFont, MajorGridLines: true},
		}); err != nil {
			return err
		}
	}
	return nil
}

func countIf(cs []submission.Cell, pred func(submission.Cell) bool) int {
	n := 0
	for _, c := range cs {
		if pred(c) {
			n++
		}
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// wrappedLines estimates how many lines text takes in a column of the given
// width (in characters; a full-width character counts two).
func wrappedLines(text string, width float64) int {
	n := 0
	for _, line := range strings.Split(text, "\n") {
		w := 0.0
		for _, r := range line {
			if r < 0x1100 || (r >= 0xFF61 && r <= 0xFF9F) {
				w++
			} else {
				w += 2
			}
		}
		n += max(1, int(w/(width-1))+1)
	}
	return n
}

var axisFont = excelize.Font{Color: "000000", Size: 10}

// reviewers names who did the review: everyone who corrected or confirmed
// a cell, in order of appearance; the session's user when nobody did.
func reviewers(b *submission.Batch) string {
	var names []string
	for _, c := range b.Trail {
		for _, who := range []string{c.EditedBy, c.ConfirmedBy} {
			if who != "" && !slices.Contains(names, who) {
				names = append(names, who)
			}
		}
	}
	if len(names) == 0 {
		return b.Reviewer
	}
	return strings.Join(names, "、")
}

// approver is who approved sending with errors left (the override), or "".
func approver(b *submission.Batch) string {
	if b.Override == nil {
		return ""
	}
	return b.Override.User
}

// cellWriter writes the summary's cells and keeps the first error, so one
// check at the end covers them all.
type cellWriter struct {
	x     *excelize.File
	sheet string
	err   error
}

func (w *cellWriter) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *cellWriter) set(cell string, v any) { w.keep(w.x.SetCellValue(w.sheet, cell, v)) }

func (w *cellWriter) style(from, to string, id int) { w.keep(w.x.SetCellStyle(w.sheet, from, to, id)) }

func (w *cellWriter) colWidth(from, to string, width float64) {
	w.keep(w.x.SetColWidth(w.sheet, from, to, width))
}
