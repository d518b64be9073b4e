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

// keyHelp lists the keyboard commands shown under the table; short enough
// for one line at 1280 px.
const keyHelp = "Enter 編集　F8 次の指摘　F4 候補を採用　F6 読み取りどおり　F7 判読不能　Shift+F6 理由付き確認　F9 用紙全体　Ctrl+Z 戻す　Ctrl+F 検索"

// keyHelpFull is the ヘルプ → キー操作 text (the lead replaces app.go's
// keyHelpLong with it).
const keyHelpFull = `←↑→↓・Tab・PageUp/PageDown・Home/End: セルの移動
Enter または F2: 編集を始める（文字を打つとそのまま入力）
編集中 Enter: 確定（指摘のある欄なら次の指摘へ、ほかは下へ）　Tab: 確定して右へ　Esc: 取り消し
Delete: 空欄にする（Enter で確定）
F8 / Shift+F8: 次 / 前の未解決の指摘へ
F4: 修正候補を採用して次の指摘へ
F6: 読み取りどおりと確認（用紙と一致）して次の指摘へ（● の欄は確認できません）
F7: 判読不能（用紙でも読めない）: 空欄にして理由を記録し、次の指摘へ
Shift+F6: 理由を付けて確認（Enter で確定・Esc でやめる）
F9: 用紙全体を表示（帳票画像がある場合。この欄を枠で示します）
Ctrl+Z / Ctrl+Y: 元に戻す / やり直し（何回でも）
Ctrl+F: 宛名番号・氏名カナで検索（Enter で表へ戻る・Esc で検索を解除）　Ctrl+O: ファイルを開く

「確定したら次の指摘へ進む」は 編集 メニューで切り替えられます。
修正はすべて端末内の作業データにすぐ保存されます。閉じても、同じファイルを開けば続きから再開します。`
