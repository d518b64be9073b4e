package deletion_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/deletion"
	"kenshin/internal/deletion/deletionxlsx"
)

// The record's writer is tested here, beside the record, with the
// synthetic record of the tests (export_test.go).

// TestWriteRefusesInvalidRecords: an incomplete record is not a record.
func TestWriteRefusesInvalidRecords(t *testing.T) {
	for name, spoil := range map[string]func(*deletion.Record){
		"no reason":          func(r *deletion.Record) { r.Reason = "" },
		"nobody":             func(r *deletion.Record) { r.By = "" },
		"no time":            func(r *deletion.Record) { r.At = time.Time{} },
		"bad head":           func(r *deletion.Record) { r.ChainHead = "12" },
		"head 0":             func(r *deletion.Record) { r.ChainHead = "0:" + strings.Repeat("a", 64) },
		"batch without hash": func(r *deletion.Record) { r.Batches[1].Hash = "" },
	} {
		t.Run(name, func(t *testing.T) {
			r := deletion.RecordFor(t)
			spoil(r)
			if err := deletionxlsx.Write(filepath.Join(t.TempDir(), "d.xlsx"), r, ""); err == nil {
				t.Error("an invalid record was written")
			}
		})
	}
}

func TestWrite(t *testing.T) {
	r := deletion.RecordFor(t)
	for _, pw := range []string{"", "himitsu-2026"} {
		path := filepath.Join(t.TempDir(), "deleted.xlsx")
		if err := deletionxlsx.Write(path, r, pw); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("file mode %v, %v; want 0600", fi.Mode(), err)
		}
		if pw != "" {
			if _, err := excelize.OpenFile(path); err == nil {
				t.Error("the encrypted record opens without its password")
			}
		}
		x, err := excelize.OpenFile(path, excelize.Options{Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(deletion.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		_ = x.Close()
		get := func(label string) string {
			for _, row := range rows {
				if len(row) > 1 && row[0] == label {
					return row[1]
				}
			}
			return "(missing)"
		}
		if got := get("操作記録の先頭（番号:ハッシュ）"); got != r.ChainHead {
			t.Errorf("chain head %q, want %q", got, r.ChainHead)
		}
		if get("実施者") != "chief" || get("削除した受診者数") != "4" || get("削除した修正履歴のセル数") != "5" || get("削除したバッチ数") != "2" {
			t.Errorf("header rows: %q", rows[:10])
		}
		last := rows[len(rows)-1]
		if len(last) != 10 || last[0] != "9" || last[9] != deletion.Hash(deletion.Sample()[:1]) || last[7] != "1" {
			t.Errorf("last batch row %q", last)
		}
		pl, err := func() (excelize.PageLayoutOptions, error) {
			x, _ := excelize.OpenFile(path, excelize.Options{Password: pw})
			defer x.Close()
			return x.GetPageLayout(deletion.Sheet)
		}()
		if err != nil || *pl.Orientation != "landscape" || *pl.Size != 9 {
			t.Errorf("page layout %+v, %v", pl, err)
		}
	}
}

func TestWriteRefusesUnwritablePath(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := deletionxlsx.Write(filepath.Join(blocker, "d.xlsx"), deletion.RecordFor(t), "")
	if err == nil {
		t.Fatal("written under a file")
	}
}
