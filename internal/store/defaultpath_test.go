package store

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDefaultPath: on Windows the store lives under %LocalAppData% (not the
// roaming profile); KENSHIN_STORE wins everywhere.
func TestDefaultPath(t *testing.T) {
	roaming := func() (string, error) { return `C:\Users\u\AppData\Roaming`, nil }
	local := func() (string, error) { return `C:\Users\u\AppData\Local`, nil }
	for _, tt := range []struct {
		goos, env, want string
	}{
		{"windows", "", filepath.Join(`C:\Users\u\AppData\Local`, "KenshinReview", "central.db")},
		{"linux", "", filepath.Join(`C:\Users\u\AppData\Roaming`, "KenshinReview", "central.db")},
		{"windows", "postgres://a@b/c", "postgres://a@b/c"},
	} {
		got, err := defaultPath(tt.goos, func(k string) string {
			if k == "KENSHIN_STORE" {
				return tt.env
			}
			return ""
		}, roaming, local)
		if err != nil || got != tt.want {
			t.Errorf("%s %q: %q, %v; want %q", tt.goos, tt.env, got, err, tt.want)
		}
	}
}

// TestFromRoaming: a store left in the roaming folder by an earlier version
// moves to the local one with its audit key and WAL; nothing is ever
// replaced by an empty start.
func TestFromRoaming(t *testing.T) {
	tests := []struct {
		name      string
		old, new  bool // a central.db there before
		oldExtras bool // .auditkey and -wal beside the old one
		want      string
	}{
		{"nothing old", false, false, false, "new"},
		{"old only: moved with key and wal", true, false, true, "new"},
		{"old only, no extras", true, false, false, "new"},
		{"both: the local one is used", true, true, true, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			oldPath := filepath.Join(base, "Roaming", "KenshinReview", "central.db")
			newPath := filepath.Join(base, "Local", "KenshinReview", "central.db")
			write := func(p, s string) {
				t.Helper()
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.old {
				write(oldPath, "old db")
				if tt.oldExtras {
					write(oldPath+".auditkey", "old key")
					write(oldPath+"-wal", "old wal")
				}
			}
			if tt.new {
				write(newPath, "new db")
			}
			got := fromRoaming(oldPath, newPath)
			want := map[string]string{"old": oldPath, "new": newPath}[tt.want]
			if got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			read := func(p string) string { b, _ := os.ReadFile(p); return string(b) }
			switch {
			case tt.new:
				if read(newPath) != "new db" || read(oldPath) != "old db" {
					t.Errorf("a store existed locally: both must stay (local %q, roaming %q)", read(newPath), read(oldPath))
				}
			case tt.old:
				if read(newPath) != "old db" {
					t.Errorf("moved store holds %q", read(newPath))
				}
				if _, err := os.Stat(oldPath); !os.IsNotExist(err) {
					t.Errorf("the roaming store is still there: %v", err)
				}
				if tt.oldExtras && (read(newPath+".auditkey") != "old key" || read(newPath+"-wal") != "old wal") {
					t.Errorf("key %q wal %q not carried over", read(newPath+".auditkey"), read(newPath+"-wal"))
				}
			}
		})
	}
}

// TestFromRoamingPutsBackOnFailure: when the database itself cannot move,
// what moved before it goes back, and the old path stays in use.
func TestFromRoamingPutsBackOnFailure(t *testing.T) {
	base := t.TempDir()
	oldPath := filepath.Join(base, "Roaming", "central.db")
	newPath := filepath.Join(base, "Local", "central.db")
	if err := os.MkdirAll(filepath.Dir(oldPath), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{oldPath, oldPath + ".auditkey"} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// a folder where the -wal would go makes its rename fail
	if err := os.MkdirAll(newPath+"-wal", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newPath+"-wal/x", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(oldPath+"-wal", []byte("w"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := fromRoaming(oldPath, newPath); got != oldPath {
		t.Fatalf("got %s, want the old path", got)
	}
	for _, p := range []string{oldPath, oldPath + ".auditkey", oldPath + "-wal"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(newPath + ".auditkey"); !os.IsNotExist(err) {
		t.Errorf("the key stayed in the new folder: %v", err)
	}
}
