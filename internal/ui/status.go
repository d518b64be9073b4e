package ui

import (
	"image/color"

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
	review.StatusCorrected: {colFixedBg, colFixedFg, "◆", "修正済み"},
	review.StatusConfirmed: {colConfirmBg, colConfirmFg, "✓", "確認済み（読み取りどおり）"},
}

// legendOrder is the order of the legend, worst first.
var legendOrder = []review.Status{review.StatusError, review.StatusWarning, review.StatusLowConf, review.StatusCorrected, review.StatusConfirmed}

// keyHelp lists the keyboard commands shown under the table.
const keyHelp = "←↑→↓ 移動　Enter/F2 編集（Enter で確定して下へ・Esc で取消）　F8 次の指摘　Shift+F8 前の指摘　F4 候補を採用　F6 読み取りどおりと確認　Shift+F6 理由を付けて確認　Ctrl+Z 元に戻す　Ctrl+Y やり直し　Ctrl+F 検索"
