package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"kenshin/internal/evaluate"
	"kenshin/internal/ocrcsv"
)

func (m *Main) eval(_ context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	format := fs.String("format", "text", "text または json")
	formID := fs.String("form", "", "帳票 ID（既定: 見出しから判定）")
	files, err := parse(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(files) == 0 || len(files)%2 != 0 {
		return ExitUsage, usagef("CSV と正解 JSON を組で指定してください")
	}
	var results []*evaluate.Result
	for i := 0; i < len(files); i += 2 {
		got, err := m.readAndCheck([]string{files[i]}, ocrcsv.Options{FormID: *formID})
		if err != nil {
			return ExitUsage, err
		}
		raw, err := os.ReadFile(files[i+1])
		if err != nil {
			return ExitUsage, fmt.Errorf("正解ファイル %s を開けません: %w", files[i+1], err)
		}
		truth, err := evaluate.ParseTruth(raw)
		if err != nil {
			return ExitUsage, fmt.Errorf("%s: %w", files[i+1], err)
		}
		res, err := evaluate.Evaluate(got[0].b, got[0].findings, truth)
		if err != nil {
			return ExitUsage, fmt.Errorf("%s: %w", files[i+1], err)
		}
		results = append(results, res)
	}
	if *format == "json" {
		type out struct {
			*evaluate.Result
			Recall         float64 `json:"recall"`
			FalseAlarmRate float64 `json:"false_alarm_rate"`
			SilentShare    float64 `json:"silent_share"`
			InfoRate       float64 `json:"info_rate"`
		}
		var all []out
		for _, r := range results {
			all = append(all, out{r, r.Recall(), r.FalseAlarmRate(), r.SilentShare(), r.InfoRate()})
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return ExitOK, enc.Encode(all)
	}
	writeEval(m.Stdout, results)
	return ExitOK, nil
}

func pct(x float64) string { return fmt.Sprintf("%5.1f%%", 100*x) }

func writeEval(w io.Writer, results []*evaluate.Result) {
	fmt.Fprintf(w, "%-18s %6s %6s %6s %6s %8s %8s %8s %8s\n", "帳票", "行", "誤り", "検出可", "検出", "検出率", "誤警告率", "検出不能", "参考率")
	var total evaluate.Result
	total.ByKind = map[string]*evaluate.Counts{}
	total.FalseByCode = map[string]int{}
	for _, r := range results {
		fmt.Fprintf(w, "%-18s %6d %6d %6d %6d %8s %8s %8s %8s\n", r.Form, r.Rows, r.Injected, r.Detectable, r.Caught, pct(r.Recall()), pct(r.FalseAlarmRate()), pct(r.SilentShare()), pct(r.InfoRate()))
		total.Rows += r.Rows
		total.Injected += r.Injected
		total.Detectable += r.Detectable
		total.Caught += r.Caught
		total.SilentCaught += r.SilentCaught
		total.CleanCells += r.CleanCells
		total.FalseAlarms += r.FalseAlarms
		total.InfoClean += r.InfoClean
		for k, c := range r.ByKind {
			t := total.ByKind[k]
			if t == nil {
				t = &evaluate.Counts{}
				total.ByKind[k] = t
			}
			t.Injected += c.Injected
			t.Detectable += c.Detectable
			t.Caught += c.Caught
			t.SilentCaught += c.SilentCaught
			t.InfoOnly += c.InfoOnly
		}
		for k, n := range r.FalseByCode {
			total.FalseByCode[k] += n
		}
	}
	if len(results) > 1 {
		fmt.Fprintf(w, "%-18s %6d %6d %6d %6d %8s %8s %8s %8s\n", "合計", total.Rows, total.Injected, total.Detectable, total.Caught, pct(total.Recall()), pct(total.FalseAlarmRate()), pct(total.SilentShare()), pct(total.InfoRate()))
	}
	fmt.Fprintf(w, "\n誤りの種類別（全ファイル）:\n%-12s %6s %6s %6s %8s %8s %12s %10s\n", "種類", "誤り", "検出可", "検出", "検出率", "検出不能", "検出不能で検出", "参考のみ")
	for _, k := range total.Kinds() {
		c := total.ByKind[k]
		fmt.Fprintf(w, "%-12s %6d %6d %6d %8s %8s %12d %10d\n", k, c.Injected, c.Detectable, c.Caught, pct(c.Recall()), pct(c.SilentShare()), c.SilentCaught, c.InfoOnly)
	}
	fmt.Fprintf(w, "\n正しいセル %d 個のうち警告・エラーが付いたもの %d 個（%s）、主な理由:\n", total.CleanCells, total.FalseAlarms, pct(total.FalseAlarmRate()))
	codes := make([]string, 0, len(total.FalseByCode))
	for k := range total.FalseByCode {
		codes = append(codes, k)
	}
	sort.Slice(codes, func(i, j int) bool { return total.FalseByCode[codes[i]] > total.FalseByCode[codes[j]] })
	for _, k := range codes {
		fmt.Fprintf(w, "  %-24s %d\n", k, total.FalseByCode[k])
	}
	fmt.Fprintf(w, "参考（確認を求めない）だけが付いた正しいセル %d 個（%s）\n", total.InfoClean, pct(total.InfoRate()))
	missed := 0
	for _, r := range results {
		for _, t := range r.Missed {
			if missed < 15 {
				fmt.Fprintf(w, "見逃し: %s %d 件目「%s」 %q → %q (%s)\n", r.Form, t.Row, t.Column, t.True, t.OCR, t.Kind)
			}
			missed++
		}
	}
	if missed > 15 {
		fmt.Fprintf(w, "見逃し ほか %d 件\n", missed-15)
	}
}
