package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/store"
	"kenshin/internal/workspace"
)

func TestToolCommands(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	clean := filepath.Join(dir, "y3.csv")
	if code, _, e := runEnv(t, dir, "gen", "--form", "y3-dental-exam", "--rows", "25", "--seed", "4", "--error-rate", "0", "--no-confidence", "--out", clean); code != 0 {
		t.Fatal(e)
	}
	if code, out, e := runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", clean); code != ExitOK {
		t.Fatalf("submit: %s %s", out, e)
	}
	if code, _, e := runIn(t, dir, bossPW, "export", "--store", storePath, "--as", "boss", "--form", "y3-dental-exam", "--out", filepath.Join(dir, "import.csv")); code != ExitOK {
		t.Fatal(e)
	}
	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		out         string // in stdout, or stderr when the code is not 0
	}{
		{"imported by a clerk", clerkPW, []string{"batches", "imported", "1", "--as", "clerk1"}, ExitFindings, "権限がありません"},
		{"imported bad id", bossPW, []string{"batches", "imported", "x1", "--as", "boss"}, ExitUsage, "読めません"},
		{"imported unknown", bossPW, []string{"batches", "imported", "9", "--as", "boss"}, ExitUsage, "バッチ 9 はありません"},
		{"imported", bossPW, []string{"batches", "imported", "1", "--as", "boss"}, ExitOK, "取込済みの印"},
		{"listed", clerkPW, []string{"batches", "--as", "clerk1"}, ExitOK, "済（boss）"},
		{"stats by a clerk", clerkPW, []string{"stats", "--as", "clerk1", "--out", filepath.Join(dir, "s.xlsx")}, ExitFindings, "権限がありません"},
		{"stats", bossPW, []string{"stats", "--as", "boss", "--out", filepath.Join(dir, "stats.xlsx"), "--from", "2026-04-01", "--to", "R8.4.30"}, ExitOK, "バッチ 1 個"},
		{"stats without out", bossPW, []string{"stats", "--as", "boss"}, ExitUsage, "--out"},
		{"audit report", adminPW, []string{"audit", "report", "--as", "admin1", "--from", "2026-04-01", "--to", "2026-04-30", "--out", filepath.Join(dir, "audit.xlsx")}, ExitOK, "異常なし"},
		{"audit report by a clerk", clerkPW, []string{"audit", "report", "--as", "clerk1", "--from", "2026-04-01", "--to", "2026-04-30", "--out", filepath.Join(dir, "a2.xlsx")}, ExitFindings, "権限がありません"},
		{"audit report without dates", bossPW, []string{"audit", "report", "--as", "boss", "--out", filepath.Join(dir, "a3.xlsx")}, ExitUsage, "--from"},
		{"purge bad date", bossPW, []string{"purge", "--as", "boss", "--exported-before", "いつか", "--out", filepath.Join(dir, "r.xlsx")}, ExitUsage, "読めません"},
		{"purge before the export", bossPW, []string{"purge", "--as", "boss", "--exported-before", "2026-04-01", "--out", filepath.Join(dir, "r0.xlsx")}, ExitOK, "削除できるバッチはありません"},
		{"purge short password", bossPW + "short\n", []string{"purge", "--as", "boss", "--exported-before", "2026-05-01", "--out", filepath.Join(dir, "r1.xlsx"), "--password-stdin"}, ExitUsage, "8 文字"},
		{"purge", bossPW + "record-pass-1\n", []string{"purge", "--as", "boss", "--exported-before", "2026-05-01", "--out", filepath.Join(dir, "削除記録.xlsx"), "--password-stdin"}, ExitOK, "記録 25 件"},
		{"listed purged", clerkPW, []string{"batches", "--as", "clerk1"}, ExitOK, "削除済み"},
	} {
		code, out, e := runIn(t, dir, c.stdin, append(c.args, "--store", storePath)...)
		got := out
		if c.code != ExitOK {
			got = e
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("%s: exit %d, stdout %q stderr %q; want %d with %q", c.name, code, out, e, c.code, c.out)
		}
	}
	for _, f := range []string{"stats.xlsx", "audit.xlsx", "削除記録.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestDoubleCheckCommand(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	if code, _, e := runIn(t, dir, adminPW+"clerk2-pass-123\n", "user", "add", "clerk2", "--role", "clerk", "--as", "admin1", "--store", storePath); code != 0 {
		t.Fatal(e)
	}
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin), Now: fixedNow} // the check required, as deployed
		return m.Run(context.Background(), append(args, "--store", storePath)), out.String(), errb.String()
	}
	gen := func(name string, seed string) string {
		p := filepath.Join(dir, name)
		if code, _, e := runEnv(t, dir, "gen", "--form", "m4-exam", "--rows", "3", "--seed", seed, "--error-rate", "0", "--no-confidence", "--out", p); code != 0 {
			t.Fatal(e)
		}
		return p
	}
	confirm := gen("a.csv", "7")
	if code, _, e := run(clerkPW, "submit", "--as", "clerk1", confirm); code != ExitFindings || !strings.Contains(e, "ダブルチェック") {
		t.Fatalf("submit before the check: %d %s", code, e)
	}
	// two fields confirmed, then input ends: progress kept, exit 1
	code, out, e := run("clerk2-pass-123\ny\ny\n", "doublecheck", "--as", "clerk2", confirm)
	if code != ExitFindings || !strings.Contains(out, "2 / 12 項目済み") {
		t.Fatalf("partial check: %d %s %s", code, out, e)
	}
	code, out, e = run("clerk2-pass-123\n"+strings.Repeat("y\n", 10), "doublecheck", "--as", "clerk2", confirm)
	if code != ExitOK || !strings.Contains(out, "12 / 12 項目済み") {
		t.Fatalf("resumed check: %d %s %s", code, out, e)
	}
	if code, _, e := run(clerkPW, "submit", "--as", "clerk1", confirm); code != ExitOK {
		t.Fatalf("submit after the check: %d %s", code, e)
	}
	// blind: wrong values are mismatches for a supervisor
	blind := gen("b.csv", "8")
	code, out, e = run("clerk2-pass-123\n"+strings.Repeat("0\n", 12), "doublecheck", "--as", "clerk2", "--blind", blind)
	if code != ExitFindings || !strings.Contains(out, "不一致 12 項目") || strings.Contains(out, "用紙と一致しますか") {
		t.Fatalf("blind check: %d %s %s", code, out, e)
	}
	if code, _, e := run("clerk2-pass-123\n", "doublecheck", "--as", "clerk2", "--mismatches", blind); code != ExitFindings || !strings.Contains(e, "権限がありません") {
		t.Errorf("a clerk listing mismatches: %d %s", code, e)
	}
	code, out, _ = run(bossPW, "doublecheck", "--as", "boss", "--mismatches", blind)
	if code != ExitOK || !strings.Contains(out, "1:atena_no") || !strings.Contains(out, "ダブルチェック: 0（clerk2）") || !strings.Contains(out, "不一致 12 項目") {
		t.Errorf("mismatches: %d %s", code, out)
	}
	if code, _, e := run(bossPW, "doublecheck", "--as", "boss", "--decide", "1:atena_no=12345678", blind); code != ExitUsage || !strings.Contains(e, "--reason") {
		t.Errorf("decide without a reason: %d %s", code, e)
	}
	code, out, e = run(bossPW, "doublecheck", "--as", "boss", "--decide", "1:atena_no=12345678", "--reason", "用紙で確認", blind)
	if code != ExitOK || !strings.Contains(out, "不一致 11 項目") {
		t.Errorf("decide: %d %s %s", code, out, e)
	}
}

// TestExitShipSendsTheOpenedEntry: a command that opens a file (the
// double check, the report of a file) sends the entry it spooled before
// it ends, so nothing is left in the working copy.
func TestExitShipSendsTheOpenedEntry(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	csv := filepath.Join(dir, "a.csv")
	if code, _, e := runEnv(t, dir, "gen", "--form", "m4-exam", "--rows", "3", "--seed", "7", "--error-rate", "0", "--no-confidence", "--out", csv); code != 0 {
		t.Fatal(e)
	}
	for _, c := range []struct {
		name, stdin string
		args        []string
	}{
		{"doublecheck", bossPW + "y\n", []string{"doublecheck", "--as", "boss", csv}},
		{"report", clerkPW, []string{"report", "--as", "clerk1", "--out", filepath.Join(dir, "r.xlsx"), csv}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, e := runIn(t, dir, c.stdin, append(c.args, "--store", storePath)...)
			if strings.Contains(e, "警告") {
				t.Errorf("stderr %q: the exit shipment failed", e)
			}
			ctx := context.Background()
			ws, err := workspace.Open(ctx, filepath.Join(dir, "ws.db"), fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			n, err := ws.PendingAudit(ctx)
			_ = ws.Close()
			if err != nil || n != 0 {
				t.Fatalf("%d entries left in the working copy (%v); want 0", n, err)
			}
			st, err := store.Open(ctx, storePath, store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = st.Close() }()
			var opened []audit.Event
			if err := st.View(ctx, func(tx app.Tx) error {
				opened, err = tx.Audit(ctx, audit.Filter{Kind: audit.FileOpened})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(opened) == 0 || opened[len(opened)-1].User != strings.Fields(c.args[2])[0] {
				t.Fatalf("the file-opened entry of %s did not arrive: %+v", c.args[2], opened)
			}
		})
	}
}
