package auditreport

import "time"

// Sheet names of the workbook.
const (
	SheetSummary  = "概要"
	SheetLogins   = "ログイン"
	SheetFailures = "ログイン失敗"
	SheetOffHours = "時間外の操作"
	SheetExports  = "出力"
	SheetDenied   = "権限のない操作"
	SheetUsers    = "利用者の変更"
)

// WriteOptions for the workbook writer (internal/auditreport/auditreportxlsx).
type WriteOptions struct {
	Now      time.Time
	By       string // who made the report
	Password string // non-empty: the file is encrypted
}
