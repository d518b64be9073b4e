package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	_ "modernc.org/sqlite"
)

func TestNoUsersYet(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	initStore(t, dir, storePath)
	// first-run setup still enforces the password policy
	code, _, e := runIn(t, dir, "short\n", "user", "add", "admin1", "--role", "admin", "--store", storePath)
	if code == ExitOK || !strings.Contains(e, "10 文字") {
		t.Fatalf("short first password: %d %s", code, e)
	}
	code, _, e = runIn(t, dir, "admin-pass-123\n", "user", "add", "c", "--role", "clerk", "--store", storePath)
	if code == ExitOK || !strings.Contains(e, "最初の利用者は管理者") {
		t.Fatalf("first user not admin: %d %s", code, e)
	}
	code, _, e = runIn(t, dir, "", "report", "--store", storePath, "--out", filepath.Join(dir, "r.xlsx"), testdata("samples", "m4-exam.csv"))
	if code == ExitOK || !strings.Contains(e, "管理者を作成") {
		t.Fatalf("protected command before any user: %d %s", code, e)
	}
}

// Every protected command refuses a role that may not run it, and says so.
func TestRoleChecks(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	out := filepath.Join(dir, "o")
	cases := []struct {
		who, pw string
		args    []string
		allowed bool
	}{
		{"admin1", adminPW, []string{"report", "--out", out + ".xlsx", testdata("samples", "m4-exam.csv")}, false},
		{"admin1", adminPW, []string{"export", "--form", "m4-exam", "--out", out + ".csv"}, false},
		{"admin1", adminPW, []string{"submit", testdata("samples", "m4-exam.csv")}, false},
		{"clerk1", clerkPW, []string{"user", "list"}, false},
		{"clerk1", clerkPW, []string{"user", "disable", "boss"}, false},
		{"clerk1", clerkPW, []string{"audit", "verify"}, false},
		{"clerk1", clerkPW, []string{"audit", "list"}, false},
		{"clerk1", clerkPW, []string{"submit", "--override", "x", testdata("samples", "m4-exam.csv")}, false},
		{"boss", bossPW, []string{"user", "list"}, false},
		{"clerk1", clerkPW, []string{"export", "--form", "m4-exam", "--out", out + ".csv"}, false},
		{"boss", bossPW, []string{"export", "--form", "m4-exam", "--out", out + ".csv"}, true},
		{"clerk1", clerkPW, []string{"report", "--out", out + ".xlsx", testdata("samples", "m4-exam.csv")}, true},
		{"admin1", adminPW, []string{"user", "list"}, true},
		{"admin1", adminPW, []string{"audit", "verify"}, true},
	}
	for _, c := range cases {
		args := append(append([]string{}, c.args...), "--as", c.who, "--store", storePath)
		code, _, e := runIn(t, dir, c.pw, args...)
		if c.allowed && code != ExitOK {
			t.Errorf("%s %v: refused: %s", c.who, c.args, e)
		}
		if !c.allowed && (code != ExitFindings || !strings.Contains(e, "権限がありません")) {
			t.Errorf("%s %v: exit %d %q, want a refusal", c.who, c.args, code, e)
		}
	}
	// a wrong password is refused without saying whether the name exists
	for _, who := range []string{"clerk1", "nobody"} {
		code, _, e := runIn(t, dir, "wrong-password\n", "batches", "--as", who, "--store", storePath)
		if code != ExitFindings || !strings.Contains(e, "利用者名またはパスワードが違います") {
			t.Errorf("%s: %d %s", who, code, e)
		}
	}
	// refusals are in the log, and the log lists them as CSV and Excel
	csvPath := filepath.Join(dir, "audit.csv")
	if code, _, e := runIn(t, dir, adminPW, "audit", "list", "--as", "admin1", "--store", storePath, "--event", "denied", "--format", "csv", "--out", csvPath); code != 0 {
		t.Fatal(e)
	}
	b, _ := os.ReadFile(csvPath)
	if n := strings.Count(string(b), "権限のない操作"); n < 8 {
		t.Errorf("%d denied entries in the CSV:\n%s", n, b)
	}
	xlsx := filepath.Join(dir, "audit.xlsx")
	if code, _, e := runIn(t, dir, adminPW, "audit", "list", "--as", "admin1", "--store", storePath, "--user", "clerk1", "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Fatal(e)
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("操作記録")
	x.Close()
	if len(rows) < 3 || rows[0][2] != "利用者" || rows[1][2] != "clerk1" {
		t.Fatalf("xlsx rows %v", rows[:min(3, len(rows))])
	}
}

func TestUserCommandsAndTamper(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	if code, _, e := runIn(t, dir, clerkPW+"brand-new-pass-1\n", "user", "passwd", "clerk1", "--as", "clerk1", "--store", storePath); code != 0 {
		t.Fatal(e)
	}
	if code, _, _ := runIn(t, dir, "brand-new-pass-1\n", "batches", "--as", "clerk1", "--store", storePath); code != 0 {
		t.Fatal("new password does not work")
	}
	if code, _, e := runIn(t, dir, adminPW, "user", "disable", "boss", "--as", "admin1", "--store", storePath); code != 0 {
		t.Fatal(e)
	}
	code, out, _ := runIn(t, dir, adminPW, "user", "list", "--as", "admin1", "--store", storePath)
	if code != 0 || !strings.Contains(out, "boss") || !strings.Contains(out, "無効") || strings.Contains(out, "argon2") {
		t.Fatalf("list: %s", out)
	}
	// lockout after repeated failures
	for i := 0; i < 5; i++ {
		runIn(t, dir, "wrong\n", "batches", "--as", "clerk1", "--store", storePath)
	}
	if code, _, e := runIn(t, dir, "brand-new-pass-1\n", "batches", "--as", "clerk1", "--store", storePath); code != ExitFindings || !strings.Contains(e, "まで利用できません") {
		t.Fatalf("lockout: %d %s", code, e)
	}
	// verify, then a hand edit of the log
	if code, out, e := runIn(t, dir, adminPW, "audit", "verify", "--as", "admin1", "--store", storePath); code != 0 || !strings.Contains(out, "改ざんはありません") {
		t.Fatalf("verify: %s %s", out, e)
	}
	db, err := sql.Open("sqlite", storePath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET user = 'someone' WHERE seq = 5`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, _, e := runIn(t, dir, adminPW, "audit", "verify", "--as", "admin1", "--store", storePath)
	if code != ExitFindings || !strings.Contains(e, "5 番") || !strings.Contains(e, "改ざん") {
		t.Fatalf("tampered log: %d %s", code, e)
	}
}
