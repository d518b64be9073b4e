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

func TestPrepareCommitAbort(t *testing.T) {
	tests := []struct {
		name     string
		existing []byte
		commit   bool
		want     []byte // nil: no file at path after
	}{
		{"commit over nothing", nil, true, []byte("new")},
		{"commit over earlier", []byte("old"), true, []byte("new")},
		{"abort keeps earlier", []byte("old"), false, []byte("old")},
		{"abort leaves nothing", nil, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "report.xlsx")
			if tt.existing != nil {
				if err := os.WriteFile(path, tt.existing, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			p, err := Prepare(path, func(w io.Writer) error {
				_, err := w.Write([]byte("new"))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// Before Commit the real name must still hold the earlier state.
			got, err := os.ReadFile(path)
			if tt.existing == nil {
				if !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("file visible before Commit: %q, %v", got, err)
				}
			} else if !bytes.Equal(got, tt.existing) {
				t.Fatalf("before Commit: %q, want %q", got, tt.existing)
			}
			if tt.commit {
				if err := p.Commit(); err != nil {
					t.Fatal(err)
				}
			} else {
				p.Abort()
			}
			p.Abort() // deferred Abort after Commit must do nothing
			got, err = os.ReadFile(path)
			switch {
			case tt.want == nil && !errors.Is(err, os.ErrNotExist):
				t.Fatalf("after: %q, %v; want no file", got, err)
			case tt.want != nil && !bytes.Equal(got, tt.want):
				t.Fatalf("after: %q, %v; want %q", got, err, tt.want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file left: %s", e.Name())
				}
			}
		})
	}
}

func TestPrepareWith(t *testing.T) {
	tests := []struct {
		name    string
		write   func(stage string) error
		commit  bool
		want    []byte // at path after; nil: the earlier "old"
		wantErr bool
	}{
		{"commit", func(p string) error { return WriteFile(p, []byte("new")) }, true, []byte("new"), false},
		{"abort", func(p string) error { return WriteFile(p, []byte("new")) }, false, nil, false},
		{"writer fails", func(p string) error { return errDiskFull }, true, nil, true},
		{"writer creates nothing", func(string) error { return nil }, true, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "stats.xlsx")
			if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := PrepareWith(path, tt.write)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil {
				if got, _ := os.ReadFile(path); string(got) != "old" {
					t.Fatalf("before Commit: %q", got)
				}
				if tt.commit {
					if err := p.Commit(); err != nil {
						t.Fatal(err)
					}
				} else {
					p.Abort()
				}
			}
			want := tt.want
			if want == nil {
				want = []byte("old")
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
				t.Fatalf("after: %q, want %q", got, want)
			}
			if runtime.GOOS != "windows" {
				if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != FileMode {
					t.Errorf("mode %v, %v", fi.Mode(), err)
				}
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("left in the folder: %v", entries)
			}
		})
	}
}
