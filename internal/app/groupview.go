package app

import (
	"context"
	"errors"
	"fmt"

	"kenshin/internal/auth"
	"kenshin/internal/groupview"
	"kenshin/internal/review"
)

// GroupView is the column view of field key in an open review: every value
// grouped with counts, confidence, findings and rows, outliers flagged
// (groupview.FromSession; band nil: no reference band). nil for a key the
// form does not have.
func (a *App) GroupView(rv *review.Session, key string, band groupview.Band) *groupview.View {
	return groupview.FromSession(rv, key, band)
}

// ConfirmGroup confirms every cell of group i of v against the paper, with
// one reason, through the review (each confirmation journaled and audited
// as a single cell's would be). It returns how many cells it confirmed; a
// cell confirmed before with the same reason is skipped.
func (a *App) ConfirmGroup(ctx context.Context, s *Session, rv *review.Session, v *groupview.View, i int, reason string) (int, error) {
	// a local action: the gate of the edits themselves, no round trip
	if err := a.allowLocal(ctx, s, auth.EditCell, nil); err != nil {
		return 0, err
	}
	if v == nil || i < 0 || i >= len(v.Groups) {
		return 0, fmt.Errorf("一括確認するまとまり %d がありません", i)
	}
	fd := rv.Batch.Form.Field(v.Key)
	if fd == nil {
		return 0, fmt.Errorf("項目 %s は帳票にありません", v.Key)
	}
	n := 0
	for _, t := range v.Confirm(i) {
		err := rv.Confirm(ctx, t.Row-1, fd.Index, reason)
		switch {
		case errors.Is(err, review.ErrNothing), errors.Is(err, review.ErrNotConfirmable):
			// an open error or ●: the core refuses 用紙と一致, the clerk decides in the table
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	return n, nil
}
