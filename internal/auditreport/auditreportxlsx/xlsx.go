// Package auditreportxlsx writes the monthly audit-log review
// (internal/auditreport) as an Excel workbook: apart, so that what builds
// it links no excelize.
package auditreportxlsx

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/audit"
	"kenshin/internal/auditreport"
	"kenshin/internal/safefile"
)

// Write saves the report as an xlsx file through safefile, A4 landscape,
// with a chart of logins by hour on the summary sheet.
func Write(path string, r *auditreport.Report, opt auditreport.WriteOptions) error {
	x, err := workbook(r, opt)
	if err != nil {
		return fmt.Errorf("auditreport: build workbook: %w", err)
	}
	defer func() { _ = x.Close() }() // in memory only: nothing to lose
	return safefile.Write(path, func(w io.Writer) error {
		_, err := x.WriteTo(w, excelize.Options{Password: opt.Password})
		return err
	})
}

func stamp(r *auditreport.Report, t time.Time) string {
	return t.In(r.Location).Format("2006-01-02 15:04:05")
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

func workbook(r *auditreport.Report, opt auditreport.WriteOptions) (*excelize.File, error) {
	x := excelize.NewFile()
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	if err := x.SetSheetName("Sheet1", auditreport.SheetSummary); err != nil {
		return nil, err
	}
	bulk := 0
	for _, e := range r.Exports {
		if e.Bulk {
			bulk++
		}
	}
	logins := 0
	for _, u := range r.Logins {
		logins += u.Total
	}
	failed := 0
	for _, f := range r.Failures {
		failed += f.N
	}
	summary := [][]any{
		{"操作記録の点検（月次）"},
		{"対象期間", stamp(r, r.From) + " 〜 " + stamp(r, r.To) + "（終わりを含まない）"},
		{"作成日時", stamp(r, opt.Now)},
		{"作成者", opt.By},
		{"操作記録の改ざん検査", r.Chain.Text()},
		{"記録の件数", r.Events},
		{"ログイン", logins},
		{"ログイン失敗", failed},
		{"アカウントのロック", len(r.Lockouts)},
		{"時間外の操作（平日 " + clock(r.WorkStart) + "〜" + clock(r.WorkEnd) + " 以外・土日）", len(r.OffHours)},
		{"出力（うち大量出力）", fmt.Sprintf("%d（%d）", len(r.Exports), bulk)},
		{"権限のない操作", len(r.Denied)},
		{"利用者の変更", len(r.UserChanges)},
		{},
		{"時", "ログイン数"},
	}
	for h := range 24 {
		summary = append(summary, []any{strconv.Itoa(h) + "時", r.LoginHours[h]})
	}
	if err := fill(x, auditreport.SheetSummary, summary, []float64{44, 60}); err != nil {
		return nil, err
	}
	if err := x.SetCellStyle(auditreport.SheetSummary, "A1", "A13", head); err != nil {
		return nil, err
	}
	if err := x.SetCellStyle(auditreport.SheetSummary, "A15", "B15", head); err != nil {
		return nil, err
	}
	if err := x.AddChart(auditreport.SheetSummary, "D15", &excelize.Chart{
		Type:      excelize.Col,
		Series:    []excelize.ChartSeries{{Name: "ログイン数", Categories: fmt.Sprintf("'%s'!$A$16:$A$39", auditreport.SheetSummary), Values: fmt.Sprintf("'%s'!$B$16:$B$39", auditreport.SheetSummary)}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "時間帯別のログイン数"}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320},
	}); err != nil {
		return nil, err
	}

	grid := [][]any{{"利用者"}}
	for h := range 24 {
		grid[0] = append(grid[0], strconv.Itoa(h))
	}
	grid[0] = append(grid[0], "計")
	for _, u := range r.Logins {
		row := []any{u.User}
		for _, n := range u.Hours {
			row = append(row, n)
		}
		grid = append(grid, append(row, u.Total))
	}
	widths := []float64{16}
	for range 25 {
		widths = append(widths, 4.5)
	}
	if err := sheet(x, auditreport.SheetLogins, grid, widths, head); err != nil {
		return nil, err
	}

	fails := [][]any{{"利用者", "失敗回数"}}
	for _, f := range r.Failures {
		fails = append(fails, []any{f.Name, f.N})
	}
	fails = append(fails, []any{}, []any{"ロックの記録"})
	fails = append(fails, events(r, r.Lockouts)...)
	if err := sheet(x, auditreport.SheetFailures, fails, eventWidths, head); err != nil {
		return nil, err
	}
	if err := sheet(x, auditreport.SheetOffHours, append([][]any{eventHead}, events(r, r.OffHours)...), eventWidths, head); err != nil {
		return nil, err
	}
	exports := [][]any{append(append([]any{}, eventHead...), "件数", "大量")}
	for _, e := range r.Exports {
		n := any(e.Records)
		if e.Records < 0 {
			n = "—"
		}
		mark := ""
		if e.Bulk {
			mark = "大量"
		}
		exports = append(exports, append(event(r, e.Event), n, mark))
	}
	if err := sheet(x, auditreport.SheetExports, exports, append(eventWidths, 8, 6), head); err != nil {
		return nil, err
	}
	if err := sheet(x, auditreport.SheetDenied, append([][]any{eventHead}, events(r, r.Denied)...), eventWidths, head); err != nil {
		return nil, err
	}
	if err := sheet(x, auditreport.SheetUsers, append([][]any{eventHead}, events(r, r.UserChanges)...), eventWidths, head); err != nil {
		return nil, err
	}
	return x, nil
}

var (
	eventHead   = []any{"番号", "日時", "利用者", "端末", "操作", "対象", "詳細"}
	eventWidths = []float64{8, 20, 14, 10, 20, 30, 40}
)

func event(r *auditreport.Report, e audit.Event) []any {
	return []any{e.Seq, stamp(r, e.At), e.User, e.Terminal, audit.Label(e.Kind), e.Object, e.Detail}
}

func events(r *auditreport.Report, es []audit.Event) [][]any {
	out := make([][]any, len(es))
	for i, e := range es {
		out[i] = event(r, e)
	}
	return out
}

// sheet adds a list sheet: bold first row, frozen under it.
func sheet(x *excelize.File, name string, data [][]any, widths []float64, head int) error {
	if _, err := x.NewSheet(name); err != nil {
		return err
	}
	if err := fill(x, name, data, widths); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(widths))
	if err := x.SetCellStyle(name, "A1", last+"1", head); err != nil {
		return err
	}
	return x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// fill writes rows, column widths and the print setup: A4 landscape, fit
// to the page width, header and page numbers.
func fill(x *excelize.File, name string, data [][]any, widths []float64) error {
	for i, row := range data {
		if err := x.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &row); err != nil {
			return err
		}
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(name, col, col, w); err != nil {
			return err
		}
	}
	a4, land, one, zero := 9, "landscape", 1, 0
	if err := x.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &land, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	return x.SetHeaderFooter(name, &excelize.HeaderFooterOptions{
		OddHeader: "&L健診OCR確認 操作記録の点検（" + name + "）",
		OddFooter: "&C&P / &N ページ&R点検者印　　　　　",
	})
}
