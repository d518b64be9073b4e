package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/workspace"
)

// Theme is the workbench's theme (Japanese font, Japanese for Fyne's own
// strings). package main sets it right after creating the app, before any
// window or dialog exists, so even a start-up failure shows Japanese
// rather than tofu boxes (Wine has no Japanese system font).
func Theme() fyne.Theme { return newTheme() }

// ShowFatal shows why the app cannot start in a window of its own and quits
// when it is closed (a -H=windowsgui exe has no console to print to).
func ShowFatal(a fyne.App, title, message string) {
	w := a.NewWindow(AppTitle)
	w.Resize(fyne.NewSize(720, 320))
	w.SetContent(container.NewVScroll(wrapText(message, 700)))
	l := wrapText(message, 640)
	w.Show()
	showKeyDialog(w, title, "", "終了", l, nil, func(bool) { a.Quit() }).d.Resize(fyne.NewSize(680, 280))
}

// DamagePrompt is the start-up window shown when the working copy failed
// its check: the Japanese explanation and three ways on.
type DamagePrompt struct {
	Window  fyne.Window
	Restore *widget.Button // 控えから戻す (nil: no snapshot)
	Fresh   *widget.Button // 新しい作業データで始める
	Quit    *widget.Button // 終了
}

// AskDamage shows d (from workspace.Open on path) and lets the clerk
// restore the newest snapshot or start a fresh working copy; done gets the
// working copy to continue with, or nil (quit, or the choice failed: err).
// The window stays open until done has shown what comes next.
func AskDamage(a fyne.App, path string, d *workspace.DamageError, now func() time.Time, done func(*workspace.Store, error)) *DamagePrompt {
	w := a.NewWindow(AppTitle + " — 作業データの確認")
	p := &DamagePrompt{Window: w}
	msg := wrapText(d.Error(), 720)
	status := wrapText("", 720)
	finish := func(ws *workspace.Store, err error) {
		if err != nil {
			status.SetText("できませんでした: " + ErrorText(err))
			return
		}
		done(ws, nil)
		w.Close()
	}
	var buttons []fyne.CanvasObject
	if snaps := d.Snapshots(); len(snaps) > 0 {
		s := snaps[0]
		p.Restore = widget.NewButton(fmt.Sprintf("控えから戻す（%s、修正 %d 件）", s.Taken.Format("2006-01-02 15:04"), s.Changes), func() {
			finish(workspace.Restore(context.Background(), path, s, now))
		})
		p.Restore.Importance = widget.HighImportance
		buttons = append(buttons, p.Restore)
	}
	p.Fresh = widget.NewButton("新しい作業データで始める", func() {
		finish(workspace.StartFresh(context.Background(), path, now))
	})
	p.Quit = widget.NewButton("終了", func() {
		done(nil, nil)
		w.Close()
	})
	buttons = append(buttons, p.Fresh, p.Quit)
	title := widget.NewLabel("作業データに問題があります")
	title.TextStyle.Bold = true
	bottom := container.NewVBox(status, container.NewHBox(buttons...))
	content := container.NewPadded(container.NewBorder(title, bottom, nil, nil, container.NewVScroll(msg)))
	status.relayout = content.Refresh
	w.SetContent(content)
	w.Resize(fyne.NewSize(760, 380))
	w.Show()
	return p
}

// AskCreateStore asks, on the first run, whether to create the central
// store at path (shown with the platform's separator).
func AskCreateStore(wb *Workbench, path string, done func(ok bool)) {
	l := wrapText(fmt.Sprintf("中央データ（利用者と操作記録）がありません:\n%s\n\nここに新しく作りますか？（共有の中央データを使うはずのときは「やめる」を選び、場所を確認してください）", path), 600)
	showKeyDialog(wb.win, "中央データがありません", "作る", "やめる", l, nil, done).d.Resize(fyne.NewSize(640, 280))
}

// Fatal shows why the workbench cannot go on; then runs (e.g. quits the
// app) when it is closed.
// The central store is what fails at start-up, so the dialog offers
// サーバーの設定 too: a wrong address is fixed there, then the app restarts.
func (w *Workbench) Fatal(title, message string, then func()) {
	l := wrapText(message, 600)
	server := widget.NewButton("サーバーの設定…", w.showServerSettings)
	content := container.NewVBox(l, container.NewHBox(server))
	showKeyDialog(w.win, title, "", "終了", content, nil, func(bool) { then() }).d.Resize(fyne.NewSize(640, 320))
}

// ErrNoPassword is a password prompt the clerk closed.
var ErrNoPassword = errors.New("パスワードが入力されなかったため、中央データに接続しませんでした")

// AskPassword asks for the central store's server password (the prompt of
// storeaddr.Settings). It runs off the UI goroutine, while the store is
// being opened, and waits for the answer.
func (w *Workbench) AskPassword(location string) (string, error) {
	ch := make(chan string, 1)
	fyne.Do(func() {
		w.askPassword(location, func(pw string, ok bool) {
			if ok {
				ch <- pw
			}
			close(ch)
		})
	})
	pw, ok := <-ch
	if !ok {
		return "", ErrNoPassword
	}
	return pw, nil
}

// askPassword shows the password dialog; answer gets the password, or
// ok false when the clerk closed it.
func (w *Workbench) askPassword(location string, answer func(pw string, ok bool)) {
	e := widget.NewPasswordEntry()
	l := wrapText(fmt.Sprintf("中央データのサーバーのパスワードを入力してください。\n%s", location), 520)
	showKeyDialog(w.win, "中央データのパスワード", "接続する", "やめる", container.NewVBox(l, e), e, func(ok bool) {
		answer(e.Text, ok)
	}).d.Resize(fyne.NewSize(560, 240))
}
