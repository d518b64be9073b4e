// Package workcopy adapts the terminal's working copy (internal/workspace)
// to the application layer's Workspace port, so that internal/app does not
// link the SQLite driver.
package workcopy

import (
	"context"

	"kenshin/internal/app"
	"kenshin/internal/review"
	"kenshin/internal/sampling"
	"kenshin/internal/workspace"
)

// Adapter is a workspace seen through app.Workspace (and app.Spool).
type Adapter struct{ *workspace.Store }

var _ app.Workspace = Adapter{}

// Resume maps the file record both ways.
func (a Adapter) Resume(ctx context.Context, f app.File, user string) (app.File, []review.Change, error) {
	got, changes, err := a.Store.Resume(ctx, workspace.File{Hash: f.Hash, Path: f.Path, Form: f.Form, Rows: f.Rows}, user)
	return app.File{Hash: got.Hash, Path: got.Path, Form: got.Form, Rows: got.Rows, CurRow: got.CurRow, CurField: got.CurField}, changes, err
}

// AppendAudited saves changes and their audit entries in one transaction.
func (a Adapter) AppendAudited(ctx context.Context, hash string, cs []review.Change, es []app.Spooled) error {
	return a.Store.AppendAudited(ctx, hash, cs, toEntries(es))
}

// SpoolAudit spools entries that go with no change.
func (a Adapter) SpoolAudit(ctx context.Context, es ...app.Spooled) error {
	return a.Store.SpoolAudit(ctx, toEntries(es)...)
}

// UnsentAudit maps the waiting entries.
func (a Adapter) UnsentAudit(ctx context.Context, n int) ([]app.Spooled, error) {
	got, err := a.Store.UnsentAudit(ctx, n)
	out := make([]app.Spooled, len(got))
	for i, e := range got {
		out[i] = app.Spooled(e)
	}
	return out, err
}

func toEntries(es []app.Spooled) []workspace.SpoolEntry {
	out := make([]workspace.SpoolEntry, len(es))
	for i, e := range es {
		out[i] = workspace.SpoolEntry(e)
	}
	return out
}

var _ app.SampleKeeper = Adapter{}

// SaveSample maps the audit entries.
func (a Adapter) SaveSample(ctx context.Context, hash string, sm *sampling.Sample, by string, es []app.Spooled) error {
	return a.Store.SaveSample(ctx, hash, sm, by, toEntries(es))
}

// DropSampleCells maps the audit entries.
func (a Adapter) DropSampleCells(ctx context.Context, hash string, cs []sampling.Cell, es []app.Spooled) error {
	return a.Store.DropSampleCells(ctx, hash, cs, toEntries(es))
}
