package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
)

// buildMenu sets the menu bar (the 管理 menu only with a central store).
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
