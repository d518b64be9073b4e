// Command kenshin is the desktop app: it opens the OCR CSV files named on
// the command line (or chosen in the window) for review.
package main

import (
	"context"
	"fmt"
	"os"
	"os/user"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"kenshin/internal/form"
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
	wb := ui.New(a, ui.Deps{Forms: forms, Workspace: ws, User: userName()})
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
