package toolsui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/doublecheck"
	"kenshin/internal/form"
	"kenshin/internal/review"
)

// stage is where the double-check screen is.
type stage int

const (
	stageStart  stage = iota // batch, state, mode choice
	stageCheck               // one field at a time
	stageDone                // every field visited
	stageDecide              // a supervisor decides the mismatches
)

// DoubleCheck is ダブルチェック: a second logged-in user checks the fields
// the form marks (宛名番号, 生年月日, 受診日, 判定 by default) of the review
// about to be submitted, one at a time, either confirming the value shown
// or — blind — typing it from the paper without ever seeing it; a
// supervisor then decides each mismatch. Every step is stored at once (the
// app keeps the check under the batch key), so the screen may be closed
// and opened again, here or on another terminal.
//
// Keys: Start — 1 見て確認, 2 見ずに再入力, Enter start, F3 不一致の判断,
// Esc close. Check — Enter confirm (or record what was typed) and go on,
// ↑/PageUp previous, ↓/PageDown next without recording, Esc back.
// Decide — ↑↓ choose, 1 the first value, 2 the re-keyed one, 3 type
// another, then the reason and Enter; Esc back.
type DoubleCheck struct {
	widget.BaseWidget
	frame
	rv     *review.Session
	sub    *app.Submission
	dir    string            // the CSV's folder: the crops' paths are relative to it
	labels map[string]string // field key → label
	total  int               // fields the check covers

	stage stage
	mode  doublecheck.Mode
	view  *app.CheckView // nil: not started by this user
	other string         // the check in progress is someone else's: their name
	// stored is the progress of the check in the store when this screen
	// has not started it (a supervisor's view of someone else's check)
	stored *[3]int
	cur    int // item shown (stageCheck)
	// blankAsked: Enter was pressed on an empty re-key field once
	blankAsked bool

	mism []doublecheck.Item // stageDecide
	mcur int

	typed         *keyEntry // blind re-key
	value, reason *keyEntry // a supervisor's decision
}

// OpenDoubleCheck opens ダブルチェック on rv for the user logged in, or
// says why it cannot.
func OpenDoubleCheck(env Env, rv *review.Session) *DoubleCheck {
	return open(env, "ダブルチェックを開けません", func() (*DoubleCheck, error) { return NewDoubleCheck(env, rv) })
}

// NewDoubleCheck builds the screen for rv: the gate, then the batch the
// review would submit (App.CheckTarget) and any check already under way.
func NewDoubleCheck(env Env, rv *review.Session) (*DoubleCheck, error) {
	if !env.allow(auth.DoubleCheck) {
		return nil, ErrRefused
	}
	ctx := context.Background()
	sub, err := env.App.CheckTarget(ctx, env.Session, rv)
	if err != nil {
		return nil, err
	}
	dc := &DoubleCheck{frame: frame{env: env}, rv: rv, sub: sub, dir: filepath.Dir(rv.Batch.File), labels: map[string]string{}}
	dc.ExtendBaseWidget(dc)
	f := rv.Batch.Form
	for _, fd := range f.Fields {
		dc.labels[fd.Key] = fd.Label
	}
	dc.total = len(doublecheck.FromBatch(sub.Batch, app.CheckKeys(f)))
	dc.mode = doublecheck.Blind // the stronger check is the default
	if st, err := env.App.DoubleCheckProgress(ctx, env.Session, sub); err != nil {
		return nil, err
	} else if st != nil {
		dc.mode = st.Mode // resuming: the mode it started with
		dc.keepProgress(st)
		if st.Checker != env.Session.User.Name {
			dc.other = st.Checker
		}
	}
	dc.page()
	dc.typed = newKeyEntry("用紙に書かれた値を入力")
	dc.typed.on(dc.rekey, fyne.KeyReturn, fyne.KeyEnter)
	dc.typed.on(dc.back, fyne.KeyEscape)
	dc.typed.on(func() { dc.move(-1) }, fyne.KeyUp, fyne.KeyPageUp)
	dc.typed.on(func() { dc.move(1) }, fyne.KeyDown, fyne.KeyPageDown)
	dc.value = newKeyEntry("採用する値")
	dc.value.on(func() { dc.focus(dc.reason) }, fyne.KeyReturn, fyne.KeyEnter)
	dc.value.on(func() { dc.focus(dc) }, fyne.KeyEscape)
	dc.reason = newKeyEntry("判断の理由（必須。例: 用紙を確認した）")
	dc.reason.on(dc.decide, fyne.KeyReturn, fyne.KeyEnter)
	dc.reason.on(func() { dc.focus(dc) }, fyne.KeyEscape)
	dc.render()
	return dc, nil
}

// Show opens the screen over the window.
func (dc *DoubleCheck) Show() { dc.show(dc, dc.focusTarget()) }

// Content is the screen, for embedding.
func (dc *DoubleCheck) Content() fyne.CanvasObject { return dc }

// CreateRenderer is part of fyne.Widget.
func (dc *DoubleCheck) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(dc.content)
}

// FocusGained is part of fyne.Focusable.
func (dc *DoubleCheck) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (dc *DoubleCheck) FocusLost() {}

// TypedRune takes the number keys.
func (dc *DoubleCheck) TypedRune(r rune) {
	dc.env.touch()
	switch dc.stage {
	case stageStart:
		switch r {
		case '1':
			dc.choose(doublecheck.Confirm)
		case '2':
			dc.choose(doublecheck.Blind)
		}
	case stageDecide:
		switch r {
		case '1', '2', '3':
			dc.pick(r)
		}
	}
}

// TypedKey moves and acts.
func (dc *DoubleCheck) TypedKey(e *fyne.KeyEvent) {
	dc.env.touch()
	switch e.Name {
	case fyne.KeyEscape:
		dc.back()
		return
	case fyne.KeyF3:
		dc.openDecide()
		return
	}
	switch dc.stage {
	case stageStart:
		switch e.Name {
		case fyne.KeyUp, fyne.KeyDown:
			dc.choose(1 - dc.mode)
		case fyne.KeyReturn, fyne.KeyEnter:
			dc.start()
		}
	case stageCheck:
		switch e.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			dc.confirm()
		case fyne.KeyUp, fyne.KeyPageUp, fyne.KeyLeft:
			dc.move(-1)
		case fyne.KeyDown, fyne.KeyPageDown, fyne.KeyRight:
			dc.move(1)
		}
	case stageDone:
		if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
			if i := dc.nextPending(-1); i >= 0 {
				dc.cur, dc.stage = i, stageCheck
				dc.render()
				return
			}
			dc.close()
		}
	case stageDecide:
		switch e.Name {
		case fyne.KeyUp:
			dc.mcur = max(0, dc.mcur-1)
			dc.render()
		case fyne.KeyDown:
			dc.mcur = min(len(dc.mism)-1, dc.mcur+1)
			dc.render()
		case fyne.KeyReturn, fyne.KeyEnter:
			dc.focus(dc.reason)
		}
	}
}

func (dc *DoubleCheck) choose(m doublecheck.Mode) {
	if dc.other != "" {
		return
	}
	dc.mode = m
	dc.render()
}

// back is Esc: one level up, and from the start closes the screen.
func (dc *DoubleCheck) back() {
	switch dc.stage {
	case stageStart:
		dc.close()
		return
	case stageDecide:
		dc.stage = stageStart
		if dc.view != nil {
			dc.stage = stageDone
			if dc.nextPending(-1) >= 0 {
				dc.stage = stageCheck
			}
		}
	default:
		dc.stage = stageStart
	}
	dc.msg.SetText("")
	dc.render()
}

// start starts (or resumes) the check in the chosen mode.
func (dc *DoubleCheck) start() {
	if !dc.env.allow(auth.DoubleCheck) {
		return
	}
	v, err := dc.env.App.StartDoubleCheck(context.Background(), dc.env.Session, dc.sub, dc.mode)
	if err != nil {
		dc.fail("ダブルチェックを始められません", err)
		return
	}
	dc.view, dc.other = v, ""
	if len(v.Items) == 0 {
		dc.stage = stageDone
		dc.render()
		return
	}
	dc.cur = max(dc.nextPending(-1), 0)
	dc.stage = stageCheck
	if dc.nextPending(-1) < 0 {
		dc.stage = stageDone
	}
	dc.env.say(fmt.Sprintf("ダブルチェック（%s）を始めました", modeLabel(dc.mode)))
	dc.render()
}

// fail shows a refusal or failure in the screen's message line.
func (dc *DoubleCheck) fail(what string, err error) {
	text := what + ": " + dc.env.text(err)
	dc.msg.SetText(text)
	dc.msg.Importance = widget.DangerImportance
	dc.msg.Refresh()
	dc.env.say(text)
}

func (dc *DoubleCheck) note(text string) {
	dc.msg.SetText(text)
	dc.msg.Importance = widget.MediumImportance
	dc.msg.Refresh()
}

// nextPending is the first pending item after i (-1: from the start), or -1.
func (dc *DoubleCheck) nextPending(i int) int {
	if dc.view == nil {
		return -1
	}
	for j := i + 1; j < len(dc.view.Items); j++ {
		if dc.view.Items[j].State == doublecheck.Pending {
			return j
		}
	}
	return -1
}

func (dc *DoubleCheck) move(d int) {
	if dc.stage != stageCheck || dc.view == nil {
		return
	}
	dc.cur = max(0, min(len(dc.view.Items)-1, dc.cur+d))
	dc.blankAsked = false
	dc.msg.SetText("")
	dc.render()
}

// advance goes to the next pending field after the current one; at the end
// of the list, to the summary.
func (dc *DoubleCheck) advance() {
	if i := dc.nextPending(dc.cur); i >= 0 {
		dc.cur = i
	} else {
		dc.stage = stageDone
	}
	dc.render()
}

// confirm is Enter on a field: confirm mode records it as matching the
// paper; blind mode records what was typed.
func (dc *DoubleCheck) confirm() {
	if dc.mode == doublecheck.Blind {
		dc.rekey()
		return
	}
	if !dc.env.allow(auth.DoubleCheck) {
		return
	}
	it := dc.view.Items[dc.cur]
	v, err := dc.env.App.ConfirmField(context.Background(), dc.env.Session, dc.sub, it.Row, it.Key)
	if err != nil {
		dc.fail("確認を記録できません", err)
		return
	}
	dc.view = v
	dc.note(fmt.Sprintf("%d 件目「%s」を確認しました", it.Row, dc.label(it.Key)))
	dc.advance()
}

// rekey records the value typed from the paper (blind mode).
func (dc *DoubleCheck) rekey() {
	if dc.stage != stageCheck || dc.mode != doublecheck.Blind {
		return
	}
	typed := strings.TrimSpace(dc.typed.Text)
	if typed == "" && !dc.blankAsked {
		// a blank on the paper is a value too, but Enter on an empty
		// field is more often a slip: ask once
		dc.blankAsked = true
		dc.note("用紙のこの欄が空欄なら、もう一度 Enter を押してください（空欄として記録します）")
		return
	}
	dc.blankAsked = false
	if !dc.env.allow(auth.DoubleCheck) {
		return
	}
	it := dc.view.Items[dc.cur]
	match, v, err := dc.env.App.RekeyField(context.Background(), dc.env.Session, dc.sub, it.Row, it.Key, typed)
	if err != nil {
		dc.fail("入力を記録できません", err)
		return
	}
	dc.view = v
	if match {
		dc.note(fmt.Sprintf("%d 件目「%s」: 一致しました", it.Row, dc.label(it.Key)))
	} else {
		dc.note(fmt.Sprintf("%d 件目「%s」: 一致しません。確認者の判断を待ちます", it.Row, dc.label(it.Key)))
	}
	dc.advance()
}

func (dc *DoubleCheck) label(key string) string {
	if l, ok := dc.labels[key]; ok {
		return l
	}
	return key
}

// openDecide is F3: the mismatches, for a supervisor.
func (dc *DoubleCheck) openDecide() {
	if !dc.env.allow(auth.DecideMismatch) {
		return
	}
	mm, err := dc.env.App.Mismatches(context.Background(), dc.env.Session, dc.sub)
	if err != nil {
		dc.fail("不一致を読み込めません", err)
		return
	}
	if len(mm) == 0 {
		dc.note("判断を待つ不一致はありません")
		return
	}
	dc.mism, dc.mcur, dc.stage = mm, 0, stageDecide
	dc.value.SetText("")
	dc.reason.SetText("")
	dc.msg.SetText("")
	dc.render()
}

// pick fills the value to submit: 1 the first value, 2 the re-keyed one,
// 3 one the supervisor types.
func (dc *DoubleCheck) pick(r rune) {
	if len(dc.mism) == 0 {
		return
	}
	it := dc.mism[dc.mcur]
	switch r {
	case '1':
		dc.value.SetText(it.First)
		dc.focus(dc.reason)
	case '2':
		dc.value.SetText(it.Rekeyed)
		dc.focus(dc.reason)
	case '3':
		dc.value.SetText("")
		dc.focus(dc.value)
	}
}

// decide records the supervisor's decision on the mismatch shown.
func (dc *DoubleCheck) decide() {
	if dc.stage != stageDecide || len(dc.mism) == 0 {
		return
	}
	reason := strings.TrimSpace(dc.reason.Text)
	if reason == "" {
		dc.note("判断の理由を入力してください")
		return
	}
	if !dc.env.allow(auth.DecideMismatch) {
		return
	}
	it := dc.mism[dc.mcur]
	ctx := context.Background()
	value := strings.TrimSpace(dc.value.Text)
	v, err := dc.env.App.DecideMismatch(ctx, dc.env.Session, dc.sub, it.Row, it.Key, value, reason)
	if err != nil {
		dc.fail("判断を記録できません", err)
		return
	}
	if dc.view != nil && v != nil {
		// the checker deciding: the counts move on (the items, with what
		// blind mode hides, stay the checker's own)
		dc.view.Settled, dc.view.Open, dc.view.Total, dc.view.Complete = v.Settled, v.Open, v.Total, v.Complete
	}
	dc.note(fmt.Sprintf("%d 件目「%s」を %s に決めました", it.Row, dc.label(it.Key), quote(value)))
	dc.env.say(dc.msg.Text)
	mm, err := dc.env.App.Mismatches(ctx, dc.env.Session, dc.sub)
	if err != nil {
		dc.fail("不一致を読み込めません", err)
		return
	}
	dc.mism, dc.mcur = mm, min(dc.mcur, max(len(mm)-1, 0))
	if st, err := dc.env.App.DoubleCheckProgress(ctx, dc.env.Session, dc.sub); err == nil && st != nil {
		dc.keepProgress(st)
	}
	dc.value.SetText("")
	dc.reason.SetText("")
	if len(mm) == 0 {
		dc.note("不一致はすべて判断しました。送信できます（ほかの項目が済んでいれば）")
	}
	dc.render()
	dc.focus(dc)
}

func (dc *DoubleCheck) keepProgress(st *app.CheckView) {
	dc.stored = &[3]int{st.Settled, st.Open, st.Total}
}

// State is the check as this screen last read it (nil: not started here).
func (dc *DoubleCheck) State() *app.CheckView { return dc.view }

// hidesAtena: in blind mode the record's 宛名番号 is itself re-keyed, so it
// is not shown before it has been typed.
func (dc *DoubleCheck) hidesAtena(row int) bool {
	if dc.mode != doublecheck.Blind || dc.view == nil {
		return false
	}
	for _, it := range dc.view.Items {
		if it.Row == row && it.Key == form.KeyAtena && it.State == doublecheck.Pending {
			return true
		}
	}
	return false
}

func modeLabel(m doublecheck.Mode) string {
	if m == doublecheck.Blind {
		return "見ずに再入力"
	}
	return "見て確認"
}

func stateLabel(s doublecheck.State) string {
	switch s {
	case doublecheck.Confirmed:
		return "確認済み"
	case doublecheck.Matched:
		return "一致"
	case doublecheck.Mismatch:
		return "不一致（判断待ち）"
	case doublecheck.Decided:
		return "判断済み"
	}
	return "未確認"
}

func (dc *DoubleCheck) focusTarget() fyne.Focusable {
	if dc.stage == stageCheck && dc.mode == doublecheck.Blind {
		return dc.typed
	}
	return dc
}

// render rebuilds the body for the stage.
func (dc *DoubleCheck) render() {
	b := dc.sub.Batch
	dc.title.SetText(fmt.Sprintf("ダブルチェック　%s（%d 件）", b.File, len(b.Records)))
	dc.progress.SetText(dc.progressText())
	var objs []fyne.CanvasObject
	add := func(o ...fyne.CanvasObject) { objs = append(objs, o...) }
	help := ""
	switch dc.stage {
	case stageStart:
		help = dc.startBody(add)
	case stageCheck:
		help = dc.checkBody(add)
	case stageDone:
		help = dc.doneBody(add)
	case stageDecide:
		help = dc.decideBody(add)
	}
	add(widget.NewSeparator(), helpLine(help))
	dc.body.Objects = objs
	dc.body.Refresh()
	if dc.pop != nil {
		dc.focus(dc.focusTarget())
	}
}

func (dc *DoubleCheck) progressText() string {
	if dc.view == nil {
		if p := dc.stored; p != nil {
			text := fmt.Sprintf("%d / %d", p[0], p[2])
			if p[1] > 0 {
				text += fmt.Sprintf("　不一致 %d（判断待ち）", p[1])
			}
			return text + "　方式: " + modeLabel(dc.mode)
		}
		return fmt.Sprintf("対象 %d 項目", dc.total)
	}
	v := dc.view
	text := fmt.Sprintf("%d / %d", v.Settled, v.Total)
	if v.Open > 0 {
		text += fmt.Sprintf("　不一致 %d（判断待ち）", v.Open)
	}
	if dc.stage == stageCheck {
		text += fmt.Sprintf("　｜ この項目 %d 番目", dc.cur+1)
	}
	return text + "　方式: " + modeLabel(v.Mode)
}

func (dc *DoubleCheck) startBody(add func(...fyne.CanvasObject)) string {
	b := dc.sub.Batch
	var keys []string
	for _, k := range app.CheckKeys(dc.rv.Batch.Form) {
		keys = append(keys, dc.label(k))
	}
	add(wrapped(fmt.Sprintf("対象の項目: %s（%d 件 × %d 項目 = %d）", strings.Join(keys, "・"), len(b.Records), len(keys), dc.total)))
	who := b.Reviewer
	if who == "" {
		who = "—"
	}
	add(widget.NewLabel(fmt.Sprintf("1 人目: %s　2 人目（ダブルチェックする人）: %s", who, dc.env.Session.User.Name)))
	if dc.other != "" {
		add(wrapped(fmt.Sprintf("このバッチは「%s」が %s でダブルチェック中です。続きはその人が行います。確認者は F3 で不一致を判断できます。", dc.other, modeLabel(dc.mode))))
		return "F3 不一致の判断（確認者）　Esc 閉じる"
	}
	for _, m := range []doublecheck.Mode{doublecheck.Confirm, doublecheck.Blind} {
		mark := "　　"
		if m == dc.mode {
			mark = "▶ "
		}
		desc := "値を見て、用紙と同じなら Enter で確認します"
		if m == doublecheck.Blind {
			desc = "値を見ずに用紙から入力します。1 人目の値と自動で照合します（おすすめ）"
		}
		l := widget.NewLabel(fmt.Sprintf("%s%d  %s — %s", mark, int(m)+1, modeLabel(m), desc))
		l.TextStyle.Bold = m == dc.mode
		add(l)
	}
	return "1・2（↑↓）方式を選ぶ　Enter 始める（途中からなら続きから）　F3 不一致の判断（確認者）　Esc 閉じる"
}

func (dc *DoubleCheck) checkBody(add func(...fyne.CanvasObject)) string {
	it := dc.view.Items[dc.cur]
	add(widget.NewLabel(where(dc.rv, it.Row, !dc.hidesAtena(it.Row), !dc.hidesKana())))
	field := bold(fmt.Sprintf("「%s」", dc.label(it.Key)))
	field.SizeName = theme.SizeNameHeadingText
	add(field)
	if img := dc.image(it.Row, it.Key); img != "" {
		add(cropView(dc.dir, img))
	}
	state := widget.NewLabel("状態: " + stateLabel(it.State))
	if dc.mode == doublecheck.Confirm {
		v := widget.NewLabel(quote(it.First))
		v.TextStyle.Bold = true
		v.SizeName = theme.SizeNameHeadingText
		add(container.NewHBox(widget.NewLabel("値"), v), state)
		return "Enter 用紙と一致（確認して次へ）　↓ 確認せず次へ（違っていたら確認した人に伝える）　↑ 前へ　F3 不一致の判断　Esc 戻る"
	}
	if it.Rekeyed != "" {
		state.SetText(fmt.Sprintf("状態: %s（入力した値 %s）", stateLabel(it.State), quote(it.Rekeyed)))
	}
	dc.typed.SetText("")
	add(container.NewBorder(nil, nil, widget.NewLabel("用紙の値"), nil, dc.typed), state)
	return "用紙を見て値を入力し Enter（1 人目の値は表示しません。空欄なら何も入れずに Enter を 2 回）　↓ 入力せず次へ　↑ 前へ　Esc 戻る"
}

func (dc *DoubleCheck) doneBody(add func(...fyne.CanvasObject)) string {
	v := dc.view
	pending := v.Total - v.Settled - v.Open
	switch {
	case v.Complete:
		add(bold("すべての項目のダブルチェックが終わりました。送信できます。"))
	case pending > 0:
		add(wrapped(fmt.Sprintf("確認していない項目が %d あります。Enter で最初の未確認の項目へ戻ります。", pending)))
	}
	if v.Open > 0 {
		add(wrapped(fmt.Sprintf("不一致が %d あります。確認者が用紙を見て判断するまで送信できません（F3）。", v.Open)))
	}
	if pending > 0 {
		return "Enter 未確認の項目へ　F3 不一致の判断（確認者）　Esc 戻る"
	}
	return "Enter 閉じる　F3 不一致の判断（確認者）　Esc 戻る"
}

func (dc *DoubleCheck) decideBody(add func(...fyne.CanvasObject)) string {
	if len(dc.mism) == 0 {
		add(bold("判断を待つ不一致はありません。"))
		return "Esc 戻る"
	}
	add(bold(fmt.Sprintf("不一致の判断　%d / %d", dc.mcur+1, len(dc.mism))))
	for i, it := range dc.mism {
		mark := "　"
		if i == dc.mcur {
			mark = "▶"
		}
		l := widget.NewLabel(fmt.Sprintf("%s %d 件目（宛名番号 %s）「%s」　1 人目 %s　再入力 %s（%s）",
			mark, it.Row, it.Atena, dc.label(it.Key), quote(it.First), quote(it.Rekeyed), it.CheckedBy))
		l.TextStyle.Bold = i == dc.mcur
		add(l)
	}
	if it := dc.mism[dc.mcur]; dc.image(it.Row, it.Key) != "" {
		add(cropView(dc.dir, dc.image(it.Row, it.Key)))
	}
	add(widget.NewSeparator(),
		container.NewBorder(nil, nil, widget.NewLabel("送信する値"), nil, dc.value),
		container.NewBorder(nil, nil, widget.NewLabel("理由　　　"), nil, dc.reason))
	return "↑↓ 選ぶ　1 1 人目の値　2 再入力の値　3 別の値を入力　→ 理由を入力して Enter で決定　Esc 戻る"
}

// hidesKana: the 氏名カナ is not shown while it is itself re-keyed blind.
func (dc *DoubleCheck) hidesKana() bool {
	if dc.mode != doublecheck.Blind {
		return false
	}
	for _, k := range app.CheckKeys(dc.rv.Batch.Form) {
		if k == form.KeyKana {
			return true
		}
	}
	return false
}

// image is the crop of a 1-based row's field, "" without one.
func (dc *DoubleCheck) image(row int, key string) string {
	f := dc.rv.Batch.Form.Field(key)
	if f == nil || row < 1 || row > dc.rv.Len() {
		return ""
	}
	return dc.rv.Batch.Image(row-1, f.Index)
}
