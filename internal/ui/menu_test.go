package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"kenshin/internal/form"
)

// TestGroupAndSuspicionMenu: 編集 offers 列ごとの一括確認 on Ctrl+G and a
// check item for 疑わしい順 whose mark follows the active file.
func TestGroupAndSuspicionMenu(t *testing.T) {
	w, exam, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	if err := w.OpenPath(testdata("samples/m4-survey.csv")); err != nil {
		t.Fatal(err)
	}
	survey := w.active()
	items := menuItems(w)
	group, order := items["編集 > 列ごとの一括確認"], items["編集 > 疑わしい順に進む"]
	if group == nil || order == nil {
		t.Fatalf("menu items missing: group %v, order %v", group != nil, order != nil)
	}
	sc, ok := group.Shortcut.(*desktop.CustomShortcut)
	if !ok || sc.KeyName != fyne.KeyG || sc.Modifier != fyne.KeyModifierShortcutDefault {
		t.Errorf("group view shortcut %#v, want Ctrl+G", group.Shortcut)
	}

	order.Action()
	if !survey.suspicionOrder() || exam.suspicionOrder() {
		t.Fatalf("toggle: survey %v exam %v, want only the active file on", survey.suspicionOrder(), exam.suspicionOrder())
	}
	if !order.Checked {
		t.Error("item not checked after switching 疑わしい順 on")
	}
	w.tabs.SelectIndex(0) // the exam file walks the table's order
	if w.active() != exam || order.Checked {
		t.Errorf("after the tab switch: checked %v, want false", order.Checked)
	}
	w.tabs.SelectIndex(1)
	if !order.Checked {
		t.Error("back on the survey: item not checked")
	}
	order.Action()
	if survey.suspicionOrder() || order.Checked {
		t.Error("second toggle did not switch it off")
	}

	ov := w.win.Canvas().Overlays()
	group.Action()
	if ov.Top() == nil || !strings.Contains(allText(ov.Top()), "同じ値をまとめて確認") {
		t.Fatal("列ごとの一括確認 from the menu shows nothing")
	}
}

// TestStatusCountsInfos: the counts line shows 参考 (info findings).
func TestStatusCountsInfos(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	want := fmt.Sprintf("参考 %d", sh.session.Stats().Infos)
	if got := w.counts.Text; !strings.Contains(got, want) {
		t.Errorf("counts %q, want %q in it", got, want)
	}
}

// TestNoStoreNoFiles: without the app layer (no store open yet, or it
// failed) and without the test-only Demo, no file is opened, dropped or
// shown: there would be no login and no audit.
func TestNoStoreNoFiles(t *testing.T) {
	a := test.NewTempApp(t)
	forms, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	w := New(a, Deps{Forms: forms})
	t.Cleanup(w.Window().Close)
	path, _ := filepath.Abs(testdata("samples/m4-exam.csv"))
	if err := w.OpenPath(path); err == nil {
		t.Error("OpenPath without a store succeeded")
	}
	w.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	w.remember(path)
	w.buildMenu()
	for name, it := range menuItems(w) {
		if name == serverSettingsItem {
			continue // not data: reachable without a store, to fix its address
		}
		if it.Action != nil {
			it.Action()
		}
		if o := w.win.Canvas().Overlays().Top(); o != nil {
			t.Errorf("%s showed %q without a store", name, allText(o))
		}
	}
	time.Sleep(100 * time.Millisecond) // openAsync loads in the background
	if len(w.sheets) != 0 {
		t.Errorf("%d files open without a store", len(w.sheets))
	}
	if w.gateMsg.Text == "" {
		t.Error("no reason given for the refusal")
	}
}
