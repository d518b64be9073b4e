// Package ui is the desktop workbench of Kenshin Review, built with Fyne on
// the domain core: open OCR CSV files, see every suspect cell, fix it from
// the keyboard. The fyne.App is created by the caller (package main), so the
// tests here run headless on Fyne's test driver.
package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/form"
)

// AppTitle is the window title.
const AppTitle = "健診OCR確認 Kenshin Review"

// Deps are what the workbench needs from outside.
type Deps struct {
	Forms     *form.Set
	Workspace app.Workspace // the working copy, used through App; nil: changes live in memory only
	User      string
	Now       func() time.Time
	// App is the application layer over the central store: login, opening
	// with the audit, submit, export and report all go through it. nil: no
	// store yet (or none could be opened): every command is refused until
	// UseApp, unless Demo.
	App      *app.App
	IdleLock time.Duration // 0: never lock
	// Demo lets the workbench work without App (no login, no audit): for
	// the widget tests and a demo build only, never the desktop app.
	Demo bool
}

// Workbench is the main window.
type Workbench struct {
	app    fyne.App
	win    fyne.Window
	deps   Deps
	sheets []*sheet
	tabs   *container.DocTabs
	center *fyne.Container
	// welcome is shown in center while no file is open
	welcome fyne.CanvasObject

	counts    *widget.Label
	userLabel *widget.Label // who is logged in, always on screen
	position  *widget.Label
	message   *widget.Label
	progress  *widget.ProgressBar
	// the status line: a label's new text does not lay its parent out
	// again, so relayoutStatus does, or the message would stay where the
	// shorter texts left it, drawn over the counts
	statusLine *fyne.Container
	statusLeft *fyne.Container
	submitBtn  *widget.Button
	reportBtn  *widget.Button

	main       fyne.CanvasObject // the workbench, hidden behind login and lock
	user       *auth.User
	session    *app.Session
	terminal   string
	locked     bool
	lastActive time.Time
	loginForm  *widget.Form  // the login, setup or unlock form on screen
	gateMsg    *widget.Label // on the lock/login screen: why a command was refused

	lastBatch  int64        // the batch submitted last in this session: its report stays printable
	submitDlg  *keyDialog   // the submit dialog on screen, for tests
	exportSave *savePrompt  // the export's 保存先 dialog, for tests
	reportNoPw *keyDialog   // 「パスワードなしで保存しますか」, for tests
	exportDlg  *keyDialog   // the export dialog on screen, for tests
	errorList  *widget.List // its list of remaining errors, for tests

	outboxLabel   *widget.Label  // 「送信待ち N 件」 ("" none)
	outboxN       int            // batches waiting in the outbox
	auditN        int            // audit entries the shipper could not send yet
	retryStop     chan struct{}  // stops the 60 s retry; nil: no timer runs
	sending       bool           // a send of the outbox is under way
	runSync       bool           // tests: background work runs in place
	suspicionItem *fyne.MenuItem // 「疑わしい順に進む」: checked by the active file's F8 order
	submitItem    *fyne.MenuItem // 「送信…」 in the menu, enabled as submitBtn
	reportItem    *fyne.MenuItem // 「修正レポート出力…」 in the menu, enabled as reportBtn

	serverDlg        *serverSettings    // サーバーの設定 as last shown, for tests
	formChoice       *widget.RadioGroup // the form chooser on screen, for tests
	formChoiceDialog *keyDialog
}

// New builds the main window on fa.
func New(fa fyne.App, deps Deps) *Workbench {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.User == "" {
		deps.User = "unknown"
	}
	if _, ok := fa.Settings().Theme().(*jpTheme); !ok { // main sets it first (ui.Theme)
		fa.Settings().SetTheme(newTheme())
	}
	w := &Workbench{app: fa, deps: deps, win: fa.NewWindow(AppTitle), terminal: hostname()}
	w.counts = widget.NewLabel("")
	w.outboxLabel = widget.NewLabel("")
	w.outboxLabel.TextStyle.Bold = true
	w.outboxLabel.Hide()
	w.userLabel = widget.NewLabel("")
	w.userLabel.TextStyle.Bold = true
	w.gateMsg = widget.NewLabel("")
	w.position = widget.NewLabel("")
	w.message = widget.NewLabel("")
	w.message.Truncation = fyne.TextTruncateEllipsis
	w.progress = widget.NewProgressBar()
	w.progress.TextFormatter = func() string { return fmt.Sprintf("完了 %.0f%%", w.progress.Value*100) }
	w.submitBtn = widget.NewButton("送信…", w.guard(auth.Submit, w.submit))
	w.reportBtn = widget.NewButton("修正レポート出力…", w.guard(auth.ExportReport, w.report))
	w.tabs = container.NewDocTabs()
	w.tabs.OnSelected = func(*container.TabItem) { w.activated() }
	w.tabs.CloseIntercept = func(t *container.TabItem) { w.closeTab(t) }
	welcome := widget.NewLabel("OCR の CSV ファイルを開いてください。\n\nファイル → 開く（Ctrl+O）、ウィンドウへのドラッグ＆ドロップ、または最近使ったファイルから。\n同じ健診の受診票とアンケートを一緒に開くと、宛名番号で突き合わせて確認します。")
	welcome.Alignment = fyne.TextAlignCenter
	w.welcome = container.NewCenter(welcome)
	w.center = container.NewStack(w.welcome)

	toolbar := container.NewHBox(widget.NewButton("開く…", w.guard(auth.OpenFile, w.showOpen)), w.submitBtn, w.reportBtn, widget.NewSeparator(), legend())
	help := widget.NewLabel(keyHelp)
	help.Truncation = fyne.TextTruncateEllipsis
	w.statusLeft = container.NewHBox(w.userLabel, w.outboxLabel, w.counts, w.position)
	// the message has a row of its own: sharing one with the counts, the
	// only feedback a key gives was cut to a few characters at 1280 px
	w.statusLine = container.NewBorder(nil, nil, w.statusLeft, container.NewGridWrap(fyne.NewSize(160, 30), w.progress))
	status := container.NewVBox(w.statusLine, w.message, help)
	w.main = container.NewBorder(toolbar, status, nil, nil, w.center)
	w.setContent(w.main)
	w.win.SetOnClosed(w.logout)
	w.win.SetOnDropped(w.dropped)
	w.buildMenu()
	w.win.Resize(firstSize)
	// the screen is known once GLFW runs: fit the window to it then
	fa.Lifecycle().SetOnStarted(w.fitToScreen)
	w.refreshStatus()
	w.refreshOutbox()
	if startSmokeDump != nil {
		startSmokeDump(w)
	}
	return w
}

// startSmokeDump is set in the smoke build only (smokedump.go).
var startSmokeDump func(*Workbench)

// UseApp connects the workbench to the application layer once the
// first-run setup has created the central store (before Start).
func (w *Workbench) UseApp(a *app.App, idleLock time.Duration) {
	w.deps.App, w.deps.IdleLock = a, idleLock
	w.buildMenu()
	w.refreshStatus()
	w.refreshOutbox()
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

// relayoutStatus lays the status line out again after its texts changed.
func (w *Workbench) relayoutStatus() {
	if w.statusLine != nil {
		w.statusLine.Refresh()
	}
}

func (w *Workbench) showError(what string, err error) {
	w.showInfo("エラー", what+"。\n"+ErrorText(err))
}

// showInfo is a message with one button that Enter and Esc both close.
func (w *Workbench) showInfo(title, text string) {
	// the dialog is 460 wide: break the lines for it before it lays out
	showKeyDialog(w.win, title, "", "閉じる", wrapText(text, 420), nil, func(bool) {})
}

// setContent replaces the window's content. The focused widget is let go
// first: Fyne 2.7.1 swaps the focus manager without calling FocusLost, so
// a focused Entry would keep its cursor-blink animation (and the CPU)
// running forever behind the new screen.
func (w *Workbench) setContent(c fyne.CanvasObject) {
	w.win.Canvas().Unfocus()
	w.win.SetContent(c)
}

// dropped opens files dropped on the window, through the same gate as
// every menu item.
func (w *Workbench) dropped(_ fyne.Position, uris []fyne.URI) {
	if !w.allow(auth.OpenFile) {
		return
	}
	w.touch()
	var paths []string
	for _, u := range uris {
		paths = append(paths, u.Path())
	}
	w.openAsync(paths)
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

// withActive is a menu command on the active file; it edits data, so it
// passes the gate with EditCell.
func (w *Workbench) withActive(f func(*sheet)) func() {
	return w.guard(auth.EditCell, func() {
		if sh := w.active(); sh != nil {
			f(sh)
		}
	})
}

// guard is the one gate for every menu item, shortcut, toolbar button and
// drop: nothing runs while the window is locked or before a login, and a
// capability (a != "") is checked through the application layer.
func (w *Workbench) guard(a auth.Action, f func()) func() {
	return func() {
		if !w.allow(a) {
			return
		}
		w.touch()
		f()
	}
}
