package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/audit"
	"kenshin/internal/safefile"
)

var auditHeader = []string{"番号", "日時", "利用者", "端末", "操作", "種類", "対象", "内容"}

func auditRow(e audit.Event) []string {
	return []string{fmt.Sprint(e.Seq), e.At.Local().Format("2006/01/02 15:04:05"), e.User, e.Terminal, audit.Label(e.Kind), e.Kind, e.Object, e.Detail}
}

// guardRow keeps a spreadsheet opening the CSV from running text that
// looks like a formula (=, +, -, @, tab, CR at the start), as the report
// does: a leading apostrophe, readable and never evaluated. The log's text
// fields hold names and terminals someone typed.
func guardRow(row []string) []string {
	out := make([]string, len(row))
	for i, s := range row {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			s = "'" + s
		}
		out[i] = s
	}
	return out
}

// writeAudit prints the log or writes it (through safefile: whole or
// absent, 0600) as CSV or xlsx.
func writeAudit(m *Main, events []audit.Event, format, out string) error {
	switch format {
	case "text":
		tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(auditHeader, "\t"))
		for _, e := range events {
			fmt.Fprintln(tw, strings.Join(auditRow(e), "\t"))
		}
		return tw.Flush()
	case "csv", "xlsx":
		if out == "" {
			return usagef("--out を指定してください")
		}
	default:
		return usagef("--format は text・csv・xlsx です")
	}
	if format == "csv" {
		return safefile.Write(out, func(w io.Writer) error {
			if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil { // Excel reads UTF-8 CSV with a BOM
				return err
			}
			cw := csv.NewWriter(w)
			cw.UseCRLF = true
			_ = cw.Write(auditHeader) // errors surface in cw.Error
			for _, e := range events {
				_ = cw.Write(guardRow(auditRow(e)))
			}
			cw.Flush()
			return cw.Error()
		})
	}
	x := excelize.NewFile()
	defer func() { _ = x.Close() }() // in memory only
	sh := "操作記録"
	if err := x.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	row := func(vals []string) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = v
		}
		return out
	}
	if err := sw.SetRow("A1", row(auditHeader)); err != nil {
		return err
	}
	for i, e := range events {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		r := row(auditRow(e))
		r[1] = e.At.Local()
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return safefile.Write(out, func(w io.Writer) error { _, err := x.WriteTo(w); return err })
}
