package ui

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/submission"
)

// menuItems lists every item of the main menu tree (submenus included),
// with its path for messages.
func menuItems(w *Workbench) map[string]*fyne.MenuItem {
	out := map[string]*fyne.MenuItem{}
	var walkMenu func(prefix string, items []*fyne.MenuItem)
	walkMenu = func(prefix string, items []*fyne.MenuItem) {
		for _, it := range items {
			if it.IsSeparator {
				continue
			}
			p := prefix + " > " + it.Label
			out[p] = it
			if it.ChildMenu != nil {
				walkMenu(p, it.ChildMenu.Items)
			}
		}
	}
	for _, m := range w.win.MainMenu().Items {
		walkMenu(m.Label, m.Items)
	}
	return out
}

// allText is every text drawn under o, widgets' insides included.
func allText(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		switch v := o.(type) {
		case *canvas.Text:
			b.WriteString(v.Text + "\n")
		case *widget.RichText:
			b.WriteString(v.String() + "\n")
		}
	})
	return b.String()
}

// cellState is every value and decision of a file, to compare.
func cellState(sh *sheet) string {
	var b strings.Builder
	for r := range sh.session.Len() {
		for f := range sh.fields() {
			b.WriteString(sh.session.Value(r, f))
			b.WriteByte(byte('0' + sh.session.CellStatus(r, f)))
		}
	}
	return b.String()
}

func dirList(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	_ = filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error {
		names = append(names, p)
		return nil
	})
	return strings.Join(names, "\n")
}

// TestLockedMeansLocked runs every menu item (and a drop) while the window
// is locked and before any login: nothing may happen — no cell changed,
// no file opened or written, no dialog shown, no audit entry but refusals.
// The same items unlocked do act (the test can fail).
func TestLockedMeansLocked(t *testing.T) {
	exam, _ := filepath.Abs(testdata("samples/m4-exam.csv"))
	survey, _ := filepath.Abs(testdata("samples/m4-survey.csv"))
	dir := t.TempDir()
	t.Chdir(dir) // a file written by mistake would land here
	w, st, _ := authBench(t)
	loginAs(t, w, "boss") // a supervisor may do everything but manage users
	if err := w.OpenPath(exam); err != nil {
		t.Fatal(err)
	}
	w.remember(survey) // a recent file to open from the menu
	sh := w.active()
	p := firstOpenWithValue(t, sh)
	sh.goTo(p.Row, p.Field)

	try := func(state string, ok func() bool) {
		t.Helper()
		before, files, sheets := cellState(sh), dirList(t, dir), len(w.sheets)
		nAudit := len(auditOf(t, st, audit.Filter{}))
		items := menuItems(w)
		if len(items) < 15 {
			t.Fatalf("only %d menu items", len(items))
		}
		for name, it := range items {
			if it.Action == nil {
				continue
			}
			if name == serverSettingsItem && state != "locked" {
				continue // not data, and a wrong address must be fixable before login
			}
			it.Action()
			if !ok() {
				t.Errorf("%s: %s took the window out of its state", state, name)
			}
			if o := w.win.Canvas().Overlays().Top(); o != nil {
				t.Errorf("%s: %s showed %s", state, name, allText(o))
				w.closeDialogs()
			}
		}
		w.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(survey)})
		if cellState(sh) != before {
			t.Errorf("%s: a cell changed", state)
		}
		if len(w.sheets) != sheets {
			t.Errorf("%s: a file was opened", state)
		}
		if got := dirList(t, dir); got != files {
			t.Errorf("%s: files written:\n%s", state, got)
		}
		for _, e := range auditOf(t, st, audit.Filter{})[nAudit:] {
			if e.Kind != audit.Denied {
				t.Errorf("%s: audit entry %s %s", state, e.Kind, e.Object)
			}
		}
	}

	w.lock()
	if !w.locked {
		t.Fatal("not locked")
	}
	try("locked", func() bool { return w.locked && w.win.Content() != w.main })
	if !strings.Contains(w.gateMsg.Text, "ロック") {
		t.Errorf("the lock screen does not say why: %q", w.gateMsg.Text)
	}

	fill(t, w, passwords["boss"])
	if w.locked {
		t.Fatal("unlock failed")
	}
	// unlocked, the same menu item does act
	before := cellState(sh)
	menuItems(w)["編集 > 読み取りどおりと確認（F6）"].Action()
	if cellState(sh) == before {
		t.Fatal("unlocked, 読み取りどおりと確認 changed nothing: the test cannot tell")
	}

	w.signOut()
	if w.user != nil || w.session != nil || len(w.sheets) != 0 || w.loginForm == nil {
		t.Fatal("logout left the session or files")
	}
	if w.userLabel.Text != "" {
		t.Errorf("user still shown: %q", w.userLabel.Text)
	}
	try("logged out", func() bool { return w.user == nil && w.win.Content() != w.main })
}

// TestMenuHooksAndKeys: the 編集 menu has 判読不能 (F7), 用紙全体 (F9) and
// the advance setting; ヘルプ shows the full key list; dialogs answer Enter
// and Esc.
func TestMenuHooksAndKeys(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam-images.csv", fyne.NewSize(1400, 860))
	items := menuItems(w)
	for _, name := range []string{"編集 > 判読不能（F7）", "編集 > 用紙全体（F9）", "編集 > 確定したら次の指摘へ進む", "ファイル > 画面をロック"} {
		if items[name] == nil {
			t.Errorf("menu item %s missing", name)
		}
	}
	// F7 from the menu blanks the cell with a reason
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.goTo(1, wf)
	items["編集 > 判読不能（F7）"].Action()
	if c, ok := sh.session.Confirmed(1, wf); !ok || sh.session.Value(1, wf) != "" {
		t.Errorf("判読不能 from the menu: value %q, confirmed %v %+v", sh.session.Value(1, wf), ok, c)
	}
	ov := w.win.Canvas().Overlays()
	items["編集 > 用紙全体（F9）"].Action()
	if ov.Top() == nil {
		t.Fatal("用紙全体 shows nothing")
	}
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ov.Top() != nil {
		t.Fatal("Esc does not close the sheet")
	}
	adv := w.advanceAfterDecision()
	items["編集 > 確定したら次の指摘へ進む"].Action()
	if w.advanceAfterDecision() == adv {
		t.Error("the advance item does not toggle the setting")
	}
	items["ヘルプ > キー操作"].Action()
	if ov.Top() == nil || !strings.Contains(allText(ov.Top()), "F7: 判読不能") {
		t.Fatal("ヘルプ does not show the full key list")
	}
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if ov.Top() != nil {
		t.Fatal("Enter does not close the help")
	}
}

var english = regexp.MustCompile(`Error|auth:|not allowed|\(Select one\)|Cancel|Confirm|Dismiss`)

// TestNoEnglishInDialogs: errors, refusals and the submit/export/report
// dialogs (and their selects) speak Japanese, and answer Enter/Esc.
func TestNoEnglishInDialogs(t *testing.T) {
	w, _, _ := authBench(t)
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	ov := w.win.Canvas().Overlays()
	text := func() string {
		t.Helper()
		if ov.Top() == nil {
			t.Fatal("no dialog")
		}
		return allText(ov.Top())
	}
	w.showError("保存できません", errors.Join(auth.ErrDenied, errors.New("no such file or directory")))
	if got := text(); english.MatchString(got) || !strings.Contains(got, "エラー") {
		t.Errorf("error dialog: %q", got)
	}
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ov.Top() != nil {
		t.Fatal("Esc does not close the error")
	}
	for name, open := range map[string]func(){"送信": w.submit, "取り込みファイル出力": w.showExport, "修正レポート出力": w.report} {
		open()
		if got := text(); english.MatchString(got) {
			t.Errorf("%s: English on screen: %q", name, got)
		}
		w.win.Canvas().Unfocus()
		w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if ov.Top() != nil {
			t.Errorf("%s: Esc does not close it", name)
			w.closeDialogs()
		}
	}
	// a clerk refused the import file: the refusal is Japanese too
	w.signOut()
	loginAs(t, w, "clerk1")
	menuItems(w)["ファイル > 取り込みファイル出力…"].Action()
	if got := text(); english.MatchString(got) || !strings.Contains(got, "権限") {
		t.Errorf("refusal: %q", got)
	}
	if !strings.Contains(w.userLabel.Text, "clerk1") || !strings.Contains(w.userLabel.Text, "入力担当") {
		t.Errorf("status bar user %q", w.userLabel.Text)
	}
}

// focusSpy records FocusLost, which stops an Entry's cursor blink.
type focusSpy struct {
	widget.Entry
	lost int
}

func (f *focusSpy) FocusLost() { f.lost++; f.Entry.FocusLost() }

// TestSetContentLetsFocusGo: replacing the screen ends the focused
// entry's focus (Fyne would keep its blink animation running: idle CPU).
func TestSetContentLetsFocusGo(t *testing.T) {
	w, _ := newTestBench(t, nil)
	e := &focusSpy{}
	e.ExtendBaseWidget(e)
	w.setContent(e)
	w.focus(e)
	w.setContent(widget.NewLabel("次の画面"))
	if e.lost != 1 {
		t.Fatalf("FocusLost called %d times", e.lost)
	}
	// and nothing in the package swaps the content around setContent
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "w.win.SetContent("); n > 0 && f != "app.go" || n > 1 {
			t.Errorf("%s calls w.win.SetContent directly %d times", f, n)
		}
	}
}

// TestSupervisorSeesRemainingErrors: the submit dialog lists the errors
// left (row, field, message) and choosing one jumps to it; after a submit
// the report button prints the submitted batch.
func TestSupervisorSeesRemainingErrors(t *testing.T) {
	w, _, _ := authBench(t)
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	errs := remainingErrors(sh)
	if len(errs) == 0 {
		t.Skip("sample has no errors")
	}
	w.submit()
	if w.errorList == nil || w.errorList.Length() != len(errs) {
		t.Fatalf("the submit dialog lists %v errors, want %d", w.errorList, len(errs))
	}
	last := errs[len(errs)-1]
	if !strings.Contains(last.text, "件目") {
		t.Errorf("error line %q", last.text)
	}
	w.errorList.Select(len(errs) - 1)
	if w.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after a jump")
	}
	if r, f, _ := sh.pos(); r != last.row || f != max(last.field, 0) {
		t.Errorf("jumped to %d/%d, want %d/%d", r, f, last.row, last.field)
	}
}

// TestReportOfSubmittedBatch: after a submit closes the file, the report
// button prints the submitted batch from the central store.
func TestReportOfSubmittedBatch(t *testing.T) {
	w, _, _ := authBench(t)
	var printed []int64
	w.deps.App.Reports = func(_ string, b *submission.Batch, _ *form.Form, _ app.ReportOptions) error {
		printed = append(printed, b.ID)
		return nil
	}
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m18-dental-survey.csv")); err != nil {
		t.Fatal(err)
	}
	s := w.active().session
	fixture.Clean(t, s)
	w.active().changed()
	w.submit()
	if w.submitDlg == nil {
		t.Fatal("no submit dialog")
	}
	w.submitDlg.Confirm()
	if len(w.sheets) != 0 || w.lastBatch == 0 {
		t.Fatalf("submit did not go through: %d sheets, batch %d, %q", len(w.sheets), w.lastBatch, w.message.Text)
	}
	w.closeDialogs()
	if w.reportBtn.Disabled() {
		t.Fatal("the report button is disabled after the submit")
	}
	test.Tap(w.reportBtn)
	if top := w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(allText(top), "パスワード") {
		t.Fatal("the report button does nothing after the submit")
	}
	w.closeDialogs()
	src, name, ok := w.reportSource()
	if !ok || src.BatchID != w.lastBatch || src.Review != nil || !strings.Contains(name, "バッチ") {
		t.Fatalf("report source %+v %q", src, name)
	}
	if err := w.writeReport(src, filepath.Join(t.TempDir(), name), ""); err != nil {
		t.Fatal(err)
	}
	if len(printed) != 1 || printed[0] != w.lastBatch {
		t.Fatalf("printed %v, want batch %d", printed, w.lastBatch)
	}
}
