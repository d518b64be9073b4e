package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/ocrcsv"
)

// Filter selects the records of an export.
type Filter struct {
	From, To string // ISO dates, inclusive; "" for open
	Centre   int    // 0 for all
	BatchID  int64  // 0 for all
}

func (f Filter) String() string {
	b, _ := json.Marshal(f)
	return string(b)
}

// ExportResult says what went into an import file.
type ExportResult struct {
	Records int
	Batches []int64
}

// BadCell is a value the import file's encoding cannot hold.
type BadCell struct {
	Atena  string
	Column string
	Char   string
}

// UnencodableError lists every cell CP932 cannot hold (〜 U+301C, − U+2212,
// 𠮷, emoji …), so they can be corrected instead of written as "?".
type UnencodableError struct{ Cells []BadCell }

func (e *UnencodableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CP932（Shift_JIS）で書けない文字が %d か所あります。修正するか UTF-8 で出力してください:", len(e.Cells))
	for i, c := range e.Cells {
		if i == 20 {
			fmt.Fprintf(&b, "\n  ほか %d か所", len(e.Cells)-20)
			break
		}
		fmt.Fprintf(&b, "\n  宛名番号 %s「%s」の「%s」(U+%04X)", c.Atena, c.Column, c.Char, []rune(c.Char)[0])
	}
	return b.String()
}

// Export writes the import file of one form: columns, date format and codes
// from the form's export section; encoding "cp932" (default) or "utf8";
// CRLF line ends. It does not mark anything: call MarkExported once the
// file is safely written.
func (s *Store) Export(ctx context.Context, f *form.Form, flt Filter, encoding string) ([]byte, ExportResult, error) {
	var res ExportResult
	q := `SELECT batch_id, atena, vals FROM records WHERE form = ? AND superseded_by IS NULL`
	args := []any{f.ID}
	if flt.From != "" {
		q += ` AND exam_date >= ?`
		args = append(args, flt.From)
	}
	if flt.To != "" {
		q += ` AND exam_date <= ?`
		args = append(args, flt.To)
	}
	if flt.Centre != 0 {
		q += ` AND centre = ?`
		args = append(args, flt.Centre)
	}
	if flt.BatchID != 0 {
		q += ` AND batch_id = ?`
		args = append(args, flt.BatchID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY exam_date, atena, id`, args...)
	if err != nil {
		return nil, res, s.db.Wrap("記録を読めません", err)
	}
	defer rows.Close()
	cols := f.Export.Columns
	var buf bytes.Buffer
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.Header
	}
	ocrcsv.AppendRecord(&buf, rec)
	colsOf := map[string][]int{} // a field may feed several columns
	for i, c := range cols {
		colsOf[c.Field] = append(colsOf[c.Field], i)
	}
	seen := map[int64]bool{}
	var bad []BadCell
	enc := japanese.ShiftJIS.NewEncoder()
	for rows.Next() {
		var batchID int64
		var atena, raw string
		if err := rows.Scan(&batchID, &atena, &raw); err != nil {
			return nil, res, s.db.Wrap("記録を読めません", err)
		}
		for i := range rec {
			rec[i] = ""
		}
		if err := decodeValues(raw, func(k, v string) {
			for _, i := range colsOf[k] {
				rec[i] = v
			}
		}); err != nil {
			return nil, res, fmt.Errorf("記録（宛名番号 %s）の値が壊れています: %w", atena, err)
		}
		for i, c := range cols {
			v := rec[i]
			if fd := f.Field(c.Field); fd.Type == form.TypeDate {
				v = formatDate(v, f.Export.DateFormat)
			}
			if m, ok := c.Codes[v]; ok {
				v = m
			}
			rec[i] = v
			if encoding != "utf8" {
				if _, err := enc.String(v); err != nil {
					for _, r := range v {
						if _, err := enc.String(string(r)); err != nil {
							bad = append(bad, BadCell{Atena: atena, Column: c.Header, Char: string(r)})
						}
					}
				}
			}
		}
		ocrcsv.AppendRecord(&buf, rec)
		res.Records++
		if !seen[batchID] {
			seen[batchID] = true
			res.Batches = append(res.Batches, batchID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, res, s.db.Wrap("記録を読めません", err)
	}
	if len(bad) > 0 {
		return nil, res, &UnencodableError{Cells: bad}
	}
	if encoding == "utf8" {
		return buf.Bytes(), res, nil
	}
	out, err := enc.Bytes(buf.Bytes())
	if err != nil {
		return nil, res, fmt.Errorf("CP932 に変換できません: %w", err)
	}
	return out, res, nil
}

// MarkExported records that an import file was written from these batches,
// when and by whom.
func (s *Store) MarkExported(ctx context.Context, f *form.Form, file, user string, flt Filter, res ExportResult) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.db.Wrap("出力の記録を始められません", err)
	}
	defer tx.Rollback()
	at := s.now().UTC().Format(time.RFC3339Nano)
	for _, id := range res.Batches {
		if _, err := tx.ExecContext(ctx, `UPDATE batches SET exported_at = ?, exported_by = ? WHERE id = ?`, at, user, id); err != nil {
			return s.db.Wrap("出力の記録に失敗しました", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO exports (form, file, exported_at, exported_by, filter, records) VALUES (?, ?, ?, ?, ?, ?)`,
		f.ID, file, at, user, flt.String(), res.Records); err != nil {
		return s.db.Wrap("出力の記録に失敗しました", err)
	}
	if err := tx.Commit(); err != nil {
		return s.db.Wrap("出力の記録に失敗しました", err)
	}
	return nil
}

func formatDate(iso, layout string) string {
	p := jpdate.Parse(iso, jpdate.EraNone)
	if p.Problem != jpdate.OK {
		return iso
	}
	d := p.Date
	switch layout {
	case "yyyy/mm/dd":
		return d.Slash()
	case "yyyy-mm-dd":
		return d.String()
	}
	return fmt.Sprintf("%04d%02d%02d", d.Y, d.M, d.D)
}
