// Package workbooks wires the Excel writers of the review tools into the
// application layer (app.Workbooks), the way internal/report's ForApp does
// for the correction report: the programs and the test fixture import it,
// internal/app does not, so the application layer links no excelize.
package workbooks

import (
	"kenshin/internal/app"
	"kenshin/internal/auditreport/auditreportxlsx"
	"kenshin/internal/deletion/deletionxlsx"
	"kenshin/internal/ocrstats/ocrstatsxlsx"
)

// ForApp is every writer.
func ForApp() app.Workbooks {
	return app.Workbooks{Stats: ocrstatsxlsx.Write, Audit: auditreportxlsx.Write, Deletion: deletionxlsx.Write}
}
