package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/ui/toolsui"
)

// buildMenu sets the menu bar (the 管理 menu only with a central store).
// Every item is built through guard (withActive is guard with EditCell):
// nothing runs while the window is locked or before a login.
func (w *Workbench) buildMenu() {
	recent := fyne.NewMenuItem("最近使ったファイル", nil)
	var items []*fyne.MenuItem
	for _, p := range w.recent() {
		items = append(items, fyne.NewMenuItem(filepath.FromSlash(p), w.guard(auth.OpenFile, func() { w.openAsync([]string{p}) })))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("（なし）", nil)
		none.Disabled = true
		items = append(items, none)
	}
	recent.ChildMenu = fyne.NewMenu("", items...)
	open := fyne.NewMenuItem("開く…", w.guard(auth.OpenFile, w.showOpen))
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	undo := fyne.NewMenuItem("元に戻す", w.withActive((*sheet).undo))
	undo.Shortcut = &fyne.ShortcutUndo{}
	redo := fyne.NewMenuItem("やり直し", w.withActive((*sheet).redo))
	redo.Shortcut = &fyne.ShortcutRedo{}
	find := fyne.NewMenuItem("検索", w.guard(auth.OpenFile, func() {
		if sh := w.active(); sh != nil {
			w.focus(sh.search)
		}
	}))
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	lock := fyne.NewMenuItem("画面をロック", w.guard("", w.lock))
	lock.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	// both hooks pass withActive's gate themselves
	// the shortcut is shown by the menu itself: not in the label too
	group := fyne.NewMenuItem("列ごとの一括確認", w.showGroupView)
	group.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyG, Modifier: fyne.KeyModifierShortcutDefault}
	w.suspicionItem = fyne.NewMenuItem("疑わしい順に進む", w.toggleSuspicionOrder)
	// enabled exactly when their toolbar buttons are (syncMenuState)
	w.submitItem = fyne.NewMenuItem("送信…", w.guard(auth.Submit, w.submit))
	w.reportItem = fyne.NewMenuItem("修正レポート出力…", w.guard(auth.ExportReport, w.report))
	advance := w.AdvanceMenuItem()
	advance.Action = w.guard("", advance.Action)
	file := []*fyne.MenuItem{open, recent, fyne.NewMenuItemSeparator(),
		w.submitItem, w.reportItem,
		fyne.NewMenuItem("取り込みファイル出力…", w.guard(auth.ExportImport, w.showExport)),
		fyne.NewMenuItemSeparator(), lock}
	if w.deps.App != nil {
		file = append(file[:4], append([]*fyne.MenuItem{fyne.NewMenuItem("送信待ちを送る", w.guard(auth.Submit, func() { w.sendOutbox(false) }))}, file[4:]...)...)
		file = append(file, fyne.NewMenuItem("利用者の切り替え…", w.guard("", w.signOut)), fyne.NewMenuItem("ログアウト", w.guard("", w.signOut)))
	}
	menus := []*fyne.Menu{
		fyne.NewMenu("ファイル", file...),
		fyne.NewMenu("編集", undo, redo, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("候補を採用（F4）", w.withActive((*sheet).acceptSuggestion)),
			fyne.NewMenuItem("読み取りどおりと確認（F6）", w.withActive(func(sh *sheet) { sh.confirm(reasonMatchesPaper) })),
			fyne.NewMenuItem("判読不能（F7）", w.withActive((*sheet).markUnreadable)),
			fyne.NewMenuItem("理由を付けて確認（Shift+F6）", w.withActive((*sheet).confirmWithReason)),
			fyne.NewMenuItem("確認を取り消す", w.withActive((*sheet).unconfirm)),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("次の指摘（F8）", w.withActive(func(sh *sheet) { sh.nextFinding(1) })),
			fyne.NewMenuItem("前の指摘（Shift+F8）", w.withActive(func(sh *sheet) { sh.nextFinding(-1) })),
			fyne.NewMenuItem("用紙全体（F9）", w.withActive((*sheet).showSheet)),
			find, fyne.NewMenuItemSeparator(), group, w.suspicionItem, advance),
		// not data, so no login needed (a wrong address is fixed before
		// login); showServerSettings refuses while locked
		fyne.NewMenu("設定", fyne.NewMenuItem("サーバーの設定…", w.showServerSettings)),
		fyne.NewMenu("ヘルプ", fyne.NewMenuItem("キー操作", w.guard("", func() {
			t := widget.NewLabel(keyHelpFull)
			showKeyDialog(w.win, "キー操作", "", "閉じる", t, nil, func(bool) {}).d.Resize(fyne.NewSize(760, 520))
		}))),
	}
	if w.deps.App != nil {
		menus = append(menus[:2], append([]*fyne.Menu{w.toolsMenu(), fyne.NewMenu("管理", fyne.NewMenuItem("利用者の管理…", w.guard(auth.ManageUsers, w.manageUsers)))}, menus[2:]...)...)
	}
	w.win.SetMainMenu(fyne.NewMainMenu(menus...))
	w.syncSuspicionItem()
	w.syncMenuState()
}

// syncMenuState enables 送信 and 修正レポート出力 in the menu exactly when
// their toolbar buttons are: no report with no file open and nothing
// submitted.
func (w *Workbench) syncMenuState() {
	if w.submitItem == nil {
		return
	}
	sub, rep := w.submitBtn.Disabled(), w.reportBtn.Disabled()
	if w.submitItem.Disabled == sub && w.reportItem.Disabled == rep {
		return
	}
	w.submitItem.Disabled, w.reportItem.Disabled = sub, rep
	if m := w.win.MainMenu(); m != nil {
		m.Refresh()
	}
}

// syncSuspicionItem shows the active file's F8 order on 「疑わしい順に進む」
// (the order is per file, so a tab switch changes the check mark).
func (w *Workbench) syncSuspicionItem() {
	if w.suspicionItem == nil {
		return
	}
	sh := w.active()
	on := sh != nil && sh.suspicionOrder()
	if w.suspicionItem.Checked == on {
		return
	}
	w.suspicionItem.Checked = on
	if m := w.win.MainMenu(); m != nil {
		m.Refresh()
	}
}

// toolsEnv is what the review tools' screens need of the workbench.
func (w *Workbench) toolsEnv() toolsui.Env {
	return toolsui.Env{
		App: w.deps.App, Session: w.session, Window: w.win,
		Allow:     w.allow,
		Say:       w.setMessage,
		SavePath:  func(title, name, ext string, then func(string)) { w.askSavePath(title, name, ext, then) },
		ShowError: w.showError,
		ErrorText: ErrorText,
		Touch:     w.touch,
		Now:       w.now,
		Done: func() {
			if sh := w.active(); sh != nil {
				sh.toTable()
			}
		},
		GoTo: func(row int, key string) {
			if sh := w.active(); sh != nil {
				if f := sh.session.Batch.Form.Field(key); f != nil {
					sh.goTo(row-1, f.Index)
				}
			}
		},
	}
}

// toolsMenu is 「ツール」: the second-person check and the audit sample on
// the active file, the OCR statistics of the store. Each item passes the
// gate (guard), and each screen asks the app for its own right again.
func (w *Workbench) toolsMenu() *fyne.Menu {
	onFile := func(open func(toolsui.Env, *review.Session)) func() {
		return func() {
			sh := w.active()
			if sh == nil {
				w.setMessage("ファイルを開いてから選んでください")
				return
			}
			open(w.toolsEnv(), sh.session)
		}
	}
	return fyne.NewMenu("ツール",
		fyne.NewMenuItem("ダブルチェック…", w.guard(auth.DoubleCheck, onFile(func(e toolsui.Env, s *review.Session) { toolsui.OpenDoubleCheck(e, s) }))),
		fyne.NewMenuItem("抜き取り検査…", w.guard(auth.EditCell, onFile(func(e toolsui.Env, s *review.Session) { toolsui.OpenSample(e, s) }))),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("誤読統計…", w.guard(auth.OCRStats, func() { toolsui.OpenStats(w.toolsEnv()) })),
	)
}
