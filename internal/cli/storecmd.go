package cli

import (
	"context"
	"flag"
	"fmt"
	"os"

	"kenshin/internal/pgstore"
	"kenshin/internal/storeaddr"
)

// resolveStore fills an empty --store for init, which creates an SQLite
// file; a server store is prepared with `store setup` instead.
func resolveStore(addr *string) error {
	s, err := storeaddr.Configured(*addr)
	if err != nil {
		return err
	}
	if storeaddr.KindOf(s.Addr) == storeaddr.Postgres {
		return usagef("サーバーの中央データは init ではなく kenshinctl store setup --owner-dsn … --app-role … で準備します")
	}
	*addr = s.Addr
	return nil
}

type storeSetupOpts struct{ owner, role *string }

// cmdStore: `kenshinctl store setup` runs the server's migrations as the
// owner role and grants the application role what it needs.
var cmdStore = &command{
	name: "store", args: "setup",
	summary: "PostgreSQL の中央データを準備します（所有者のロールで表の作成・更新と、アプリ用ロールへの最小限の権限付与。何度実行しても同じ結果）",
	flags: func(fs *flag.FlagSet) any {
		return &storeSetupOpts{
			owner: fs.String("owner-dsn", "", "所有者のロールの接続先 postgres://kenshin_owner@…（パスワードは環境変数 PGPASSWORD か ~/.pgpass）"),
			role:  fs.String("app-role", "kenshin_app", "アプリ用のロール名"),
		}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*storeSetupOpts)
		if len(pos) != 1 || pos[0] != "setup" || *opt.owner == "" || *opt.role == "" {
			return ExitUsage, usagef("kenshinctl store setup --owner-dsn postgres://kenshin_owner@サーバー/kenshin --app-role kenshin_app")
		}
		dsn, err := ownerDSN(*opt.owner)
		if err != nil {
			return ExitUsage, err
		}
		if err := pgstore.Setup(ctx, dsn, *opt.role); err != nil {
			return exitFor(err), err
		}
		fmt.Fprintf(m.Stdout, "中央データを準備しました（形式 %d、アプリ用ロール %s）\n", pgstore.SchemaVersion(), *opt.role)
		return ExitOK, nil
	},
}

// ownerDSN checks an owner-role address against the same connection
// policy as the application's (TLS for any remote host, no password in the
// address) and returns the DSN pgx connects with.
func ownerDSN(addr string) (string, error) {
	if storeaddr.KindOf(addr) != storeaddr.Postgres {
		return "", usagef("所有者の接続先は postgres://… で指定してください")
	}
	s := storeaddr.Settings{Addr: addr, CAFile: os.Getenv(storeaddr.EnvCA), AllowPlainLocal: os.Getenv(storeaddr.EnvPlain) == "local"}
	cfg, err := s.PostgresConfig()
	if err != nil {
		return "", err
	}
	return cfg.ConnString(), nil
}
