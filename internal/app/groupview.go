package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kenshin/internal/auth"
	"kenshin/internal/groupview"
	"kenshin/internal/normalize"
	"kenshin/internal/review"
)

// GroupView is the column view of field key in an open review: every value
// grouped with counts, confidence, findings and rows, outliers flagged
// (groupview.FromSession; band nil: no reference band). nil for a key the
// form does not have.
func (a *App) GroupView(rv *review.Session, key string, band groupview.Band) *groupview.View {
	return groupview.FromSession(rv, key, band)
}

// GroupResult is what ConfirmGroup did with the cells of a group.
type GroupResult struct {
	Confirmed int // confirmed now
	Already   int // confirmed before with the same reason: nothing to do
	// Refused are cells with an open error the reason does not close (the
	// core refuses them: the clerk fixes each, or confirms it in the table
	// with a reason that closes it).
	Refused int
}

// ErrGroupUnreadable: a group of ● cannot be confirmed at once; each cell
// needs a value, or F7 when the paper is unreadable too.
var ErrGroupUnreadable = errors.New("●（読み取れなかった欄）はまとめて確認できません。表で 1 件ずつ入力するか F7（判読不能）を押してください")

// ErrGroupBlank: 「用紙でも判読不能」 blanks a cell; a whole group is never
// blanked at once.
var ErrGroupBlank = errors.New("「" + review.ReasonUnreadable + "」はまとめて付けられません（まとまりの値がすべて空欄になります）。表で 1 件ずつ F7 を押してください")

// ConfirmGroup confirms every cell of group i of v against the paper, with
// one reason, through the review (each confirmation journaled and audited
// as a single cell's would be). It is the one rule of a group confirmation,
// for every front end: a group holding ● is refused (ErrGroupUnreadable),
// as is the reason that blanks cells (ErrGroupBlank); a cell with an open
// error the reason does not close is skipped and counted as Refused, and
// one confirmed before with the same reason as Already. On an error
// midway, the result counts the cells done before it.
func (a *App) ConfirmGroup(ctx context.Context, s *Session, rv *review.Session, v *groupview.View, i int, reason string) (GroupResult, error) {
	// a local action: the gate of the edits themselves, no round trip
	if err := a.allowLocal(ctx, s, auth.EditCell, nil); err != nil {
		return GroupResult{}, err
	}
	return ConfirmGroupCells(ctx, rv, v, i, reason)
}

// ConfirmGroupCells is ConfirmGroup's rule without the gate, for a front
// end with no application layer (the demo); the review's journal still
// gates and audits each confirmation when it has one.
func ConfirmGroupCells(ctx context.Context, rv *review.Session, v *groupview.View, i int, reason string) (GroupResult, error) {
	var res GroupResult
	if v == nil || i < 0 || i >= len(v.Groups) {
		return res, fmt.Errorf("一括確認するまとまり %d がありません", i)
	}
	fd := rv.Batch.Form.Field(v.Key)
	if fd == nil {
		return res, fmt.Errorf("項目 %s は帳票にありません", v.Key)
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return res, errors.New("確認の理由を指定してください")
	case reason == review.ReasonUnreadable:
		return res, ErrGroupBlank
	case normalize.IsUnreadable(v.Groups[i].Value) || strings.Contains(v.Groups[i].Value, normalize.Unreadable):
		return res, ErrGroupUnreadable
	}
	for _, t := range v.Confirm(i) {
		err := rv.Confirm(ctx, t.Row-1, fd.Index, reason)
		switch {
		case errors.Is(err, review.ErrNothing):
			res.Already++
		case errors.Is(err, review.ErrNotConfirmable):
			res.Refused++
		case err != nil:
			return res, err
		default:
			res.Confirmed++
		}
	}
	return res, nil
}
