package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/batch"
)

// remainingError is one open error that blocks a submit.
type remainingError struct {
	row, field int // 0-based row; field -1: the row as a whole
	text       string
}

// remainingErrors lists the open errors of a file in reading order.
func remainingErrors(sh *sheet) []remainingError {
	s := sh.session
	var out []remainingError
	for i := range s.Len() {
		for _, f := range s.RowFindings(i) {
			if f.Severity != batch.Error || !s.IsOpen(f) {
				continue
			}
			col := "行全体"
			if f.Field >= 0 {
				col = sh.fields()[f.Field].Label
			}
			out = append(out, remainingError{i, f.Field, fmt.Sprintf("%d 件目「%s」: %s", i+1, col, f.Message)})
		}
	}
	return out
}

// remainingErrorList is the supervisor's list in the submit dialog: one
// line per error (row, field, message); choosing one closes the dialog and
// puts the cursor on that cell.
func (w *Workbench) remainingErrorList(sh *sheet) fyne.CanvasObject {
	errs := remainingErrors(sh)
	list := widget.NewList(func() int { return len(errs) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(errs[i].text) })
	list.OnSelected = func(i widget.ListItemID) { w.jumpTo(sh, errs[i]) }
	w.errorList = list
	box := container.NewGridWrap(fyne.NewSize(560, float32(min(len(errs), 6))*38+4), list)
	return container.NewVBox(widget.NewLabel("残っているエラー（選ぶとその欄へ移ります）"), box)
}

// jumpTo leaves the submit dialog for the cell of an error.
func (w *Workbench) jumpTo(sh *sheet, e remainingError) {
	if w.submitDlg != nil {
		w.submitDlg.Hide()
		w.submitDlg = nil
	}
	sh.goTo(e.row, max(e.field, 0))
}
