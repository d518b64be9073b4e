package safefile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// failAfter writes n bytes and then fails as a full disk does.
type failAfter struct {
	w io.Writer
	n int
}

var errDiskFull = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errDiskFull
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestWrite(t *testing.T) {
	big := bytes.Repeat([]byte("宛名番号,体重\n"), 10000)
	tests := []struct {
		name     string
		existing []byte // nil: no file before
		fill     func(w io.Writer) error
		want     []byte // what must be at the path after
		wantErr  bool
	}{
		{"new file", nil, func(w io.Writer) error { _, err := w.Write(big); return err }, big, false},
		{"replaces", []byte("old"), func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }, []byte("new"), false},
		{"full disk part-way keeps the old file", []byte("old report"), func(w io.Writer) error {
			_, err := (&failAfter{w, 1000}).Write(big)
			return err
		}, []byte("old report"), true},
		{"full disk part-way leaves nothing new", nil, func(w io.Writer) error {
			_, err := (&failAfter{w, 1000}).Write(big)
			return err
		}, nil, true},
		{"fill error after writing", []byte("old"), func(w io.Writer) error {
			_, _ = w.Write([]byte("partial"))
			return errors.New("excel failed")
		}, []byte("old"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.xlsx")
			if tc.existing != nil {
				if err := os.WriteFile(path, tc.existing, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(path, tc.fill)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				var fe *Error
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), "out.xlsx") || !strings.Contains(err.Error(), "保存できません") {
					t.Errorf("error %q does not name the file in Japanese", err)
				}
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tc.want == nil && !errors.Is(rerr, os.ErrNotExist):
				t.Errorf("a file exists after a failed write (err %v)", rerr)
			case tc.want != nil && !bytes.Equal(got, tc.want):
				t.Errorf("content = %d bytes %q…, want %d bytes", len(got), firstBytes(got), len(tc.want))
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "out.xlsx" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

func firstBytes(b []byte) []byte {
	if len(b) > 20 {
		return b[:20]
	}
	return b
}

func TestWriteModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "new", "folder")
	path := filepath.Join(dir, "import.csv")
	if err := WriteFile(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != FileMode {
		t.Errorf("file mode %v, want %v", fi.Mode().Perm(), FileMode)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != DirMode {
		t.Errorf("folder mode %v, want %v", di.Mode().Perm(), DirMode)
	}
	// An existing 0644 file replaced keeps no looser mode.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != FileMode {
		t.Errorf("replaced file mode %v, want %v", fi.Mode().Perm(), FileMode)
	}
}

func TestWriteUnwritableFolder(t *testing.T) {
	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		t.Skip("root ignores folder permissions")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if err := WriteFile(filepath.Join(dir, "a.csv"), []byte("x")); err == nil {
		t.Fatal("write into a read-only folder succeeded")
	}
}
