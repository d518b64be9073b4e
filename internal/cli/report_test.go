package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KENSHIN_WORKSPACE", filepath.Join(dir, "ws.db"))
	storePath := filepath.Join(dir, "central.db")
	setupUsers(t, dir, storePath)
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin), Now: fixedNow, DoubleCheckOff: true}
		return m.Run(context.Background(), append(args, "--store", storePath)), out.String(), errb.String()
	}
	before := filepath.Join(dir, "before.xlsx")
	if code, out, e := run(clerkPW, "report", "--as", "clerk1", "--out", before, testdata("samples", "m4-exam.csv")); code != 0 || !strings.Contains(out, "30 行") {
		t.Fatalf("%d %s %s", code, out, e)
	}
	x, err := excelize.OpenFile(before)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("未解決")
	x.Close()
	if len(rows) < 2 {
		t.Fatal("the discrepancy list before submission should list the open findings")
	}
	// a submitted batch, with a password from standard input
	if code, _, e := run(bossPW, "submit", "--as", "boss", "--override", "試験", "--centre", "1", testdata("samples", "m4-exam.csv")); code != 0 {
		t.Fatal(e)
	}
	after := filepath.Join(dir, "after.xlsx")
	if code, _, e := run(clerkPW+"secret-pass\n", "report", "--as", "clerk1", "--out", after, "--password", "--batch", "1"); code != 0 {
		t.Fatal(e)
	}
	if _, err := excelize.OpenFile(after); err == nil {
		t.Fatal("a password-protected report opened without it")
	}
	x, err = excelize.OpenFile(after, excelize.Options{Password: "secret-pass"})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := x.GetCellValue("概要", "B3")
	x.Close()
	if v != "バッチ 1" {
		t.Errorf("batch label %q", v)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{clerkPW + "short\n", []string{"report", "--as", "clerk1", "--out", after, "--password", testdata("samples", "m4-exam.csv")}, "8 文字"},
		{clerkPW, []string{"report", "--as", "clerk1", "--out", after, "--batch", "9"}, "バッチ 9"},
		{"", []string{"report", testdata("samples", "m4-exam.csv")}, "--out"},
	} {
		if code, _, e := run(tc.stdin, tc.args...); code != ExitUsage || !strings.Contains(e, tc.want) {
			t.Errorf("%v: %d %s", tc.args, code, e)
		}
	}
}
