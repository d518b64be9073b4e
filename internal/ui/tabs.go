package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"kenshin/internal/app"
	"kenshin/internal/auth"
)

// closeTab closes a file. Nothing is asked: the work is saved and resumes
// when the file is opened again.
func (w *Workbench) closeTab(t *container.TabItem) {
	for i, it := range w.tabs.Items {
		if it == t {
			w.sheets = slices.Delete(w.sheets, i, i+1)
			w.tabs.Remove(t)
			break
		}
	}
	if len(w.sheets) > 0 {
		w.syncPartners(w.sheets[0])
	}
	w.activated()
}

func (w *Workbench) activated() {
	w.syncSuspicionItem()
	sh := w.active()
	if sh == nil {
		if len(w.tabs.Items) == 0 && w.welcome != nil { // the last tab closed: not an empty window
			w.center.Objects = []fyne.CanvasObject{w.welcome}
			w.center.Refresh()
		}
		w.win.SetTitle(AppTitle)
		w.refreshStatus()
		return
	}
	w.win.SetTitle(AppTitle + " — " + filepath.Base(sh.path))
	w.refreshStatus()
	w.focus(sh.grid)
}

// syncPartners compares a changed file with the other form of its checkup
// when both are open.
func (w *Workbench) syncPartners(changed *sheet) {
	for _, o := range w.sheets {
		if o == changed || !o.session.Batch.Form.Partner(changed.session.Batch.Form) {
			continue
		}
		app.Pair(changed.session, o.session)
		o.grid.Refresh()
		changed.grid.Refresh()
	}
}

func (w *Workbench) saveCursor(sh *sheet, row, field int) {
	if w.deps.Workspace == nil {
		return
	}
	if err := w.deps.Workspace.SaveCursor(context.Background(), sh.session.Batch.Hash, row, field); err != nil {
		w.setMessage("作業位置を保存できません: " + err.Error())
	}
}

// refreshStatus shows the counts of the active file.
func (w *Workbench) refreshStatus() {
	defer w.syncMenuState()
	defer w.relayoutStatus()
	sh := w.active()
	if sh == nil {
		w.counts.SetText("")
		w.position.SetText("")
		w.progress.SetValue(0)
		w.submitBtn.Disable()
		if w.deps.App != nil && w.lastBatch != 0 { // the batch just submitted
			w.reportBtn.Enable()
		} else {
			w.reportBtn.Disable()
		}
		return
	}
	st := sh.session.Stats()
	w.counts.SetText(fmt.Sprintf("エラー %d　警告 %d　参考 %d　修正 %d　確認 %d　完了 %d / %d 行", st.Errors, st.Warnings, st.Infos, st.Corrected, st.Confirmed, st.RowsDone, st.Rows))
	pos := ""
	if row, field, ok := sh.pos(); ok {
		pos = fmt.Sprintf("｜ %d 件目「%s」", row+1, sh.fields()[field].Label)
	}
	if sh.findingPos != "" {
		pos += "｜ 指摘 " + sh.findingPos + " 件目"
	}
	w.position.SetText(pos)
	if st.Rows > 0 {
		w.progress.SetValue(float64(st.RowsDone) / float64(st.Rows))
	}
	if w.deps.App == nil || (st.Errors > 0 && !(w.user != nil && w.user.Can(auth.Override))) {
		w.submitBtn.Disable()
	} else {
		w.submitBtn.Enable()
	}
	if w.deps.App == nil {
		w.reportBtn.Disable()
	} else {
		w.reportBtn.Enable()
	}
}
