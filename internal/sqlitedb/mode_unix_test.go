//go:build unix

package sqlitedb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFileModes: the database and its -wal/-shm are readable by the owner
// only, whether Open creates the file in an existing 0755 folder or finds
// one created 0644 by an older version.
func TestFileModes(t *testing.T) {
	ctx := context.Background()
	old := syscall.Umask(0o022) // the usual desktop umask, whatever the test runner's
	defer syscall.Umask(old)
	tests := []struct {
		name     string
		existing bool // a 0644 database with 0644 -wal/-shm is there before
	}{
		{"new file in a 0755 folder", false},
		{"existing 0644 file", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shared")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "central.db")
			if tt.existing {
				d, err := Open(ctx, p, migrations, Options{What: "中央データ"})
				if err != nil {
					t.Fatal(err)
				}
				_ = d.Close()
				for _, f := range []string{p, p + "-wal", p + "-shm"} {
					if err := os.WriteFile(f, nil, 0o644); err != nil && !strings.HasSuffix(f, ".db") {
						t.Fatal(err)
					}
					if err := os.Chmod(f, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			d, err := Open(ctx, p, migrations, Options{What: "中央データ"})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			// a write makes SQLite create -wal and -shm
			if _, err := d.ExecContext(ctx, "INSERT INTO t (x) VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{p, p + "-wal", p + "-shm"} {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != FileMode {
					t.Errorf("%s: %v, want %v", filepath.Base(f), fi.Mode().Perm(), FileMode)
				}
			}
		})
	}
}
