package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/review"
	"kenshin/internal/submission"
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

// E, L: Enter works in the report's password dialog (first field → second
// → 保存先) and in the 保存先 dialog (saves); the dialog says the password
// is the Excel file's, not the login's.
func TestReportDialogAnswersEnter(t *testing.T) {
	w, _, _ := authBench(t)
	var wrote []string
	w.deps.App.Reports = func(path string, _ *submission.Batch, _ *form.Form, opt app.ReportOptions) error {
		wrote = append(wrote, path+"|"+opt.Password)
		return nil
	}
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	w.report()
	top := w.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(allText(top), "Excel") || !strings.Contains(allText(top), "ログインのパスワードではありません") {
		t.Fatalf("the password is not explained: %q", allText(top))
	}
	enter := func() {
		f := w.win.Canvas().Focused()
		if f == nil {
			t.Fatal("nothing focused")
		}
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	pw := w.win.Canvas().Focused()
	for _, r := range "secret-1" {
		pw.TypedRune(r)
	}
	enter()
	if w.win.Canvas().Focused() == pw {
		t.Fatal("Enter in the password field did not move on to the confirmation field")
	}
	for _, r := range "secret-1" {
		w.win.Canvas().Focused().TypedRune(r)
	}
	enter()
	top = w.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(allText(top), "保存するファイル") {
		t.Fatalf("Enter in the confirmation field did not go on to 保存先: %q", allText(top))
	}
	path, ok := w.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("focus in the 保存先 dialog: %T", w.win.Canvas().Focused())
	}
	path.SetText(filepath.Join(t.TempDir(), "r.xlsx"))
	enter()
	if len(wrote) != 1 || !strings.HasSuffix(wrote[0], "r.xlsx|secret-1") {
		t.Fatalf("Enter in 保存先 wrote %v", wrote)
	}
}

// kinsokuProblems lists what under o wraps the Fyne way (breaks Japanese
// anywhere, 「、」 at a line start) or starts a line with a character that
// may not begin one.
func kinsokuProblems(o fyne.CanvasObject) []string {
	var out []string
	walk(o, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		switch v := o.(type) {
		case *widget.Label:
			if v.Wrapping != fyne.TextWrapOff {
				out = append(out, "Fyne word wrap: "+v.Text)
			}
		case *jpText:
			for _, line := range strings.Split(v.label.Text, "\n") {
				if r := []rune(line); len(r) > 0 && strings.ContainsRune(noStart, r[0]) {
					out = append(out, "line starts with "+string(r[0])+": "+line)
				}
			}
		}
	})
	return out
}

// H, L: the lock screen breaks lines the Japanese way and names nobody,
// not even after a wrong password.
func TestLockScreenWrapsAndNamesNobody(t *testing.T) {
	w, _, _ := authBench(t)
	loginAs(t, w, "clerk1")
	w.Window().Resize(fyne.NewSize(1280, 800))
	w.lock()
	pw, ok := w.win.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("focus on the lock screen: %T", w.win.Canvas().Focused())
	}
	for _, r := range "wrong-password" {
		pw.TypedRune(r)
	}
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	content := w.win.Content()
	text := allText(content)
	if strings.Contains(text, "clerk1") {
		t.Errorf("the lock screen names the user: %q", text)
	}
	if !strings.Contains(text, "パスワードが違います") || strings.Contains(text, "利用者名") {
		t.Errorf("wrong password message: %q", text)
	}
	for _, p := range kinsokuProblems(content) {
		t.Error(p)
	}
}

// H: messages in dialogs (「送信しました」, 「権限がありません」 …) break lines
// the Japanese way.
func TestInfoDialogsWrapTheJapaneseWay(t *testing.T) {
	w, _ := newTestBench(t, nil)
	w.showInfo("送信しました", "送信しました（バッチ番号 12: 登録 150 件、スキップ 0 件、置き換え 0 件）。取り込みファイルは「ファイル」→「取り込みファイル出力」で、修正レポートは「修正レポート出力」で書き出せます。")
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	for _, p := range kinsokuProblems(top) {
		t.Error(p)
	}
	w.showInfo("権限がありません", ErrorText(auth.Check(nil, auth.ExportReport)))
	for _, p := range kinsokuProblems(w.win.Canvas().Overlays().Top()) {
		t.Error(p)
	}
}

// B: after 利用者の切り替え and opening a file, the message never sits on
// the counts: it has its own row, below them, as wide as the window (at
// 1280 px, sharing a row cut it to a few characters: walkthrough 8).
func TestStatusLineNeverOverdraws(t *testing.T) {
	w, _, _ := authBench(t)
	w.Window().Resize(fyne.NewSize(1280, 800))
	loginAs(t, w, "clerk1")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	w.signOut() // 利用者の切り替え: the files close, the counts empty
	loginAs(t, w, "boss")
	// the file as 最近使ったファイル opens it, but in place: the menu's
	// background load would race with the test's reads
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	if w.message.Text == "" || w.counts.Text == "" {
		t.Fatalf("fixture: message %q counts %q", w.message.Text, w.counts.Text)
	}
	// what the counts need, not the size they were last given
	below := w.statusLine.Position().Y + w.statusLine.MinSize().Height
	if w.message.Position().Y < below {
		t.Errorf("the message starts at y=%.0f, inside the counts' row (which ends at y=%.0f)", w.message.Position().Y, below)
	}
	if got, want := w.message.Size().Width, w.win.Canvas().Size().Width-2*theme.Padding(); got < want-40 {
		t.Errorf("the message is %.0f px wide in a %.0f px window", got, w.win.Canvas().Size().Width)
	}
}

// C: Ctrl+F with no hits, Enter: the keyboard is on the table (which says
// why it is empty), and Esc there clears the search and shows every row.
func TestSearchWithoutHitsKeepsTheKeyboard(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	all := len(sh.visible)
	w.focus(sh.search)
	for _, r := range "ZZZ999" {
		sh.search.TypedRune(r)
	}
	if len(sh.visible) != 0 {
		t.Fatalf("fixture: %d rows match ZZZ999", len(sh.visible))
	}
	sh.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := w.win.Canvas().Focused(); got != sh.grid {
		t.Fatalf("focus after Enter with no hits: %T, want the table", got)
	}
	if !strings.Contains(w.message.Text, "Esc") {
		t.Errorf("message %q should say that nothing matched and Esc clears the search", w.message.Text)
	}
	if len(sh.actions.Objects) != 0 {
		t.Error("decision buttons shown with no cell")
	}
	key(sh.grid, fyne.KeyEscape)
	if sh.search.Text != "" || len(sh.visible) != all {
		t.Fatalf("Esc in the table: search %q, %d of %d rows shown", sh.search.Text, len(sh.visible), all)
	}
	if got := w.win.Canvas().Focused(); got != sh.grid {
		t.Errorf("focus after Esc: %T, want the table", got)
	}
}

// F: the reason is chosen from the keyboard: ↓ and Space step through the
// reasons, ↑ back; Space in a reason typed by hand is a space.
func TestReasonDialogChoosesFromTheKeyboard(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam.csv", fyne.NewSize(1400, 860))
	w.app.Preferences().SetBool(prefAdvance, false)
	p := firstOpenWithValue(t, sh)
	sh.goTo(p.Row, p.Field)
	shiftKey(sh.grid, fyne.KeyF6)
	in := sh.reasonIn
	if in == nil {
		t.Fatal("no reason dialog")
	}
	in.SetText(review.ReasonMatchesPaper)
	steps := []struct {
		key  fyne.KeyName
		rune rune
		want string
	}{
		{fyne.KeyDown, 0, review.ReasonUnreadable},
		{"", ' ', review.ReasonAskedWriter},
		{fyne.KeyDown, 0, review.ReasonMatchesPaper}, // wraps
		{fyne.KeyUp, 0, review.ReasonAskedWriter},
	}
	for i, s := range steps {
		if s.key != "" {
			in.TypedKey(&fyne.KeyEvent{Name: s.key})
		} else {
			in.TypedRune(s.rune)
		}
		if in.Text != s.want {
			t.Fatalf("step %d: reason %q, want %q", i, in.Text, s.want)
		}
	}
	in.SetText("保護者")
	in.TypedRune(' ')
	if in.Text != "保護者 " {
		t.Errorf("Space in a typed reason: %q", in.Text)
	}
}

// D: at 1280×800, a cell with its crop and two or more findings leaves
// every decision button (F6, F7, Shift+F6) whole on the screen.
func TestDecisionButtonsStayOnScreen(t *testing.T) {
	w, sh, _ := openSample(t, "m4-exam-images.csv", fyne.NewSize(1280, 800))
	s := sh.session
	var p review.Pos
	found := false
	for _, o := range s.OpenCells() {
		if o.Field >= 0 && s.Batch.Image(o.Row, o.Field) != "" && len(s.CellFindings(o.Row, o.Field))+len(s.CellFindings(o.Row, -1)) >= 2 {
			p, found = o, true
			break
		}
	}
	if !found {
		t.Fatal("no cell with a crop and two findings in the sample")
	}
	sh.goTo(p.Row, p.Field)
	w.Window().Content().Refresh()
	// visible means inside the window and, for a button in the scrolling
	// part of the pane, inside the scroll's viewport
	size := w.Window().Canvas().Size()
	var scrollTop, scrollBottom float32
	walk(w.Window().Canvas().Content(), fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		if o == sh.detailScroll {
			scrollTop, scrollBottom = at.Y, at.Y+sh.detailScroll.Size().Height
		}
	})
	inScroll := map[fyne.CanvasObject]bool{}
	walk(sh.detail, fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) { inScroll[o] = true })
	seen := 0
	walk(w.Window().Canvas().Content(), fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		b, ok := o.(*widget.Button)
		if !ok || !strings.Contains(b.Text, "(F6)") && !strings.Contains(b.Text, "(F7)") && !strings.Contains(b.Text, "(Shift+F6)") {
			return
		}
		seen++
		top, bottom := float32(0), size.Height
		if inScroll[b] {
			top, bottom = scrollTop, scrollBottom
		}
		if at.Y < top || at.Y+b.Size().Height > bottom || b.Size().Height < 10 {
			t.Errorf("%s at y=%.0f..%.0f, visible only in %.0f..%.0f", b.Text, at.Y, at.Y+b.Size().Height, top, bottom)
		}
	})
	if seen != 3 {
		t.Errorf("%d decision buttons on screen, want 3", seen)
	}
}

// J: the first window size fits the screen: 1400×860 where there is room,
// within a 1280×800 screen (title bar and taskbar left free) otherwise.
func TestFirstSizeFitsTheScreen(t *testing.T) {
	for _, tc := range []struct {
		screen, want fyne.Size
	}{
		{fyne.NewSize(1920, 1080), fyne.NewSize(1400, 860)},
		{fyne.NewSize(1600, 1000), fyne.NewSize(1400, 860)},
		{fyne.NewSize(1280, 800), fyne.NewSize(1264, 720)},
		{fyne.NewSize(1366, 768), fyne.NewSize(1350, 688)},
		{fyne.Size{}, fyne.NewSize(1400, 860)}, // unknown screen
	} {
		got := fitSize(firstSize, tc.screen)
		if got != tc.want {
			t.Errorf("screen %v: window %v, want %v", tc.screen, got, tc.want)
		}
		if tc.screen.Width > 0 && (got.Width > tc.screen.Width || got.Height > tc.screen.Height) {
			t.Errorf("screen %v: window %v is larger", tc.screen, got)
		}
	}
}

// P: 最近使ったファイル lists only files that are still there and are not
// temporary files (another session's or a test's, under os.TempDir).
func TestRecentFilesAreRealAndOwn(t *testing.T) {
	w, _ := newTestBench(t, nil)
	tmp := filepath.Join(t.TempDir(), "other-session.csv") // under os.TempDir
	if err := os.WriteFile(tmp, []byte("宛名番号\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	own, err := filepath.Abs(testdata("samples/m4-exam.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if isTemp(own) {
		t.Skip("the repository itself is under the temporary folder")
	}
	gone := filepath.Join(filepath.Dir(own), "removed-long-ago.csv")
	w.app.Preferences().SetStringList(recentKey, []string{tmp, gone, own})
	w.buildMenu()
	var listed []string
	for name := range menuItems(w) {
		if p, ok := strings.CutPrefix(name, "ファイル > 最近使ったファイル > "); ok {
			listed = append(listed, p)
		}
	}
	if len(listed) != 1 || listed[0] != filepath.FromSlash(own) {
		t.Errorf("最近使ったファイル lists %q, want only %q", listed, own)
	}
}

// O: reopening a file that was submitted tells the clerk when (and as
// which batch); a file never submitted says nothing of the kind.
func TestReopeningASubmittedFileSaysSo(t *testing.T) {
	w, _, _ := authBench(t)
	loginAs(t, w, "boss")
	path := testdata("samples/m18-dental-survey.csv")
	if err := w.OpenPath(path); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(w.message.Text, "送信済み") {
		t.Fatalf("a file never submitted: %q", w.message.Text)
	}
	fixture.Clean(t, w.active().session)
	w.active().changed()
	w.submit()
	if w.submitDlg == nil {
		t.Fatal("no submit dialog")
	}
	w.submitDlg.Confirm()
	if len(w.sheets) != 0 || w.lastBatch == 0 {
		t.Fatalf("submit did not go through: %q", w.message.Text)
	}
	w.closeDialogs()
	if err := w.OpenPath(path); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("このファイルは %s に送信済みです（バッチ %d", w.now().Local().Format("2006/01/02"), w.lastBatch)
	if !strings.Contains(w.message.Text, want) {
		t.Errorf("message %q, want %q", w.message.Text, want)
	}
	if top := w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(strings.ReplaceAll(allText(top), "\n", ""), "送信済みです") {
		t.Error("no notice dialog")
	}
}

// Walkthrough 22: a report without a password (names and 宛名番号 in the
// clear) is written only after the clerk says so; 戻る writes nothing.
func TestReportWithoutPasswordAsks(t *testing.T) {
	w, _, _ := authBench(t)
	var wrote []string
	w.deps.App.Reports = func(path string, _ *submission.Batch, _ *form.Form, opt app.ReportOptions) error {
		wrote = append(wrote, path+"|"+opt.Password)
		return nil
	}
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		goOn bool
	}{{"戻る", false}, {"パスワードなしで保存", true}} {
		w.closeDialogs()
		w.report()
		enter := func() { w.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
		enter() // empty password: first the question, then 保存先
		if w.reportNoPw == nil {
			t.Fatalf("%s: no question before an unencrypted report", tc.name)
		}
		if all := allText(w.win.Canvas().Overlays().Top()); !strings.Contains(all, "暗号化されずに") {
			t.Errorf("%s: the question does not say why: %s", tc.name, all)
		}
		if !tc.goOn {
			w.reportNoPw.Hide() // 戻る
			if len(wrote) != 0 {
				t.Fatalf("戻る wrote %v", wrote)
			}
			continue
		}
		w.reportNoPw.Confirm()
		path, ok := w.win.Canvas().Focused().(*widget.Entry)
		if !ok {
			t.Fatalf("after パスワードなしで保存: focus %T", w.win.Canvas().Focused())
		}
		path.SetText(filepath.Join(t.TempDir(), "plain.xlsx"))
		enter()
		if len(wrote) != 1 || !strings.HasSuffix(wrote[0], "plain.xlsx|") {
			t.Fatalf("wrote %v", wrote)
		}
	}
}
