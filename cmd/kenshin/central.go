package main

import (
	"context"
	"errors"
	"os"

	kapp "kenshin/internal/app"
	"kenshin/internal/settings"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/storeaddr"
)

// central is the configured central store as the GUI found it.
type central struct {
	store       kapp.Store // nil when err
	addr        string
	doubleCheck *bool // [review] double_check; nil: the file does not say
	// canCreate: the store is missing at the default local path, named by
	// neither KENSHIN_STORE nor the settings file: a first run, so the
	// clerk may create it. A named store that is missing is a mistake to
	// fix (a mistyped path must not become a private store).
	canCreate bool
}

// openCentral opens the central store the way kenshinctl does
// (storeaddr.OpenConfigured: KENSHIN_STORE, the settings file, the default
// path); prompt asks for a server password when nothing else gives one.
func openCentral(ctx context.Context, prompt func(string) (string, error)) (central, error) {
	f, err := settings.Load()
	if err != nil {
		return central{}, err
	}
	c := central{doubleCheck: f.DoubleCheck}
	st, s, err := storeaddr.OpenConfigured(ctx, "", prompt)
	c.addr = s.Addr
	if err != nil {
		c.canCreate = errors.Is(err, sqlitedb.ErrMissing) && os.Getenv(storeaddr.EnvStore) == "" && f.StorePath == "" &&
			storeaddr.KindOf(s.Addr) == storeaddr.SQLite && notThere(s.Addr)
		return c, err
	}
	c.store = st
	return c, nil
}

// doubleCheckOff: the second-person check is on unless the settings file
// turns it off (ツール → ダブルチェック, or kenshinctl doublecheck).
func doubleCheckOff(dc *bool) bool { return dc != nil && !*dc }
