package sqlitedb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestIsNetworkPath(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{`\\server\share\central.db`, true},
		{"//server/share/central.db", true},
		{filepath.Join(t.TempDir(), "central.db"), false},
		{filepath.Join(t.TempDir(), "not", "yet", "there.db"), false},
	}
	for _, tt := range tests {
		if got, how := IsNetworkPath(tt.path); got != tt.want {
			t.Errorf("%s: %v (%s), want %v", tt.path, got, how, tt.want)
		}
	}
}

var migrations = fstest.MapFS{"0001_t.sql": {Data: []byte("CREATE TABLE t (x INTEGER);")}}

func TestOpenRefusesWhatItMustNotCreate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       error
		msg        string
	}{
		{"missing", filepath.Join(dir, "sub", "x.db"), ErrMissing, "ありません"},
		{"folder", dir, ErrMissing, "フォルダ"},
		{"0 bytes", empty, ErrDamaged, "0 バイト"},
		{"UNC", `\\server\share\x.db`, ErrNetwork, "サーバー"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(ctx, tt.path, migrations, Options{What: "中央データ", MustExist: true, Check: true})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); !os.IsNotExist(err) {
		t.Fatal("a folder was created")
	}
	if fi, _ := os.Stat(empty); fi.Size() != 0 {
		t.Fatal("the empty file was written")
	}
	// without MustExist a new database is made (the workspace's way)
	p := filepath.Join(dir, "new.db")
	d, err := Open(ctx, p, migrations, Options{What: "作業データ"})
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := d.Check(ctx, true); err != nil || len(problems) > 0 {
		t.Fatalf("a new database: %v %v", problems, err)
	}
	_ = d.Close()
}
