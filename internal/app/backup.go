package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/safefile"
)

// Audit kinds of the backup use cases (labels in internal/audit).
const (
	KindBackup   = audit.Backup
	KindRestored = audit.Restored
)

// BackupInfo is a backup's manifest: every table's row count and the
// audit chain's head at the moment it was taken.
type BackupInfo struct {
	Format   string // "kenshin-sqlite-backup" or "kenshin-pg-backup"
	Created  time.Time
	Location string
	Counts   map[string]int64
	Head     audit.Head
}

// Summary is the manifest in Japanese, for the CLI and the GUI.
func (b BackupInfo) Summary() string {
	var s strings.Builder
	fmt.Fprintf(&s, "作成 %s（%s）\n", b.Created.Local().Format("2006-01-02 15:04:05"), b.Location)
	for _, t := range slices.Sorted(maps.Keys(b.Counts)) {
		fmt.Fprintf(&s, "  %s: %d 行\n", t, b.Counts[t])
	}
	fmt.Fprintf(&s, "操作記録の末尾: %s\n", b.Head)
	return s.String()
}

// Backuper is a store that writes an encrypted backup of itself from one
// consistent snapshot (both backends implement it).
type Backuper interface {
	BackupTo(ctx context.Context, w io.Writer, passphrase []byte) (BackupInfo, error)
}

// ErrNoBackup: the store cannot back itself up.
var ErrNoBackup = errors.New("この中央データはバックアップに対応していません")

// MinPassphrase is the shortest backup passphrase accepted.
const MinPassphrase = 12

// CheckPassphrase refuses a passphrase too short to protect the media.
func CheckPassphrase(p []byte) error {
	if len([]rune(string(p))) < MinPassphrase {
		return fmt.Errorf("バックアップのパスフレーズは %d 文字以上にしてください", MinPassphrase)
	}
	return nil
}

// Backup writes an encrypted backup of the store to out (0600, temp file
// and rename). Administrators only. Its audit entry is appended first, so
// the backup holds the record of its own making and the head it reports
// is the head inside the file.
func (a *App) Backup(ctx context.Context, s *Session, out string, passphrase []byte) (BackupInfo, error) {
	if err := a.allow(ctx, s, auth.ManageUsers); err != nil {
		return BackupInfo{}, err
	}
	if err := CheckPassphrase(passphrase); err != nil {
		return BackupInfo{}, err
	}
	bk, ok := a.Store.(Backuper)
	if !ok {
		return BackupInfo{}, ErrNoBackup
	}
	if _, err := a.record(ctx, s, KindBackup, filepath.Base(out), ""); err != nil {
		return BackupInfo{}, err
	}
	var info BackupInfo
	err := safefile.Write(out, func(w io.Writer) error {
		var err error
		info, err = bk.BackupTo(ctx, w, passphrase)
		return err
	})
	return info, err
}

// RecordRestore is the restore's entry, written in the restored store
// (st, not yet in use by anyone): user logs in against the restored users
// and must be an administrator. The caller puts the store in place only
// after this succeeds (SQLite), or reports the failure (server).
func RecordRestore(ctx context.Context, st Store, terminal, user, password string, info BackupInfo, file string) (audit.Head, error) {
	a := New(st, nil)
	s, err := a.Login(ctx, terminal, user, password)
	if err != nil {
		return audit.Head{}, err
	}
	if err := a.allow(ctx, s, auth.ManageUsers); err != nil {
		return audit.Head{}, err
	}
	return a.record(ctx, s, KindRestored, filepath.Base(file),
		fmt.Sprintf("created=%s head=%s", info.Created.UTC().Format(time.RFC3339), info.Head))
}
