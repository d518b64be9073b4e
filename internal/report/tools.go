package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"kenshin/internal/form"
	"kenshin/internal/submission"
)

// toolRows are the 概要 lines of the review tools, when the batch has
// them: the audit sample's residual error estimate and the second-person
// check (who checked which fields how, and the supervisor's decisions).
func toolRows(b *submission.Batch, f *form.Form) [][2]any {
	label := func(key string) string {
		if fd := f.Field(key); fd != nil {
			return fd.Label
		}
		return key
	}
	var out [][2]any
	if sm := b.Sample; sm != nil {
		wrong := make([]string, 0, len(sm.Wrong))
		for _, c := range sm.Wrong {
			wrong = append(wrong, fmt.Sprintf("%d 件目「%s」", c.Row, label(c.Key)))
		}
		out = append(out,
			[2]any{"抜き取り検査", text(sm.Summary)},
			[2]any{"抜き取り数・誤り", fmt.Sprintf("%d セル（指摘も修正もないセル %d から無作為に）・誤り %d", sm.N, sm.Population, sm.Errors)},
			[2]any{"推定残存誤り率", pct1(sm.Rate)},
			[2]any{"推定残存誤り率の 95 % 上限", pct1(sm.Upper)},
			[2]any{"算出方法", fmt.Sprintf("Clopper–Pearson（正確な二項分布、片側 95 %%）・非復元の単純無作為抽出・乱数の種 %d", sm.Seed)},
			[2]any{"抜き取り検査をした人", strings.TrimSpace(text(sm.By) + " " + stamp(sm.At))},
			[2]any{"抜き取りで誤りとしたセル", orNone(strings.Join(wrong, "、"))},
		)
	}
	if dc := b.DoubleCheck; dc != nil {
		var keys []string
		counts := map[string]int{}
		for _, it := range dc.Items {
			if l := label(it.Key); !slices.Contains(keys, l) {
				keys = append(keys, l)
			}
			counts[it.State]++
		}
		mode := "見て確認"
		if dc.Mode == "blind" {
			mode = "見ずに再入力"
		}
		out = append(out,
			[2]any{"ダブルチェック", fmt.Sprintf("%s（%s）", text(dc.Checker), mode)},
			[2]any{"ダブルチェックの対象", fmt.Sprintf("%d 項目（%s）", len(dc.Items), strings.Join(keys, "・"))},
			[2]any{"ダブルチェックの結果", fmt.Sprintf("一致 %d・見て確認 %d・不一致を判断 %d", counts["matched"], counts["confirmed"], counts["decided"])},
		)
		for _, it := range dc.Items {
			if it.State != "decided" {
				continue
			}
			out = append(out, [2]any{"不一致の判断", text(fmt.Sprintf("%d 件目「%s」: %s %s（%s）", it.Row, label(it.Key), it.DecidedBy,
				stamp(it.DecidedAt), it.Reason))})
		}
	}
	return out
}

// stamp is a time as printed on the summary, "" for none.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006/01/02 15:04")
}

// pct1 is a rate as 「4.2 %」, the precision the estimate is stated in.
func pct1(r float64) string { return fmt.Sprintf("%.1f %%", 100*r) }

func orNone(s string) string {
	if s == "" {
		return "なし"
	}
	return s
}
