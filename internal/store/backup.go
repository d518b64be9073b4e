package store

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/backupfile"
	"kenshin/internal/safefile"
	"kenshin/internal/sqlitedb"
)

// An SQLite backup, inside backupfile's encrypted envelope:
//
//	"kenshin-sqlite-backup\n"
//	4-byte big-endian length, the manifest (JSON app.BackupInfo)
//	4-byte length, the audit chain's key
//	the database file (VACUUM INTO), to the end
//
// The key travels with the data (encrypted): a store restored without it
// could not verify its log.

// BackupFormat names SQLite backups.
const BackupFormat = "kenshin-sqlite-backup"

const backupMagic = BackupFormat + "\n"

var _ app.Backuper = (*Store)(nil)

// BackupTo writes an encrypted backup of the store: a VACUUM INTO copy
// (one consistent snapshot; submits may go on), its key and its manifest.
// The plain copy exists only in a 0700 folder beside the store and is
// removed before returning.
func (s *Store) BackupTo(ctx context.Context, w io.Writer, passphrase []byte) (app.BackupInfo, error) {
	info := app.BackupInfo{Format: BackupFormat, Created: time.Now().UTC(), Location: s.path}
	dir, err := os.MkdirTemp(filepath.Dir(s.path), ".backup-*")
	if err != nil {
		return info, &sqlitedb.Error{What: what, Path: s.path, Msg: "バックアップ用の一時フォルダーを作れません", Err: err}
	}
	defer func() { _ = os.RemoveAll(dir) }() // the plain copy must not stay
	snap := filepath.Join(dir, "central.db")
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", snap); err != nil {
		return info, s.db.Wrap("バックアップの複製を作れません", err)
	}
	key, err := readKey(s.path)
	if err != nil {
		return info, err
	}
	cp, err := openSnapshot(ctx, snap)
	if err != nil {
		return info, err
	}
	info.Counts, info.Head, err = cp.manifest(ctx)
	_ = cp.Close() // read-only copy
	if err != nil {
		return info, err
	}
	enc, err := backupfile.NewWriter(w, passphrase)
	if err != nil {
		return info, err
	}
	bw := bufio.NewWriterSize(enc, 256<<10)
	mj, _ := json.Marshal(info)
	if _, err := io.WriteString(bw, backupMagic); err != nil {
		return info, err
	}
	for _, part := range [][]byte{mj, key} {
		if err := binary.Write(bw, binary.BigEndian, uint32(len(part))); err != nil { // #nosec G115 -- a manifest and a key, a few hundred bytes
			return info, err
		}
		if _, err := bw.Write(part); err != nil {
			return info, err
		}
	}
	f, err := os.Open(snap) // #nosec G304 -- the copy made above
	if err != nil {
		return info, err
	}
	defer func() { _ = f.Close() }() // read-only
	if _, err := io.Copy(bw, f); err != nil {
		return info, err
	}
	if err := bw.Flush(); err != nil {
		return info, err
	}
	return info, enc.Close()
}

// openSnapshot opens the private copy of a store, without its key file
// (the check needs a writable file; nothing else is written).
func openSnapshot(ctx context.Context, path string) (*Store, error) {
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlitedb.Open(ctx, path, sub, sqlitedb.Options{What: what, MustExist: true, Check: true})
	if err != nil {
		return nil, err
	}
	return &Store{db: db, path: path}, nil
}

// manifest is every table's row count and the audit head.
func (s *Store) manifest(ctx context.Context) (map[string]int64, audit.Head, error) {
	counts, err := s.Counts(ctx)
	if err != nil {
		return nil, audit.Head{}, err
	}
	var h audit.Head
	err = s.View(ctx, func(tx app.Tx) error {
		last, err := tx.LastAudit(ctx)
		h = audit.HeadOf(last)
		return err
	})
	return counts, h, err
}

// IsBackup tells an SQLite backup from a server one by its first bytes
// (decrypted with passphrase); a wrong passphrase or a damaged file is an
// error.
func IsBackup(r io.Reader, passphrase []byte) (bool, error) {
	dec, err := backupfile.NewReader(r, passphrase)
	if err != nil {
		return false, err
	}
	head := make([]byte, len(backupMagic))
	n, err := io.ReadFull(dec, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return string(head[:n]) == backupMagic, nil
}

// ErrNotEmpty: a restore refuses a target that holds a store already.
var ErrNotEmpty = errors.New("store: restore target not empty")

// Restore puts the backup r at target, which must not exist yet (neither
// the database nor its key). The database is written into a staging folder
// beside target (temp file, fsync, rename), opened and checked against the
// manifest — every table's row count, the audit head, the keyed chain —
// then record (may be nil) writes the restore's own entry into it, and
// only then are key and database renamed into place. On any failure
// nothing is left at target.
func Restore(ctx context.Context, target string, r io.Reader, passphrase []byte, record func(st *Store, info app.BackupInfo) error) (app.BackupInfo, error) {
	var info app.BackupInfo
	for _, p := range []string{target, keyPath(target)} {
		if _, err := os.Stat(p); err == nil {
			return info, &sqlitedb.Error{What: what, Path: p, Msg: "すでにあります。空でない場所には戻しません（別の場所を指定するか、ファイルを移してください）", Err: ErrNotEmpty}
		}
	}
	if err := os.MkdirAll(filepath.Dir(target), safefile.DirMode); err != nil {
		return info, &sqlitedb.Error{What: what, Path: target, Msg: "フォルダーを作れません", Err: err}
	}
	stage, err := os.MkdirTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return info, &sqlitedb.Error{What: what, Path: target, Msg: "復元用の一時フォルダーを作れません", Err: err}
	}
	defer func() { _ = os.RemoveAll(stage) }() // empty after a success; a failed restore leaves nothing
	db := filepath.Join(stage, filepath.Base(target))
	info, err = unpack(r, passphrase, db)
	if err != nil {
		return info, fmt.Errorf("バックアップから戻せませんでした（何も変えていません）: %w", err)
	}
	st, err := Open(ctx, db, Options{})
	if err != nil {
		return info, fmt.Errorf("戻したデータを開けません（何も変えていません）: %w", err)
	}
	if err := st.compare(ctx, info); err != nil {
		_ = st.Close()
		return info, fmt.Errorf("戻したデータがバックアップの内容と合いません（何も変えていません）: %w", err)
	}
	if record != nil {
		if err := record(st, info); err != nil {
			_ = st.Close()
			return info, err
		}
	}
	if err := st.Close(); err != nil {
		return info, err
	}
	if err := os.Rename(keyPath(db), keyPath(target)); err != nil {
		return info, &sqlitedb.Error{What: what, Path: target, Msg: "操作記録の鍵を置けません", Err: err}
	}
	if err := os.Rename(db, target); err != nil {
		_ = os.Remove(keyPath(target)) // the key of a store that was not put in place
		return info, &sqlitedb.Error{What: what, Path: target, Msg: "中央データを置けません", Err: err}
	}
	return info, nil
}

// VerifyBackup restores r into a scratch folder, checks it as Restore does
// (plus a full integrity_check) and removes it again.
func VerifyBackup(ctx context.Context, r io.Reader, passphrase []byte) (app.BackupInfo, error) {
	dir, err := os.MkdirTemp("", "kenshin-verify-*")
	if err != nil {
		return app.BackupInfo{}, err
	}
	defer func() { _ = os.RemoveAll(dir) }() // scratch only
	return Restore(ctx, filepath.Join(dir, "central.db"), r, passphrase, func(st *Store, _ app.BackupInfo) error {
		probs, err := st.Check(ctx, true)
		if err == nil && len(probs) > 0 {
			err = fmt.Errorf("integrity_check: %s", probs[0])
		}
		return err
	})
}

// unpack decrypts r: the manifest, and the key and database written to db.
func unpack(r io.Reader, passphrase []byte, db string) (app.BackupInfo, error) {
	var info app.BackupInfo
	dec, err := backupfile.NewReader(r, passphrase)
	if err != nil {
		return info, err
	}
	br := bufio.NewReaderSize(dec, 256<<10)
	head := make([]byte, len(backupMagic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != backupMagic {
		return info, errors.New("SQLite の中央データのバックアップではありません（サーバーのバックアップは --store にサーバーのアドレスを指定して戻します）")
	}
	part := func(max uint32) ([]byte, error) {
		var n uint32
		if err := binary.Read(br, binary.BigEndian, &n); err != nil {
			return nil, err
		}
		if n > max {
			return nil, errors.New("バックアップの見出しが壊れています")
		}
		p := make([]byte, n)
		_, err := io.ReadFull(br, p)
		return p, err
	}
	mj, err := part(1 << 20)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(mj, &info); err != nil || info.Format != BackupFormat {
		return info, errors.New("バックアップの目録が壊れています")
	}
	key, err := part(1024)
	if err != nil {
		return info, err
	}
	if len(key) < 16 {
		return info, errors.New("バックアップの操作記録の鍵が壊れています")
	}
	if err := safefile.Write(keyPath(db), func(w io.Writer) error {
		_, err := io.WriteString(w, hex.EncodeToString(key)+"\n")
		return err
	}); err != nil {
		return info, err
	}
	// br returns io.EOF only after backupfile's final chunk: a truncated
	// file fails here, before anything is put in place.
	return info, safefile.Write(db, func(w io.Writer) error {
		_, err := io.Copy(w, br)
		return err
	})
}

// compare checks the store against a manifest: every table's count, the
// audit head, and the chain under the store's key.
func (s *Store) compare(ctx context.Context, info app.BackupInfo) error {
	counts, head, err := s.manifest(ctx)
	if err != nil {
		return err
	}
	for t, n := range info.Counts {
		if counts[t] != n {
			return fmt.Errorf("%s が %d 行（バックアップの記録は %d 行）", t, counts[t], n)
		}
	}
	if head != info.Head {
		return fmt.Errorf("操作記録の末尾が %s（バックアップの記録は %s）", head, info.Head)
	}
	key, err := s.AuditKey(ctx)
	if err != nil {
		return err
	}
	return s.View(ctx, func(tx app.Tx) error {
		all, err := tx.Audit(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		if p := audit.Verify(key, all); p != nil {
			return fmt.Errorf("操作記録のつながりが切れています: %v", p)
		}
		return nil
	})
}
