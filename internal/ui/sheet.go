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
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/auth"
	"kenshin/internal/batch"
	"kenshin/internal/check"
	"kenshin/internal/form"
	"kenshin/internal/normalize"
	"kenshin/internal/review"
)

// Confirmation reasons offered to the clerk (the rules are the core's).
const (
	reasonMatchesPaper = review.ReasonMatchesPaper
	reasonUnreadable   = review.ReasonUnreadable
)

// sheet is one open CSV file: filter bar, editor, table and detail pane.
type sheet struct {
	wb      *Workbench
	session *review.Session
	path    string
	// queuedKey is the batch of this file waiting in the outbox ("" none):
	// the tab closes once it is delivered.
	queuedKey string
	// shipErrShown is the shipment failure last told in the status line
	// ("" none), so that it is told once.
	shipErrShown string
	shipErrNote  string // its text while it is still to stay in sight

	grid     *grid
	editor   *editor
	cellName *widget.Label
	detail   *fyne.Container
	content  fyne.CanvasObject

	onlyOpen     *widget.Check
	onlyErrors   *widget.Check // open errors only: what blocks submit
	kindSel      *widget.Select
	columnSel    *widget.Select
	search       *searchEntry
	split        *container.Split
	detailScroll *container.Scroll
	actions      *fyne.Container // the decision buttons, below the scrolling detail
	visible      []int           // batch rows shown, in order
	editing      bool
	editRow      int
	editField    int
	editTyped    bool         // the clerk typed into the edit bar since the edit began
	loading      bool         // the program, not the clerk, is setting the edit bar
	findingPos   string       // "3/42" of the last jump
	findingAt    review.Pos   // the cell findingPos belongs to
	findingKey   *ranked      // where F8 went in the 「疑わしい順」 walk; nil: nowhere yet
	bySuspicion  bool         // F8 walks by suspicion, highest first (「疑わしい順」)
	msgAt        review.Pos   // the cell the status message is about
	reasonDlg    *keyDialog   // the reason dialog on screen, for tests
	reasonIn     *dialogEntry // its reason field
	group        *groupView   // 列ごとの一括確認 on screen
}

var allKinds = "すべての種類"
var allColumns = "すべての列"

func newSheet(wb *Workbench, s *review.Session, path string, curRow, curField int) *sheet {
	sh := &sheet{wb: wb, session: s, path: path}
	sh.editor = newEditor(sh)
	sh.cellName = widget.NewLabel("")
	sh.cellName.TextStyle.Bold = true
	sh.onlyOpen = widget.NewCheck("未解決のみ", func(bool) { sh.applyFilter(); sh.toTable() })
	sh.onlyErrors = widget.NewCheck("エラーのみ", func(bool) { sh.applyFilter(); sh.toTable() })
	kinds := []string{allKinds}
	for _, k := range []string{"ocr.", "required.", "format.", "date.", "id.", "code.", "check.", "kana.", "range.", "rule.", "batch.", "row."} {
		kinds = append(kinds, check.KindLabel(k))
	}
	sh.kindSel = widget.NewSelect(kinds, func(string) { sh.applyFilter(); sh.toTable() })
	sh.kindSel.PlaceHolder = selectPlaceHolder
	sh.kindSel.SetSelected(allKinds)
	cols := []string{allColumns}
	for _, f := range sh.fields() {
		cols = append(cols, f.Label)
	}
	sh.columnSel = widget.NewSelect(cols, func(string) { sh.applyFilter(); sh.toTable() })
	sh.columnSel.PlaceHolder = selectPlaceHolder
	sh.columnSel.SetSelected(allColumns)
	sh.search = newSearchEntry(sh)
	sh.search.SetPlaceHolder("宛名番号・氏名カナで検索（Enter で表へ・Esc で解除）")
	sh.search.OnChanged = func(string) { sh.applyFilter() }
	sh.visible = make([]int, len(s.Batch.Rows))
	for i := range sh.visible {
		sh.visible[i] = i
	}
	sh.grid = newGrid(sh)
	sh.detail = container.NewVBox()
	filters := container.NewHBox(sh.onlyOpen, sh.onlyErrors, widget.NewLabel("種類"), sh.kindSel, widget.NewLabel("列"), sh.columnSel)
	top := container.NewVBox(
		container.NewBorder(nil, nil, filters, nil, sh.search),
		container.NewBorder(nil, nil, sh.cellName, nil, sh.editor),
	)
	// the pane's minimum width is fixed, so the split does not jump when
	// the detail text changes
	sh.detailScroll = container.NewVScroll(sh.detail)
	sh.actions = container.NewVBox()
	pane := container.NewBorder(nil, sh.actions, nil, nil, sh.detailScroll)
	sh.split = container.NewHSplit(sh.grid, container.New(&fixedWidth{width: detailMinWidth}, pane))
	sh.split.Offset = 0.72
	sh.content = container.NewBorder(top, nil, nil, nil, sh.split)
	if curRow >= 0 && curRow < len(s.Batch.Rows) {
		sh.grid.cur.Row = curRow // brought into view on the grid's first layout
	}
	if curField >= 0 && curField < len(sh.fields()) {
		sh.grid.cur.Col = curField
	}
	sh.cursorMoved()
	return sh
}

// toTable gives the keyboard back to the table (after a filter, a search,
// a dialog).
func (sh *sheet) toTable() {
	if sh.grid != nil && sh.wb.win.Canvas() != nil {
		sh.wb.focus(sh.grid)
	}
}

// clearSearch is Esc in the table: an active search is cleared and every
// row the other filters allow comes back.
func (sh *sheet) clearSearch() {
	if sh.search == nil || sh.search.Text == "" {
		return
	}
	sh.search.SetText("") // OnChanged filters again
	sh.toTable()
	sh.say("検索を解除しました")
}

// say shows a message about the cursor cell; it goes when the cursor moves
// on or the next key is pressed.
func (sh *sheet) say(msg string) {
	if r, f, ok := sh.pos(); ok {
		sh.msgAt = review.Pos{Row: r, Field: f}
	}
	sh.wb.setMessage(msg)
}

// loadEditor puts the program's text in the edit bar; only the clerk's
// own typing counts as an edit.
func (sh *sheet) loadEditor(text string) {
	sh.loading = true
	sh.editor.SetText(text)
	sh.loading = false
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
	here := review.Pos{Row: row, Field: field}
	if here != sh.findingAt {
		sh.findingPos = "" // 「指摘 n/N」 belongs to the cell F8 went to
	}
	if here != sh.msgAt {
		sh.wb.setMessage("")
		if sh.shipErrNote != "" {
			// the change moved the cursor on (Enter): the failure stays
			// in sight until the next move
			sh.say(sh.shipErrNote)
			sh.shipErrNote = ""
		}
	}
	if !ok {
		sh.cellName.SetText("（表示する行がありません）")
		sh.loadEditor("")
		sh.detail.Objects = nil
		sh.detail.Refresh()
		sh.actions.Objects = nil // no cell: nothing to decide
		sh.actions.Refresh()
		sh.wb.refreshStatus()
		return
	}
	sh.cellName.SetText(fmt.Sprintf("%d 件目「%s」", row+1, sh.fields()[field].Label))
	sh.loadEditor(sh.session.Value(row, field))
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
		sh.editTyped = true // typed into the cell, or Delete
	}
	sh.loadEditor(text)
	sh.editor.CursorColumn = len([]rune(text))
	sh.editor.Refresh()
	sh.wb.focus(sh.editor)
}

// startEditing begins an edit of the cursor cell with the edit bar holding
// the cell's current value, whatever it held before.
func (sh *sheet) startEditing() {
	if row, field, ok := sh.pos(); ok {
		sh.editing, sh.editRow, sh.editField, sh.editTyped = true, row, field, false
		sh.loadEditor(sh.session.Value(row, field))
	}
}

// commitEdit saves the edited value, then moves the cursor by (dr, dc).
func (sh *sheet) commitEdit(dr, dc int) {
	if !sh.editing {
		return
	}
	sh.editing = false
	if !sh.editTyped {
		// nothing the clerk typed: never write what the bar happens to hold
		sh.loadEditor(sh.session.Value(sh.editRow, sh.editField))
		sh.wb.focus(sh.grid)
		sh.grid.moveBy(dr, dc)
		return
	}
	hadFinding := sh.hasOpenFinding(sh.editRow, sh.editField)
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
	sh.grid.fitColumn(sh.editField, sh.display(sh.editRow, sh.editField))
	if err == nil && hadFinding && dr == 1 && dc == 0 && sh.wb.advanceAfterDecision() {
		if sh.hasOpenFinding(sh.editRow, sh.editField) {
			// the fix did not settle it: stay, so the clerk sees what is left
			sh.say("修正しましたが、まだ指摘が残っています")
			return
		}
		sh.decided("修正しました")
		return
	}
	sh.grid.moveBy(dr, dc)
}

// hasOpenFinding reports whether a cell has a finding still open.
func (sh *sheet) hasOpenFinding(row, field int) bool {
	for _, f := range sh.session.CellFindings(row, field) {
		if sh.session.IsOpen(f) {
			return true
		}
	}
	return false
}

// decided moves on to the next open finding after a decision (one key per
// decision) unless the clerk turned that off, and says what was done.
func (sh *sheet) decided(msg string) {
	switch {
	case len(sh.openVisible()) == 0:
		if sh.findingPos != "" {
			sh.findingPos = "" // the last one is settled: no 「指摘 1/1」 left behind
			sh.wb.refreshStatus()
		}
	case sh.wb.advanceAfterDecision():
		sh.nextFinding(1)
	}
	sh.say(msg)
}

// cancelEdit drops the edit and returns to the table.
func (sh *sheet) cancelEdit() {
	if !sh.editing {
		return
	}
	sh.editing = false
	sh.loadEditor(sh.session.Value(sh.editRow, sh.editField))
	sh.wb.focus(sh.grid)
}

// changed refreshes what an edit can affect: the table, the detail, the
// status bar, and the partner file's findings.
func (sh *sheet) changed() {
	sh.wb.syncPartners(sh)
	sh.grid.Refresh()
	if row, field, ok := sh.pos(); ok {
		sh.loadEditor(sh.session.Value(row, field))
		sh.showDetail(row, field)
	}
	sh.wb.refreshStatus()
	sh.wb.auditChanged()
	sh.noteShipError()
}

// noteShipError tells the clerk, once per distinct failure, that the audit
// entries cannot be shipped for another reason than an outage: until that
// is fixed every submit is refused, and the clerk should know before.
func (sh *sheet) noteShipError() {
	a := sh.wb.deps.App
	if a == nil {
		return
	}
	err := a.ShipError()
	if err == nil {
		sh.shipErrShown = "" // cleared: a new failure is told again
		return
	}
	if msg := ErrorText(err); msg != sh.shipErrShown {
		sh.shipErrShown = msg
		sh.shipErrNote = "操作記録を中央データに送れません。このままでは送信できません（システム担当者に連絡してください）: " + msg
		sh.say(sh.shipErrNote)
	}
}

// nextFinding jumps to the next (+1) or previous (-1) cell with an open
// finding among the rows and columns the filters show.
func (sh *sheet) nextFinding(dir int) {
	open := sh.openVisible()
	if len(open) == 0 {
		sh.findingPos = ""
		sh.say("未解決の指摘はありません")
		sh.wb.refreshStatus()
		return
	}
	row, field, _ := sh.pos()
	here := review.Pos{Row: row, Field: field}
	var idx int
	if sh.bySuspicion {
		// the walk goes on from where F8 last went; from anywhere else it
		// starts at the most suspicious cell (Shift+F8: the least)
		order := sh.rank(open)
		idx = 0
		if dir < 0 {
			idx = len(order) - 1
		}
		if here == sh.findingAt && sh.findingKey != nil {
			idx = nextRanked(order, *sh.findingKey, dir)
		}
		sh.findingKey = &order[idx]
		open = make([]review.Pos, len(order))
		for i, r := range order {
			open[i] = r.Pos
		}
	} else {
		idx, _ = review.NextIn(open, here, dir)
	}
	p := open[idx]
	sh.findingPos = fmt.Sprintf("%d/%d", idx+1, len(open))
	sh.findingAt = review.Pos{Row: p.Row, Field: max(p.Field, 0)}
	sh.goTo(p.Row, max(p.Field, 0))
	sh.wb.refreshStatus()
}

// ranked is an open cell with its suspicion, for the 「疑わしい順」 walk.
type ranked struct {
	review.Pos
	score float64
}

// before orders the 「疑わしい順」 walk: highest score first, ties in
// reading order (as check.SortBySuspicion orders findings).
func (a ranked) before(b ranked) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.Row < b.Row || a.Row == b.Row && a.Field < b.Field
}

// rank sorts open cells by suspicion.
func (sh *sheet) rank(open []review.Pos) []ranked {
	out := make([]ranked, len(open))
	for i, p := range open {
		out[i] = ranked{Pos: p, score: suspicionOf(sh.session, p.Row, p.Field)}
	}
	slices.SortStableFunc(out, func(a, b ranked) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	})
	return out
}

// nextRanked is the index of the cell after (dir = +1) or before (-1) at in
// the walk, wrapping around; order is not empty.
func nextRanked(order []ranked, at ranked, dir int) int {
	if dir >= 0 {
		for i, r := range order {
			if at.before(r) {
				return i
			}
		}
		return 0
	}
	for i := len(order) - 1; i >= 0; i-- {
		if order[i].before(at) {
			return i
		}
	}
	return len(order) - 1
}

// toggleSuspicionOrder switches F8 / Shift+F8 between the table's order
// (the default) and 「疑わしい順」, highest suspicion first. The lead wires
// it to a checkable menu item; suspicionOrder gives its state.
func (sh *sheet) toggleSuspicionOrder() {
	sh.bySuspicion = !sh.bySuspicion
	sh.findingPos, sh.findingKey = "", nil
	if sh.bySuspicion {
		sh.say("F8 は疑わしい順に進みます（疑わしさの高い欄から）")
	} else {
		sh.say("F8 は表の順に進みます")
	}
	sh.wb.syncSuspicionItem()
	sh.wb.refreshStatus()
}

// suspicionOrder reports whether F8 walks 「疑わしい順」.
func (sh *sheet) suspicionOrder() bool { return sh.bySuspicion }

// openVisible lists open cells in rows the filter shows (a row-level finding
// is reached through the row's first column).
func (sh *sheet) openVisible() []review.Pos {
	all := sh.session.OpenCells()
	col := sh.columnFilter()
	errs := sh.onlyErrors.Checked
	if len(sh.visible) == len(sh.session.Batch.Rows) && col < 0 && !errs {
		return all // no filter: every row is shown
	}
	shown := make(map[int]bool, len(sh.visible))
	for _, r := range sh.visible {
		shown[r] = true
	}
	var out []review.Pos
	for _, p := range all {
		if shown[p.Row] && (col < 0 || p.Field == col) && (!errs || sh.session.CellStatus(p.Row, p.Field) == review.StatusError) {
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
		sh.say("このセルには修正候補がありません")
	case err != nil:
		sh.wb.showError("修正を保存できませんでした。変更は反映していません", err)
	default:
		sh.changed()
		sh.grid.fitColumn(field, sh.display(row, field))
		sh.decided("候補を採用しました")
		return
	}
	sh.changed()
}

// confirm records that the value matches the paper (or stands for another
// reason). The core refuses what cannot be right: ● has no reading to
// confirm, and 「用紙と一致」 does not close an error.
func (sh *sheet) confirm(reason string) {
	row, field, ok := sh.pos()
	if !ok || !sh.wb.allow(auth.EditCell) {
		return
	}
	if reason == reasonUnreadable && field >= 0 {
		sh.markUnreadable()
		return
	}
	err := sh.session.Confirm(context.Background(), row, field, reason)
	switch {
	case errors.Is(err, review.ErrNothing):
		sh.say("この欄はすでに確認済みです")
		return
	case errors.Is(err, review.ErrNotConfirmable):
		sh.say(notConfirmableMsg(sh.session, row, field))
		return
	case err != nil:
		sh.wb.showError("確認を保存できませんでした", err)
		sh.changed()
		return
	}
	sh.changed()
	sh.decided("確認しました（" + reason + "）")
}

// notConfirmableMsg tells the clerk why a cell cannot be confirmed as read
// and what to do instead.
func notConfirmableMsg(s *review.Session, row, field int) string {
	if field >= 0 && normalize.IsUnreadable(s.Value(row, field)) {
		return "●（読み取れなかった欄）は確認できません。値を入力するか、用紙でも読めなければ F7（判読不能）を押してください"
	}
	if _, bad := s.NotAValue(row, field); bad {
		return "値として読めない欄は、理由を付けても確認できません。用紙を見て正しい値を入力してください（用紙でも読めなければ F7）"
	}
	return "エラーの欄は「用紙と一致」では確認できません（読み取り誤りの可能性が高い値です）。用紙を見て修正するか、Shift+F6 で理由を付けて確認してください"
}

// markUnreadable resolves a cell the paper does not make readable either:
// the value becomes blank and the cell is confirmed with the reason (F7),
// one step to undo. A blank required field stays an error for the supervisor.
func (sh *sheet) markUnreadable() {
	row, field, ok := sh.pos()
	if !ok || field < 0 || !sh.wb.allow(auth.EditCell) {
		return
	}
	err := sh.session.MarkUnreadable(context.Background(), row, field)
	switch {
	case errors.Is(err, review.ErrNothing):
		sh.say("この欄はすでに判読不能（空欄）としています")
		return
	case err != nil:
		sh.wb.showError("判読不能を保存できませんでした", err)
		sh.changed()
		return
	}
	sh.changed()
	if sh.session.HasOpenError(row, field) {
		// the clerk has done all a clerk can: say why it is still red
		sh.say("判読不能（空欄）としました。必須の欄のためエラーは残ります（提出には上長の承認が必要です）")
		return
	}
	sh.decided("判読不能（空欄）としました")
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
// Enter confirms, Esc cancels; either way the keyboard is back on the
// table, and the edit bar holds the cell's value.
func (sh *sheet) confirmWithReason() {
	if _, _, ok := sh.pos(); !ok || !sh.wb.allow(auth.EditCell) {
		return
	}
	r, f, _ := sh.pos()
	if _, bad := sh.session.NotAValue(r, f); bad && !normalize.IsUnreadable(sh.session.Value(r, f)) {
		sh.say(notConfirmableMsg(sh.session, r, f)) // no reason makes a misread a value
		return
	}
	reason := newDialogEntry(review.Reasons)
	reason.SetText(reasonMatchesPaper)
	switch {
	case f >= 0 && normalize.IsUnreadable(sh.session.Value(r, f)):
		reason.SetText(reasonUnreadable) // ● has no value to confirm: the likely reason
	case sh.session.HasOpenError(r, f):
		reason.SetText(review.ReasonAskedWriter) // 用紙と一致 does not close an error
	}
	content := container.NewVBox(widget.NewForm(widget.NewFormItem("理由", reason)),
		wrapText("↓↑ または Space で理由を選ぶ（文字を打てば自由に書けます）。Enter で確認、Esc でやめる。"+
			"「"+reasonUnreadable+"」を選ぶと、この欄の値を空欄にします", 420))
	sh.reasonIn = reason
	sh.reasonDlg = showKeyDialog(sh.wb.win, "理由を付けて確認", "確認する (Enter)", "やめる (Esc)", content, reason, func(ok bool) {
		sh.reasonDlg, sh.reasonIn = nil, nil
		sh.toTable()
		if ok && strings.TrimSpace(reason.Text) != "" {
			sh.confirm(strings.TrimSpace(reason.Text))
		}
		if r, f, ok := sh.pos(); ok && !sh.editing {
			sh.loadEditor(sh.session.Value(r, f))
		}
	})
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
	sh.findingPos = "" // its n/N counted the findings the old filter showed
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
		if sh.onlyOpen.Checked || sh.onlyErrors.Checked || kind != allKinds || col >= 0 {
			match := false
			for _, f := range s.RowFindings(i) {
				if (!sh.onlyOpen.Checked || s.IsOpen(f)) && (!sh.onlyErrors.Checked || (f.Severity == batch.Error && s.IsOpen(f))) &&
					(kind == allKinds || check.KindLabel(f.Code) == kind) && (col < 0 || f.Field == col) {
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
		sh.grid.scrollTo(sh.grid.cur)
	}
	sh.cursorMoved()
}
