package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/store"
	"kenshin/internal/submission"
)

var centres = []string{"1 牛込保健センター", "2 四谷保健センター", "3 東新宿保健センター", "4 落合保健センター"}

// StoreSubmitter submits to the central store from the workbench: choose the
// centre, resolve conflicts with stored records, submit in one transaction,
// then delete the terminal's working copy.
type StoreSubmitter struct {
	Store  submission.Store
	Forget func(ctx context.Context, hash string) error // the workspace's
	User   string
	Role   string
	Now    func() time.Time
}

// Submit runs the dialogs and calls done with the outcome.
func (ss *StoreSubmitter) Submit(ctx context.Context, win fyne.Window, s *review.Session, user *auth.User, done func(string, error)) {
	submitter, role := ss.User, ss.Role
	if user != nil {
		submitter, role = user.Name, submission.RoleClerk
		if user.Can(auth.Override) {
			role = submission.RoleSupervisor
		}
	}
	sel := widget.NewSelect(centres, nil)
	if v := submission.MajorityVenue(s); v > 0 {
		sel.SetSelectedIndex(v - 1)
	}
	st := s.Stats()
	info := widget.NewLabel(fmt.Sprintf("%s\n%d 行（修正 %d、確認 %d、警告 %d）を中央データに送信します。\n送信後、この端末の作業データは削除されます。",
		s.Batch.Form.Title, st.Rows, st.Corrected, st.Confirmed, st.Warnings))
	items := []*widget.FormItem{widget.NewFormItem("", info), widget.NewFormItem("保健センター", sel)}
	reason := widget.NewEntry()
	if st.Errors > 0 { // only a supervisor gets here with errors left
		reason.SetPlaceHolder("エラーを残したまま送信する理由（必須）")
		items = append(items, widget.NewFormItem(fmt.Sprintf("エラー %d 件", st.Errors), reason))
	}
	d := dialog.NewForm("送信", "送信する", "やめる", items, func(ok bool) {
		if !ok {
			return
		}
		if sel.SelectedIndex() < 0 {
			done("", errors.New("保健センターを選んでください"))
			return
		}
		opt := submission.Options{Centre: sel.SelectedIndex() + 1, Submitter: submitter, Role: role, Now: ss.Now()}
		if st.Errors > 0 {
			opt.Override = &submission.Override{User: submitter, Role: role, Reason: strings.TrimSpace(reason.Text)}
		}
		b, err := submission.Build(s, opt)
		if err != nil {
			done("", submitError(err, st.Errors))
			return
		}
		conflicts, err := ss.Store.Conflicts(ctx, b)
		if err != nil {
			done("", err)
			return
		}
		if len(conflicts) == 0 {
			ss.finish(ctx, b, nil, done)
			return
		}
		ss.askConflicts(ctx, win, b, conflicts, done)
	}, win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

// askConflicts shows the records the store already holds and asks: skip
// them, or replace them with a reason.
func (ss *StoreSubmitter) askConflicts(ctx context.Context, win fyne.Window, b *submission.Batch, cs []submission.Conflict, done func(string, error)) {
	lines := make([]string, 0, len(cs))
	for _, c := range cs {
		lines = append(lines, fmt.Sprintf("%d 件目 宛名番号 %s 受診日 %s — バッチ %d（%s、%s %s 送信）",
			c.Row, c.Atena, c.ExamDate, c.BatchID, c.File, c.SubmittedBy, c.SubmittedAt.Local().Format("01/02 15:04")))
	}
	list := widget.NewLabel(strings.Join(lines, "\n"))
	choice := widget.NewRadioGroup([]string{"登録済みの記録を残し、この行はスキップする", "この行で置き換える（理由が必要）"}, nil)
	choice.SetSelected("登録済みの記録を残し、この行はスキップする")
	reason := widget.NewEntry()
	reason.SetPlaceHolder("置き換える理由（例: 読み取り誤りを訂正）")
	content := container.NewBorder(widget.NewLabel(fmt.Sprintf("%d 行が中央データに登録済みです（同じ宛名番号・帳票・受診日）。", len(cs))),
		container.NewVBox(choice, reason), nil, nil, container.NewVScroll(list))
	d := dialog.NewCustomConfirm("登録済みの記録", "送信する", "やめる", content, func(ok bool) {
		if !ok {
			return
		}
		replace := choice.Selected != "登録済みの記録を残し、この行はスキップする"
		if replace && strings.TrimSpace(reason.Text) == "" {
			done("", errors.New("置き換えるには理由を入力してください"))
			return
		}
		dec := map[int]submission.Decision{}
		for _, c := range cs {
			dec[c.Row] = submission.Decision{Replace: replace, Reason: strings.TrimSpace(reason.Text)}
		}
		ss.finish(ctx, b, dec, done)
	}, win)
	d.Resize(fyne.NewSize(760, 460))
	d.Show()
}

func (ss *StoreSubmitter) finish(ctx context.Context, b *submission.Batch, dec map[int]submission.Decision, done func(string, error)) {
	res, err := ss.Store.Submit(ctx, b, dec)
	if err != nil {
		done("", submitError(err, 0))
		return
	}
	msg := fmt.Sprintf("送信しました（バッチ番号 %d: 登録 %d 件、スキップ %d 件、置き換え %d 件）。", res.BatchID, res.Stored, res.Skipped, res.Replaced)
	if ss.Forget != nil {
		if err := ss.Forget(ctx, b.FileHash); err != nil {
			msg += "ただし端末内の作業データを削除できませんでした: " + err.Error()
		} else {
			msg += "この端末の作業データは削除しました。"
		}
	}
	done(msg, nil)
}

func submitError(err error, errorsLeft int) error {
	var ue *store.UnresolvedError
	switch {
	case errors.Is(err, submission.ErrErrorsRemain):
		return fmt.Errorf("エラーが %d 件残っています。修正するか、読み取りどおりと確認してください", errorsLeft)
	case errors.Is(err, submission.ErrNotAllowed):
		return errors.New("エラーが残ったままの送信は、確認者が理由を付けた場合だけできます")
	case errors.Is(err, submission.ErrDuplicate):
		return errors.New("このバッチは同じ内容ですでに送信されています。二重には登録しません")
	case errors.As(err, &ue):
		return ue
	}
	return err
}
