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
	"kenshin/internal/submission"
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
	// Without the store there is no login and no audit (see below).
	var storeErr error
	if sp, err := store.DefaultPath(); err != nil {
		storeErr = err
	} else if st, err := openOrSetUp(sp); err != nil {
		storeErr = err
	} else {
		defer st.Close()
		deps.App = kapp.New(st, forms)
		deps.App.Reports = func(path string, b *submission.Batch, f *form.Form, password string, now time.Time) error {
			return report.Write(path, b, f, report.Options{Password: password, Now: now})
		}
		deps.IdleLock = idleLock(a)
	}
	wb := ui.New(a, deps)
	if storeErr != nil {
		// Without the store there is no login and no audit: refuse to work
		// on health data rather than work unaccounted.
		d := dialog.NewError(fmt.Errorf("中央データ（利用者と操作記録）を開けないため起動できません。\n%v", storeErr), wb.Window())
		d.SetOnClosed(a.Quit)
		d.Show()
		wb.Window().ShowAndRun()
		os.Exit(1)
	}
	wb.Start(os.Args[1:])
	wb.Window().ShowAndRun()
}

// idleLock is the preference "idleLockMinutes" (default 10; 0 turns it off).
// openOrSetUp opens the central store; only when there is no file at all
// is a new one created (first-run setup) — an empty, foreign or damaged
// file is refused with its message and left as it is.
func openOrSetUp(path string) (*store.Store, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err == nil || !errors.Is(err, sqlitedb.ErrMissing) {
		return st, err
	}
	if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) {
		return nil, err
	}
	st, err = store.Create(ctx, path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "中央データを新しく作りました: %s\n", path)
	return st, nil
}

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
