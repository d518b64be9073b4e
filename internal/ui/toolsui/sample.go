package toolsui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/sampling"
)

// samples caches the audit sample of each file (by the hash of its bytes)
// while the process runs: found again when the screen is reopened, also
// after the tab was closed for a user switch, and attached by the submit
// flow (AttachSample). The sample and its marks are kept in the working
// copy (App.DrawSample, App.MarkSample), so after a restart they come back
// from there. It holds cell places only, no values.
var samples = struct {
	sync.Mutex
	m map[string]*sampling.Sample
}{m: map[string]*sampling.Sample{}}

func sampleOf(rv *review.Session) *sampling.Sample {
	samples.Lock()
	defer samples.Unlock()
	return samples.m[rv.Batch.Hash]
}

func keepSample(rv *review.Session, sm *sampling.Sample) {
	samples.Lock()
	defer samples.Unlock()
	samples.m[rv.Batch.Hash] = sm
}

// ForgetSample drops the cached sample of rv's file, once its batch is
// stored (the working copy's goes with the file's working copy).
func ForgetSample(rv *review.Session) {
	samples.Lock()
	defer samples.Unlock()
	delete(samples.m, rv.Batch.Hash)
}

// FinishedSample is the fully marked audit sample of rv in this process,
// nil when none was drawn or cells are still unmarked.
func FinishedSample(rv *review.Session) *sampling.Sample {
	if sm := sampleOf(rv); sm != nil && sm.Complete() && len(sm.Cells) > 0 {
		return sm
	}
	return nil
}

// current is rv's sample: the cached one, else the one kept in the working
// copy (a restart), brought up to date with the review (cells corrected
// before they were marked are dropped; note says so). nil: none drawn.
func current(a *app.App, s *app.Session, rv *review.Session) (sm *sampling.Sample, note string, err error) {
	ctx := context.Background()
	if sm = sampleOf(rv); sm == nil {
		if sm, err = a.KeptSample(ctx, s, rv); err != nil || sm == nil {
			return nil, "", err
		}
		keepSample(rv, sm)
	}
	dropped, err := a.ReconcileSample(ctx, s, rv, sm)
	if err != nil {
		return nil, "", err
	}
	return sm, app.DroppedNote(dropped, len(sm.Cells)), nil
}

// ErrSampleUnfinished refuses a submit while the audit sample of the file is
// marked only in part: finishing it is the point of having drawn it.
var ErrSampleUnfinished = errors.New("抜き取り検査が途中です。ツール → 抜き取り検査で残りのセルを判定してから送信してください")

// SampleStatus is one line for the submit dialog about rv's audit sample,
// and ErrSampleUnfinished when it is marked only in part.
func SampleStatus(a *app.App, s *app.Session, rv *review.Session) (string, error) {
	sm, _, err := current(a, s, rv)
	switch {
	case err != nil:
		return "抜き取り検査: 状態を読めません（" + err.Error() + "）", err
	case sm == nil || len(sm.Cells) == 0:
		return "抜き取り検査: していません（ツール → 抜き取り検査）", nil
	case !sm.Complete():
		marked, _ := sm.Counts()
		return fmt.Sprintf("抜き取り検査: 途中（%d / %d セル）。終えてから送信してください", marked, len(sm.Cells)), ErrSampleUnfinished
	}
	est, err := sm.Estimate()
	if err != nil {
		return "抜き取り検査: " + err.Error(), err
	}
	return "抜き取り検査: 済み（" + est.String() + "）", nil
}

// AttachSample puts the finished audit sample of rv (if any) on the
// prepared submission, so that Submit stores it and the report prints it.
// The submit flow calls it right after preparing the batch; attached is
// false when there is no finished sample.
func AttachSample(a *app.App, s *app.Session, rv *review.Session, sub *app.Submission) (attached bool, err error) {
	sm, _, err := current(a, s, rv)
	if err != nil || sm == nil || !sm.Complete() || len(sm.Cells) == 0 {
		return false, err
	}
	if _, err := a.AttachSample(s, sub, sm); err != nil {
		return false, err
	}
	return true, nil
}

// Sample is 抜き取り検査: the cells no rule flagged are sampled at random
// (App.DrawSample: 20 cells or 2 %, whichever is larger), each shown with
// the crop of the paper when the CSV has one, and the clerk marks it
// against the paper. At the end it shows the residual error rate and its
// exact 95 % upper bound (Clopper–Pearson), which the submit flow attaches
// to the batch.
//
// Keys: 1 or Enter 正しい, 2 誤り, Backspace previous (to change a mark),
// ↑↓ move without marking, Esc close (the marks are kept for this file, in
// the working copy: they survive quitting).
type Sample struct {
	widget.BaseWidget
	frame
	rv  *review.Session
	dir string // the CSV's folder: the crops' paths are relative to it
	sm  *sampling.Sample
	cur int
}

// OpenSample opens 抜き取り検査 on rv, or says why it cannot.
func OpenSample(env Env, rv *review.Session) *Sample {
	return open(env, "抜き取り検査を始められません", func() (*Sample, error) { return NewSample(env, rv) })
}

// NewSample builds the screen: the sample already drawn for rv, or a new
// draw (logged with its seed). The crops are found beside the CSV
// (rv.Batch.File), as the detail pane finds them.
func NewSample(env Env, rv *review.Session) (*Sample, error) {
	if !env.allow(auth.EditCell) {
		return nil, ErrRefused
	}
	sm, note, err := current(env.App, env.Session, rv)
	if err != nil {
		return nil, err
	}
	if sm == nil {
		if sm, err = env.App.DrawSample(context.Background(), env.Session, rv); err != nil {
			return nil, err
		}
		if len(sm.Cells) == 0 {
			return nil, fmt.Errorf("抜き取るセルがありません（指摘も修正もないセルが 0 件です）")
		}
		keepSample(rv, sm)
	}
	if len(sm.Cells) == 0 {
		return nil, fmt.Errorf("抜き取ったセルはすべて判定前に修正されたため、抜き取りに残るセルがありません")
	}
	sv := &Sample{frame: frame{env: env}, rv: rv, dir: filepath.Dir(rv.Batch.File), sm: sm}
	sv.ExtendBaseWidget(sv)
	sv.cur = sv.firstUnmarked()
	sv.page()
	sv.render()
	if note != "" {
		sv.msg.SetText(note)
		env.say(note)
	}
	return sv, nil
}

// Show opens the screen over the window.
func (sv *Sample) Show() { sv.show(sv, sv) }

// Content is the screen, for embedding.
func (sv *Sample) Content() fyne.CanvasObject { return sv }

// Drawn is the sample on screen.
func (sv *Sample) Drawn() *sampling.Sample { return sv.sm }

// CreateRenderer is part of fyne.Widget.
func (sv *Sample) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(sv.content)
}

// FocusGained is part of fyne.Focusable.
func (sv *Sample) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (sv *Sample) FocusLost() {}

// TypedRune takes 1 and 2.
func (sv *Sample) TypedRune(r rune) {
	sv.env.touch()
	switch r {
	case '1':
		sv.mark(false)
	case '2':
		sv.mark(true)
	}
}

// TypedKey moves and marks.
func (sv *Sample) TypedKey(e *fyne.KeyEvent) {
	sv.env.touch()
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if sv.finished() {
			// to the first cell marked wrong, to correct it against the paper
			first := -1
			for i, m := range sv.sm.Marks {
				if m == sampling.Wrong {
					first = i
					break
				}
			}
			sv.close()
			if first >= 0 && sv.env.GoTo != nil {
				c := sv.sm.Cells[first]
				sv.env.GoTo(c.Row, c.Key)
				sv.env.say("抜き取り検査で誤りと付けたセルです。用紙を見て直してください")
			}
			return
		}
		sv.mark(false)
	case fyne.KeyBackspace, fyne.KeyUp, fyne.KeyLeft, fyne.KeyPageUp:
		sv.goTo(sv.cur - 1)
	case fyne.KeyDown, fyne.KeyRight, fyne.KeyPageDown:
		sv.goTo(sv.cur + 1)
	case fyne.KeyEscape:
		sv.close()
	}
}

// finished: the estimate is on screen (every cell marked, cursor past the end).
func (sv *Sample) finished() bool { return sv.cur >= len(sv.sm.Cells) }

func (sv *Sample) firstUnmarked() int {
	for i, m := range sv.sm.Marks {
		if m == sampling.Unmarked {
			return i
		}
	}
	return len(sv.sm.Cells)
}

func (sv *Sample) goTo(i int) {
	end := len(sv.sm.Cells) - 1
	if sv.sm.Complete() {
		end++ // past the last cell: the estimate
	}
	sv.cur = max(0, min(end, i))
	sv.msg.SetText("")
	sv.render()
}

// mark records the verdict on the cell shown and goes to the next cell not
// yet marked (the estimate once all are).
func (sv *Sample) mark(wrong bool) {
	if sv.finished() || !sv.env.allow(auth.EditCell) {
		return
	}
	if err := sv.env.App.MarkSample(context.Background(), sv.env.Session, sv.rv, sv.sm, sv.cur, wrong); err != nil {
		sv.msg.SetText("記録できません: " + sv.env.text(err))
		return
	}
	next := -1
	for j := sv.cur + 1; j < len(sv.sm.Cells); j++ {
		if sv.sm.Marks[j] == sampling.Unmarked {
			next = j
			break
		}
	}
	if next < 0 {
		next = sv.firstUnmarked() // one skipped earlier, or the end
	}
	sv.cur = next
	if sv.finished() {
		if est, err := sv.sm.Estimate(); err == nil {
			sv.env.say("抜き取り検査: " + est.String())
		}
	}
	sv.msg.SetText("")
	sv.render()
}

func (sv *Sample) render() {
	n := len(sv.sm.Cells)
	marked, wrong := sv.sm.Counts()
	sv.title.SetText(fmt.Sprintf("抜き取り検査　%s（指摘のないセル %d から %d セル）", filepath.Base(sv.rv.Batch.File), sv.sm.Population, n))
	pos := fmt.Sprintf("%d / %d", min(sv.cur+1, n), n)
	if sv.finished() {
		pos = "結果"
	}
	sv.progress.SetText(fmt.Sprintf("%s　｜ 済み %d / %d　誤り %d", pos, marked, n, wrong))
	if sv.finished() {
		sv.body.Objects = sv.resultBody()
	} else {
		sv.body.Objects = sv.cellBody()
	}
	sv.body.Refresh()
}

func (sv *Sample) cellBody() []fyne.CanvasObject {
	c := sv.sm.Cells[sv.cur]
	i := c.Row - 1
	f := sv.rv.Batch.Form.Field(c.Key)
	var objs []fyne.CanvasObject
	label := c.Key
	value := ""
	if f != nil {
		label = f.Label
		value = sv.rv.Value(i, f.Index)
	}
	objs = append(objs, widget.NewLabel(where(sv.rv, c.Row, true, true)))
	head := bold(fmt.Sprintf("「%s」", label))
	head.SizeName = theme.SizeNameHeadingText
	objs = append(objs, head)
	if f != nil {
		if img := sv.rv.Batch.Image(i, f.Index); img != "" {
			objs = append(objs, cropView(sv.dir, img))
		}
	}
	v := bold(quote(value))
	v.SizeName = theme.SizeNameHeadingText
	objs = append(objs, container.NewHBox(widget.NewLabel("値"), v))
	state := "未判定"
	switch sv.sm.Marks[sv.cur] {
	case sampling.Right:
		state = "正しい"
	case sampling.Wrong:
		state = "誤り"
	}
	st := widget.NewLabel("判定: " + state)
	if sv.sm.Marks[sv.cur] == sampling.Wrong {
		st.Importance = widget.DangerImportance
	}
	objs = append(objs, st)
	if f != nil && sv.rv.Edited(i, f.Index) {
		// only a marked cell can be edited and still sampled (ReconcileSample)
		objs = append(objs, wrapped("このセルは判定のあとで表で修正されました。判定は修正前の読み取り値に対するもので、付け直せません。"))
	}
	objs = append(objs, widget.NewSeparator(),
		wrapped("用紙と見比べてください。1 または Enter 正しい　2 誤り（用紙と違う）　Backspace 前のセル（付け直し）　↑↓ 移動　Esc 閉じる（付けた判定はこのファイルに残ります）"))
	return objs
}

func (sv *Sample) resultBody() []fyne.CanvasObject {
	est, err := sv.sm.Estimate()
	if err != nil {
		return []fyne.CanvasObject{widget.NewLabel(sv.env.text(err))}
	}
	head := bold(est.String())
	head.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{head,
		widget.NewLabel(fmt.Sprintf("指摘のないセル %d のうち、残っている誤りは推定 %.0f セル（95 %% 上限 %.0f セル）", est.Population, est.ExpectedErrors(), est.MaxErrors())),
		wrapped("計算方法: 正確な二項分布による Clopper–Pearson の信頼限界（片側 95 %）。上限は、本当の誤り率がこれを超えていれば今回のように少ない誤りしか見つからない確率が 5 % 以下、という値です。"),
	}
	var bad []string
	for i, c := range sv.sm.Cells {
		if sv.sm.Marks[i] == sampling.Wrong {
			label := c.Key
			if f := sv.rv.Batch.Form.Field(c.Key); f != nil {
				label = f.Label
			}
			bad = append(bad, fmt.Sprintf("%d 件目「%s」", c.Row, label))
		}
	}
	if len(bad) > 0 {
		objs = append(objs, wrapped("誤りのセル: "+strings.Join(bad, "、")+"。表で直してください（直しても抜き取りの結果は変わりません）。"))
	}
	keys := "Enter・Esc 閉じる　Backspace 最後のセルへ戻る（付け直し）"
	if len(bad) > 0 {
		keys = "Enter 誤りのセルへ移動して直す　Esc 閉じる　Backspace 最後のセルへ戻る（付け直し）"
	}
	objs = append(objs, widget.NewSeparator(),
		wrapped("この結果は送信するときにバッチに記録され、修正レポートの概要シートに印刷されます。"),
		wrapped(keys))
	return objs
}
