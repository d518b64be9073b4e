package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/workspace"
)

// runEnv runs kenshinctl with the workspace in dir and stdin text.
func runIn(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("KENSHIN_WORKSPACE", filepath.Join(dir, "ws.db"))
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin), Now: fixedNow, DoubleCheckOff: true}
	return m.Run(context.Background(), args), out.String(), errb.String()
}

func runEnv(t *testing.T, dir string, args ...string) (int, string, string) {
	return runIn(t, dir, "", args...)
}

// Passwords of the test users (synthetic).
const (
	adminPW = "admin-pass-123\n"
	clerkPW = "clerk1-pass-123\n"
	bossPW  = "boss-pass-1234\n"
)

// initStore creates the store on purpose, as a user would.
func initStore(t *testing.T, dir, storePath string) {
	t.Helper()
	if code, out, e := runEnv(t, dir, "init", "--store", storePath); code != 0 || !strings.Contains(out, storePath) {
		t.Fatalf("init: %d %s %s", code, out, e)
	}
}

// setupUsers creates admin1 (admin), clerk1 (clerk) and boss (supervisor).
func setupUsers(t *testing.T, dir, storePath string) {
	t.Helper()
	initStore(t, dir, storePath)
	if code, _, e := runIn(t, dir, adminPW, "user", "add", "admin1", "--role", "admin", "--store", storePath); code != 0 {
		t.Fatalf("first admin: %s", e)
	}
	for _, u := range []struct{ name, role, pw string }{{"clerk1", "clerk", clerkPW}, {"boss", "supervisor", bossPW}} {
		if code, _, e := runIn(t, dir, adminPW+u.pw, "user", "add", u.name, "--role", u.role, "--as", "admin1", "--store", storePath); code != 0 {
			t.Fatalf("add %s: %s", u.name, e)
		}
	}
}

func TestSubmitBatchesExport(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	clean := filepath.Join(dir, "y3.csv")
	if code, _, e := runEnv(t, dir, "gen", "--form", "y3-dental-exam", "--rows", "25", "--seed", "4", "--error-rate", "0", "--no-confidence", "--out", clean); code != 0 {
		t.Fatal(e)
	}
	// a file with errors is refused for a clerk…
	code, _, stderr := runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", testdata("samples", "m4-exam.csv"))
	if code != ExitFindings || !strings.Contains(stderr, "エラーが") {
		t.Fatalf("errors left: %d %s", code, stderr)
	}
	// …and for a clerk's override
	code, _, stderr = runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", "--override", "急ぎ", testdata("samples", "m4-exam.csv"))
	if code != ExitFindings || !strings.Contains(stderr, "権限がありません") {
		t.Fatalf("clerk override: %d %s", code, stderr)
	}
	// a supervisor may, with a reason
	code, out, stderr := runIn(t, dir, bossPW, "submit", "--store", storePath, "--as", "boss", "--override", "用紙で確認済み", "--centre", "1", testdata("samples", "m4-exam.csv"))
	if code != ExitOK || !strings.Contains(out, "登録 30 件") || !strings.Contains(out, "作業データを削除") {
		t.Fatalf("supervisor: %d %s %s", code, out, stderr)
	}
	// a clean file goes as read
	code, out, stderr = runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", clean)
	if code != ExitOK {
		t.Fatalf("clean: %d %s %s", code, out, stderr)
	}
	// twice: refused
	code, _, stderr = runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", clean)
	if code != ExitFindings || !strings.Contains(stderr, "すでに送信") {
		t.Fatalf("duplicate: %d %s", code, stderr)
	}
	code, out, _ = runIn(t, dir, clerkPW, "batches", "--store", storePath, "--as", "clerk1")
	if code != ExitOK || !strings.Contains(out, "m4-exam") || !strings.Contains(out, "y3-dental-exam") || !strings.Contains(out, "用紙で確認済み") {
		t.Fatalf("batches: %s", out)
	}
	exp := filepath.Join(dir, "import.csv")
	code, out, stderr = runIn(t, dir, bossPW, "export", "--store", storePath, "--as", "boss", "--form", "y3-dental-exam", "--from", "R7.4.1", "--out", exp)
	if code != ExitOK || !strings.Contains(out, "25 件") {
		t.Fatalf("export: %d %s %s", code, out, stderr)
	}
	raw, _ := os.ReadFile(exp)
	text, _ := japanese.ShiftJIS.NewDecoder().String(string(raw))
	if !strings.HasPrefix(text, "宛名番号,氏名カナ,生年月日") || strings.Count(text, "\r\n") != 26 {
		t.Fatalf("import file: %q", text[:min(len(text), 200)])
	}
	code, out, _ = runIn(t, dir, clerkPW, "batches", "--store", storePath, "--as", "clerk1", "--format", "json")
	if code != ExitOK || !strings.Contains(out, `"exported_by": "boss"`) {
		t.Fatalf("exported mark: %s", out)
	}
	// --batch alone: the batch knows its form (batch 1 is the m4-exam file)
	exp1 := filepath.Join(dir, "batch1.csv")
	code, out, stderr = runIn(t, dir, bossPW, "export", "--store", storePath, "--as", "boss", "--batch", "1", "--encoding", "utf8", "--out", exp1)
	if code != ExitOK || !strings.Contains(out, "m4-exam 30 件") {
		t.Fatalf("export --batch without --form: %d %s %s", code, out, stderr)
	}
	for _, args := range [][]string{
		{"export", "--store", storePath, "--as", "boss", "--batch", "1", "--form", "y3-dental-exam", "--out", exp}, // not the batch's form
		{"export", "--store", storePath, "--as", "boss", "--batch", "99", "--out", exp},                            // no such batch
		{"export", "--store", storePath, "--as", "boss", "--out", exp},                                             // neither
	} {
		if code, _, stderr := runIn(t, dir, bossPW, args...); code != ExitUsage || !strings.Contains(stderr, "バッチ") {
			t.Errorf("%v: exit %d (%s), want 2 naming the batch", args, code, stderr)
		}
	}
	// unusable inputs
	for _, args := range [][]string{
		{"batches", "--store", filepath.Join(dir, "missing.db")},
		{"submit", "--store", storePath, "--as", "clerk1", filepath.Join(dir, "nope.csv")},
		{"export", "--store", storePath, "--as", "boss", "--form", "zz", "--out", exp},
	} {
		if code, _, _ := runIn(t, dir, clerkPW, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestSubmitConflicts(t *testing.T) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "central.db")
	// conflicts: the same children submitted twice from two reviews
	setupUsers(t, dir, storePath)
	a := filepath.Join(dir, "a.csv")
	runEnv(t, dir, "gen", "--form", "m18-dental-survey", "--rows", "10", "--seed", "8", "--error-rate", "0", "--no-confidence", "--out", a)
	if code, _, e := runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", "--centre", "3", a); code != 0 {
		t.Fatal(e)
	}
	b := filepath.Join(dir, "b.csv")
	data, _ := os.ReadFile(a)
	os.WriteFile(b, append(data, []byte{}...), 0o644)
	// different bytes, same records: add a trailing blank line so the hash differs
	os.WriteFile(b, append(data, '\r', '\n'), 0o644)
	code, out, stderr := runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", "--centre", "3", b)
	if code != ExitFindings || !strings.Contains(out, "登録済み") || !strings.Contains(stderr, "--skip-conflicts") {
		t.Fatalf("conflicts: %d %s %s", code, out, stderr)
	}
	code, out, _ = runIn(t, dir, clerkPW, "submit", "--store", storePath, "--as", "clerk1", "--centre", "3", "--replace-conflicts", "再読み取り", b)
	if code != ExitOK || !strings.Contains(out, "置き換え 10 件") {
		t.Fatalf("replace: %d %s", code, out)
	}
}

func TestSubmitUsesTheReviewInTheWorkspace(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KENSHIN_WORKSPACE", filepath.Join(dir, "ws.db"))
	sample := testdata("samples", "m18-exam.csv")
	setupUsers(t, dir, filepath.Join(dir, "central.db"))
	// a clerk reviews the file in the app: every open finding confirmed
	ctx := context.Background()
	set, _ := form.Default()
	ws, err := workspace.Open(ctx, filepath.Join(dir, "ws.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ocrcsv.ReadFile(sample, set, ocrcsv.Options{})
	_, saved, _ := ws.Resume(ctx, workspace.File{Hash: b.Hash, Path: sample, Form: b.Form.ID, Rows: len(b.Rows)}, "clerk7")
	s, _ := review.Open(b, review.Options{User: "clerk7", Journal: ws.Journal(b.Hash), Growth: set.Growth}, saved)
	fixture.Clean(t, s)
	ws.Close()
	code, out, stderr := runIn(t, dir, clerkPW, "submit", "--store", filepath.Join(dir, "central.db"), "--as", "clerk1", "--centre", "2", sample)
	if code != ExitOK {
		t.Fatalf("the reviewed file should go: %d %s %s", code, out, stderr)
	}
	_, list, _ := runIn(t, dir, clerkPW, "batches", "--store", filepath.Join(dir, "central.db"), "--as", "clerk1", "--format", "json")
	if !strings.Contains(list, `"reviewer": "clerk7"`) {
		t.Fatalf("reviewer: %s", list)
	}
	// the working copy is gone
	ws, _ = workspace.Open(ctx, filepath.Join(dir, "ws.db"), nil)
	defer ws.Close()
	if files, _ := ws.Files(ctx); len(files) != 0 {
		t.Fatalf("working data left: %+v", files)
	}
}
