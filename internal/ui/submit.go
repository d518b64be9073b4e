package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/submission"
	"kenshin/internal/ui/toolsui"
)

// centres are the 会場 choices, from common.json through the app layer,
// with their codes (the list need not be numbered 1, 2, 3…).
func (w *Workbench) centres() (labels []string, codes []int) {
	for _, c := range w.deps.App.Centres() {
		code, err := strconv.Atoi(strings.TrimSpace(c.Code))
		if err != nil || code <= 0 {
			continue // not a centre number: cannot be stored or filtered on
		}
		labels = append(labels, c.Code+" "+c.Label)
		codes = append(codes, code)
	}
	return labels, codes
}

// askSubmit asks for the health centre (and, with errors left, the
// supervisor's reason), then submits through the application layer.
func (w *Workbench) askSubmit(sh *sheet, done func(string, bool, error)) {
	ctx := context.Background()
	s := sh.session
	centres, codes := w.centres()
	sel := widget.NewSelect(centres, nil)
	sel.PlaceHolder = selectPlaceHolder
	if i := slices.Index(codes, submission.MajorityVenue(s)); i >= 0 {
		sel.SetSelectedIndex(i)
	}
	st := s.Stats()
	info := widget.NewLabel(fmt.Sprintf("%s\n%d 行（修正 %d、確認 %d、警告 %d）を中央データに送信します。\n送信後、この端末の作業データは削除されます。",
		s.Batch.Form.Title, st.Rows, st.Corrected, st.Confirmed, st.Warnings))
	sampleLine, sampleErr := toolsui.SampleStatus(w.deps.App, w.session, s)
	status := sampleLine
	if line := w.doubleCheckLine(ctx, s); line != "" {
		status = line + "\n" + sampleLine
	}
	items := []*widget.FormItem{widget.NewFormItem("", info), widget.NewFormItem("", widget.NewLabel(status)), widget.NewFormItem("保健センター", sel)}
	reason := widget.NewEntry()
	if st.Errors > 0 { // only a supervisor gets here with errors left
		reason.SetPlaceHolder("エラーを残したまま送信する理由（必須）")
		items = append(items, widget.NewFormItem(fmt.Sprintf("エラー %d 件", st.Errors), reason))
	}
	if st.Errors > 0 {
		items = append(items, widget.NewFormItem("", w.remainingErrorList(sh)))
	}
	k := showKeyDialog(w.win, "送信", "送信する", "やめる", widget.NewForm(items...), nil, func(ok bool) {
		if !ok {
			return
		}
		if sel.SelectedIndex() < 0 {
			done("", false, errors.New("保健センターを選んでください"))
			return
		}
		if errors.Is(sampleErr, toolsui.ErrSampleUnfinished) {
			done("", false, sampleErr)
			return
		}
		req := app.SubmitRequest{Centre: codes[sel.SelectedIndex()]}
		if st.Errors > 0 {
			req.OverrideReason = strings.TrimSpace(reason.Text)
			if req.OverrideReason == "" {
				done("", false, errors.New("エラーを残したまま送信するには理由を入力してください"))
				return
			}
		}
		// offline: the batch is still prepared (its conflicts are checked when it is sent)
		sub, err := w.deps.App.PrepareSubmitOffline(ctx, w.session, s, req)
		if err != nil {
			done("", false, submitError(err, st.Errors))
			return
		}
		// the audit sample marked in 抜き取り検査 goes with the batch
		if _, err := toolsui.AttachSample(w.deps.App, w.session, s, sub); err != nil {
			done("", false, err)
			return
		}
		done := func(msg string, queued bool, err error) {
			if queued {
				sh.queuedKey = sub.Batch.Key
			}
			done(msg, queued, err)
		}
		if len(sub.Conflicts) == 0 {
			w.finishSubmit(ctx, sub, nil, done)
			return
		}
		w.askConflicts(ctx, sub, done)
	})
	k.d.Resize(fyne.NewSize(640, 300+float32(min(st.Errors, 8))*30))
	w.submitDlg = k
}

// doubleCheckLine is the submit dialog's line on the second-person check
// ("" when it is not required): the clerk sees before 送信する whether it
// is done, instead of a refusal after.
func (w *Workbench) doubleCheckLine(ctx context.Context, s *review.Session) string {
	a := w.deps.App
	if a == nil || a.DoubleCheckOff || w.user == nil || !w.user.Can(auth.DoubleCheck) {
		return ""
	}
	sub, err := a.CheckTarget(ctx, w.session, s)
	if err != nil {
		return "ダブルチェック: " + ErrorText(err)
	}
	v, err := a.DoubleCheckProgress(ctx, w.session, sub)
	switch {
	case err != nil:
		return "ダブルチェック: 状態を確かめられません（" + ErrorText(err) + "）"
	case v == nil:
		return "ダブルチェック: まだです（別の利用者が ツール → ダブルチェック で行います）"
	case v.Complete:
		return fmt.Sprintf("ダブルチェック: 済み（%s、%d 項目）", v.Checker, v.Total)
	case v.Open > 0:
		return fmt.Sprintf("ダブルチェック: 途中（%d / %d、不一致 %d は確認者が判断します）", v.Settled, v.Total, v.Open)
	}
	return fmt.Sprintf("ダブルチェック: 途中（%d / %d）", v.Settled, v.Total)
}

const skipChoice = "登録済みの記録を残し、この行はスキップする"

func (w *Workbench) askConflicts(ctx context.Context, sub *app.Submission, done func(string, bool, error)) {
	cs := sub.Conflicts
	lines := make([]string, 0, len(cs))
	for _, c := range cs {
		lines = append(lines, fmt.Sprintf("%d 件目 宛名番号 %s 受診日 %s — バッチ %d（%s、%s %s 送信）",
			c.Row, c.Atena, c.ExamDate, c.BatchID, c.File, c.SubmittedBy, c.SubmittedAt.Local().Format("01/02 15:04")))
	}
	list := widget.NewLabel(strings.Join(lines, "\n"))
	choice := widget.NewRadioGroup([]string{skipChoice, "この行で置き換える（理由が必要）"}, nil)
	choice.SetSelected(skipChoice)
	reason := widget.NewEntry()
	reason.SetPlaceHolder("置き換える理由（例: 読み取り誤りを訂正）")
	content := container.NewBorder(widget.NewLabel(fmt.Sprintf("%d 行が中央データに登録済みです（同じ宛名番号・帳票・受診日）。", len(cs))),
		container.NewVBox(choice, reason), nil, nil, container.NewVScroll(list))
	k := showKeyDialog(w.win, "登録済みの記録", "送信する", "やめる", content, nil, func(ok bool) {
		if !ok {
			return
		}
		replace := choice.Selected != skipChoice
		if replace && strings.TrimSpace(reason.Text) == "" {
			done("", false, errors.New("置き換えるには理由を入力してください"))
			return
		}
		dec := map[int]submission.Decision{}
		for _, c := range cs {
			dec[c.Row] = submission.Decision{Replace: replace, Reason: strings.TrimSpace(reason.Text)}
		}
		w.finishSubmit(ctx, sub, dec, done)
	})
	k.d.Resize(fyne.NewSize(760, 460))
}

func (w *Workbench) finishSubmit(ctx context.Context, sub *app.Submission, dec map[int]submission.Decision, done func(string, bool, error)) {
	d, err := w.deps.App.SubmitOrQueue(ctx, w.session, sub, dec, w.deps.Workspace, w.outbox())
	if err != nil {
		done("", false, submitError(err, 0))
		return
	}
	if d.Queued { // kept on this PC, sent later: the file stays open
		w.refreshOutbox()
		done(app.QueuedMessage+"。つながったら自動で送信します（ファイル → 送信待ちを送る）。", true, nil)
		return
	}
	res := d.SubmitResult
	w.lastBatch = res.BatchID
	msg := fmt.Sprintf("送信しました（バッチ番号 %d: 登録 %d 件、スキップ %d 件、置き換え %d 件）。", res.BatchID, res.Stored, res.Skipped, res.Replaced)
	if res.ForgetErr != nil {
		msg += "ただし端末内の作業データを削除できませんでした: " + res.ForgetErr.Error()
	} else if w.deps.Workspace != nil {
		msg += "この端末の作業データは削除しました。"
	}
	done(msg+"（操作記録の控え "+res.Head.String()+"）", false, nil)
}

// submitError turns the submission rules' errors into Japanese.
func submitError(err error, errorsLeft int) error {
	switch {
	case errors.Is(err, submission.ErrErrorsRemain):
		return fmt.Errorf("エラーが %d 件残っています。修正するか、読み取りどおりと確認してください", errorsLeft)
	case errors.Is(err, submission.ErrNotAllowed):
		return errors.New("エラーが残ったままの送信は、確認者が理由を付けた場合だけできます")
	case errors.Is(err, submission.ErrDuplicate):
		return errors.New("このバッチは同じ内容ですでに送信されています。二重には登録しません")
	case errors.Is(err, app.ErrCheckPending):
		// say where the check is done
		return errors.New("ダブルチェックが終わっていないため送信できません。別の利用者（2 人目）がログインし、ツール → ダブルチェックで対象の項目を確認してから送信してください（不一致は確認者が判断します）。")
	}
	return err
}

func (w *Workbench) submit() {
	sh := w.active()
	if sh == nil {
		return
	}
	if w.deps.App == nil {
		w.showInfo("送信", "この端末には送信先が設定されていません。")
		return
	}
	if !w.allow(auth.Submit) {
		return
	}
	if st := sh.session.Stats(); st.Errors > 0 && !(w.user != nil && w.user.Can(auth.Override)) {
		w.showInfo("送信", fmt.Sprintf("エラーが %d 件残っています。修正するか、読み取りどおりと確認してから送信してください（確認者は理由を付けて送信できます）。", st.Errors))
		return
	}
	w.askSubmit(sh, func(msg string, queued bool, err error) {
		if err != nil {
			w.showError("送信できませんでした", err)
			return
		}
		toolsui.ForgetSample(sh.session) // it went with the batch, sent or queued
		if queued {
			w.setMessage(msg)
			w.showInfo("送信待ち", msg)
			return
		}
		// the working copy is gone: close the file so nothing more is done to it
		for i, it := range w.tabs.Items {
			if i < len(w.sheets) && w.sheets[i] == sh {
				w.closeTab(it)
				break
			}
		}
		w.setMessage(msg)
		w.showInfo("送信しました", msg)
	})
}
