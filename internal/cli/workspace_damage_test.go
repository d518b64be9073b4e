package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/workspace"
)

// damageWorkspace leaves dir/ws.db as a working copy with edits, closed
// (a snapshot taken) and then truncated to 0 bytes.
func damageWorkspace(t *testing.T, dir, csv string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "ws.db")
	ws, err := workspace.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ocrcsv.ReadFile(csv, set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Resume(ctx, workspace.File{Hash: b.Hash, Path: b.File, Form: b.Form.ID, Rows: len(b.Rows)}, "clerk1"); err != nil {
		t.Fatal(err)
	}
	s, err := review.Open(b, review.Options{User: "clerk1", Journal: ws.Journal(b.Hash), Growth: set.Growth}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := b.Form.Field("weight").Index
	for i := range 5 {
		if err := s.Edit(ctx, i, h, "6.4"+string(rune('0'+i)), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedWorkingCopyRefused: a command that uses the working copy
// prints the Japanese damage message (with the snapshot to restore) and
// exits 2; the central store is left byte for byte as it was.
func TestDamagedWorkingCopyRefused(t *testing.T) {
	for _, cmd := range []string{"submit", "report"} {
		t.Run(cmd, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "central.db")
			setupUsers(t, dir, p)
			csv := testdata("samples", "m4-exam.csv")
			damageWorkspace(t, dir, csv)
			before := hashFile(t, p)
			args := map[string][]string{
				"submit": {"submit", "--store", p, "--as", "clerk1", "--centre", "1", csv},
				"report": {"report", "--store", p, "--as", "clerk1", "--out", filepath.Join(dir, "r.xlsx"), csv},
			}[cmd]
			code, _, stderr := runIn(t, dir, clerkPW, args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d: %s", code, ExitUsage, stderr)
			}
			for _, want := range []string{"作業データ", "記録では 5 件", "控え（修正 5 件）から戻せます"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("message lacks %q: %s", want, stderr)
				}
			}
			if hashFile(t, p) != before {
				t.Error("the central store changed")
			}
			if _, err := os.Stat(filepath.Join(dir, "r.xlsx")); err == nil {
				t.Error("a report was written")
			}
		})
	}
}
