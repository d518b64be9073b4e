package ui

import (
	"fmt"
	"image/color"

	"kenshin/internal/batch"
	"kenshin/internal/review"
)

// look is how a cell status is shown: fill, mark and its colour, and the
// legend text.
type look struct {
	bg, fg color.Color
	mark   string
	label  string
}

var looks = map[review.Status]look{
	review.StatusError:     {colErrorBg, colErrorFg, "×", "エラー"},
	review.StatusWarning:   {colWarnBg, colWarnFg, "▲", "警告"},
	review.StatusLowConf:   {colLowBg, colLowFg, "？", "確信度が低い"},
	review.StatusInfo:      {colInfoBg, colInfoFg, "参", "参考"},
	review.StatusCorrected: {colFixedBg, colFixedFg, "◆", "修正済み"},
	review.StatusConfirmed: {colConfirmBg, colConfirmFg, "✓", "確認済み"},
	// legend entries only: no cell has these statuses (see gradeLegend)
	statusGradeHigh: {colGradeBg, colGradeFg, gradeDots[gradeHigh], "疑わしさ 高"},
	statusGradeMid:  {colGradeBg, colGradeFg, gradeDots[gradeMid], "中"},
	statusGradeLow:  {colGradeBg, colGradeFg, gradeDots[gradeLow], "低"},
}

// legendOrder is the order of the legend, worst first, then the suspicion
// grades.
var legendOrder = []review.Status{review.StatusError, review.StatusWarning, review.StatusLowConf, review.StatusInfo,
	review.StatusCorrected, review.StatusConfirmed, statusGradeHigh, statusGradeMid, statusGradeLow}

// The suspicion grades take legend keys past every review status, so that
// the legend (which walks legendOrder) explains them too.
const (
	statusGradeHigh review.Status = 100 + iota
	statusGradeMid
	statusGradeLow
)

// grade is a suspect cell's suspicion in three steps, shown by a stronger
// fill and by dots under the status mark (one to three), so the step is
// never told by colour alone.
type grade int

const (
	gradeNone grade = iota
	gradeLow
	gradeMid
	gradeHigh
)

// Grade bounds on batch.Finding.Score. The checker flags from 0.1 and gives
// a value no reading fits 0.95 and a contradiction it is the likelier cause
// of 0.7: high is what is more likely wrong than right, mid a real doubt.
const (
	gradeHighAt = 0.7
	gradeMidAt  = 0.4
)

var (
	gradeDots  = [...]string{"", "•", "••", "•••"}
	gradeNames = [...]string{"", "低", "中", "高"}
)

// gradeFills are the fills of the graded statuses, worked out once: a
// cell's refresh must not allocate a colour.
var gradeFills = func() map[review.Status][len(gradeFill)]color.Color {
	out := map[review.Status][len(gradeFill)]color.Color{}
	for st, l := range looks {
		var f [len(gradeFill)]color.Color
		for g, t := range gradeFill {
			f[g] = shade(l.bg, l.fg, t)
		}
		out[st] = f
	}
	return out
}()

func gradeOf(score float64) grade {
	switch {
	case score >= gradeHighAt:
		return gradeHigh
	case score >= gradeMidAt:
		return gradeMid
	case score > 0:
		return gradeLow
	}
	return gradeNone
}

// gradeFill darkens a suspect status's fill toward its mark colour: the
// higher the grade, the stronger the fill (text stays readable at 30 %).
var gradeFill = [...]float64{0, 0, 0.14, 0.30}

func shade(bg, fg color.Color, t float64) color.Color {
	if t == 0 {
		return bg
	}
	r1, g1, b1, _ := bg.RGBA()
	r2, g2, b2, _ := fg.RGBA()
	mix := func(a, b uint32) uint8 { return uint8((float64(a)*(1-t) + float64(b)*t) / 257) }
	return color.NRGBA{mix(r1, r2), mix(g1, g2), mix(b1, b2), 0xFF}
}

// cellScore is the highest score among the open findings on a cell that
// ask for a look (errors and warnings); 0 when none is open.
func cellScore(s *review.Session, row, field int) float64 {
	best := 0.0
	for _, f := range s.RowFindings(row) {
		if f.Field == field && s.IsOpen(f) {
			best = max(best, f.Score)
		}
	}
	return best
}

// suspicionText is 「疑わしさ 0.82（高 •••）」.
func suspicionText(score float64) string {
	g := gradeOf(score)
	return fmt.Sprintf("疑わしさ %.2f（%s %s）", score, gradeNames[g], gradeDots[g])
}

// suspicionOf is the highest score of the findings on a cell that ask for
// a look, open or not: it places the cell in the 「疑わしい順」 walk, even
// once confirmed (so the walk goes on from it).
func suspicionOf(s *review.Session, row, field int) float64 {
	best := 0.0
	for _, f := range s.RowFindings(row) {
		if f.Field == field && f.Severity.Asks() {
			best = max(best, f.Score)
		}
	}
	return best
}

// findingStatus is the look of one finding in the detail pane.
func findingStatus(fd batch.Finding) review.Status {
	switch {
	case fd.Severity == batch.Info:
		return review.StatusInfo
	case fd.Severity == batch.Error:
		return review.StatusError
	case fd.Code == "ocr.low_confidence":
		return review.StatusLowConf
	}
	return review.StatusWarning
}

// keyHelp lists the keyboard commands shown under the table; short enough
// for one line at 1280 px.
const keyHelp = "Enter 編集　F8 次の指摘　Ctrl+G 列ごと　F4 候補を採用　F6 読み取りどおり　F7 判読不能　Shift+F6 理由付き確認　F9 用紙全体　Ctrl+Z 戻す　Ctrl+F 検索"

// keyHelpFull is the ヘルプ → キー操作 text (the lead replaces app.go's
// keyHelpLong with it).
const keyHelpFull = `←↑→↓・Tab・PageUp/PageDown・Home/End: セルの移動
Enter または F2: 編集を始める（文字を打つとそのまま入力）
編集中 Enter: 確定（指摘のある欄なら次の指摘へ、ほかは下へ）　Tab: 確定して右へ　Esc: 取り消し
Delete: 空欄にする（Enter で確定）
F8 / Shift+F8: 次 / 前の未解決の指摘へ（「疑わしい順」にすると疑わしさの高い順。参考（参）の欄は通りません）
Ctrl+G: 列ごとの一括確認（今の列の値を値ごとにまとめて表示。↑↓ PageUp/PageDown 移動、Enter 表のその行へ、
　F2 その行を修正、Space または F6 同じ値をまとめて確認、Esc 閉じる）
F4: 修正候補を採用して次の指摘へ
F6: 読み取りどおりと確認（用紙と一致）して次の指摘へ（● の欄とエラーの欄は確認できません）
F7: 判読不能（用紙でも読めない）: 空欄にして理由を記録し、次の指摘へ（必須の欄はエラーが残り、上長の承認が必要）
Shift+F6: 理由を付けて確認（「記入者に確認済み」などの理由ならエラーも確認できます。Enter で確定・Esc でやめる）
F9: 用紙全体を表示（帳票画像がある場合。この欄を枠で示します）
Ctrl+Z / Ctrl+Y: 元に戻す / やり直し（何回でも）
Ctrl+F: 宛名番号・氏名カナで検索（Enter で表へ戻る・Esc で検索を解除。表で Esc を押しても解除）　Ctrl+O: ファイルを開く

「確定したら次の指摘へ進む」は 編集 メニューで切り替えられます。
修正はすべて端末内の作業データにすぐ保存されます。閉じても、同じファイルを開けば続きから再開します。`
