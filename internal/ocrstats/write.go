package ocrstats

import "time"

// Sheet names of the workbook.
const (
	SheetSummary   = "概要"
	SheetField     = "項目別"
	SheetForm      = "様式別"
	SheetCentre    = "センター別"
	SheetMonth     = "月別"
	SheetConfusion = "読み違い"
	SheetChart     = "グラフ"
)

// WriteOptions for the workbook writer (internal/ocrstats/ocrstatsxlsx).
type WriteOptions struct {
	Labels   map[string]string // field key → Japanese label; missing keys show as the key
	Period   string            // e.g. "2026-04〜2026-06", printed on the summary
	Now      time.Time
	Password string // non-empty: the file is encrypted
}

// Label is the Japanese label of a field key (the key when none is given).
func (o WriteOptions) Label(key string) string {
	if l, ok := o.Labels[key]; ok {
		return l
	}
	return key
}
