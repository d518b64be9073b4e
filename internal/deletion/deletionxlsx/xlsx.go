// Package deletionxlsx writes a deletion record (internal/deletion) as an
// Excel workbook: apart, so that what hashes and checks records links no
// excelize.
package deletionxlsx

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/deletion"
	"kenshin/internal/safefile"
)

// Write saves the record as an xlsx file through safefile; a non-empty
// password encrypts it. The record is checked first: an incomplete record
// is not a record.
func Write(path string, r *deletion.Record, password string) error {
	if err := r.Validate(); err != nil {
		return err
	}
	x, err := build(r)
	if err != nil {
		return fmt.Errorf("deletion: build record: %w", err)
	}
	defer func() { _ = x.Close() }() // in memory only: nothing to lose
	return safefile.Write(path, func(w io.Writer) error {
		_, err := x.WriteTo(w, excelize.Options{Password: password})
		return err
	})
}

func build(r *deletion.Record) (*excelize.File, error) {
	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", deletion.Sheet); err != nil {
		return nil, err
	}
	a4, land, one, zero := 9, "landscape", 1, 0
	if err := x.SetPageLayout(deletion.Sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &land, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return nil, err
	}
	if err := x.SetHeaderFooter(deletion.Sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L健診OCR確認 データ削除記録",
		OddFooter: "&L作成 " + r.At.Local().Format("2006/01/02 15:04") + "&C&P / &N ページ&R確認者印　　　　　",
	}); err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	records, cells := r.Totals()
	head := [][2]any{
		{"削除の種類", deletion.Label(r.Reason)},
		{"削除の条件", r.Criterion},
		{"削除日時", r.At.Local().Format("2006-01-02 15:04:05")},
		{"実施者", r.By},
		{"端末", r.Terminal},
		{"操作記録の先頭（番号:ハッシュ）", r.ChainHead},
		{"削除したバッチ数", len(r.Batches)},
		{"削除した受診者数", records},
		{"削除した修正履歴のセル数", cells},
		{"ハッシュの方式", "SHA-256（削除した行の正規化表現 " + deletion.Magic[:len(deletion.Magic)-1] + "）"},
	}
	for i, h := range head {
		if err := x.SetSheetRow(deletion.Sheet, fmt.Sprintf("A%d", i+1), &[]any{h[0], h[1]}); err != nil {
			return nil, err
		}
	}
	if err := x.SetCellStyle(deletion.Sheet, "A1", fmt.Sprintf("A%d", len(head)), bold); err != nil {
		return nil, err
	}
	top := len(head) + 2
	cols := []struct {
		title string
		width float64
	}{{"バッチ番号", 11}, {"バッチキー", 20}, {"ファイル", 28}, {"様式", 12}, {"保健センター", 12}, {"送信日時", 18}, {"取込済み日時", 18}, {"受診者数", 10}, {"修正履歴セル数", 14}, {"削除した行のハッシュ (SHA-256)", 70}}
	title := make([]any, len(cols))
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(deletion.Sheet, name, name, c.width); err != nil {
			return nil, err
		}
		title[i] = c.title
	}
	if err := x.SetSheetRow(deletion.Sheet, fmt.Sprintf("A%d", top), &title); err != nil {
		return nil, err
	}
	if err := x.SetCellStyle(deletion.Sheet, fmt.Sprintf("A%d", top), fmt.Sprintf("J%d", top), bold); err != nil {
		return nil, err
	}
	for i, b := range r.Batches {
		row := []any{b.ID, b.Key, b.File, b.Form, b.Centre, shown(b.SubmittedAt), shown(b.ImportedAt), b.Records, b.Cells, b.Hash}
		if b.ID == 0 {
			row[0] = "—"
		}
		if err := x.SetSheetRow(deletion.Sheet, fmt.Sprintf("A%d", top+1+i), &row); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func shown(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}
