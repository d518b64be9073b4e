package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
)

// DefaultIdleLock is how long the window may sit untouched before it locks.
const DefaultIdleLock = 10 * time.Minute

func hostname() string {
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "unknown"
}

// allow is the gate every command passes (menus, shortcuts, keys on the
// table, drops): refused while the window is locked or before a login;
// otherwise a (a != "") is checked for the logged-in user through the
// application layer, which logs a refusal, and the clerk is told why.
// Opening a file and editing a cell are checked by the local gate
// (App.AllowLocal: the user as last read, no round trip per key); every
// other action asks the central store (App.Allow).
func (w *Workbench) allow(a auth.Action) bool {
	if w.locked {
		w.gateMsg.SetText("画面がロックされています。パスワードを入力してロックを解除してください。")
		return false
	}
	if w.deps.App == nil {
		if w.deps.Demo {
			return true // widget tests, demo: no user store by design
		}
		// no store open (yet): no file may be opened or shown without a
		// login and the audit
		w.gateMsg.SetText("中央データが開かれていません。")
		return false
	}
	if w.session == nil {
		w.gateMsg.SetText("先にログインしてください。")
		return false
	}
	if a == "" {
		return true
	}
	check := w.deps.App.Allow
	if a == auth.OpenFile || a == auth.EditCell {
		check = w.deps.App.AllowLocal
	}
	if err := check(context.Background(), w.session, a); err != nil {
		if a == auth.Submit && app.IsUnreachable(err) && w.user != nil && w.user.Can(a) {
			// the server is down: a batch may still be queued on this PC
			// under the roles read at login; the server checks them again
			// when the outbox is sent
			return true
		}
		w.showInfo("権限がありません", ErrorText(err))
		return false
	}
	return true
}

// touch notes activity, for the idle lock.
func (w *Workbench) touch() { w.lastActive = w.now() }

// checkIdle locks the window when it has been idle too long.
func (w *Workbench) checkIdle() {
	if w.user == nil || w.locked || w.deps.IdleLock <= 0 {
		return
	}
	if w.now().Sub(w.lastActive) >= w.deps.IdleLock {
		w.lock()
	}
}

func (w *Workbench) watchIdle() {
	go func() {
		for range time.Tick(15 * time.Second) {
			fyne.Do(w.checkIdle)
		}
	}()
}

// showLogin replaces the window content with the login screen (or the
// first-run setup when there are no users yet).
func (w *Workbench) showLogin(then func()) {
	first, err := w.deps.App.NeedsSetup(context.Background())
	if err != nil {
		w.setContent(container.NewCenter(widget.NewLabel("利用者の情報を読めません。\n" + ErrorText(err))))
		return
	}
	name := widget.NewEntry()
	pw := widget.NewPasswordEntry()
	msg := wrapText("", 440)
	title := widget.NewLabel("健診OCR確認 — ログイン")
	title.TextStyle.Bold = true
	if first {
		w.showSetup(then)
		return
	}
	submit := func() {
		sess, err := w.deps.App.Login(context.Background(), w.terminal, name.Text, pw.Text)
		pw.SetText("")
		if err != nil {
			msg.SetText(ErrorText(err))
			return
		}
		u := sess.User
		w.session, w.user = sess, u
		w.deps.User = u.Name
		w.touch()
		w.gateMsg.SetText("")
		w.setContent(w.main)
		w.buildMenu()
		w.showUser()
		w.setMessage(fmt.Sprintf("%s（%s）でログインしました", u.Name, roleText(u)))
		then()
	}
	pw.OnSubmitted = func(string) { submit() }
	name.OnSubmitted = func(string) { w.focus(pw) }
	form := widget.NewForm(widget.NewFormItem("利用者名", name), widget.NewFormItem("パスワード", pw))
	form.SubmitText = "ログイン"
	form.OnSubmit = submit
	// a wrong server address must be fixable before anyone can log in
	server := widget.NewButton("サーバーの設定…", w.showServerSettings)
	box := container.NewVBox(title, form, msg, w.gateMsg, container.NewHBox(server))
	msg.relayout = box.Refresh
	w.loginForm = form
	w.setContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 300), box)))
	w.focus(name)
}

// showSetup creates the first administrator.
func (w *Workbench) showSetup(then func()) {
	name := widget.NewEntry()
	pw, pw2 := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	msg := wrapText("最初に管理者を作成します。管理者は利用者の管理だけを行い、健診のデータは扱いません。", 500)
	form := widget.NewForm(widget.NewFormItem("管理者の利用者名", name), widget.NewFormItem("パスワード", pw), widget.NewFormItem("パスワード（確認）", pw2))
	form.SubmitText = "作成する"
	form.OnSubmit = func() {
		if pw.Text != pw2.Text {
			msg.SetText("パスワードが一致しません")
			return
		}
		if err := w.deps.App.Setup(context.Background(), w.terminal, name.Text, pw.Text); err != nil {
			msg.SetText(ErrorText(err))
			return
		}
		w.showLogin(then)
	}
	w.loginForm = form
	box := container.NewVBox(msg, form)
	msg.relayout = box.Refresh
	w.setContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(520, 280), box)))
}

func roleText(u *auth.User) string {
	s := ""
	for i, r := range u.Roles {
		if i > 0 {
			s += "・"
		}
		s += auth.RoleLabel(r)
	}
	return s
}

// lock hides everything behind the lock screen; the review stays as it was.
func (w *Workbench) lock() {
	if w.locked || w.user == nil {
		return
	}
	if sh := w.active(); sh != nil && sh.editing {
		sh.cancelEdit() // an unfinished edit is not saved behind the clerk's back
	}
	w.closeDialogs()
	w.locked = true
	w.session.MarkLocked()
	defer w.recordLock() // after the lock screen is drawn: health data off screen at once
	pw := widget.NewPasswordEntry()
	msg := wrapText("", 460)
	unlock := func() {
		err := w.deps.App.Unlock(context.Background(), w.session, pw.Text)
		pw.SetText("")
		if err != nil {
			// whoever stands at the locked screen learns no user name
			msg.SetText(ErrorText(err))
			if errors.Is(err, auth.ErrBadLogin) {
				msg.SetText("パスワードが違います")
			}
			var le *auth.LockedError
			if errors.As(err, &le) {
				msg.SetText(ErrorText(err) + "（管理者に連絡してください）")
			}
			return
		}
		w.locked = false
		w.gateMsg.SetText("")
		w.touch()
		w.setContent(w.main)
		if sh := w.active(); sh != nil {
			w.focus(sh.grid)
		}
	}
	pw.OnSubmitted = func(string) { unlock() }
	form := widget.NewForm(widget.NewFormItem("パスワード", pw))
	form.SubmitText = "ロック解除"
	form.OnSubmit = unlock
	// no user name on the lock screen: whoever walks by learns nothing
	info := wrapText("画面をロックしました。続けるには、ロックした人のパスワードを入力してください。作業はそのまま残っています。", 460)
	w.loginForm = form
	box := container.NewVBox(info, form, msg, w.gateMsg)
	msg.relayout = box.Refresh
	w.setContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(480, 240), box)))
	w.focus(pw)
}

// recordLock writes the lock's audit entry off the UI goroutine: it may
// wait (boundedly) for the server, and the screen is locked already.
func (w *Workbench) recordLock() {
	ap, sess := w.deps.App, w.session
	w.background(func() func() {
		err := ap.RecordLock(context.Background(), sess)
		return func() {
			if err != nil {
				w.setMessage("操作記録を書けません: " + ErrorText(err))
			}
		}
	})
}

// closeDialogs takes every dialog off the screen before the lock or a
// logout: a dialog left above the lock screen could still act on data.
// The reason dialog is cancelled properly (its keyboard hook restored).
func (w *Workbench) closeDialogs() {
	for _, sh := range w.sheets {
		if sh.reasonDlg != nil {
			sh.reasonDlg.Hide()
		}
	}
	ov := w.win.Canvas().Overlays()
	for o := ov.Top(); o != nil; o = ov.Top() {
		ov.Remove(o)
	}
	w.win.Canvas().SetOnTypedKey(nil) // a removed key dialog's hook
}

// logout is recorded when the window closes.
func (w *Workbench) logout() {
	if w.user != nil && w.deps.App != nil {
		_ = w.deps.App.Logout(context.Background(), w.session) // the window is closing; nothing to show it in
	}
}

// signOut ends the session (ログアウト / 利用者の切り替え): the open files are
// closed (their work is in the working copy and resumes for whoever opens
// them next) and the login screen comes back.
func (w *Workbench) signOut() {
	if w.user == nil || w.deps.App == nil {
		return
	}
	if sh := w.active(); sh != nil && sh.editing {
		sh.cancelEdit()
	}
	w.closeDialogs()
	w.logout()
	for len(w.tabs.Items) > 0 {
		w.closeTab(w.tabs.Items[0])
	}
	w.session, w.user, w.locked, w.lastBatch = nil, nil, false, 0
	w.showUser()
	w.setMessage("")
	w.buildMenu()
	w.showLogin(func() {})
}

// showUser keeps the logged-in user (name and role) in the status bar.
func (w *Workbench) showUser() {
	defer w.relayoutStatus()
	if w.user == nil {
		w.userLabel.SetText("")
		return
	}
	w.userLabel.SetText(fmt.Sprintf("利用者: %s（%s）", w.user.Name, roleText(w.user)))
}

// manageUsers is the administrator's screen: list, add, disable, reset.
func (w *Workbench) manageUsers() {
	if !w.allow(auth.ManageUsers) {
		return
	}
	ctx := context.Background()
	users, err := w.deps.App.Users(ctx, w.session)
	if err != nil {
		w.showError("利用者を読めません", err)
		return
	}
	list := widget.NewLabel("")
	text := ""
	for _, u := range users {
		state := "有効"
		if u.Disabled {
			state = "無効"
		}
		text += fmt.Sprintf("%s（%s）%s\n", u.Name, roleText(u), state)
	}
	list.SetText(text)
	name := widget.NewEntry()
	role := widget.NewSelect([]string{"入力担当", "確認者", "管理者"}, nil)
	role.PlaceHolder = selectPlaceHolder
	role.SetSelectedIndex(0)
	pw := widget.NewPasswordEntry()
	roles := []string{auth.Clerk, auth.Supervisor, auth.Admin}
	add := widget.NewButton("追加", func() {
		if err := w.deps.App.AddUser(ctx, w.session, name.Text, []string{roles[max(role.SelectedIndex(), 0)]}, pw.Text); err != nil {
			w.showError("追加できません", err)
			return
		}
		w.setMessage("利用者「" + name.Text + "」を追加しました")
	})
	disable := widget.NewButton("無効にする", func() {
		if err := w.deps.App.DisableUser(ctx, w.session, name.Text); err != nil {
			w.showError("無効にできません", err)
			return
		}
		w.setMessage("利用者「" + name.Text + "」を無効にしました")
	})
	reset := widget.NewButton("パスワードを設定", func() {
		if err := w.deps.App.SetPassword(ctx, w.session, name.Text, pw.Text); err != nil {
			w.showError("変更できません", err)
			return
		}
		w.setMessage("「" + name.Text + "」のパスワードを設定しました")
	})
	form := widget.NewForm(widget.NewFormItem("利用者名", name), widget.NewFormItem("役割", role), widget.NewFormItem("パスワード", pw))
	k := showKeyDialog(w.win, "利用者の管理", "", "閉じる", container.NewBorder(nil, container.NewVBox(form, container.NewHBox(add, disable, reset)), nil, nil, container.NewVScroll(list)), name, func(bool) {})
	k.d.Resize(fyne.NewSize(620, 480))
}
