package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/importfile"
	"kenshin/internal/safefile"
	"kenshin/internal/submission"
)

// ExportResult says what went into an import file.
type ExportResult struct {
	Records int
	Batches []int64
	Head    audit.Head
}

// ExportImportFile writes the import file of a form to path (through
// safefile: whole or absent, 0600), marks the batches exported and logs
// it, all in one transaction: the file is prepared inside it and named
// only once it committed, so a failed commit leaves no file and an earlier
// one of the same name untouched.
func (a *App) ExportImportFile(ctx context.Context, s *Session, formID string, flt submission.Filter, encoding, path string) (ExportResult, error) {
	var out ExportResult
	if err := a.allow(ctx, s, auth.ExportImport); err != nil {
		return out, err
	}
	f := a.Forms.Form(formID)
	if f == nil {
		return out, fmt.Errorf("帳票「%s」はありません（%v）", formID, a.Forms.IDs())
	}
	if _, err := importfile.New(f, encoding); err != nil {
		return out, err // a bad encoding is refused before the transaction
	}
	var prep *safefile.Prepared
	err := a.update(ctx, func(tx Tx) error {
		// The PostgreSQL store may run fn again after a serialization
		// failure: everything it accumulates starts afresh here.
		prep.Abort()
		prep = nil
		out = ExportResult{}
		r, err := importfile.New(f, encoding)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		if err := tx.ExportRecords(ctx, f.ID, flt, func(rec submission.Stored) error {
			r.Add(rec.Atena, rec.Values)
			if !seen[rec.BatchID] {
				seen[rec.BatchID] = true
				out.Batches = append(out.Batches, rec.BatchID)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := r.Check(); err != nil {
			return err
		}
		out.Records = r.Records
		name := filepath.Base(path)
		if err := tx.MarkExported(ctx, submission.Export{Form: f.ID, File: name, At: a.now(), By: s.name(), Filter: flt, Records: r.Records, Batches: out.Batches}); err != nil {
			return err
		}
		if out.Head, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.ImportWritten, f.ID + " " + name, fmt.Sprintf("records=%d filter=%s", r.Records, flt)}); err != nil {
			return err
		}
		prep, err = safefile.Prepare(path, func(w io.Writer) error { _, err := r.WriteTo(w); return err })
		return err
	})
	if err != nil {
		out = ExportResult{}
	}
	return out, commitFile(prep, err)
}

// IsUnencodable lists the cells CP932 cannot hold, from an export error.
func IsUnencodable(err error) (*importfile.UnencodableError, bool) {
	var ue *importfile.UnencodableError
	ok := errors.As(err, &ue)
	return ue, ok
}
