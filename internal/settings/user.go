package settings

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"kenshin/internal/safefile"
)

// The user's own settings: the GUI's 「設定 → サーバーの設定」 writes the
// [store] section of a file in the user's configuration folder, and Load
// lays it over the machine-wide file. It holds where the central store is,
// never a password, and nothing else ([centres] and [review] stay IT's).

// EnvUserPath overrides the location of the user's settings file (tests).
const EnvUserPath = "KENSHIN_USER_SETTINGS"

// UserPath is the user's settings file: KENSHIN_USER_SETTINGS, else
// <user config dir>/KenshinReview/kenshin-settings.ini. "" when there is
// none: KENSHIN_SETTINGS names the one settings file to use (tests, a
// portable install), or the system has no configuration folder.
func UserPath() string {
	if p := os.Getenv(EnvUserPath); p != "" {
		return p
	}
	if os.Getenv(EnvPath) != "" {
		return ""
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "KenshinReview", FileName)
}

// Store is the [store] section: where the central store is.
type Store struct {
	Path         string // a file path or a postgres:// address
	CAFile       string
	PasswordFile string
}

// Store returns f's [store] section.
func (f *File) Store() Store {
	return Store{Path: f.StorePath, CAFile: f.CAFile, PasswordFile: f.PasswordFile}
}

// Load reads the machine-wide settings file, then the user's file: the
// user's file fills only what the machine-wide file leaves empty. A store
// address, CA file or password file that IT set cannot be changed by
// whoever sits at the terminal (before login, too): pointing a terminal at
// another server would send the next clerk's password there. Neither file
// is required.
func Load() (*File, error) {
	machine, user, err := LoadParts()
	if err != nil {
		return nil, err
	}
	return merge(machine, user), nil
}

// LoadParts reads the machine-wide file and the user's file apart (the
// settings screen shows what each says). A missing file is empty.
func LoadParts() (machine, user *File, err error) {
	machine, err = LoadFile(DefaultPath())
	if err != nil {
		return nil, nil, err
	}
	user = &File{}
	if p := UserPath(); p != "" {
		if user, err = LoadFile(p); err != nil {
			return nil, nil, err
		}
		if user.Centres != nil || user.DoubleCheck != nil {
			return nil, nil, &Error{File: p, Line: 1, Col: 1, Msg: "利用者の設定ファイルには [store] だけを書けます（[centres]・[review] は端末共通の設定です）"}
		}
	}
	return machine, user, nil
}

func merge(machine, user *File) *File {
	out := *machine
	out.UserPath = user.Path
	if out.StorePath == "" {
		out.StorePath = user.StorePath
	}
	if out.CAFile == "" {
		out.CAFile = user.CAFile
	}
	if out.PasswordFile == "" {
		out.PasswordFile = user.PasswordFile
	}
	return &out
}

// ErrNoUserFile: the system gives no place for the user's settings.
var ErrNoUserFile = errors.New("利用者の設定ファイルの場所がありません")

// CheckStore refuses what the settings file cannot hold: a line break
// (it would start a new line of the file), or a password in the address.
func CheckStore(s Store) error {
	for _, v := range []struct{ name, val string }{{"接続先", s.Path}, {"CA ファイル", s.CAFile}, {"パスワードファイル", s.PasswordFile}} {
		if strings.ContainsAny(v.val, "\r\n") {
			return fmt.Errorf("%sに改行は使えません", v.name)
		}
	}
	l := strings.ToLower(strings.TrimSpace(s.Path))
	if strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://") {
		u, err := url.Parse(strings.TrimSpace(s.Path))
		if err != nil {
			return fmt.Errorf("接続先の書き方が正しくありません（例: postgres://kenshin_app@db.example.lg.jp/kenshin）")
		}
		if _, has := u.User.Password(); has {
			return fmt.Errorf("パスワードは接続先に書けません（設定ファイルに平文で残ります）。パスワードファイルを使うか、接続のときに入力してください")
		}
		if strings.Contains(u.RawQuery, "password") {
			return fmt.Errorf("パスワードは接続先に書けません（設定ファイルに平文で残ります）")
		}
	}
	return nil
}

// FormatStore is the user's settings file for s.
func FormatStore(s Store) []byte {
	var b strings.Builder
	b.WriteString("; Kenshin Review — この利用者のサーバーの設定（アプリの「設定 → サーバーの設定」が書きます）\n")
	b.WriteString("; パスワードはここに書けません。\n[store]\n")
	for _, kv := range []struct{ k, v string }{{"path", s.Path}, {"ca", s.CAFile}, {"password_file", s.PasswordFile}} {
		if v := strings.TrimSpace(kv.v); v != "" {
			fmt.Fprintf(&b, "%s = %s\n", kv.k, v)
		}
	}
	return []byte(b.String())
}

// SaveUser writes s as the user's settings file (through safefile: a
// temporary file, fsync, rename; owner-only). It returns where.
func SaveUser(s Store) (string, error) {
	if err := CheckStore(s); err != nil {
		return "", err
	}
	p := UserPath()
	if p == "" {
		return "", ErrNoUserFile
	}
	data := FormatStore(s)
	if _, err := Parse(strings.NewReader(string(data)), p); err != nil {
		return "", err // what Load could not read back is not written
	}
	if err := safefile.WriteFile(p, data); err != nil {
		return "", err
	}
	return p, nil
}
