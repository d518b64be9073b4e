package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files and samples under testdata/")

var fixedNow = func() time.Time { return time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC) }

func testdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Now: fixedNow}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// sampleForms are the bundled dummy files: one per form, 30 rows each, the
// two forms of a checkup share their children.
var sampleForms = []string{"m4-exam", "m4-survey", "m18-exam", "m18-survey", "m18-dental-exam", "m18-dental-survey", "y3-exam", "y3-survey", "y3-dental-exam", "y3-dental-survey"}

func sampleArgs(id string) []string {
	enc := "utf8"
	if strings.HasSuffix(id, "survey") {
		enc = "cp932" // both encodings among the samples
	}
	return []string{"gen", "--form", id, "--rows", "30", "--seed", "2025", "--error-rate", "0.05", "--encoding", enc}
}

func TestSamplesAreGenerated(t *testing.T) {
	dir := t.TempDir()
	for _, id := range sampleForms {
		out := filepath.Join(dir, id+".csv")
		if code, _, stderr := run(t, append(sampleArgs(id), "--out", out)...); code != 0 {
			t.Fatalf("gen %s: %d %s", id, code, stderr)
		}
		for _, name := range []string{id + ".csv", id + ".truth.json"} {
			got, _ := os.ReadFile(filepath.Join(dir, name))
			path := testdata("samples", name)
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, got, 0o644)
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s differs from what gen writes now (go test ./internal/cli -update): %v", path, err)
			}
		}
	}
}

func TestCheckGolden(t *testing.T) {
	for _, id := range sampleForms {
		t.Run(id, func(t *testing.T) {
			code, out, stderr := run(t, "check", "--format", "json", testdata("samples", id+".csv"))
			if code != ExitFindings {
				t.Fatalf("exit %d (stderr %s): samples carry errors, want 1", code, stderr)
			}
			golden := testdata("golden", "check-"+id+".json")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				os.WriteFile(golden, []byte(out), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (go test ./internal/cli -update to accept)", golden)
			}
		})
	}
}

func TestCheckJSONShape(t *testing.T) {
	_, out, _ := run(t, "check", "--format", "json", testdata("samples", "m4-exam.csv"))
	var files []map[string]any
	if err := json.Unmarshal([]byte(out), &files); err != nil || len(files) != 1 {
		t.Fatalf("json: %v", err)
	}
	f := files[0]
	for _, k := range []string{"file", "form", "rows", "findings"} {
		if _, ok := f[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	fs := f["findings"].([]any)
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	for _, x := range fs {
		m := x.(map[string]any)
		for _, k := range []string{"row", "line", "field", "column", "severity", "code", "message", "suggestion"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("finding lacks %s: %v", k, m)
			}
		}
	}
}

func TestCheckPairsFindPartnerProblems(t *testing.T) {
	_, out, _ := run(t, "check", testdata("samples", "m4-exam.csv"), testdata("samples", "m4-survey.csv"))
	if !strings.Contains(out, "batch.partner") {
		t.Errorf("checking a 受診票 with its アンケート should compare them; output:\n%s", out[:min(len(out), 2000)])
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.csv")
	if code, _, e := run(t, "gen", "--form", "m18-dental-survey", "--rows", "20", "--seed", "1", "--error-rate", "0", "--no-confidence", "--out", clean); code != 0 {
		t.Fatal(e)
	}
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"clean", []string{"check", clean}, ExitOK, ""},
		{"errors", []string{"check", testdata("samples", "m4-exam.csv")}, ExitFindings, ""},
		{"missing file", []string{"check", filepath.Join(dir, "nope.csv")}, ExitUsage, "ファイルがありません"},
		{"not a csv", []string{"check", testdata("malformed", "not_csv.xlsx")}, ExitUsage, "Excel"},
		{"unknown form", []string{"check", "--form", "x", clean}, ExitUsage, "帳票 ID「x」"},
		{"flag after file", []string{"check", clean, "--format", "json"}, ExitOK, ""},
		{"bad format", []string{"check", "--format", "xml", clean}, ExitUsage, "--format"},
		{"no command", nil, ExitUsage, "使い方"},
		{"unknown command", []string{"frobnicate"}, ExitUsage, "frobnicate"},
		{"gen without form", []string{"gen", "--out", filepath.Join(dir, "x.csv")}, ExitUsage, "--form"},
		{"eval odd args", []string{"eval", clean}, ExitUsage, "組で"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d stderr %q, want %d containing %q", code, stderr, tt.code, tt.err)
			}
		})
	}
}

func TestEvalReportsRecallAndFalseAlarms(t *testing.T) {
	code, out, stderr := run(t, "eval", "--format", "json", testdata("samples", "m4-exam.csv"), testdata("samples", "m4-exam.truth.json"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var res []struct {
		Form           string  `json:"form"`
		Injected       int     `json:"injected"`
		Detectable     int     `json:"detectable"`
		Caught         int     `json:"caught"`
		Recall         float64 `json:"recall"`
		FalseAlarmRate float64 `json:"false_alarm_rate"`
		CleanCells     int     `json:"clean_cells"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
		t.Fatalf("%v %s", err, out)
	}
	r := res[0]
	if r.Form != "m4-exam" || r.Injected == 0 || r.Caught > r.Detectable || r.CleanCells == 0 {
		t.Fatalf("%+v", r)
	}
	if r.Recall < 0.9 {
		t.Errorf("recall %.2f on the bundled sample", r.Recall)
	}
	_, text, _ := run(t, "eval", testdata("samples", "m4-exam.csv"), testdata("samples", "m4-exam.truth.json"))
	for _, w := range []string{"検出率", "誤警告率", "誤りの種類別"} {
		if !strings.Contains(text, w) {
			t.Errorf("text report lacks %s", w)
		}
	}
}
