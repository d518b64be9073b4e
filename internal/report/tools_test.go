package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/sampling"
	"kenshin/internal/submission"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// toolSample is an audit sample of 40 cells with 2 wrong, as the app
// attaches it (its figures from sampling).
func toolSample(t *testing.T) *submission.Sample {
	t.Helper()
	est, err := sampling.Compute(2, 40, 1800)
	if err != nil {
		t.Fatal(err)
	}
	return &submission.Sample{Seed: 12345, Population: est.Population, N: est.N, Errors: est.Errors, Rate: est.Rate, Upper: est.Upper,
		By: "clerk1", At: now, Summary: est.String(),
		Wrong: []submission.SampleCell{{Row: 3, Key: "weight"}, {Row: 17, Key: "judgement"}}}
}

func toolCheck() *submission.DoubleCheck {
	dc := &submission.DoubleCheck{Reviewer: "clerk1", Checker: "clerk2", Mode: "blind"}
	for row := 1; row <= 2; row++ {
		for _, k := range []string{"atena_no", "birth_date", "exam_date", "judgement"} {
			dc.Items = append(dc.Items, submission.CheckItem{Row: row, Key: k, State: "matched", CheckedBy: "clerk2", CheckedAt: now})
		}
	}
	dc.Items[6] = submission.CheckItem{Row: 2, Key: "exam_date", State: "decided", CheckedBy: "clerk2", CheckedAt: now,
		DecidedBy: "boss", DecidedAt: now.Add(time.Hour), Reason: "用紙を確認した"}
	return dc
}

// summaryRows reads the 概要 sheet's key/value lines (A and B) down to the
// first empty line.
func summaryRows(t *testing.T, path string) [][2]string {
	t.Helper()
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }() // read-only
	rows, err := x.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, r := range rows[2:] {
		if len(r) == 0 || r[0] == "" {
			break
		}
		kv := [2]string{r[0], ""}
		if len(r) > 1 {
			kv[1] = r[1]
		}
		out = append(out, kv)
	}
	return out
}

// TestSummaryTools: the 概要 sheet prints the audit sample and the
// second-person check when the batch has them, and nothing of them when
// not. The lines from 「抜き取り検査」 on are compared with a golden file.
func TestSummaryTools(t *testing.T) {
	local := time.Local
	time.Local = time.UTC // the golden file's times
	t.Cleanup(func() { time.Local = local })
	s, f := reviewed(t, 20, 0.05)
	for _, c := range []struct {
		name          string
		sample, check bool
		golden        string
	}{
		{"neither", false, false, ""},
		{"sample", true, false, "summary_sample.golden"},
		{"check", false, true, "summary_check.golden"},
		{"both", true, true, "summary_both.golden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := submission.Describe(s, 1, now)
			if c.sample {
				b.Sample = toolSample(t)
			}
			if c.check {
				b.DoubleCheck = toolCheck()
			}
			path := filepath.Join(t.TempDir(), "r.xlsx")
			if err := Write(path, b, f, Options{Now: now}); err != nil {
				t.Fatal(err)
			}
			rows := summaryRows(t, path)
			if rows[len(rows)-1][0] == "" || len(rows) < 20 {
				t.Fatalf("summary read as %v", rows)
			}
			var tools []string
			seen := false
			for _, kv := range rows {
				seen = seen || kv[0] == "抜き取り検査" || kv[0] == "ダブルチェック"
				if seen {
					tools = append(tools, kv[0]+"\t"+kv[1])
				}
			}
			got := strings.Join(tools, "\n")
			if c.golden == "" {
				if got != "" {
					t.Fatalf("a batch without sample or check prints:\n%s", got)
				}
				return
			}
			if c.sample && !strings.Contains(got, b.Sample.Summary) {
				t.Errorf("the sample's summary line %q is not printed", b.Sample.Summary)
			}
			golden := filepath.Join("testdata", c.golden)
			if *update {
				if err := os.MkdirAll("testdata", 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden) // #nosec G304 -- a golden file of this package
			if err != nil {
				t.Fatal(err)
			}
			if got+"\n" != string(want) {
				t.Errorf("summary lines differ from %s (go test -update to rewrite):\n%s", golden, got)
			}
		})
	}
}
