// Package ui is the desktop workbench of Kenshin Review, built with Fyne on
// the domain core: open OCR CSV files, see every suspect cell, fix it from
// the keyboard. The fyne.App is created by the caller (package main), so the
// tests here run headless on Fyne's test driver.
package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
)

// AppTitle is the window title.
const AppTitle = "健診OCR確認 Kenshin Review"

// Deps are what the workbench needs from outside.
type Deps struct {
	Forms     *form.Set
	Workspace app.Workspace // nil: changes live in memory only
	User      string
	Now       func() time.Time
	// App is the application layer over the central store: login, opening
	// with the audit, submit, export and report all go through it. nil: no
	// login and no store (a demo, the widget tests); 送信 and the outputs
	// stay unavailable.
	App      *app.App
	IdleLock time.Duration // 0: never lock
}

// Workbench is the main window.
type Workbench struct {
	app    fyne.App
	win    fyne.Window
	deps   Deps
	sheets []*sheet
	tabs   *container.DocTabs
	center *fyne.Container

	counts    *widget.Label
	position  *widget.Label
	message   *widget.Label
	progress  *widget.ProgressBar
	submitBtn *widget.Button
	reportBtn *widget.Button

	main       fyne.CanvasObject // the workbench, hidden behind login and lock
	user       *auth.User
	session    *app.Session
	terminal   string
	locked     bool
	lastActive time.Time
	loginForm  *widget.Form // the login, setup or unlock form on screen

	formChoice       *widget.RadioGroup // the form chooser on screen, for tests
	formChoiceDialog *dialog.ConfirmDialog
}

// New builds the main window on fa.
func New(fa fyne.App, deps Deps) *Workbench {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.User == "" {
		deps.User = "unknown"
	}
	fa.Settings().SetTheme(newTheme())
	w := &Workbench{app: fa, deps: deps, win: fa.NewWindow(AppTitle), terminal: hostname()}
	w.counts = widget.NewLabel("")
	w.position = widget.NewLabel("")
	w.message = widget.NewLabel("")
	w.message.Truncation = fyne.TextTruncateEllipsis
	w.progress = widget.NewProgressBar()
	w.progress.TextFormatter = func() string { return fmt.Sprintf("完了 %.0f%%", w.progress.Value*100) }
	w.submitBtn = widget.NewButton("送信…", w.submit)
	w.reportBtn = widget.NewButton("修正レポート出力…", w.report)
	w.tabs = container.NewDocTabs()
	w.tabs.OnSelected = func(*container.TabItem) { w.activated() }
	w.tabs.CloseIntercept = func(t *container.TabItem) { w.closeTab(t) }
	welcome := widget.NewLabel("OCR の CSV ファイルを開いてください。\n\nファイル → 開く（Ctrl+O）、ウィンドウへのドラッグ＆ドロップ、または最近使ったファイルから。\n同じ健診の受診票とアンケートを一緒に開くと、宛名番号で突き合わせて確認します。")
	welcome.Alignment = fyne.TextAlignCenter
	w.center = container.NewStack(container.NewCenter(welcome))

	toolbar := container.NewHBox(widget.NewButton("開く…", w.showOpen), w.submitBtn, w.reportBtn, widget.NewSeparator(), legend())
	help := widget.NewLabel(keyHelp)
	help.Truncation = fyne.TextTruncateEllipsis
	status := container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(w.counts, w.position), container.NewGridWrap(fyne.NewSize(160, 30), w.progress), w.message),
		help,
	)
	w.main = container.NewBorder(toolbar, status, nil, nil, w.center)
	w.win.SetContent(w.main)
	w.win.SetOnClosed(w.logout)
	w.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		var paths []string
		for _, u := range uris {
			paths = append(paths, u.Path())
		}
		w.openAsync(paths)
	})
	w.buildMenu()
	w.win.Resize(fyne.NewSize(1400, 860))
	w.refreshStatus()
	return w
}

// UseApp connects the workbench to the application layer once the
// first-run setup has created the central store (before Start).
func (w *Workbench) UseApp(a *app.App, idleLock time.Duration) {
	w.deps.App, w.deps.IdleLock = a, idleLock
	w.buildMenu()
	w.refreshStatus()
}

// Window returns the main window.
func (w *Workbench) Window() fyne.Window { return w.win }

// Start asks for a login when there is a user store, then opens paths.
func (w *Workbench) Start(paths []string) {
	open := func() {
		for _, p := range paths {
			_ = w.OpenPath(p) // a failure is shown in its own dialog
		}
	}
	if w.deps.App == nil {
		open()
		return
	}
	if w.deps.IdleLock > 0 {
		w.watchIdle()
	}
	w.showLogin(open)
}

func (w *Workbench) now() time.Time { return w.deps.Now() }

func (w *Workbench) focus(o fyne.Focusable) { w.win.Canvas().Focus(o) }

func (w *Workbench) setMessage(s string) { w.message.SetText(s) }

func (w *Workbench) showError(what string, err error) {
	dialog.ShowError(fmt.Errorf("%s。\n%v", what, err), w.win)
}

// legend explains the cell colours and marks.
func legend() fyne.CanvasObject {
	box := container.NewHBox()
	for _, st := range legendOrder {
		l := looks[st]
		sw := canvas.NewRectangle(l.bg)
		sw.SetMinSize(fyne.NewSize(26, 22))
		mark := canvas.NewText(l.mark, l.fg)
		mark.TextStyle.Bold = true
		box.Add(container.NewHBox(container.NewStack(sw, container.NewCenter(mark)), widget.NewLabel(l.label)))
	}
	return box
}

// active returns the sheet of the selected tab.
func (w *Workbench) active() *sheet {
	i := w.tabs.SelectedIndex()
	if i < 0 || i >= len(w.sheets) {
		return nil
	}
	return w.sheets[i]
}

func (w *Workbench) withActive(f func(*sheet)) func() {
	return func() {
		w.touch()
		if sh := w.active(); sh != nil {
			f(sh)
		}
	}
}

func (w *Workbench) buildMenu() {
	recent := fyne.NewMenuItem("最近使ったファイル", nil)
	var items []*fyne.MenuItem
	for _, p := range w.recent() {
		items = append(items, fyne.NewMenuItem(p, func() { w.openAsync([]string{p}) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("（なし）", nil)
		none.Disabled = true
		items = append(items, none)
	}
	recent.ChildMenu = fyne.NewMenu("", items...)
	open := fyne.NewMenuItem("開く…", w.showOpen)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	undo := fyne.NewMenuItem("元に戻す", w.withActive((*sheet).undo))
	undo.Shortcut = &fyne.ShortcutUndo{}
	redo := fyne.NewMenuItem("やり直し", w.withActive((*sheet).redo))
	redo.Shortcut = &fyne.ShortcutRedo{}
	find := fyne.NewMenuItem("検索", w.withActive(func(sh *sheet) { w.focus(sh.search) }))
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	lock := fyne.NewMenuItem("画面をロック", w.lock)
	lock.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	menus := []*fyne.Menu{
		fyne.NewMenu("ファイル", open, recent, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("送信…", w.submit), fyne.NewMenuItem("修正レポート出力…", w.report),
			fyne.NewMenuItem("取り込みファイル出力…", w.showExport), fyne.NewMenuItemSeparator(), lock),
		fyne.NewMenu("編集", undo, redo, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("候補を採用（F4）", w.withActive((*sheet).acceptSuggestion)),
			fyne.NewMenuItem("読み取りどおりと確認（F6）", w.withActive(func(sh *sheet) { sh.confirm(reasonMatchesPaper) })),
			fyne.NewMenuItem("理由を付けて確認（Shift+F6）", w.withActive((*sheet).confirmWithReason)),
			fyne.NewMenuItem("確認を取り消す", w.withActive((*sheet).unconfirm)),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("次の指摘（F8）", w.withActive(func(sh *sheet) { sh.nextFinding(1) })),
			fyne.NewMenuItem("前の指摘（Shift+F8）", w.withActive(func(sh *sheet) { sh.nextFinding(-1) })),
			find),
		fyne.NewMenu("ヘルプ", fyne.NewMenuItem("キー操作", func() {
			dialog.ShowInformation("キー操作", keyHelpLong, w.win)
		})),
	}
	if w.deps.App != nil {
		menus = append(menus[:2], append([]*fyne.Menu{fyne.NewMenu("管理", fyne.NewMenuItem("利用者の管理…", w.manageUsers))}, menus[2:]...)...)
	}
	w.win.SetMainMenu(fyne.NewMainMenu(menus...))
}

const keyHelpLong = `←↑→↓・Tab・PageUp/PageDown・Home/End: セルの移動
Enter または F2: 編集を始める（文字を打つとそのまま入力）
編集中 Enter: 確定して下へ　Tab: 確定して右へ　Esc: 取り消し
Delete: 空欄にする（Enter で確定）
F8 / Shift+F8: 次 / 前の未解決の指摘へ
F4: 修正候補を採用
F6: 読み取りどおりと確認（用紙と一致）
Shift+F6: 理由を付けて確認（用紙でも判読不能 など）
Ctrl+Z / Ctrl+Y: 元に戻す / やり直し（何回でも）
Ctrl+F: 宛名番号・氏名カナで検索　Ctrl+O: ファイルを開く

修正はすべて端末内の作業データにすぐ保存されます。閉じても、同じファイルを開けば続きから再開します。`

const recentKey = "recentFiles"

func (w *Workbench) recent() []string { return w.app.Preferences().StringList(recentKey) }

func (w *Workbench) remember(path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	list := slices.DeleteFunc(w.recent(), func(p string) bool { return p == abs })
	list = append([]string{abs}, list...)
	if len(list) > 10 {
		list = list[:10]
	}
	w.app.Preferences().SetStringList(recentKey, list)
	w.buildMenu()
}

func (w *Workbench) showOpen() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close() // read-only
		w.openAsync([]string{r.URI().Path()})
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".CSV"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// loaded is a file read and its review opened, ready to show.
type loaded struct {
	path     string
	session  *review.Session
	curRow   int
	curField int
}

// load reads a CSV and opens its review, resuming saved work. It touches no
// widget, so it can run off the UI goroutine.
func (w *Workbench) load(path string) (*loaded, error) {
	return w.loadAs(path, "")
}

// loadAs is load with the form named (when the header fits several).
// With a store, opening goes through the application layer (capability,
// resume, audit); without one the file is reviewed in memory.
func (w *Workbench) loadAs(path, formID string) (*loaded, error) {
	ctx := context.Background()
	if w.deps.App != nil {
		rv, err := w.deps.App.OpenReview(ctx, w.session, w.deps.Workspace, path, formID)
		if err != nil {
			return nil, err
		}
		return &loaded{path: path, session: rv.Session, curRow: rv.CurRow, curField: rv.CurField}, nil
	}
	b, err := ocrcsv.ReadFile(path, w.deps.Forms, ocrcsv.Options{FormID: formID})
	if err != nil {
		return nil, err
	}
	l := &loaded{path: path}
	var saved []review.Change
	var journal review.Journal
	if ws := w.deps.Workspace; ws != nil {
		f, changes, err := ws.Resume(ctx, app.File{Hash: b.Hash, Path: path, Form: b.Form.ID, Rows: len(b.Rows)}, w.deps.User)
		if err != nil {
			return nil, err
		}
		saved, journal, l.curRow, l.curField = changes, ws.Journal(b.Hash), f.CurRow, f.CurField
	}
	l.session, err = review.Open(b, review.Options{User: w.deps.User, Journal: journal, Now: w.deps.Now, Growth: w.deps.Forms.Growth}, saved)
	if err != nil {
		return nil, fmt.Errorf("保存されていた作業を再現できません: %w", err)
	}
	return l, nil
}

// OpenPath opens a file and waits for it; a file that cannot be read gets
// a Japanese dialog naming file, line and problem, and the error is returned.
func (w *Workbench) OpenPath(path string) error {
	if !w.allow(auth.OpenFile) {
		return auth.Check(w.user, auth.OpenFile)
	}
	if w.selectOpen(path) {
		return nil
	}
	l, err := w.load(path)
	if err != nil {
		if !w.askForm(path, err) {
			w.showError("ファイルを開けません", err)
		}
		return err
	}
	w.add(l)
	return nil
}

// askForm lets the clerk choose the form when the header fits several of
// them; it reports whether it asked.
func (w *Workbench) askForm(path string, err error) bool {
	var oe *ocrcsv.Error
	if !errors.As(err, &oe) || len(oe.Forms) < 2 {
		return false
	}
	var labels []string
	for _, id := range oe.Forms {
		labels = append(labels, id+" "+w.deps.Forms.Form(id).Title)
	}
	sel := widget.NewRadioGroup(labels, nil)
	msg := widget.NewLabel(filepath.Base(path) + " の見出しは次の帳票のどれにも合います。帳票を選んでください。")
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("帳票を選ぶ", "開く", "やめる", container.NewVBox(msg, sel), func(ok bool) {
		if !ok || sel.Selected == "" {
			return
		}
		id := oe.Forms[slices.Index(labels, sel.Selected)]
		l, err := w.loadAs(path, id)
		if err != nil {
			w.showError("ファイルを開けません", err)
			return
		}
		w.add(l)
	}, w.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
	w.formChoice = sel
	w.formChoiceDialog = d
	return true
}

// openAsync opens files off the UI goroutine with a progress dialog: a
// 100,000-row file takes a second or two to read and check.
func (w *Workbench) openAsync(paths []string) {
	if !w.allow(auth.OpenFile) {
		return
	}
	var todo []string
	for _, p := range paths {
		if !w.selectOpen(p) {
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return
	}
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons("読み込み中", container.NewVBox(widget.NewLabel(filepath.Base(todo[0])+" を読み込んでいます…"), bar), w.win)
	d.Show()
	go func() {
		var done []*loaded
		var errs []error
		var failed []string
		for _, p := range todo {
			if l, err := w.load(p); err != nil {
				errs = append(errs, err)
				failed = append(failed, p)
			} else {
				done = append(done, l)
			}
		}
		fyne.Do(func() {
			d.Hide()
			for _, l := range done {
				w.add(l)
			}
			var rest []error
			for i, err := range errs {
				if !w.askForm(failed[i], err) {
					rest = append(rest, err)
				}
			}
			if len(rest) > 0 {
				w.showError("ファイルを開けません", errors.Join(rest...))
			}
		})
	}()
}

// selectOpen switches to a file that is already open (same content).
func (w *Workbench) selectOpen(path string) bool {
	abs, _ := filepath.Abs(path)
	for i, sh := range w.sheets {
		if a, _ := filepath.Abs(sh.path); a == abs {
			w.tabs.SelectIndex(i)
			return true
		}
	}
	return false
}

func (w *Workbench) add(l *loaded) {
	for i, sh := range w.sheets { // the same bytes under another name
		if sh.session.Batch.Hash == l.session.Batch.Hash {
			w.tabs.SelectIndex(i)
			return
		}
	}
	sh := newSheet(w, l.session, l.path, l.curRow, l.curField)
	w.sheets = append(w.sheets, sh)
	if len(w.sheets) == 1 {
		w.center.Objects = []fyne.CanvasObject{w.tabs}
		w.center.Refresh()
	}
	w.tabs.Append(container.NewTabItem(sh.title(), sh.content))
	w.tabs.SelectIndex(len(w.sheets) - 1)
	w.syncPartners(sh)
	w.remember(l.path)
	if len(l.session.Batch.Notes) > 0 {
		w.setMessage(l.session.Batch.Notes[0].Message)
	} else if len(l.session.Changes()) > 0 {
		w.setMessage(fmt.Sprintf("保存されていた作業（%d 件の操作）から再開しました", len(l.session.Changes())))
	}
	w.activated()
}

// closeTab closes a file. Nothing is asked: the work is saved and resumes
// when the file is opened again.
func (w *Workbench) closeTab(t *container.TabItem) {
	for i, it := range w.tabs.Items {
		if it == t {
			w.sheets = slices.Delete(w.sheets, i, i+1)
			w.tabs.Remove(t)
			break
		}
	}
	if len(w.sheets) > 0 {
		w.syncPartners(w.sheets[0])
	}
	w.activated()
}

func (w *Workbench) activated() {
	sh := w.active()
	if sh == nil {
		w.win.SetTitle(AppTitle)
		w.refreshStatus()
		return
	}
	w.win.SetTitle(AppTitle + " — " + filepath.Base(sh.path))
	w.refreshStatus()
	w.focus(sh.grid)
}

// syncPartners compares a changed file with the other form of its checkup
// when both are open.
func (w *Workbench) syncPartners(changed *sheet) {
	for _, o := range w.sheets {
		if o == changed || !o.session.Batch.Form.Partner(changed.session.Batch.Form) {
			continue
		}
		app.Pair(changed.session, o.session)
		o.grid.Refresh()
		changed.grid.Refresh()
	}
}

func (w *Workbench) saveCursor(sh *sheet, row, field int) {
	if w.deps.Workspace == nil {
		return
	}
	if err := w.deps.Workspace.SaveCursor(context.Background(), sh.session.Batch.Hash, row, field); err != nil {
		w.setMessage("作業位置を保存できません: " + err.Error())
	}
}

// refreshStatus shows the counts of the active file.
func (w *Workbench) refreshStatus() {
	sh := w.active()
	if sh == nil {
		w.counts.SetText("")
		w.position.SetText("")
		w.progress.SetValue(0)
		w.submitBtn.Disable()
		w.reportBtn.Disable()
		return
	}
	st := sh.session.Stats()
	w.counts.SetText(fmt.Sprintf("エラー %d　警告 %d　修正 %d　確認 %d　完了 %d / %d 行", st.Errors, st.Warnings, st.Corrected, st.Confirmed, st.RowsDone, st.Rows))
	pos := ""
	if row, field, ok := sh.pos(); ok {
		pos = fmt.Sprintf("｜ %d 件目「%s」", row+1, sh.fields()[field].Label)
	}
	if sh.findingPos != "" {
		pos += "｜ 指摘 " + sh.findingPos + " 件目"
	}
	w.position.SetText(pos)
	if st.Rows > 0 {
		w.progress.SetValue(float64(st.RowsDone) / float64(st.Rows))
	}
	if w.deps.App == nil || (st.Errors > 0 && !(w.user != nil && w.user.Can(auth.Override))) {
		w.submitBtn.Disable()
	} else {
		w.submitBtn.Enable()
	}
	if w.deps.App == nil {
		w.reportBtn.Disable()
	} else {
		w.reportBtn.Enable()
	}
}

func (w *Workbench) submit() {
	sh := w.active()
	if sh == nil {
		return
	}
	if w.deps.App == nil {
		dialog.ShowInformation("送信", "この端末には送信先が設定されていません。", w.win)
		return
	}
	if !w.allow(auth.Submit) {
		return
	}
	if st := sh.session.Stats(); st.Errors > 0 && !(w.user != nil && w.user.Can(auth.Override)) {
		dialog.ShowInformation("送信", fmt.Sprintf("エラーが %d 件残っています。修正するか、読み取りどおりと確認してから送信してください（確認者は理由を付けて送信できます）。", st.Errors), w.win)
		return
	}
	w.askSubmit(sh, func(msg string, err error) {
		if err != nil {
			w.showError("送信できませんでした", err)
			return
		}
		// the working copy is gone: close the file so nothing more is done to it
		for i, it := range w.tabs.Items {
			if i < len(w.sheets) && w.sheets[i] == sh {
				w.closeTab(it)
				break
			}
		}
		w.setMessage(msg)
		dialog.ShowInformation("送信しました", msg, w.win)
	})
}

func (w *Workbench) report() {
	sh := w.active()
	if sh == nil || w.deps.App == nil || !w.allow(auth.ExportReport) {
		return
	}
	w.showReportDialog(sh)
}
