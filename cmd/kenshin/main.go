// Command kenshin is the desktop app: it opens the OCR CSV files named on
// the command line (or chosen in the window) for review.
package main

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2/app"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/ui"
)

func main() {
	forms, err := form.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "帳票定義を読み込めません:", err)
		os.Exit(2)
	}
	a := app.NewWithID("jp.kenshin.review")
	w := ui.New(a, ui.Deps{Forms: forms, Today: func() jpdate.Date { return jpdate.Of(time.Now()) }})
	for _, p := range os.Args[1:] {
		w.OpenPath(p)
	}
	w.Window().ShowAndRun()
}
