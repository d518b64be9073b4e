// Package ocrstatsxlsx writes the OCR error statistics (internal/ocrstats)
// as an Excel workbook: apart, so that what computes them links no excelize.
package ocrstatsxlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/ocrstats"
	"kenshin/internal/safefile"
)

// Write saves the statistics as an xlsx file through safefile: one sheet
// per breakdown, A4 landscape, and a chart sheet of the error rate by field.
func Write(path string, s *ocrstats.Stats, opt ocrstats.WriteOptions) error {
	x, err := build(s, opt)
	if err != nil {
		return fmt.Errorf("ocrstats: build workbook: %w", err)
	}
	defer func() { _ = x.Close() }() // in memory only: nothing to lose
	return safefile.Write(path, func(w io.Writer) error {
		_, err := x.WriteTo(w, excelize.Options{Password: opt.Password})
		return err
	})
}

func build(s *ocrstats.Stats, opt ocrstats.WriteOptions) (*excelize.File, error) {
	x := excelize.NewFile()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	pct, err := x.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.00")})
	if err != nil {
		return nil, err
	}
	if err := x.SetSheetName("Sheet1", ocrstats.SheetSummary); err != nil {
		return nil, err
	}
	total := ocrstats.Rate{Name: "全体", Cells: s.Cells, Errors: s.Errors}
	summary := [][]any{
		{"OCR 読み取り誤りの統計（委託先への報告用）"},
		{"対象期間", opt.Period},
		{"作成日時", opt.Now.Local().Format("2006-01-02 15:04")},
		{"セル数", s.Cells},
		{"修正されたセル（読み取り誤り）", s.Errors},
		{"誤り率 (%)", total.Percent()},
		{"空欄を補ったセル", s.Blanks},
		{"文字単位で比べられない書き直し", s.Rewrites},
		{"注", "識別子（様式 ID、項目、センター番号、月）のみを集計し、氏名・宛名番号は含みません。"},
	}
	if err := rows(x, ocrstats.SheetSummary, summary); err != nil {
		return nil, err
	}
	if err := x.SetCellStyle(ocrstats.SheetSummary, "A1", "A9", bold); err != nil {
		return nil, err
	}
	if err := x.SetCellStyle(ocrstats.SheetSummary, "B6", "B6", pct); err != nil {
		return nil, err
	}
	if err := x.SetColWidth(ocrstats.SheetSummary, "A", "A", 32); err != nil {
		return nil, err
	}
	if err := x.SetColWidth(ocrstats.SheetSummary, "B", "B", 60); err != nil {
		return nil, err
	}
	tables := []struct {
		sheet, what string
		rates       []ocrstats.Rate
		name        func(string) string
	}{
		{ocrstats.SheetField, "項目", s.ByField, opt.Label},
		{ocrstats.SheetForm, "様式", s.ByForm, nil},
		{ocrstats.SheetCentre, "保健センター", s.ByCentre, nil},
		{ocrstats.SheetMonth, "月", s.ByMonth, nil},
	}
	for _, t := range tables {
		data := [][]any{{t.what, "キー", "セル数", "誤り", "誤り率 (%)"}}
		for _, r := range t.rates {
			name := r.Name
			if t.name != nil {
				name = t.name(r.Name)
			}
			data = append(data, []any{name, r.Name, r.Cells, r.Errors, r.Percent()})
		}
		if err := table(x, t.sheet, data, []float64{20, 16, 10, 10, 12}, bold); err != nil {
			return nil, err
		}
		if len(t.rates) > 0 {
			if err := x.SetCellStyle(t.sheet, "E2", fmt.Sprintf("E%d", len(t.rates)+1), pct); err != nil {
				return nil, err
			}
		}
	}
	data := [][]any{{"項目", "キー", "読み取り", "正しくは", "件数"}}
	for _, c := range s.Confusions {
		data = append(data, []any{opt.Label(c.Key), c.Key, orMark(c.From, "（なし）"), orMark(c.To, "（なし）"), c.Count})
	}
	if err := table(x, ocrstats.SheetConfusion, data, []float64{20, 16, 12, 12, 10}, bold); err != nil {
		return nil, err
	}
	if n := min(len(s.ByField), 20); n > 0 {
		rng := func(col string) string { return fmt.Sprintf("'%s'!$%s$2:$%s$%d", ocrstats.SheetField, col, col, n+1) }
		chart := func() *excelize.Chart {
			return &excelize.Chart{
				Type:      excelize.Bar,
				Series:    []excelize.ChartSeries{{Name: "誤り率 (%)", Categories: rng("A"), Values: rng("E")}},
				Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "項目別の読み取り誤り率 (%)"}}},
				Legend:    excelize.ChartLegend{Position: "none"},
				YAxis:     excelize.ChartAxis{ReverseOrder: true},
				Dimension: excelize.ChartDimension{Width: 640, Height: 360},
			}
		}
		// The chart sheet is for the screen; excelize cannot set a chart
		// sheet's page layout, so the summary sheet (A4 landscape) carries
		// the same chart for printing.
		if err := x.AddChartSheet(ocrstats.SheetChart, chart()); err != nil {
			return nil, err
		}
		if err := x.AddChart(ocrstats.SheetSummary, "A11", chart()); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func ptr[T any](v T) *T { return &v }

func orMark(s, mark string) string {
	if s == "" {
		return mark
	}
	return s
}

func rows(x *excelize.File, sheet string, data [][]any) error {
	for i, r := range data {
		if err := x.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	return printSetup(x, sheet)
}

// table writes a list sheet with a bold header, column widths and print setup.
func table(x *excelize.File, sheet string, data [][]any, widths []float64, head int) error {
	if _, err := x.NewSheet(sheet); err != nil {
		return err
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(sheet, col, col, wd); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(widths))
	if err := x.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
		return err
	}
	if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return rows(x, sheet, data)
}

// printSetup: A4 landscape, fit to the page width.
func printSetup(x *excelize.File, sheet string) error {
	a4, land, one, zero := 9, "landscape", 1, 0
	if err := x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &land, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	return x.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L健診OCR確認 OCR 読み取り誤りの統計（" + sheet + "）",
		OddFooter: "&C&P / &N ページ",
	})
}
