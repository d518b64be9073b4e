package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/workspace"
)

// damagedCopy makes a working copy with edits, closes it (a snapshot is
// taken), truncates the database to 0 bytes and returns the path, the
// file record to resume and the edits made.
func damagedCopy(t *testing.T) (string, workspace.File, int) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := workspace.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := newTestBench(t, nil)
	b, err := ocrcsv.ReadFile(testdata("samples/m4-exam.csv"), w.deps.Forms, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := workspace.File{Hash: b.Hash, Path: b.File, Form: b.Form.ID, Rows: len(b.Rows)}
	if _, _, err := ws.Resume(ctx, f, "clerk1"); err != nil {
		t.Fatal(err)
	}
	s, err := review.Open(b, review.Options{User: "clerk1", Journal: ws.Journal(b.Hash), Growth: w.deps.Forms.Growth}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := b.Form.Field("weight").Index
	const edits = 7
	for i := range edits {
		if err := s.Edit(ctx, i, h, "6.5"+string(rune('0'+i)), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	return path, f, edits
}

// TestDamagedWorkingCopyAtStartUp: a working copy truncated to 0 bytes is
// noticed; the start-up window says so in Japanese and restores the
// newest snapshot (its time and change count on the button), or starts
// fresh, or quits.
func TestDamagedWorkingCopyAtStartUp(t *testing.T) {
	for _, choice := range []string{"restore", "fresh", "quit"} {
		t.Run(choice, func(t *testing.T) {
			ctx := context.Background()
			path, f, edits := damagedCopy(t)
			_, err := workspace.Open(ctx, path, nil)
			var d *workspace.DamageError
			if !errors.As(err, &d) {
				t.Fatalf("a truncated working copy opened: %v", err)
			}
			a := test.NewTempApp(t)
			a.Settings().SetTheme(Theme())
			var got *workspace.Store
			called := false
			p := AskDamage(a, path, d, nil, func(ws *workspace.Store, err error) {
				called, got = true, ws
				if err != nil {
					t.Error(err)
				}
			})
			text := strings.ReplaceAll(allText(p.Window.Content()), "\n", "") // the message wraps
			if !strings.Contains(text, "作業データ") || !strings.Contains(text, "記録では 7 件") {
				t.Errorf("message: %s", text)
			}
			if p.Restore == nil || !strings.Contains(p.Restore.Text, "控えから戻す") || !strings.Contains(p.Restore.Text, "修正 7 件") {
				t.Fatalf("restore button: %+v", p.Restore)
			}
			switch choice {
			case "restore":
				test.Tap(p.Restore)
			case "fresh":
				test.Tap(p.Fresh)
			case "quit":
				test.Tap(p.Quit)
			}
			if !called {
				t.Fatal("no answer")
			}
			if choice == "quit" {
				if got != nil {
					t.Fatal("quit returned a working copy")
				}
				return
			}
			if got == nil {
				t.Fatal("no working copy to go on with")
			}
			defer got.Close()
			_, saved, err := got.Resume(ctx, f, "clerk1")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"restore": edits, "fresh": 0}[choice]
			if len(saved) != want {
				t.Errorf("%s: %d changes, want %d", choice, len(saved), want)
			}
		})
	}
}

// TestStartUpFailureIsJapanese: the theme exported for package main is the
// workbench's (Japanese font), and a start-up failure is told in a
// Japanese dialog ("Error" nowhere) whose button quits.
func TestStartUpFailureIsJapanese(t *testing.T) {
	a := test.NewTempApp(t)
	if _, ok := Theme().(*jpTheme); !ok {
		t.Fatalf("Theme() is %T", Theme())
	}
	a.Settings().SetTheme(Theme())
	ShowFatal(a, "起動できません", "帳票定義を読み込めないため起動できません。\nforms: broken")
	ws := a.Driver().AllWindows()
	if len(ws) == 0 {
		t.Fatal("no window")
	}
	top := ws[len(ws)-1].Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	text := allText(top)
	if !strings.Contains(text, "起動できません") || !strings.Contains(text, "終了") || english.MatchString(text) {
		t.Errorf("dialog: %q", text)
	}
}
