package storeaddr

import (
	"context"
	"os"

	"kenshin/internal/app"
	"kenshin/internal/settings"
	"kenshin/internal/store"
)

// Configured is where this PC's central store is, the same for kenshinctl
// and the GUI. The address is the first of: addr (the CLI's --store, the
// GUI's own setting; "" for none), KENSHIN_STORE, [store] path of the
// machine-wide settings file (settings.DefaultPath), and the SQLite store's
// default path. The CA file and the password file come from the environment,
// else from the settings file. A settings file that cannot be read is an
// error: IT put it there, so guessing another store would be wrong.
func Configured(addr string) (Settings, error) {
	f, err := settings.Load()
	if err != nil {
		return Settings{}, err
	}
	return configured(addr, f)
}

func configured(addr string, f *settings.File) (Settings, error) {
	s := Settings{
		Addr: addr, CAFile: os.Getenv(EnvCA), PasswordFile: os.Getenv(EnvPasswordFile),
		AllowPlainLocal: os.Getenv(EnvPlain) == "local",
	}
	if s.Addr == "" {
		s.Addr = os.Getenv(EnvStore)
	}
	if s.Addr == "" {
		s.Addr = f.StorePath
	}
	if s.Addr == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return s, err
		}
		s.Addr = p
	}
	if s.CAFile == "" {
		s.CAFile = f.CAFile
	}
	if s.PasswordFile == "" {
		s.PasswordFile = f.PasswordFile
	}
	return s, nil
}

// OpenConfigured opens the store Configured(addr) names, under the
// connection policy; prompt asks for a server password when no other
// source gives one (nil: not asked). It is the one way the CLI and the GUI
// open the central store.
func OpenConfigured(ctx context.Context, addr string, prompt func(location string) (string, error)) (app.Store, Settings, error) {
	s, err := Configured(addr)
	if err != nil {
		return nil, s, err
	}
	s.Prompt = prompt
	st, err := Open(ctx, s)
	return st, s, err
}
