// Package workcopy adapts the terminal's working copy (internal/workspace)
// to the application layer's Workspace port, so that internal/app does not
// link the SQLite driver.
package workcopy

import (
	"context"

	"kenshin/internal/app"
	"kenshin/internal/review"
	"kenshin/internal/workspace"
)

// Adapter is a workspace seen through app.Workspace.
type Adapter struct{ *workspace.Store }

var _ app.Workspace = Adapter{}

// Resume maps the file record both ways.
func (a Adapter) Resume(ctx context.Context, f app.File, user string) (app.File, []review.Change, error) {
	got, changes, err := a.Store.Resume(ctx, workspace.File{Hash: f.Hash, Path: f.Path, Form: f.Form, Rows: f.Rows}, user)
	return app.File{Hash: got.Hash, Path: got.Path, Form: got.Form, Rows: got.Rows, CurRow: got.CurRow, CurField: got.CurField}, changes, err
}
