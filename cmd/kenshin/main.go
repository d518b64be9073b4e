// Command kenshin is the desktop app: it opens the OCR CSV files named on
// the command line (or chosen in the window) for review.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	kapp "kenshin/internal/app"
	"kenshin/internal/form"
	"kenshin/internal/report"
	"kenshin/internal/settings"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/store"
	"kenshin/internal/ui"
	"kenshin/internal/workbooks"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

func main() {
	ui.QuietLocale()
	a := app.NewWithID("jp.kenshin.review")
	// the theme first: every window and dialog after this, the start-up
	// failures included, has the Japanese font and Japanese Fyne strings
	a.Settings().SetTheme(ui.Theme())
	forms, err := form.Default()
	if err != nil {
		ui.ShowFatal(a, "起動できません", fmt.Sprintf("帳票定義を読み込めないため起動できません。\n%v", err))
		a.Run()
		os.Exit(2)
	}
	wsPath, err := workspace.DefaultPath()
	var ws *workspace.Store
	if err == nil {
		ws, err = workspace.Open(context.Background(), wsPath, nil)
	}
	var damage *workspace.DamageError
	switch {
	case errors.As(err, &damage):
		// the working copy failed its check: nothing was written to it;
		// the clerk chooses a snapshot or a fresh start, then we go on
		ui.AskDamage(a, wsPath, damage, nil, func(got *workspace.Store, err error) {
			if got == nil {
				a.Quit()
				return
			}
			ws = got
			start(a, forms, got).Window().Show()
		})
		a.Run()
	case err != nil:
		// Without the workspace nothing could be saved: say so and stop,
		// rather than let a clerk work on something that will be lost.
		ui.ShowFatal(a, "作業データを開けません", fmt.Sprintf("作業データを開けないため起動できません。\n%s\n%v", filepath.FromSlash(wsPath), err))
		a.Run()
		os.Exit(1)
	default:
		start(a, forms, ws).Window().Show()
		a.Run()
	}
	if running != nil {
		running.Close() // the audit shipper: what it has not sent waits in the working copy for the next start
	}
	if ws != nil {
		_ = ws.Close() // takes the closing snapshot; every change was committed as it was made
	}
	if opened != nil {
		_ = opened.Close() // every write was committed
	}
}

// opened is the store in use, closed on the way out.
var opened kapp.Store

// running is the application layer in use, closed on the way out.
var running *kapp.App

// start builds the workbench over the working copy ws and starts opening
// the central store in the background (a server may ask for a password);
// until it is open and someone has logged in, the workbench refuses every
// command (no file is shown without login and audit).
func start(a fyne.App, forms *form.Set, ws *workspace.Store) *ui.Workbench {
	wb := ui.New(a, ui.Deps{Forms: forms, Workspace: workcopy.Adapter{Store: ws}, User: userName()})
	go func() {
		c, err := openCentral(context.Background(), wb.AskPassword)
		fyne.Do(func() { connect(a, wb, forms, ws, c, err) })
	}()
	return wb
}

// connect puts the opened store under the workbench, or offers to create
// it on a first run, or refuses to go on.
func connect(a fyne.App, wb *ui.Workbench, forms *form.Set, ws *workspace.Store, c central, err error) {
	switch {
	case err == nil:
		opened = c.store
		wb.UseApp(newApp(c.store, forms, c.doubleCheck, ws), idleLock(a))
		wb.Start(os.Args[1:])
	case c.canCreate:
		// First run: the store is created only when the user says so, after
		// seeing where.
		ui.AskCreateStore(wb, filepath.FromSlash(c.addr), func(ok bool) {
			if !ok {
				a.Quit()
				return
			}
			created, err := store.Create(context.Background(), c.addr)
			if err != nil {
				fail(a, wb, err)
				return
			}
			opened = created
			wb.UseApp(newApp(created, forms, c.doubleCheck, ws), idleLock(a))
			wb.Start(os.Args[1:])
		})
	case errors.Is(err, sqlitedb.ErrMissing):
		wb.Fatal("起動できません", fmt.Sprintf("設定された中央データがありません。新しく作ることはしません。\n%s\n\n"+
			"環境変数 KENSHIN_STORE か端末共通設定（%s）の [store] path が正しい場所を指しているか、システム担当者に確認してください。",
			ui.ErrorText(err), filepath.FromSlash(settings.DefaultPath())), a.Quit)
	default:
		fail(a, wb, err)
	}
}

// fail refuses to work without the store: there would be no login and no
// audit, and health data must not be handled unaccounted.
func fail(a fyne.App, wb *ui.Workbench, err error) {
	wb.Fatal("起動できません", fmt.Sprintf("中央データ（利用者と操作記録）を開けないため起動できません。\n%s", ui.ErrorText(err)), a.Quit)
}

func notThere(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// newApp is the application layer over st, shipping the audit entries
// spooled in the working copy ws (those left by an earlier run at once).
func newApp(st kapp.Store, forms *form.Set, doubleCheck *bool, ws *workspace.Store) *kapp.App {
	a := kapp.New(st, forms)
	a.Reports = report.ForApp
	a.Workbooks = workbooks.ForApp()
	a.DoubleCheckOff = doubleCheckOff(doubleCheck)
	if ws != nil {
		a.Attach(workcopy.Adapter{Store: ws})
	}
	running = a
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
