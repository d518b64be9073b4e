package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/auth"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/normalize"
	"kenshin/internal/review"
)

// Confirmation reasons offered to the clerk.
const (
	reasonMatchesPaper = "用紙と一致"
	reasonUnreadable   = "用紙でも判読不能"
)

// sheet is one open CSV file: filter bar, editor, table and detail pane.
type sheet struct {
	wb      *Workbench
	session *review.Session
	path    string

	grid     *grid
	editor   *editor
	cellName *widget.Label
	detail   *fyne.Container
	content  fyne.CanvasObject

	onlyOpen   *widget.Check
	kindSel    *widget.Select
	columnSel  *widget.Select
	search     *widget.Entry
	visible    []int // batch rows shown, in order
	editing    bool
	editRow    int
	editField  int
	findingPos string // "3/42" of the last jump
}

var allKinds = "すべての種類"
var allColumns = "すべての列"

func newSheet(wb *Workbench, s *review.Session, path string, curRow, curField int) *sheet {
	sh := &sheet{wb: wb, session: s, path: path}
	sh.editor = newEditor(sh)
	sh.cellName = widget.NewLabel("")
	sh.cellName.TextStyle.Bold = true
	sh.onlyOpen = widget.NewCheck("未解決の指摘がある行だけ", func(bool) { sh.applyFilter() })
	kinds := []string{allKinds}
	for _, k := range []string{"ocr.", "required.", "format.", "date.", "id.", "code.", "check.", "kana.", "range.", "rule.", "batch.", "row."} {
		kinds = append(kinds, check.KindLabel(k))
	}
	sh.kindSel = widget.NewSelect(kinds, func(string) { sh.applyFilter() })
	sh.kindSel.SetSelected(allKinds)
	cols := []string{allColumns}
	for _, f := range sh.fields() {
		cols = append(cols, f.Label)
	}
	sh.columnSel = widget.NewSelect(cols, func(string) { sh.applyFilter() })
	sh.columnSel.SetSelected(allColumns)
	sh.search = widget.NewEntry()
	sh.search.SetPlaceHolder("宛名番号・氏名カナで検索")
	sh.search.OnChanged = func(string) { sh.applyFilter() }
	sh.visible = make([]int, len(s.Batch.Rows))
	for i := range sh.visible {
		sh.visible[i] = i
	}
	sh.grid = newGrid(sh)
	sh.detail = container.NewVBox()
	filters := container.NewHBox(sh.onlyOpen, widget.NewLabel("種類"), sh.kindSel, widget.NewLabel("列"), sh.columnSel)
	top := container.NewVBox(
		container.NewBorder(nil, nil, filters, nil, sh.search),
		container.NewBorder(nil, nil, sh.cellName, nil, sh.editor),
	)
	detailScroll := container.NewVScroll(sh.detail)
	split := container.NewHSplit(sh.grid, detailScroll)
	split.Offset = 0.74
	sh.content = container.NewBorder(top, nil, nil, nil, split)
	if curRow >= 0 && curRow < len(s.Batch.Rows) {
		sh.grid.cur.Row = curRow
	}
	if curField >= 0 && curField < len(sh.fields()) {
		sh.grid.cur.Col = curField
	}
	sh.cursorMoved()
	return sh
}

func (sh *sheet) fields() []*form.Field { return sh.session.Batch.Form.Fields }

func (sh *sheet) hasCursor() bool { return len(sh.visible) > 0 }

// pos is the cursor in batch coordinates.
func (sh *sheet) pos() (row, field int, ok bool) {
	if !sh.hasCursor() || sh.grid.cur.Row >= len(sh.visible) {
		return 0, 0, false
	}
	return sh.visible[sh.grid.cur.Row], sh.grid.cur.Col, true
}

// title is the tab title.
func (sh *sheet) title() string {
	return filepath.Base(sh.path) + "（" + sh.session.Batch.Form.Title + "）"
}

// isRelated reports whether a cell is mentioned by an open finding on the
// cursor cell (drawn with a thin outline, so the clerk sees both sides).
func (sh *sheet) isRelated(row, field int) bool {
	cr, cf, ok := sh.pos()
	if !ok || cr != row {
		return false
	}
	for _, f := range sh.session.CellFindings(cr, cf) {
		if sh.session.IsOpen(f) && slices.Contains(f.Related, field) {
			return true
		}
	}
	return false
}

// cursorMoved updates everything that follows the cursor.
func (sh *sheet) cursorMoved() {
	if sh.editing {
		sh.cancelEdit()
	}
	row, field, ok := sh.pos()
	if !ok {
		sh.cellName.SetText("（表示する行がありません）")
		sh.editor.SetText("")
		sh.detail.Objects = nil
		sh.detail.Refresh()
		sh.wb.refreshStatus()
		return
	}
	sh.cellName.SetText(fmt.Sprintf("%d 件目「%s」", row+1, sh.fields()[field].Label))
	sh.editor.SetText(sh.session.Value(row, field))
	sh.showDetail(row, field)
	sh.grid.Refresh() // related outlines follow the cursor
	sh.wb.saveCursor(sh, row, field)
	sh.wb.refreshStatus()
}

// beginEdit moves focus to the editor; initial replaces the value (typing
// into a cell, or Delete) when given.
func (sh *sheet) beginEdit(initial *string) {
	row, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.EditCell) {
		return
	}
	sh.startEditing()
	text := sh.session.Value(row, field)
	if initial != nil {
		text = *initial
	}
	sh.editor.SetText(text)
	sh.editor.CursorColumn = len([]rune(text))
	sh.editor.Refresh()
	sh.wb.focus(sh.editor)
}

func (sh *sheet) startEditing() {
	if row, field, ok := sh.pos(); ok {
		sh.editing, sh.editRow, sh.editField = true, row, field
	}
}

// commitEdit saves the edited value, then moves the cursor by (dr, dc).
func (sh *sheet) commitEdit(dr, dc int) {
	if !sh.editing {
		return
	}
	sh.editing = false
	value := sh.editor.Text
	if sh.fields()[sh.editField].Type != form.TypeText && sh.fields()[sh.editField].Type != form.TypeKana {
		value = normalize.Trim(value)
	}
	err := sh.session.Edit(context.Background(), sh.editRow, sh.editField, value, "")
	if err != nil && !errors.Is(err, review.ErrNothing) {
		sh.wb.showError("修正を保存できませんでした。変更は反映していません", err)
	}
	sh.wb.focus(sh.grid)
	sh.changed()
	sh.grid.moveBy(dr, dc)
}

// cancelEdit drops the edit and returns to the table.
func (sh *sheet) cancelEdit() {
	if !sh.editing {
		return
	}
	sh.editing = false
	sh.editor.SetText(sh.session.Value(sh.editRow, sh.editField))
	sh.wb.focus(sh.grid)
}

// changed refreshes what an edit can affect: the table, the detail, the
// status bar, and the partner file's findings.
func (sh *sheet) changed() {
	sh.wb.syncPartners(sh)
	sh.grid.Refresh()
	if row, field, ok := sh.pos(); ok {
		sh.editor.SetText(sh.session.Value(row, field))
		sh.showDetail(row, field)
	}
	sh.wb.refreshStatus()
}

// nextFinding jumps to the next (+1) or previous (-1) cell with an open
// finding among the rows and columns the filters show.
func (sh *sheet) nextFinding(dir int) {
	open := sh.openVisible()
	if len(open) == 0 {
		sh.findingPos = ""
		sh.wb.setMessage("未解決の指摘はありません")
		sh.wb.refreshStatus()
		return
	}
	row, field, _ := sh.pos()
	idx, _ := review.NextIn(open, review.Pos{Row: row, Field: field}, dir)
	p := open[idx]
	sh.findingPos = fmt.Sprintf("%d/%d", idx+1, len(open))
	sh.goTo(p.Row, max(p.Field, 0))
}

// openVisible lists open cells in rows the filter shows (a row-level finding
// is reached through the row's first column).
func (sh *sheet) openVisible() []review.Pos {
	all := sh.session.OpenCells()
	col := sh.columnFilter()
	if len(sh.visible) == len(sh.session.Batch.Rows) && col < 0 {
		return all // no filter: every row is shown
	}
	shown := make(map[int]bool, len(sh.visible))
	for _, r := range sh.visible {
		shown[r] = true
	}
	var out []review.Pos
	for _, p := range all {
		if shown[p.Row] && (col < 0 || p.Field == col) {
			out = append(out, p)
		}
	}
	return out
}

// goTo moves the cursor to a batch cell, if its row is shown.
func (sh *sheet) goTo(row, field int) {
	i := row
	if len(sh.visible) != len(sh.session.Batch.Rows) {
		i = slices.Index(sh.visible, row)
	}
	if i < 0 {
		return
	}
	sh.grid.moveTo(i, field)
	sh.wb.focus(sh.grid)
}

func (sh *sheet) acceptSuggestion() {
	row, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.EditCell) {
		return
	}
	err := sh.session.AcceptSuggestion(context.Background(), row, field)
	switch {
	case errors.Is(err, review.ErrNothing):
		sh.wb.setMessage("このセルには修正候補がありません")
	case err != nil:
		sh.wb.showError("修正を保存できませんでした。変更は反映していません", err)
	default:
		sh.wb.setMessage("候補を採用しました")
	}
	sh.changed()
}

func (sh *sheet) confirm(reason string) {
	row, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.EditCell) {
		return
	}
	err := sh.session.Confirm(context.Background(), row, field, reason)
	if err != nil && !errors.Is(err, review.ErrNothing) {
		sh.wb.showError("確認を保存できませんでした", err)
	}
	sh.changed()
}

func (sh *sheet) unconfirm() {
	row, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.EditCell) {
		return
	}
	if err := sh.session.Unconfirm(context.Background(), row, field); err != nil && !errors.Is(err, review.ErrNothing) {
		sh.wb.showError("確認の取り消しを保存できませんでした", err)
	}
	sh.changed()
}

// confirmWithReason asks why the value stands (e.g. unreadable on paper).
func (sh *sheet) confirmWithReason() {
	reason := widget.NewSelectEntry([]string{reasonMatchesPaper, reasonUnreadable, "記入者に確認済み"})
	reason.SetText(reasonUnreadable)
	d := dialog.NewForm("理由を付けて確認", "確認する", "やめる", []*widget.FormItem{widget.NewFormItem("理由", reason)}, func(ok bool) {
		if ok && strings.TrimSpace(reason.Text) != "" {
			sh.confirm(strings.TrimSpace(reason.Text))
		}
		sh.wb.focus(sh.grid)
	}, sh.wb.win)
	d.Resize(fyne.NewSize(420, 180))
	d.Show()
}

func (sh *sheet) undo() {
	if !sh.wb.allow(auth.EditCell) {
		return
	}
	if sh.editing {
		sh.cancelEdit()
		return
	}
	row, field, err := sh.session.Undo(context.Background())
	sh.afterHistory(row, field, err, "元に戻す操作はありません")
}

func (sh *sheet) redo() {
	if !sh.wb.allow(auth.EditCell) {
		return
	}
	if sh.editing {
		return
	}
	row, field, err := sh.session.Redo(context.Background())
	sh.afterHistory(row, field, err, "やり直す操作はありません")
}

func (sh *sheet) afterHistory(row, field int, err error, nothing string) {
	switch {
	case errors.Is(err, review.ErrNothing):
		sh.wb.setMessage(nothing)
		return
	case err != nil:
		sh.wb.showError("操作を保存できませんでした", err)
		return
	}
	sh.changed()
	sh.goTo(row, max(field, 0))
}

func (sh *sheet) columnFilter() int {
	if i := sh.columnSel.SelectedIndex(); i > 0 {
		return i - 1
	}
	return -1
}

// applyFilter recomputes the visible rows, keeping the cursor's row if it
// stays visible.
func (sh *sheet) applyFilter() {
	if sh.grid == nil {
		return
	}
	prev, field, _ := sh.pos()
	kind := sh.kindSel.Selected
	col := sh.columnFilter()
	q := strings.TrimSpace(form.Fold(sh.search.Text))
	s := sh.session
	atena := s.Batch.Form.Field(form.KeyAtena).Index
	kana := -1
	if f := s.Batch.Form.Field(form.KeyKana); f != nil {
		kana = f.Index
	}
	sh.visible = sh.visible[:0]
	for i := range s.Batch.Rows {
		if q != "" && !strings.Contains(form.Fold(s.Value(i, atena)), q) && (kana < 0 || !strings.Contains(form.Fold(s.Value(i, kana)), q)) {
			continue
		}
		if sh.onlyOpen.Checked || kind != allKinds || col >= 0 {
			match := false
			for _, f := range s.RowFindings(i) {
				if (!sh.onlyOpen.Checked || s.IsOpen(f)) && (kind == allKinds || check.KindLabel(f.Code) == kind) && (col < 0 || f.Field == col) {
					match = true
					break
				}
			}
			if !match {
				continue
			}
		}
		sh.visible = append(sh.visible, i)
	}
	sh.grid.cur = widget.TableCellID{Row: max(0, slices.Index(sh.visible, prev)), Col: field}
	if col >= 0 {
		sh.grid.cur.Col = col
	}
	sh.grid.Refresh()
	if len(sh.visible) > 0 {
		sh.grid.ScrollTo(sh.grid.cur)
	}
	sh.cursorMoved()
}
