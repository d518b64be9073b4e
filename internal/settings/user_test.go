package settings

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// userEnv points the machine-wide and the user's settings files into a
// test folder.
func userEnv(t *testing.T, machine string) (machinePath, userPath string) {
	t.Helper()
	dir := t.TempDir()
	machinePath = filepath.Join(dir, "machine", FileName)
	if machine != "" {
		if err := os.MkdirAll(filepath.Dir(machinePath), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(machinePath, []byte(machine), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	userPath = filepath.Join(dir, "user", "KenshinReview", FileName)
	t.Setenv(EnvPath, machinePath)
	t.Setenv(EnvUserPath, userPath)
	return machinePath, userPath
}

// The GUI's サーバーの設定 saves the user's [store]; Load takes from it only
// what the machine-wide file leaves empty: IT's server, CA and password
// file cannot be replaced at the terminal.
func TestSaveUserUnderMachine(t *testing.T) {
	const machine = "[store]\npath = postgres://kenshin_app@db.example.lg.jp/kenshin\nca = /etc/kenshin-review/ca.pem\n\n[centres]\n1 = 中央保健センター\n"
	const ours = "postgres://kenshin_app@db.example.lg.jp/kenshin"
	for _, tc := range []struct {
		name string
		save Store
		want Store
	}{
		{"another server is not taken", Store{Path: "postgres://kenshin_app@rogue.example.com/kenshin"},
			Store{Path: ours, CAFile: "/etc/kenshin-review/ca.pem"}},
		{"another CA is not taken; the password file IT left open is", Store{Path: " /srv/central.db ", CAFile: "/home/u/ca.pem", PasswordFile: "/home/u/pw"},
			Store{Path: ours, CAFile: "/etc/kenshin-review/ca.pem", PasswordFile: "/home/u/pw"}},
		{"nothing: the machine's", Store{},
			Store{Path: ours, CAFile: "/etc/kenshin-review/ca.pem"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, userPath := userEnv(t, machine)
			p, err := SaveUser(tc.save)
			if err != nil || p != userPath {
				t.Fatalf("SaveUser: %q %v", p, err)
			}
			f, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Store(); got != tc.want {
				t.Errorf("Load: %+v, want %+v", got, tc.want)
			}
			if f.Centres[1] != "中央保健センター" || f.UserPath != userPath {
				t.Errorf("the machine's centres %v, user path %q", f.Centres, f.UserPath)
			}
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(userPath)
				if err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("the user's file: %v %v, want 0600", fi.Mode(), err)
				}
			}
		})
	}
}

func TestSaveUserRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Store
		msg  string
	}{
		{"password in the address", Store{Path: "postgres://kenshin_app:secret@db.example.lg.jp/kenshin"}, "パスワードは接続先に書けません"},
		{"password as a parameter", Store{Path: "postgres://kenshin_app@db.example.lg.jp/kenshin?password=secret"}, "パスワードは接続先に書けません"},
		{"line break", Store{Path: "/srv/a.db\n[review]\ndouble_check = off"}, "改行"},
		{"line break in the CA", Store{CAFile: "/a\r\n/b"}, "改行"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, userPath := userEnv(t, "")
			_, err := SaveUser(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "secret") {
				t.Fatalf("SaveUser: %v, want %q (and never the password)", err, tc.msg)
			}
			if _, err := os.Stat(userPath); !os.IsNotExist(err) {
				t.Errorf("a refused setting was written: %v", err)
			}
		})
	}
}

// The user's file holds [store] only: a [review] there (double_check = off)
// is refused, naming the file.
func TestUserFileHoldsStoreOnly(t *testing.T) {
	_, userPath := userEnv(t, "")
	if err := os.MkdirAll(filepath.Dir(userPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(userPath, []byte("[review]\ndouble_check = off\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), userPath) || !strings.Contains(err.Error(), "[store] だけ") {
		t.Fatalf("Load: %v", err)
	}
}

// KENSHIN_SETTINGS names the one settings file: no user file is read.
func TestExplicitSettingsFileIgnoresTheUsers(t *testing.T) {
	t.Setenv(EnvPath, filepath.Join(t.TempDir(), FileName))
	t.Setenv(EnvUserPath, "")
	if p := UserPath(); p != "" {
		t.Errorf("UserPath %q with KENSHIN_SETTINGS set", p)
	}
}

// What FormatStore writes, Parse reads back as the same [store].
func FuzzStoreRoundTrip(f *testing.F) {
	f.Add("postgres://kenshin_app@db.example.lg.jp/kenshin", "/etc/ca.pem", "")
	f.Add(`D:\data\a=b\central.db`, "", `C:\pw.txt`)
	f.Add(" ; not a comment", "#x", "[store]")
	f.Fuzz(func(t *testing.T, path, ca, pw string) {
		s := Store{Path: path, CAFile: ca, PasswordFile: pw}
		if CheckStore(s) != nil {
			return
		}
		got, err := Parse(strings.NewReader(string(FormatStore(s))), "fuzz")
		if err != nil {
			return // e.g. not UTF-8: SaveUser refuses it the same way
		}
		want := Store{Path: strings.TrimSpace(path), CAFile: strings.TrimSpace(ca), PasswordFile: strings.TrimSpace(pw)}
		if got.Store() != want {
			t.Fatalf("round trip %+v → %+v", want, got.Store())
		}
	})
}

// With no [store] in the machine-wide file (a terminal IT left open), the
// user's file decides where the store is.
func TestSaveUserWhenMachineSaysNothing(t *testing.T) {
	for _, want := range []Store{
		{Path: "postgres://kenshin_app@db2.example.lg.jp/kenshin", CAFile: "/home/u/ca.pem", PasswordFile: "/home/u/pw"},
		{Path: `D:\data\a=b\central.db`},
	} {
		userEnv(t, "[centres]\n1 = 中央保健センター\n")
		if _, err := SaveUser(want); err != nil {
			t.Fatal(err)
		}
		f, err := Load()
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Store(); got != want {
			t.Errorf("Load: %+v, want %+v", got, want)
		}
	}
}
