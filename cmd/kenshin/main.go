// Command kenshin is the desktop app: it opens the OCR CSV files named on
// the command line (or chosen in the window) for review.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	kapp "kenshin/internal/app"
	"kenshin/internal/form"
	"kenshin/internal/report"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/store"
	"kenshin/internal/ui"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

func main() {
	forms, err := form.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "帳票定義を読み込めません:", err)
		os.Exit(2)
	}
	a := app.NewWithID("jp.kenshin.review")
	wsPath, err := workspace.DefaultPath()
	var ws *workspace.Store
	if err == nil {
		ws, err = workspace.Open(context.Background(), wsPath, nil)
	}
	if err != nil {
		// Without the workspace nothing could be saved: say so and stop,
		// rather than let a clerk work on something that will be lost.
		w := a.NewWindow(ui.AppTitle)
		w.Resize(fyne.NewSize(700, 300))
		d := dialog.NewError(fmt.Errorf("作業データを開けないため起動できません。\n%v", err), w)
		d.SetOnClosed(a.Quit)
		w.Show()
		d.Show()
		a.Run()
		os.Exit(1)
	}
	defer ws.Close()
	deps := ui.Deps{Forms: forms, Workspace: workcopy.Adapter{Store: ws}, User: userName()}
	sp, err := store.DefaultPath()
	var st *store.Store
	if err == nil {
		st, err = store.Open(context.Background(), sp, store.Options{})
	}
	if st != nil {
		defer st.Close()
		deps.App, deps.IdleLock = newApp(st, forms), idleLock(a)
	}
	wb := ui.New(a, deps)
	switch {
	case err == nil:
		wb.Start(os.Args[1:])
	case errors.Is(err, sqlitedb.ErrMissing) && notThere(sp):
		// First run: the store is created only when the user says so, after
		// seeing where (a mistyped KENSHIN_STORE must not become a private store).
		d := dialog.NewConfirm("中央データがありません",
			fmt.Sprintf("中央データ（利用者と操作記録）がありません:\n%s\n\nここに新しく作りますか？（共有の中央データを使うはずのときは「やめる」を選び、場所を確認してください）", sp),
			func(ok bool) {
				if !ok {
					a.Quit()
					return
				}
				created, err := store.Create(context.Background(), sp)
				if err != nil {
					fail(a, wb, err)
					return
				}
				st = created
				wb.UseApp(newApp(created, forms), idleLock(a))
				wb.Start(os.Args[1:])
			}, wb.Window())
		d.SetConfirmText("作る")
		d.SetDismissText("やめる")
		d.Show()
		defer func() {
			if st != nil {
				_ = st.Close() // closed on the way out; every write was committed
			}
		}()
	default:
		fail(a, wb, err)
	}
	wb.Window().ShowAndRun()
}

// fail refuses to work without the store: there would be no login and no
// audit, and health data must not be handled unaccounted.
func fail(a fyne.App, wb *ui.Workbench, err error) {
	d := dialog.NewError(fmt.Errorf("中央データ（利用者と操作記録）を開けないため起動できません。\n%v", err), wb.Window())
	d.SetOnClosed(a.Quit)
	d.Show()
}

func notThere(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

func newApp(st *store.Store, forms *form.Set) *kapp.App {
	a := kapp.New(st, forms)
	a.Reports = report.ForApp
	return a
}

// idleLock is the preference "idleLockMinutes" (default 10; 0 turns it off).
func idleLock(a fyne.App) time.Duration {
	return time.Duration(a.Preferences().IntWithFallback("idleLockMinutes", int(ui.DefaultIdleLock/time.Minute))) * time.Minute
}

// userName is the OS login, used only when there is no user store.
func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
