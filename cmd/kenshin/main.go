// Command kenshin is the desktop app: it opens the OCR CSV files named on
// the command line (or chosen in the window) for review.
package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"kenshin/internal/form"
	"kenshin/internal/store"
	"kenshin/internal/ui"
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
	deps := ui.Deps{Forms: forms, Workspace: ws, User: userName()}
	// The central store is needed only to submit: without it the clerk can
	// still review (and the work is kept), and 送信 stays disabled.
	var storeErr error
	if sp, err := store.DefaultPath(); err != nil {
		storeErr = err
	} else if st, err := store.Open(context.Background(), sp, store.Options{}); err != nil {
		storeErr = err
	} else {
		defer st.Close()
		deps.Submitter = &ui.StoreSubmitter{Store: st, Forget: ws.Forget, User: deps.User, Role: "clerk", Now: time.Now}
		deps.Exporter = st
	}
	deps.Reporter = ui.ExcelReporter{}
	wb := ui.New(a, deps)
	if storeErr != nil {
		dialog.ShowError(fmt.Errorf("中央データを開けないため、送信はできません（確認作業は続けられます）。\n%v", storeErr), wb.Window())
	}
	for _, p := range os.Args[1:] {
		wb.OpenPath(p)
	}
	wb.Window().ShowAndRun()
}

// userName is the OS login until the app has its own users.
func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
