package settings

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     File
		line     int // >0: an *Error at this line
		col      int
		msg      string
	}{
		{name: "empty", in: "", want: File{}},
		{name: "full with BOM and CRLF", in: "\ufeff; 設定\r\n[store]\r\npath = postgres://kenshin_app@db.example.lg.jp/kenshin\r\nca = C:\\KenshinReview\\ca.pem\r\n\r\n[Centres]\r\n1 = 中央保健センター\r\n 2=北保健センター \r\n",
			want: File{StorePath: "postgres://kenshin_app@db.example.lg.jp/kenshin", CAFile: `C:\KenshinReview\ca.pem`, Centres: map[int]string{1: "中央保健センター", 2: "北保健センター"}}},
		{name: "sqlite path with equals", in: "[store]\npath = D:\\data\\a=b\\central.db\n# comment\npassword_file = /etc/kenshin-review/pw\n",
			want: File{StorePath: `D:\data\a=b\central.db`, PasswordFile: "/etc/kenshin-review/pw"}},
		{name: "key before section", in: "path = x\n", line: 1, col: 1, msg: "区分がありません"},
		{name: "unknown section", in: "[store]\npath=x\n  [misc]\n", line: 3, col: 3, msg: "不明な区分"},
		{name: "unclosed section", in: "[store\n", line: 1, col: 1, msg: "「]」がありません"},
		{name: "no equals", in: "[store]\npath\n", line: 2, col: 1, msg: "「名前 = 値」"},
		{name: "password refused", in: "[store]\npassword = secret\n", line: 2, col: 1, msg: "パスワードは設定ファイルに書けません"},
		{name: "unknown key", in: "[store]\nhost = x\n", line: 2, col: 1, msg: "「host」という設定はありません"},
		{name: "duplicate", in: "[store]\npath = a\n\npath = b\n", line: 4, col: 1, msg: "2 行目にも"},
		{name: "centre not a number", in: "[centres]\none = 中央\n", line: 2, col: 1, msg: "番号"},
		{name: "centre out of range", in: "[centres]\n0 = 中央\n", line: 2, col: 1, msg: "番号"},
		{name: "centre without name", in: "[centres]\n3 =\n", line: 2, col: 4, msg: "名前がありません"},
		{name: "not utf-8", in: "[centres]\n1 = 中央\x93\x8c\n", line: 2, col: 7, msg: "UTF-8"},
		{name: "empty key", in: "[store]\n = x\n", line: 2, col: 2, msg: "名前がありません"},
		{name: "double check on", in: "[review]\ndouble_check = ON\n", want: File{DoubleCheck: ptr(true)}},
		{name: "double check off", in: "[review]\ndouble_check = off\n", want: File{DoubleCheck: ptr(false)}},
		{name: "double check other", in: "[review]\ndouble_check = yes\n", line: 2, col: 15, msg: "on か off"},
		{name: "review unknown key", in: "[review]\nsample = 20\n", line: 2, col: 1, msg: "double_check"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in), "kenshin-settings.ini")
			if tt.line > 0 {
				var e *Error
				if !errors.As(err, &e) || e.Line != tt.line || e.Col != tt.col || !strings.Contains(e.Msg, tt.msg) || !strings.Contains(err.Error(), "kenshin-settings.ini") {
					t.Fatalf("err = %v; want line %d col %d containing %q", err, tt.line, tt.col, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v; want %+v", *got, tt.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	got, err := LoadFile(filepath.Join(dir, "missing.ini"))
	if err != nil || got.StorePath != "" {
		t.Fatalf("missing file: %+v, %v; want empty, nil", got, err)
	}
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte("[store]\npath = /srv/central.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvPath, p)
	got, err = Load()
	if err != nil || got.StorePath != "/srv/central.db" || got.Path != p {
		t.Fatalf("Load() = %+v, %v", got, err)
	}
	if err := os.WriteFile(p, []byte(strings.Repeat(";\n", maxSize)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(); err == nil {
		t.Error("a file over the size limit was read")
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"ProgramData": `D:\ProgramData`}
	for _, tt := range []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"windows", env, `D:\ProgramData\KenshinReview\kenshin-settings.ini`},
		{"windows", nil, `C:\ProgramData\KenshinReview\kenshin-settings.ini`},
		{"linux", env, "/etc/kenshin-review/kenshin-settings.ini"},
	} {
		if got := defaultPath(tt.goos, func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%s: %s; want %s", tt.goos, got, tt.want)
		}
	}
}

// FuzzParse: any input is read or refused with a positioned message; never a panic.
func FuzzParse(f *testing.F) {
	f.Add("[store]\npath = postgres://a@b/c\n[centres]\n1 = 中央\n")
	f.Add("\ufeff[store]\r\nca=x\r\n")
	f.Add("[centres]\n1=\n")
	f.Add("x")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Parse(strings.NewReader(in), "f.ini")
		if err != nil {
			var e *Error
			if errors.As(err, &e) && (e.Line < 1 || e.Col < 1) {
				t.Fatalf("bad position: %+v", e)
			}
			return
		}
		for c, name := range got.Centres {
			if c < 1 || c > 99 || name == "" {
				t.Fatalf("centre %d %q accepted", c, name)
			}
		}
	})
}

func ptr(b bool) *bool { return &b }

func TestDoubleCheckRequired(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    *File
		want bool
	}{
		{"unreadable file", nil, true},
		{"not said", &File{}, true},
		{"on", &File{DoubleCheck: ptr(true)}, true},
		{"off", &File{DoubleCheck: ptr(false)}, false},
	} {
		if got := tt.f.DoubleCheckRequired(); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestShippedTemplateParses: the settings file the MSI installs must be one
// this reader accepts, or every terminal would refuse to start.
func TestShippedTemplateParses(t *testing.T) {
	f, err := LoadFile(filepath.Join("..", "..", "assets", "windows", FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Centres) != 4 || f.StorePath != "" || !f.DoubleCheckRequired() || f.DoubleCheck == nil {
		t.Errorf("template read as %+v", f)
	}
}
