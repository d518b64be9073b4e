package ui

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/review"
	"kenshin/internal/submission"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestBench(t *testing.T, ws app.Workspace) (*Workbench, *clock) {
	t.Helper()
	a := test.NewTempApp(t)
	forms, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC)}
	w := New(a, Deps{Forms: forms, Workspace: ws, User: "clerk1", Now: c.now, Demo: true})
	w.Window().Resize(fyne.NewSize(1400, 860))
	t.Cleanup(w.Window().Close)
	return w, c
}

func testdata(name string) string { return filepath.Join("..", "..", "testdata", name) }

func key(g *grid, name fyne.KeyName) { g.TypedKey(&fyne.KeyEvent{Name: name}) }

func typeText(e *editor, s string) {
	for _, r := range s {
		e.TypedRune(r)
	}
}

func TestOpenShowsFile(t *testing.T) {
	w, _ := newTestBench(t, nil)
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Window().Title(), "m4-exam.csv") {
		t.Errorf("title %q", w.Window().Title())
	}
	if !strings.Contains(w.counts.Text, "/ 30 行") || !strings.Contains(w.counts.Text, "エラー") {
		t.Errorf("status %q", w.counts.Text)
	}
	sh := w.active()
	if rows, cols := sh.grid.size(); rows != 30 || cols != len(sh.fields()) {
		t.Errorf("table %d×%d", rows, cols)
	}
	if sh.grid.StickyColumnCount != 2 {
		t.Errorf("宛名番号 and 氏名カナ should stay in view, sticky %d", sh.grid.StickyColumnCount)
	}
}

func TestOpenBadFileNamesFileAndLine(t *testing.T) {
	w, _ := newTestBench(t, nil)
	err := w.OpenPath(testdata("malformed/unknown_header.csv"))
	if err == nil || !strings.Contains(err.Error(), "unknown_header.csv") || !strings.Contains(err.Error(), "1 行目") {
		t.Fatalf("got %v", err)
	}
	if len(w.sheets) != 0 {
		t.Fatal("a file that cannot be read must not be opened")
	}
}

// TestKeyboardFlow walks the review the way a clerk does: F8 to the first
// finding, F4 to take the suggestion, type a correction, undo, redo, F6.
func TestKeyboardFlow(t *testing.T) {
	w, clk := newTestBench(t, nil)
	if err := w.OpenPath(testdata("samples/m4-exam.csv")); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	s := sh.session
	before := s.Stats()
	first := s.OpenCells()[0]

	key(sh.grid, fyne.KeyF8)
	if r, f, _ := sh.pos(); r != first.Row || f != max(first.Field, 0) {
		t.Fatalf("F8 went to %d/%d, want %v", r, f, first)
	}
	if !strings.Contains(w.position.Text, "指摘 1/") {
		t.Errorf("status should say which finding: %q", w.position.Text)
	}
	// walk to a cell with a suggestion and take it with F4
	var target review.Pos
	found := false
	for i := 0; i < 60 && !found; i++ {
		r, f, _ := sh.pos()
		if _, ok := s.Suggestion(r, f); ok {
			target, found = review.Pos{Row: r, Field: f}, true
			break
		}
		key(sh.grid, fyne.KeyF8)
	}
	if !found {
		t.Fatal("no suggestion among the findings of the sample")
	}
	sug, _ := s.Suggestion(target.Row, target.Field)
	key(sh.grid, fyne.KeyF4)
	if got := s.Value(target.Row, target.Field); got != sug {
		t.Fatalf("F4: value %q, want %q", got, sug)
	}
	if s.CellStatus(target.Row, target.Field) != review.StatusCorrected {
		t.Errorf("status after F4: %v", s.CellStatus(target.Row, target.Field))
	}
	// the highlight shows it: the cell view of the cursor cell is green with ◆
	cv := newCellView()
	sh.grid.updateCell(widget.TableCellID{Row: target.Row, Col: target.Field}, cv) // F4 moved on to the next finding
	if cv.mark.Text != "◆" || cv.bg.FillColor != colFixedBg {
		t.Errorf("corrected cell drawn with %q %v", cv.mark.Text, cv.bg.FillColor)
	}

	// type a correction into the weight of row 1: typing starts the edit
	sh.goTo(0, sh.fields()[0].Index)
	wf := s.Batch.Form.Field("weight").Index
	sh.grid.moveTo(0, wf)
	sh.grid.TypedRune('7')
	if !sh.editing || sh.editor.Text != "7" {
		t.Fatalf("typing should start editing with the rune: editing=%v %q", sh.editing, sh.editor.Text)
	}
	typeText(sh.editor, ".12")
	clk.t = clk.t.Add(time.Second) // past the IME guard
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Value(0, wf) != "7.12" || sh.editing {
		t.Fatalf("Enter should commit: %q editing=%v", s.Value(0, wf), sh.editing)
	}
	if r, f, _ := sh.pos(); r != 1 || f != wf {
		t.Errorf("Enter should move down, at %d/%d", r, f)
	}
	// Esc cancels
	sh.grid.moveTo(0, wf)
	key(sh.grid, fyne.KeyF2)
	sh.editor.SetText("99")
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.Value(0, wf) != "7.12" || sh.editing {
		t.Fatal("Esc must cancel")
	}
	// undo and redo through the menu actions
	sh.undo()
	if s.Value(0, wf) == "7.12" {
		t.Fatal("undo")
	}
	sh.redo()
	if s.Value(0, wf) != "7.12" {
		t.Fatal("redo")
	}
	// F6 confirms the value as read, recording who
	sh.grid.moveTo(0, s.Batch.Form.Field("head").Index)
	key(sh.grid, fyne.KeyF6)
	if c, ok := s.Confirmed(0, s.Batch.Form.Field("head").Index); !ok || c.User != "clerk1" || c.Reason != reasonMatchesPaper {
		t.Fatalf("F6: %+v %v", c, ok)
	}
	if after := s.Stats(); after.Corrected < before.Corrected+2 {
		t.Errorf("stats %+v → %+v", before, after)
	}
}

func TestEnterRightAfterTextIsIMECommit(t *testing.T) {
	w, clk := newTestBench(t, nil)
	w.OpenPath(testdata("samples/m4-exam.csv"))
	sh := w.active()
	doc := sh.session.Batch.Form.Field("doctor").Index
	sh.grid.moveTo(2, doc)
	key(sh.grid, fyne.KeyF2)
	sh.editor.SetText("")
	typeText(sh.editor, "森田")
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // same instant: the IME's Enter
	if !sh.editing {
		t.Fatal("an Enter arriving with the converted text must not commit the cell")
	}
	clk.t = clk.t.Add(500 * time.Millisecond)
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sh.editing || sh.session.Value(2, doc) != "森田" {
		t.Fatalf("the next Enter commits: editing=%v %q", sh.editing, sh.session.Value(2, doc))
	}
}

func TestShiftF8GoesBack(t *testing.T) {
	w, _ := newTestBench(t, nil)
	w.OpenPath(testdata("samples/m4-exam.csv"))
	sh := w.active()
	open := sh.session.OpenCells()
	sh.grid.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	key(sh.grid, fyne.KeyF8) // from the top, backwards wraps to the last
	sh.grid.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	last := open[len(open)-1]
	if r, f, _ := sh.pos(); r != last.Row || f != max(last.Field, 0) {
		t.Fatalf("Shift+F8 at %d/%d, want %v", r, f, last)
	}
}

func TestFilters(t *testing.T) {
	w, _ := newTestBench(t, nil)
	w.OpenPath(testdata("samples/m4-exam.csv"))
	sh := w.active()
	sh.onlyOpen.SetChecked(true)
	n := len(sh.visible)
	if n == 0 || n >= 30 {
		t.Fatalf("only rows with open findings: %d of 30", n)
	}
	for _, r := range sh.visible {
		if len(sh.session.RowFindings(r)) == 0 {
			t.Fatalf("row %d has no findings", r+1)
		}
	}
	sh.onlyOpen.SetChecked(false)
	sh.columnSel.SetSelected("体重")
	for _, r := range sh.visible {
		hit := false
		for _, f := range sh.session.RowFindings(r) {
			hit = hit || f.Field == sh.session.Batch.Form.Field("weight").Index
		}
		if !hit {
			t.Fatalf("row %d shown for 体重 without a weight finding", r+1)
		}
	}
	sh.columnSel.SetSelected(allColumns)
	id := sh.session.Batch.Value(5, 0)
	sh.search.SetText(id[len(id)-6:])
	if len(sh.visible) != 1 || sh.visible[0] != 5 {
		t.Fatalf("search by 宛名番号: %v", sh.visible)
	}
	sh.search.SetText("")
	if len(sh.visible) != 30 {
		t.Fatal("clearing the search shows every row")
	}
}

func TestPartnerFilesCompared(t *testing.T) {
	w, _ := newTestBench(t, nil)
	w.OpenPath(testdata("samples/m4-exam.csv"))
	w.OpenPath(testdata("samples/m4-survey.csv"))
	if len(w.sheets) != 2 {
		t.Fatal("two files")
	}
	found := false
	for _, sh := range w.sheets {
		for i := range sh.session.Batch.Rows {
			for _, f := range sh.session.RowFindings(i) {
				found = found || strings.HasPrefix(f.Code, "batch.partner")
			}
		}
	}
	if !found {
		t.Error("受診票 and アンケート opened together should be compared")
	}
	// opening the same file again selects it instead of a second tab
	w.OpenPath(testdata("samples/m4-exam.csv"))
	if len(w.sheets) != 2 || w.tabs.SelectedIndex() != 0 {
		t.Errorf("sheets %d selected %d", len(w.sheets), w.tabs.SelectedIndex())
	}
}

func TestResumeFromWorkspace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.db")
	ws, err := workspace.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	w, _, _ := authBench(t)
	w.deps.Workspace = workcopy.Adapter{Store: ws}
	loginAs(t, w, "clerk1")
	w.OpenPath(testdata("samples/m4-exam.csv"))
	sh := w.active()
	wf := sh.session.Batch.Form.Field("weight").Index
	sh.grid.moveTo(4, wf)
	key(sh.grid, fyne.KeyF2)
	sh.editor.SetText("6.01")
	sh.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	// the first window stays open: the workspace alone carries the work over

	w2 := New(test.NewTempApp(t), w.deps)
	t.Cleanup(w2.Window().Close)
	w2.session, w2.user = w.session, w.user
	w2.OpenPath(testdata("samples/m4-exam.csv"))
	sh2 := w2.active()
	if got := sh2.session.Value(4, wf); got != "6.01" {
		t.Fatalf("resumed value %q", got)
	}
	if r, f, _ := sh2.pos(); r != 4 || f != wf+1 {
		t.Errorf("resumed at %d/%d, want the cell after the edit", r, f)
	}
	if !strings.Contains(w2.message.Text, "再開") {
		t.Errorf("message %q", w2.message.Text)
	}
}

func TestDetailPaneExplains(t *testing.T) {
	w, _ := newTestBench(t, nil)
	w.OpenPath(testdata("samples/m4-exam.csv"))
	sh := w.active()
	key(sh.grid, fyne.KeyF8)
	r, f, _ := sh.pos()
	text := collectText(sh.detail)
	if !strings.Contains(text, "OCR の読み取り") || !strings.Contains(text, sh.fields()[f].Label) {
		t.Errorf("detail lacks basics: %s", text)
	}
	for _, fd := range sh.session.CellFindings(r, f) {
		if !strings.Contains(text, fd.Message) {
			t.Errorf("detail lacks %q", fd.Message)
		}
	}
}

func collectText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *jpText:
			b.WriteString(v.Text + "\n")
		case *widget.Button:
			b.WriteString(v.Text + "\n")
		case *canvas.Text:
			b.WriteString(v.Text + "\n")
		}
	}
	walk(o)
	return b.String()
}

// TestSubmitAndExportTranslate checks what the workbench makes of the
// application layer's answers: 送信 off while errors remain, the tab closed
// and the message shown after a submission, a duplicate said in Japanese,
// and the export's count. The use cases themselves are tested in app.
func TestSubmitAndExportTranslate(t *testing.T) {
	ctx := context.Background()
	w, _, _ := authBench(t)
	loginAs(t, w, "boss")
	w.OpenPath(testdata("samples/m18-dental-survey.csv"))
	sh := w.active()
	s := sh.session
	if st := s.Stats(); st.Errors == 0 {
		t.Fatal("the sample should have errors")
	}
	fixture.Clean(t, s)
	sh.changed()
	if w.submitBtn.Disabled() {
		t.Fatal("送信 should be enabled once nothing is open")
	}
	sub, err := w.deps.App.PrepareSubmit(ctx, w.session, s, app.SubmitRequest{Centre: 4})
	if err != nil {
		t.Fatal(err)
	}
	var msg string
	w.finishSubmit(ctx, sub, nil, func(m string, _ bool, err error) {
		if err != nil {
			t.Fatal(err)
		}
		msg = m
	})
	if !strings.Contains(msg, "登録 30 件") || !strings.Contains(msg, "操作記録の控え") {
		t.Fatalf("msg %q", msg)
	}
	w.finishSubmit(ctx, sub, nil, func(_ string, _ bool, err error) {
		if err == nil || !strings.Contains(err.Error(), "すでに送信") {
			t.Fatalf("duplicate: %v", err)
		}
	})
	out := filepath.Join(t.TempDir(), "import.csv")
	n, err := w.exportTo(s.Batch.Form, submission.Filter{}, "utf8", out)
	if err != nil || n != 30 || !strings.Contains(w.message.Text, "操作記録の控え") {
		t.Fatalf("export %d %v %q", n, err, w.message.Text)
	}
	if e := submitError(submission.ErrErrorsRemain, 3); !strings.Contains(e.Error(), "エラーが 3 件") {
		t.Fatalf("errors left: %v", e)
	}
}

func TestAmbiguousHeaderAsksForTheForm(t *testing.T) {
	w, _ := newTestBench(t, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "dental.csv")
	head := "宛名番号,氏名カナ,生年月日,性別,受診日,会場,現在歯数,未処置歯数,処置歯数,う蝕罹患型,歯垢,歯肉・粘膜,咬合,フッ化物塗布,判定,歯科医師名\n"
	os.WriteFile(path, []byte(head+"000000000000001,,不明,,不明,,14,0,0,O1,1,1,1,1,1,\n"), 0o644)
	if err := w.OpenPath(path); err == nil {
		t.Fatal("ambiguous header should not open without a choice")
	}
	if w.formChoice == nil || len(w.formChoice.Options) != 2 {
		t.Fatal("the clerk should be asked which form")
	}
	w.formChoice.SetSelected(w.formChoice.Options[1])
	w.formChoiceDialog.Confirm()
	if len(w.sheets) != 1 || w.active().session.Batch.Form.ID != "y3-dental-exam" {
		t.Fatalf("opened %d sheets", len(w.sheets))
	}
}

func TestDetailShowsImageCrop(t *testing.T) {
	w, _ := newTestBench(t, nil)
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 60, 20))
	f, _ := os.Create(filepath.Join(dir, "crop.png"))
	png.Encode(f, img)
	f.Close()
	data, _ := os.ReadFile(testdata("encoding/utf8.csv"))
	lines := strings.Split(string(data), "\r\n")
	lines[0] += ",体重_画像"
	for i := 1; i < 4; i++ {
		lines[i] += ",crop.png"
	}
	path := filepath.Join(dir, "x.csv")
	os.WriteFile(path, []byte(strings.Join(lines, "\r\n")), 0o644)
	if err := w.OpenPath(path); err != nil {
		t.Fatal(err)
	}
	sh := w.active()
	sh.grid.moveTo(0, sh.session.Batch.Form.Field("weight").Index)
	found := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *canvas.Image:
			found = found || strings.HasSuffix(v.File, "crop.png")
		}
	}
	walk(sh.detail)
	if !found || !strings.Contains(collectText(sh.detail), "用紙の画像") {
		t.Fatal("the image crop is not shown")
	}
}

// findButton finds a button by its text under o (containers, scrolls).
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case *container.Scroll:
		return findButton(v.Content, text)
	}
	return nil
}
