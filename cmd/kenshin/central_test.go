package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/form"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/store"
	"kenshin/internal/storeaddr"
)

// TestOpenCentral: the GUI finds the store the way kenshinctl does; only
// the default local path may be created on a first run; a store named by
// KENSHIN_STORE or the settings file that is missing is refused; the
// settings file's double_check reaches the app layer (on when unsaid).
func TestOpenCentral(t *testing.T) {
	ctx := context.Background()
	forms, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(t.TempDir(), "central.db")
	st, err := store.Create(ctx, existing)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "typo", "central.db")
	for _, tc := range []struct {
		name   string
		env    string // KENSHIN_STORE
		ini    string // the settings file ("" none)
		ok     bool
		create bool
		dcOff  bool
	}{
		{name: "default path, first run", create: true},
		{name: "KENSHIN_STORE missing", env: missing},
		{name: "settings path missing", ini: "[store]\npath = " + missing + "\n"},
		{name: "settings path exists", ini: "[store]\npath = " + existing + "\n", ok: true},
		{name: "KENSHIN_STORE exists, double check on", env: existing, ini: "[review]\ndouble_check = on\n", ok: true},
		{name: "double check off", env: existing, ini: "[review]\ndouble_check = off\n", ok: true, dcOff: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			t.Setenv(storeaddr.EnvStore, tc.env)
			ini := filepath.Join(t.TempDir(), "kenshin-settings.ini")
			if tc.ini != "" {
				if err := os.WriteFile(ini, []byte(tc.ini), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("KENSHIN_SETTINGS", ini)
			c, err := openCentral(ctx, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
			if c.canCreate != tc.create {
				t.Errorf("canCreate %v, want %v (%s)", c.canCreate, tc.create, c.addr)
			}
			if !tc.ok {
				if !errors.Is(err, sqlitedb.ErrMissing) {
					t.Errorf("err %v, want missing", err)
				}
				if !notThere(c.addr) {
					t.Errorf("%s was created", c.addr)
				}
				return
			}
			t.Cleanup(func() { _ = c.store.Close() })
			a := newApp(c.store, forms, c.doubleCheck, nil)
			if a.DoubleCheckOff != tc.dcOff {
				t.Errorf("DoubleCheckOff %v, want %v", a.DoubleCheckOff, tc.dcOff)
			}
			if !strings.HasSuffix(c.addr, "central.db") {
				t.Errorf("addr %q", c.addr)
			}
			var _ app.Store = c.store
		})
	}
}
