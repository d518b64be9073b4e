package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Items found in the new clerk's walkthrough (brief H2: B–P).

// K: 修正レポート出力 (menu and button) is disabled with no file open and
// nothing submitted, enabled once a file is open.
func TestReportNeedsAFile(t *testing.T) {
	w, _, _ := authBench(t)
	loginAs(t, w, "clerk1")
	item := menuItems(w)["ファイル > 修正レポート出力…"]
	if item == nil {
		t.Fatal("no 修正レポート出力 in the menu")
	}
	if !item.Disabled || !w.reportBtn.Disabled() {
		t.Fatalf("with no file open: menu disabled %v, button disabled %v; want both disabled", item.Disabled, w.reportBtn.Disabled())
	}
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	item = menuItems(w)["ファイル > 修正レポート出力…"]
	if item.Disabled || w.reportBtn.Disabled() {
		t.Fatalf("with a file open: menu disabled %v, button disabled %v", item.Disabled, w.reportBtn.Disabled())
	}
}

// M: a menu item shows its shortcut once, from the shortcut, never also in
// its label.
func TestMenuLabelsDoNotRepeatShortcuts(t *testing.T) {
	w, _, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	for name, it := range menuItems(w) {
		if it.Shortcut == nil {
			continue
		}
		for _, k := range []string{"Ctrl+", "Ctrl＋", "（Ctrl"} {
			if strings.Contains(it.Label, k) {
				t.Errorf("%s: the label repeats the shortcut", name)
			}
		}
	}
}

// G: the file dialogs' places read ホーム and コンピューター, not Home and
// Computer (Fyne writes those in English, outside its translations).
func TestFileDialogPlacesAreJapanese(t *testing.T) {
	for _, tc := range []struct {
		name string
		show func(w *Workbench)
	}{
		{"開く", func(w *Workbench) { w.showOpen() }},
		{"フォルダーを選ぶ", func(w *Workbench) {
			w.askSavePath("修正レポート", "r.xlsx", ".xlsx", func(string) {})
			for _, o := range test.LaidOutObjects(w.win.Canvas().Overlays().Top()) {
				if b, ok := o.(*widget.Button); ok && b.Text == "フォルダーを選ぶ…" {
					b.OnTapped()
					return
				}
			}
			t.Fatal("no フォルダーを選ぶ… button")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := newTestBench(t, nil)
			tc.show(w)
			top := w.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no dialog")
			}
			var texts []string
			for _, o := range test.LaidOutObjects(top) {
				switch v := o.(type) {
				case *widget.Label:
					texts = append(texts, v.Text)
				case *canvas.Text:
					texts = append(texts, v.Text)
				}
			}
			all := strings.Join(texts, "|")
			if !strings.Contains(all, "ホーム") {
				t.Errorf("no ホーム among the places: %s", all)
			}
			for _, en := range []string{"Home", "Computer", "Documents", "Downloads"} {
				if slices.Contains(texts, en) {
					t.Errorf("%q in English: %s", en, all)
				}
			}
		})
	}
}
