package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	"kenshin/internal/app"
	"kenshin/internal/pgstore"
	"kenshin/internal/store"
	"kenshin/internal/storeaddr"
)

type backupOpts struct{ store, out, as *string }

// The passphrase is read from standard input (after --as's password),
// never from a flag: a flag value stays in the shell history and the
// process list.
var cmdBackup = &command{
	name: "backup", args: "| backup verify FILE",
	summary: "中央データの暗号化したバックアップを作ります（管理者。標準入力: 1 行目 --as のパスワード、2 行目 パスフレーズ）。" +
		"backup verify FILE は使い捨ての場所に戻して、すべての表の行数と操作記録の末尾を確かめます（標準入力: パスフレーズ。サーバーのバックアップは --store に所有者の接続先）",
	flags: func(fs *flag.FlagSet) any {
		return &backupOpts{store: storeFlag(fs), out: fs.String("out", "", "バックアップファイルのパス"), as: asFlag(fs)}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*backupOpts)
		if len(pos) == 2 && pos[0] == "verify" {
			return m.verifyBackup(ctx, *opt.store, pos[1])
		}
		if len(pos) > 0 || *opt.out == "" {
			return ExitUsage, usagef("kenshinctl backup --store ADDR --out FILE --as 管理者 / kenshinctl backup verify FILE")
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		pass, err := m.readLine("バックアップのパスフレーズ")
		if err != nil {
			return ExitUsage, err
		}
		info, err := a.Backup(ctx, s, *opt.out, []byte(pass))
		if err != nil {
			return exitFor(err), err
		}
		fmt.Fprintf(m.Stdout, "バックアップを作りました: %s\n%s", *opt.out, info.Summary())
		return ExitOK, nil
	},
}

func (m *Main) verifyBackup(ctx context.Context, addr, file string) (int, error) {
	pass, err := m.readLine("バックアップのパスフレーズ")
	if err != nil {
		return ExitUsage, err
	}
	f, err := os.Open(file) // #nosec G304 -- the backup the administrator named
	if err != nil {
		return ExitUsage, fmt.Errorf("バックアップ「%s」を開けません: %w", file, err)
	}
	defer func() { _ = f.Close() }() // read-only
	isSQLite, err := store.IsBackup(f, []byte(pass))
	if err != nil {
		return ExitFindings, fmt.Errorf("バックアップ「%s」: %w", file, err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return ExitUsage, err
	}
	var info app.BackupInfo
	if isSQLite {
		info, err = store.VerifyBackup(ctx, f, []byte(pass))
	} else {
		if storeaddr.KindOf(addr) != storeaddr.Postgres {
			return ExitUsage, usagef("サーバーのバックアップの確認には --store に所有者の接続先（postgres://kenshin_owner@…）を指定してください")
		}
		dsn, derr := ownerDSN(addr)
		if derr != nil {
			return ExitUsage, derr
		}
		var pm pgstore.Manifest
		pm, err = pgstore.Verify(ctx, dsn, f, []byte(pass))
		info = pm.Info()
	}
	if err != nil {
		return ExitFindings, fmt.Errorf("判定: 戻せないバックアップです。%w", err)
	}
	fmt.Fprintf(m.Stdout, "%s判定: 戻せることを確かめました（行数と操作記録の末尾が一致）\n", info.Summary())
	return ExitOK, nil
}

type restoreOpts struct{ store, as *string }

var cmdRestore = &command{
	name: "restore", args: "FILE",
	summary: "バックアップを空の中央データに戻します（SQLite: まだないファイル、サーバー: --store に所有者の接続先でセットアップ直後のデータベース）。" +
		"戻したデータの管理者として操作記録に残します（標準入力: 1 行目 パスフレーズ、2 行目 --as のパスワード）",
	flags: func(fs *flag.FlagSet) any { return &restoreOpts{store: storeFlag(fs), as: asFlag(fs)} },
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*restoreOpts)
		if len(pos) != 1 || *opt.as == "" {
			return ExitUsage, usagef("kenshinctl restore --store ADDR --as 管理者 FILE")
		}
		pass, err := m.readLine("バックアップのパスフレーズ")
		if err != nil {
			return ExitUsage, err
		}
		pw, err := m.readLine("パスワード")
		if err != nil {
			return ExitUsage, err
		}
		f, err := os.Open(pos[0]) // #nosec G304 -- the backup the administrator named
		if err != nil {
			return ExitUsage, fmt.Errorf("バックアップ「%s」を開けません: %w", pos[0], err)
		}
		defer func() { _ = f.Close() }() // read-only
		s, err := storeaddr.Configured(*opt.store)
		if err != nil {
			return ExitUsage, err
		}
		record := func(st app.Store, info app.BackupInfo) error {
			_, err := app.RecordRestore(ctx, st, terminal(), *opt.as, pw, info, pos[0])
			return err
		}
		var info app.BackupInfo
		if storeaddr.KindOf(s.Addr) == storeaddr.SQLite {
			info, err = store.Restore(ctx, s.Addr, f, []byte(pass), func(st *store.Store, info app.BackupInfo) error { return record(st, info) })
			if err != nil {
				return exitFor(err), err
			}
		} else {
			dsn, err := ownerDSN(s.Addr)
			if err != nil {
				return ExitUsage, err
			}
			pm, err := pgstore.Restore(ctx, dsn, f, []byte(pass))
			if err != nil {
				return ExitFindings, err
			}
			info = pm.Info()
			st, err := pgstore.OpenDSN(ctx, dsn, pgstore.Options{})
			if err != nil {
				return ExitFindings, err
			}
			err = record(st, info)
			_ = st.Close() // the entry is committed or reported
			if err != nil {
				return exitFor(err), fmt.Errorf("データは戻しましたが、復元の操作記録を書けませんでした（管理者でログインできません）: %w", err)
			}
		}
		fmt.Fprintf(m.Stdout, "バックアップから戻しました: %s\n%s", s.Addr, info.Summary())
		return ExitOK, nil
	},
}
