package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
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
