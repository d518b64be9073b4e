package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
)

// TestRefusedExportKeepsFiles: an export the CP932 encoder refuses leaves
// an existing file byte for byte (after the overwrite question) and
// creates no file at a new path; the 保存先 dialog never empties a file.
func TestRefusedExportKeepsFiles(t *testing.T) {
	ctx := context.Background()
	w, _, _ := authBench(t)
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m18-dental-survey.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	s := sh.session
	f := s.Batch.Form
	kf := -1
	for i, fd := range f.Fields {
		if strings.Contains(fd.Key, "name") {
			kf = i
			break
		}
	}
	if kf < 0 {
		t.Fatal("no name field")
	}
	if err := s.Edit(ctx, 0, kf, "ダミー😀", "テスト"); err != nil { // no CP932 code for the emoji
		t.Fatal(err)
	}
	fixture.Clean(t, s)
	sh.changed()
	sub, err := w.deps.App.PrepareSubmit(ctx, w.session, s, app.SubmitRequest{Centre: 4})
	if err != nil {
		t.Fatal(err)
	}
	w.finishSubmit(ctx, sub, nil, func(_ string, _ bool, err error) {
		if err != nil {
			t.Fatal(err)
		}
	})
	dir := t.TempDir()
	existing := filepath.Join(dir, "earlier_import.csv")
	old := []byte("前回の取り込みファイル\r\n")
	if err := os.WriteFile(existing, old, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
	}{{"existing file", existing}, {"new file", filepath.Join(dir, "new_import.csv")}} {
		t.Run(tc.name, func(t *testing.T) {
			w.closeDialogs()
			w.showExport()
			sel := findSelect(w.win.Canvas().Overlays().Top())
			sel.SetSelected(f.ID + " " + f.Title)
			w.exportDlg.Confirm()
			if w.exportSave == nil {
				t.Fatal("no 保存先 dialog")
			}
			w.exportSave.path.SetText(tc.path)
			w.exportSave.overwrite = nil
			w.exportSave.k.Confirm()
			if tc.path == existing {
				if w.exportSave.overwrite == nil {
					t.Fatal("an existing file was not asked about")
				}
				w.exportSave.overwrite.Confirm()
			}
			top := w.win.Canvas().Overlays().Top()
			if top == nil || !strings.Contains(allText(top), "出力できませんでした") {
				t.Fatal("the export was not refused")
			}
			got, err := os.ReadFile(tc.path)
			if tc.path == existing && (err != nil || !bytes.Equal(got, old)) {
				t.Errorf("the earlier file changed: %q %v", got, err)
			}
			if tc.path != existing && err == nil {
				t.Errorf("a refused export left a file of %d bytes", len(got))
			}
			if names := dirList(t, dir); strings.Count(names, "\n") > 1 {
				t.Errorf("stray files: %s", names)
			}
		})
	}
}
