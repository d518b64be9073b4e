package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"kenshin/internal/normalize"
	"kenshin/internal/review"
)

// openGroupOnWeight opens m4-exam with one 体重 of 65 among the 6.x and the
// group view on the 体重 column.
func openGroupOnWeight(t *testing.T, size fyne.Size) (*Workbench, *sheet, *clock, int) {
	t.Helper()
	w, sh, clk := openSample(t, "m4-exam.csv", size)
	wf := sh.session.Batch.Form.Field("weight").Index
	if err := sh.session.Edit(context.Background(), 7, wf, "65", ""); err != nil {
		t.Fatal(err)
	}
	sh.changed()
	sh.goTo(0, wf)
	w.showGroupView()
	if sh.group == nil {
		t.Fatal("no group view")
	}
	if got := w.Window().Canvas().Focused(); got != sh.group {
		t.Fatalf("focus on %T, want the group view", got)
	}
	return w, sh, clk, wf
}

func gkey(gv *groupView, name fyne.KeyName) { gv.TypedKey(&fyne.KeyEvent{Name: name}) }

// The list is sorted by value, 65 stands out, and the view opens on the
// cursor cell's value.
func TestGroupViewListsAndFlags(t *testing.T) {
	_, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
	gv := sh.group
	groups := gv.view.Groups
	if len(groups) < 5 {
		t.Fatalf("%d groups", len(groups))
	}
	if gv.view.Groups[gv.cur].Value != sh.session.Value(0, wf) {
		t.Errorf("opened on %q, want the cursor's value %q", gv.view.Groups[gv.cur].Value, sh.session.Value(0, wf))
	}
	var last *int
	for i := range groups {
		if groups[i].Value == "65" {
			last = &i
		}
		if i > 0 && groups[i].Numeric && groups[i-1].Numeric && groups[i].Number < groups[i-1].Number {
			t.Errorf("not sorted: %q after %q", groups[i].Value, groups[i-1].Value)
		}
	}
	if last == nil {
		t.Fatal("65 not listed")
	}
	g := groups[*last]
	if !g.Outlier() || g.Count != 1 || g.Rows[0] != 8 {
		t.Errorf("65: outlier %v count %d rows %v", g.Outlier(), g.Count, g.Rows)
	}
	if len(g.OutOfBand) != 1 {
		t.Errorf("65 outside the growth band in rows %v, want [8]", g.OutOfBand)
	}
	texts := gv.rowTexts(*last)
	if texts[0] != "▲" || !strings.Contains(texts[6], "離れています") || texts[7] != "8" {
		t.Errorf("65 shown as %q", texts)
	}
	// the note fits its column (it ran over the rows column: walkthrough 19)
	size := theme.TextSize()
	if w := fyne.MeasureText(texts[6], size, fyne.TextStyle{}).Width; w > groupColumns[6]-theme.Padding() {
		t.Errorf("備考 %q is %.0f px in a %.0f px column", texts[6], w, groupColumns[6])
	}
	// a typical 6.x value does not stand out
	if i := gv.startGroup(); groups[i].Outlier() && groups[i].Value != "65" {
		t.Errorf("ordinary value %q flagged", groups[i].Value)
	}
	if !strings.Contains(gv.title.Text, "体重") || !strings.Contains(gv.title.Text, "目立つ値") {
		t.Errorf("title %q", gv.title.Text)
	}
	// the drawn line of 65 has the warning fill
	r := newGroupRow().(*groupRow)
	gv.updateRow(*last, r)
	if !sameColor(r.bg.FillColor, colWarnBg) || r.cells[1].Text != "65" {
		t.Errorf("65 drawn with fill %v text %q", r.bg.FillColor, r.cells[1].Text)
	}
}

func TestGroupViewKeys(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []fyne.KeyName
		cur  func(n, start int) int
	}{
		{"Down", []fyne.KeyName{fyne.KeyHome, fyne.KeyDown, fyne.KeyDown}, func(n, _ int) int { return min(2, n-1) }},
		{"Up", []fyne.KeyName{fyne.KeyEnd, fyne.KeyUp}, func(n, _ int) int { return n - 2 }},
		{"Up at the top stays", []fyne.KeyName{fyne.KeyHome, fyne.KeyUp}, func(int, int) int { return 0 }},
		{"PageDown", []fyne.KeyName{fyne.KeyHome, fyne.KeyPageDown}, func(n, _ int) int { return min(groupPage, n-1) }},
		{"PageUp", []fyne.KeyName{fyne.KeyEnd, fyne.KeyPageUp}, func(n, _ int) int { return max(0, n-1-groupPage) }},
		{"PageDown at the end stays", []fyne.KeyName{fyne.KeyEnd, fyne.KeyPageDown}, func(n, _ int) int { return n - 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, sh, _, _ := openGroupOnWeight(t, fyne.NewSize(1400, 860))
			gv := sh.group
			start := gv.cur
			for _, k := range tc.keys {
				gkey(gv, k)
			}
			if want := tc.cur(len(gv.view.Groups), start); gv.cur != want {
				t.Errorf("cursor at %d, want %d", gv.cur, want)
			}
			if !strings.HasSuffix(gv.title.Text, "｜ "+strconv.Itoa(gv.cur+1)+" / "+strconv.Itoa(len(gv.view.Groups))) {
				t.Errorf("title %q does not follow the cursor", gv.title.Text)
			}
		})
	}
}

// Enter: to the group's first row in the table, view closed, keyboard on
// the table. F2: the same with the edit bar ready. Esc: closed, nothing
// moved.
func TestGroupViewEnterF2Esc(t *testing.T) {
	t.Run("Enter", func(t *testing.T) {
		w, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
		gv := sh.group
		gkey(gv, fyne.KeyEnd) // 65, the largest
		gkey(gv, fyne.KeyReturn)
		if r, f, _ := sh.pos(); r != 7 || f != wf {
			t.Errorf("cursor at %d/%d, want 7/%d", r, f, wf)
		}
		if sh.group != nil || gv.pop.Visible() {
			t.Error("the view stays open")
		}
		if got := w.Window().Canvas().Focused(); got != sh.grid {
			t.Errorf("focus on %T, want the table", got)
		}
	})
	t.Run("Enter lifts a filter that hides the row", func(t *testing.T) {
		_, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
		gv := sh.group
		gv.close()
		sh.onlyErrors.SetChecked(true)
		if len(sh.visible) == sh.session.Len() {
			t.Skip("the filter hides nothing")
		}
		hidden := -1
		for i := range sh.session.Len() {
			if !slices.Contains(sh.visible, i) {
				hidden = i
				break
			}
		}
		sh.wb.showGroupView()
		gv = sh.group
		for i, g := range gv.view.Groups {
			if g.Rows[0]-1 == hidden {
				gv.moveTo(i)
			}
		}
		if gv.view.Groups[gv.cur].Rows[0]-1 != hidden {
			t.Skip("the hidden row is not first of its group")
		}
		gkey(gv, fyne.KeyEnter)
		if r, f, _ := sh.pos(); r != hidden || f != wf || sh.onlyErrors.Checked {
			t.Errorf("cursor at %d/%d (errors only %v), want %d/%d with the filter lifted", r, f, sh.onlyErrors.Checked, hidden, wf)
		}
	})
	t.Run("F2", func(t *testing.T) {
		w, sh, clk, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
		gv := sh.group
		gkey(gv, fyne.KeyEnd)
		gkey(gv, fyne.KeyF2)
		if !sh.editing || sh.editRow != 7 || sh.editField != wf {
			t.Fatalf("editing %v at %d/%d, want the edit of 7/%d", sh.editing, sh.editRow, sh.editField, wf)
		}
		if got := w.Window().Canvas().Focused(); got != sh.editor {
			t.Fatalf("focus on %T, want the edit bar", got)
		}
		// the fix in place: type the right value and Enter
		sh.editor.SetText("")
		typeText(sh.editor, "6.5")
		clk.t = clk.t.Add(time.Second)
		sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if got := sh.session.Value(7, wf); got != "6.5" {
			t.Errorf("value %q after the fix, want 6.5", got)
		}
	})
	t.Run("Esc", func(t *testing.T) {
		w, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
		gv := sh.group
		gkey(gv, fyne.KeyEnd)
		gkey(gv, fyne.KeyEscape)
		if r, f, _ := sh.pos(); r != 0 || f != wf {
			t.Errorf("Esc moved the cursor to %d/%d", r, f)
		}
		if sh.group != nil || gv.pop.Visible() {
			t.Error("Esc leaves the view open")
		}
		if got := w.Window().Canvas().Focused(); got != sh.grid {
			t.Errorf("focus on %T, want the table", got)
		}
		if n := len(sh.session.Changes()); n != 1 { // the test's own edit to 65
			t.Errorf("%d changes, want none beyond the setup", n-1)
		}
	})
}

// Space and F6 confirm every cell of the group, each through the session's
// normal confirm: journaled, undoable one by one, shown as confirmed.
func TestGroupViewConfirmsGroup(t *testing.T) {
	for _, k := range []fyne.KeyName{fyne.KeySpace, fyne.KeyF6} {
		t.Run(string(k), func(t *testing.T) {
			w, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
			gv := sh.group
			// the biggest group of identical values
			big := 0
			for i, g := range gv.view.Groups {
				if g.Count > gv.view.Groups[big].Count {
					big = i
				}
			}
			gv.moveTo(big)
			g := gv.view.Groups[big]
			if g.Count < 2 {
				t.Skip("no group of two")
			}
			before := len(sh.session.Changes())
			gkey(gv, k)
			for _, r := range g.Rows {
				c, ok := sh.session.Confirmed(r-1, wf)
				if !ok || c.Reason != reasonMatchesPaper {
					t.Errorf("row %d not confirmed (%+v)", r, c)
				}
			}
			changes := sh.session.Changes()[before:]
			if len(changes) != g.Count {
				t.Errorf("%d changes journaled, want one confirm per cell (%d)", len(changes), g.Count)
			}
			for _, c := range changes {
				if c.Op != review.OpConfirm || c.Field != wf || c.User != "clerk1" {
					t.Errorf("change %+v", c)
				}
			}
			if gv.confirmed[gv.cur] != g.Count || gv.view.Groups[gv.cur].Value != g.Value {
				t.Errorf("after the confirm the cursor is on %q with %d confirmed", gv.view.Groups[gv.cur].Value, gv.confirmed[gv.cur])
			}
			if texts := gv.rowTexts(gv.cur); texts[5] != "✓ すべて" {
				t.Errorf("confirmed column %q", texts[5])
			}
			if !strings.Contains(w.message.Text, "件を確認しました") || gv.msg.Text != w.message.Text {
				t.Errorf("message %q, in the view %q", w.message.Text, gv.msg.Text)
			}
			// again: nothing new to record
			gkey(gv, k)
			if n := len(sh.session.Changes()) - before; n != g.Count {
				t.Errorf("a second confirm recorded %d more changes", n-g.Count)
			}
			if _, _, err := sh.session.Undo(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, ok := sh.session.Confirmed(g.Rows[len(g.Rows)-1]-1, wf); ok {
				t.Error("undo did not withdraw the last confirm")
			}
		})
	}
}

// ● (unread) is no value to confirm, in a group as in the table.
func TestGroupViewWillNotConfirmUnread(t *testing.T) {
	_, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
	sh.group.close()
	if err := sh.session.Edit(context.Background(), 3, wf, "6."+normalize.Unreadable, ""); err != nil {
		t.Fatal(err)
	}
	sh.goTo(3, wf)
	sh.wb.showGroupView()
	gv := sh.group
	if got := gv.view.Groups[gv.cur].Value; !strings.Contains(got, normalize.Unreadable) {
		t.Fatalf("opened on %q, want the cursor's ● value", got)
	}
	before := len(sh.session.Changes())
	gkey(gv, fyne.KeySpace)
	if _, ok := sh.session.Confirmed(3, wf); ok || len(sh.session.Changes()) != before {
		t.Error("a ● cell was confirmed")
	}
	if !strings.Contains(gv.msg.Text, "●") {
		t.Errorf("message %q", gv.msg.Text)
	}
}

// A code field without a growth reference groups its codes; nothing is
// out of a band it does not have.
func TestGroupViewCodeField(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1280, 800))
	sf := sh.session.Batch.Form.Field("sex").Index
	sh.goTo(0, sf)
	w.showGroupView()
	gv := sh.group
	n := 0
	for _, g := range gv.view.Groups {
		n += g.Count
		if len(g.OutOfBand) > 0 {
			t.Errorf("code %q out of a band", g.Value)
		}
	}
	if n != sh.session.Len() || len(gv.view.Groups) > 4 {
		t.Errorf("%d groups holding %d cells, want the few codes of %d rows", len(gv.view.Groups), n, sh.session.Len())
	}
	if !strings.Contains(gv.title.Text, "性別") {
		t.Errorf("title %q", gv.title.Text)
	}
}

// Item A: the group confirm follows the core. An error (65 kg: outside the
// hard limits) is not closed by 「用紙と一致」; the view says how many were
// left and why, and nothing is journaled for them.
func TestGroupViewLeavesErrorsOpen(t *testing.T) {
	_, sh, _, wf := openGroupOnWeight(t, fyne.NewSize(1400, 860))
	gv := sh.group
	at := -1
	for i, g := range gv.view.Groups {
		if g.Value == "65" {
			at = i
		}
	}
	if at < 0 {
		t.Fatal("no group of 65")
	}
	if !sh.session.HasOpenError(7, wf) {
		t.Fatal("65 kg should be an open error")
	}
	gv.moveTo(at)
	before := len(sh.session.Changes())
	gkey(gv, fyne.KeyF6)
	if _, ok := sh.session.Confirmed(7, wf); ok {
		t.Fatal("the group confirm closed an error with 用紙と一致")
	}
	if n := len(sh.session.Changes()) - before; n != 0 {
		t.Errorf("%d changes journaled for a refused confirm", n)
	}
	if msg := gv.msg.Text; !strings.Contains(msg, "エラーのある 1 件") || !strings.Contains(msg, "Shift+F6") {
		t.Errorf("message %q should say that the error was left and what to do", msg)
	}
}

// Item I: outside p3–p97 alone is not a misread (domain.md §5): such a
// group is not marked ▲ and its note, 参考, stands in the 備考 column, not
// among the rows.
func TestGroupViewGrowthBandIsOnlyANote(t *testing.T) {
	for _, v := range []string{"5.10", "5.00", "4.95", "7.95", "8.05"} {
		w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
		wf := sh.session.Batch.Form.Field("weight").Index
		if err := sh.session.Edit(context.Background(), 2, wf, v, ""); err != nil {
			t.Fatal(err)
		}
		sh.changed()
		sh.goTo(0, wf)
		w.showGroupView()
		gv := sh.group
		for i := range gv.view.Groups {
			g := &gv.view.Groups[i]
			texts := gv.rowTexts(i)
			if strings.Contains(texts[7], "p3") || strings.Contains(texts[7], "離れ") {
				t.Errorf("%q: a note among the rows: %q", g.Value, texts[7])
			}
			if g.Value != v || len(g.OutOfBand) == 0 || g.Far {
				continue
			}
			if texts[0] != "" {
				t.Errorf("%q only outside p3–p97 is marked %q", g.Value, texts[0])
			}
			if !strings.Contains(texts[6], "参考") || !strings.Contains(texts[6], "p3〜p97") {
				t.Errorf("%q: note %q", g.Value, texts[6])
			}
			return
		}
	}
	t.Fatal("no value only outside p3–p97 among the candidates")
}
