package pgstore

import (
	"context"
	"io"

	"kenshin/internal/app"
)

var _ app.Backuper = (*Store)(nil)

// BackupTo is Backup behind the application layer's port.
func (s *Store) BackupTo(ctx context.Context, w io.Writer, passphrase []byte) (app.BackupInfo, error) {
	m, err := s.Backup(ctx, w, passphrase)
	return m.Info(), err
}

// Info is the manifest as the application layer knows it.
func (m Manifest) Info() app.BackupInfo {
	return app.BackupInfo{Format: m.Format, Created: m.Created, Location: m.Location, Counts: m.Counts, Head: m.Head}
}

// Unreachable lets the application layer tell "the server is not there"
// (keep the batch in the outbox) from a refusal, without importing pgx.
func (e *Error) Unreachable() bool { return Unreachable(e.Err) }
