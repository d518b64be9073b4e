// Package settings reads the machine-wide settings file that the IT
// department deploys with the installer: which central store every user of
// this PC submits to, and the health centres' names.
//
//	[store]
//	path = postgres://kenshin_app@db.example.lg.jp/kenshin
//	ca = C:\KenshinReview\ca.pem
//	password_file = C:\KenshinReview\pw.txt
//
//	[centres]
//	1 = 中央保健センター
//	2 = 北保健センター
//
// The file is UTF-8 with or without a BOM (Notepad writes one); lines are
// `key = value`, `[section]` or comments starting with ; or #. Unknown
// sections and keys are refused, so a typo is not silently ignored.
package settings

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"
)

// File is what a settings file says. Empty fields were not set.
type File struct {
	Path         string // where it was read from ("" when there is none)
	UserPath     string // Load: the user's settings file laid over it ("" none)
	StorePath    string // [store] path: a file path or a postgres:// address
	CAFile       string // [store] ca
	PasswordFile string // [store] password_file
	Centres      map[int]string
	// DoubleCheck is [review] double_check = on|off: whether a second person
	// must check the form's double-check fields before a batch is submitted.
	// nil when the file does not say (the front end decides the default).
	DoubleCheck *bool
}

// EnvPath overrides the location of the settings file (tests, a portable
// install).
const EnvPath = "KENSHIN_SETTINGS"

// FileName is the settings file's name.
const FileName = "kenshin-settings.ini"

// DefaultPath is the machine-wide settings file: %ProgramData%\KenshinReview
// on Windows (C:\ProgramData when unset), /etc/kenshin-review elsewhere.
func DefaultPath() string {
	if p := os.Getenv(EnvPath); p != "" {
		return p
	}
	return defaultPath(runtime.GOOS, os.Getenv)
}

func defaultPath(goos string, getenv func(string) string) string {
	if goos == "windows" {
		dir := getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return dir + `\KenshinReview\` + FileName
	}
	return filepath.Join("/etc", "kenshin-review", FileName)
}

// Error is a line the reader cannot use, in Japanese, naming file, line
// and column.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("設定ファイル「%s」の %d 行 %d 列目: %s", e.File, e.Line, e.Col, e.Msg)
}

// maxSize bounds what is read: a settings file is a few lines.
const maxSize = 64 << 10

// LoadFile reads the settings file at path; a missing file is empty.
func LoadFile(path string) (*File, error) {
	f, err := os.Open(path) // #nosec G304 -- the machine's settings file, or the one KENSHIN_SETTINGS names
	if errors.Is(err, fs.ErrNotExist) {
		return &File{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("設定ファイル「%s」を読めません: %w", path, err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	out, err := Parse(io.LimitReader(f, maxSize+1), path)
	if err != nil {
		return nil, err
	}
	out.Path = path
	return out, nil
}

// Parse reads a settings file; name is used in messages.
func Parse(r io.Reader, name string) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("設定ファイル「%s」を読めません: %w", name, err)
	}
	if len(data) > maxSize {
		return nil, &Error{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("大きすぎます（%d KB まで）", maxSize>>10)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	out := &File{}
	section := ""
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxSize+1)
	for n := 1; sc.Scan(); n++ {
		raw := strings.TrimSuffix(sc.Text(), "\r")
		fail := func(col int, format string, a ...any) error {
			return &Error{File: name, Line: n, Col: col, Msg: fmt.Sprintf(format, a...)}
		}
		if !utf8.ValidString(raw) {
			col := 1
			for i := 0; i < len(raw); {
				r, size := utf8.DecodeRuneInString(raw[i:])
				if r == utf8.RuneError && size <= 1 {
					break
				}
				i += size
				col++
			}
			return nil, fail(col, "UTF-8 ではない文字があります。UTF-8 で保存してください")
		}
		line := strings.TrimSpace(raw)
		indent := len(raw) - len(strings.TrimLeft(raw, " \t")) + 1 // blanks are one byte each
		switch {
		case line == "" || line[0] == ';' || line[0] == '#':
			continue
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				return nil, fail(indent, "「]」がありません")
			}
			section = strings.ToLower(strings.TrimSpace(line[1 : len(line)-1]))
			if section != "store" && section != "centres" && section != "review" {
				return nil, fail(indent, "不明な区分「[%s]」です（[store]・[centres]・[review] だけです）", section)
			}
			continue
		}
		eq := strings.IndexByte(raw, '=')
		if eq < 0 {
			return nil, fail(indent, "「名前 = 値」の形ではありません")
		}
		key := strings.ToLower(strings.TrimSpace(raw[:eq]))
		val := strings.TrimSpace(raw[eq+1:])
		valCol := utf8.RuneCountInString(raw[:eq]) + 2
		if key == "" {
			return nil, fail(indent, "「=」の前に名前がありません")
		}
		id := section + "." + key
		if prev, dup := seen[id]; dup {
			return nil, fail(indent, "「%s」は %d 行目にもあります", key, prev)
		}
		seen[id] = n
		switch section {
		case "store":
			switch key {
			case "path":
				out.StorePath = val
			case "ca":
				out.CAFile = val
			case "password_file":
				out.PasswordFile = val
			case "password":
				return nil, fail(indent, "パスワードは設定ファイルに書けません（平文で残ります）。password_file か環境変数 KENSHIN_STORE_PASSWORD を使ってください")
			default:
				return nil, fail(indent, "[store] に「%s」という設定はありません（path・ca・password_file）", key)
			}
		case "centres":
			c, err := strconv.Atoi(key)
			if err != nil || c < 1 || c > 99 {
				return nil, fail(indent, "[centres] の名前は保健センターの番号（1〜99）です（「%s」）", key)
			}
			if val == "" {
				return nil, fail(valCol, "保健センター %d の名前がありません", c)
			}
			if out.Centres == nil {
				out.Centres = map[int]string{}
			}
			out.Centres[c] = val
		case "review":
			if key != "double_check" {
				return nil, fail(indent, "[review] に「%s」という設定はありません（double_check）", key)
			}
			switch strings.ToLower(val) {
			case "on":
				on := true
				out.DoubleCheck = &on
			case "off":
				off := false
				out.DoubleCheck = &off
			default:
				return nil, fail(valCol, "double_check は on か off です（「%s」）", val)
			}
		default:
			return nil, fail(indent, "「%s」の前に [store]・[centres]・[review] の区分がありません", key)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("設定ファイル「%s」を読めません: %w", name, err)
	}
	return out, nil
}

// DoubleCheckRequired says whether the second-person check must be done
// before submit: on unless the file turns it off (issue 13: the form marks
// the fields, a second person checks them in ツール → ダブルチェック or
// kenshinctl doublecheck). A file that cannot be read keeps it on too.
func (f *File) DoubleCheckRequired() bool {
	if f == nil || f.DoubleCheck == nil {
		return true
	}
	return *f.DoubleCheck
}
