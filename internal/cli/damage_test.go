package cli

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func hashFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// storeWithData makes a store with users and one submitted batch of 2,000
// rows, so that its middle pages hold records.
func storeWithData(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "central.db")
	setupUsers(t, dir, p)
	csv := filepath.Join(dir, "big.csv")
	if code, _, e := runEnv(t, dir, "gen", "--form", "m4-survey", "--rows", "2000", "--seed", "3", "--error-rate", "0", "--no-confidence", "--out", csv); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := runIn(t, dir, clerkPW, "submit", "--store", p, "--as", "clerk1", "--centre", "1", csv); code != 0 {
		t.Fatal(e)
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedStores damages copies of a store and checks, for every command
// that would use it, the Japanese message, the exit code, and that the
// file's bytes are exactly what they were (nothing written, nothing created).
func TestDamagedStores(t *testing.T) {
	base := t.TempDir()
	good := storeWithData(t, base)
	cases := []struct {
		name   string
		damage func(t *testing.T, p string) // p: the store path in a fresh folder
		msg    string
		code   int
	}{
		{"missing folder", func(t *testing.T, p string) {}, "ありません", ExitUsage},
		{"truncated to 0 bytes", func(t *testing.T, p string) {
			copyFile(t, good+".auditkey", p+".auditkey")
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "0 バイト", ExitUsage},
		{"foreign file", func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte("宛名番号,氏名カナ\r\n1,テスト\r\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "SQLite のデータベースではありません", ExitUsage},
		{"16 KiB garbage in the middle", func(t *testing.T, p string) {
			copyFile(t, good, p)
			copyFile(t, good+".auditkey", p+".auditkey")
			b, _ := os.ReadFile(p)
			mid := len(b) / 2 / 4096 * 4096
			if _, err := rand.Read(b[mid : mid+16<<10]); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "壊れています", ExitUsage},
		{"audit key missing", func(t *testing.T, p string) { copyFile(t, good, p) }, "鍵のファイルがありません", ExitUsage},
	}
	commands := [][]string{
		{"batches", "--as", "clerk1"},
		{"audit", "verify", "--as", "admin1"},
		{"export", "--as", "boss", "--form", "m4-survey", "--out", "OUT"},
		{"user", "list", "--as", "admin1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			folder := filepath.Join(dir, "shared")
			p := filepath.Join(folder, "central.db")
			if tc.name != "missing folder" {
				if err := os.Mkdir(folder, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			tc.damage(t, p)
			before := map[string]string{}
			entries, _ := os.ReadDir(folder)
			for _, e := range entries {
				before[e.Name()] = hashFile(t, filepath.Join(folder, e.Name()))
			}
			for _, args := range commands {
				out := filepath.Join(dir, "out.csv")
				full := append([]string{}, args...)
				for i, a := range full {
					if a == "OUT" {
						full[i] = out
					}
				}
				code, _, e := runIn(t, dir, adminPW, append(full, "--store", p)...)
				if code != tc.code || !strings.Contains(e, tc.msg) || !strings.Contains(e, p) {
					t.Errorf("%v: exit %d %q, want %d and %q naming the file", args, code, e, tc.code, tc.msg)
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%v wrote %s", args, out)
				}
			}
			// check-store gives its verdict on the same damage
			code, _, e := runIn(t, dir, "", "check-store", "--store", p)
			if code == ExitOK || !strings.Contains(e, tc.msg) {
				t.Errorf("check-store: %d %q", code, e)
			}
			after, _ := os.ReadDir(folder)
			if len(after) != len(before) {
				t.Errorf("files in the folder: %d before, %d after", len(before), len(after))
			}
			for _, e := range after {
				if h := hashFile(t, filepath.Join(folder, e.Name())); h != before[e.Name()] {
					t.Errorf("%s changed", e.Name())
				}
			}
			if tc.name == "missing folder" {
				if _, err := os.Stat(folder); !os.IsNotExist(err) {
					t.Error("the missing folder was created")
				}
			}
		})
	}
	// the undamaged original is still sound
	if code, out, e := runIn(t, base, "", "check-store", "--store", good); code != ExitOK || !strings.Contains(out, "問題はありません") {
		t.Fatalf("check-store on the original: %d %s %s", code, out, e)
	}
}

// TestFullDiskDuringSubmit: the store's folder cannot grow (a file size
// limit set in a subprocess stands in for a full disk). The submission is
// refused with a message and exit code, no part of the batch is stored, and
// the file passes integrity_check.
func TestFullDiskDuringSubmit(t *testing.T) {
	if os.Getenv("KENSHIN_FSIZE_HELPER") != "" {
		t.Skip("helper")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "central.db")
	setupUsers(t, dir, p)
	csv := filepath.Join(dir, "big.csv")
	if code, _, e := runEnv(t, dir, "gen", "--form", "m4-survey", "--rows", "3000", "--seed", "5", "--error-rate", "0", "--no-confidence", "--out", csv); code != 0 {
		t.Fatal(e)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFullDiskHelper$")
	cmd.Env = append(os.Environ(), "KENSHIN_FSIZE_HELPER=1", "HELPER_STORE="+p, "HELPER_CSV="+csv, "KENSHIN_WORKSPACE="+filepath.Join(dir, "ws.db"))
	out, _ := cmd.CombinedOutput()
	text := string(out)
	if !strings.Contains(text, "EXIT 1") && !strings.Contains(text, "EXIT 2") {
		t.Fatalf("helper: %s", text)
	}
	if !strings.Contains(text, "中央データ") || !strings.Contains(text, "何も登録していません") {
		t.Fatalf("message: %s", text)
	}
	// the login's log entry may have landed; the batch did not, and the
	// file is sound
	if code, out, e := runIn(t, dir, clerkPW, "batches", "--store", p, "--as", "clerk1"); code != 0 || strings.Contains(out, "big.csv") {
		t.Fatalf("after the failure: %d %s %s", code, out, e)
	}
	if code, out, e := runIn(t, dir, "", "check-store", "--store", p); code != 0 || !strings.Contains(out, "batches: 0") {
		t.Fatalf("check-store after the failure: %d %s %s", code, out, e)
	}
}

func TestFullDiskHelper(t *testing.T) {
	if os.Getenv("KENSHIN_FSIZE_HELPER") == "" {
		t.Skip("only run as a subprocess")
	}
	signal.Ignore(syscall.SIGXFSZ) // a write past the limit fails with EFBIG instead of killing us
	fi, err := os.Stat(os.Getenv("HELPER_STORE"))
	if err != nil {
		t.Fatal(err)
	}
	lim := uint64(fi.Size()) + 64<<10 // the login fits, the batch does not
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Fatal(err)
	}
	code, out, e := runIn(t, t.TempDir(), clerkPW, "submit", "--store", os.Getenv("HELPER_STORE"), "--as", "clerk1", "--centre", "1", "--workspace", os.Getenv("KENSHIN_WORKSPACE"), os.Getenv("HELPER_CSV"))
	fmt.Printf("EXIT %d\n%s\n%s\n", code, out, e)
}
