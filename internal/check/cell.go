package check

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

var msg = fmt.Sprintf

// lookalikesIn names each letter read where a digit belongs, by position
// and kind, with the digit it stands for: O and 0 look the same in most
// fonts, so "a letter is there" alone does not show the clerk which one.
func lookalikesIn(v string) string {
	var parts []string
	raw := []rune(normalize.Trim(v))
	folded, _ := normalize.FoldWidth(string(raw)) // Ｏ is O: one rune for one
	for i, r := range []rune(folded) {
		d, ok := normalize.DigitFor(r)
		if !ok || i >= len(raw) {
			continue
		}
		kind := "記号"
		switch {
		case raw[i] != r:
			kind = "全角の英字"
		case 'A' <= r && r <= 'Z':
			kind = "英大文字"
		case 'a' <= r && r <= 'z':
			kind = "英小文字"
		}
		parts = append(parts, msg("%d 文字目の「%c」（%s）→ %c", i+1, raw[i], kind, d))
	}
	if len(parts) == 0 {
		return "O→0、l→1、S→5、B→8、Z→2 など"
	}
	return strings.Join(parts, "、")
}

// checkCell reads one cell into c and appends the findings about it alone.
// Range checks that depend on age and sex run later, in crossField.
func (k *Checker) checkCell(f *form.Field, raw string, conf float64, hasConf bool, c *cell, out []batch.Finding) []batch.Finding {
	*c = cell{raw: raw, hardIdx: -1}
	v := normalize.Trim(raw)
	// plain appends, no closure over out: this runs for every cell
	if hasConf && conf < float64(f.Confidence) {
		out = append(out, finding(f, batch.Warning, CodeLowConfidence, msg("OCR の確信度が %.0f%% と低い値です（基準 %d%%）。用紙と照合してください", conf, f.Confidence)))
	}
	switch {
	case hasBadChar(v):
		return append(out, finding(f, batch.Error, CodeBadChar, "文字化けした文字（読めないバイト）が含まれています。文字コードか用紙を確認してください"))
	case normalize.IsUnreadable(v):
		return append(out, finding(f, batch.Error, CodeUnreadable, "OCR が読み取れなかった欄です（●）。用紙を見て入力するか、用紙でも読めない場合は F7（判読不能）で空欄にしてください"))
	case v == "":
		c.blank = true
		if f.Required {
			out = append(out, finding(f, batch.Error, CodeRequired, msg("必須項目「%s」が空欄です", f.Label)))
		} else {
			c.usable = true
		}
		return out
	}
	ok := true
	switch f.Type {
	case form.TypeID:
		ok, out = checkID(f, v, out)
		c.code = normalize.ReadID(v).Digits
	case form.TypeDate:
		ok, out = checkDate(f, k.parseDate(v), v, c, out)
	case form.TypeInteger, form.TypeDecimal:
		ok, out = k.checkNumber(f, v, c, out)
	case form.TypeCode:
		ok, out = checkCode(f, v, c, out)
	case form.TypeCheck:
		ok, out = checkMark(f, v, c, out)
	case form.TypeTime:
		ok, out = checkTime(f, v, c, out)
	case form.TypeKana:
		out = checkKana(f, v, out)
	}
	c.usable = ok
	return out
}

func finding(f *form.Field, sev batch.Severity, code, text string) batch.Finding {
	return batch.Finding{Field: f.Index, Severity: sev, Code: code, Message: text}
}

func suggest(fd batch.Finding, s string) batch.Finding {
	fd.Suggestion, fd.Suggest = s, true
	return fd
}

func checkID(f *form.Field, v string, out []batch.Finding) (bool, []batch.Finding) {
	id := normalize.ReadID(v)
	switch {
	case id.Other:
		return false, append(out, finding(f, batch.Error, CodeIDFormat, msg("%sに数字以外の文字があります（%d 桁の数字）", f.Label, f.Length)))
	case len(id.Digits) > f.Length:
		return false, append(out, finding(f, batch.Error, CodeIDLength, msg("%sが %d 桁あります（%d 桁のはずです）。数字の重複読みがないか確認してください", f.Label, len(id.Digits), f.Length)))
	case len(id.Digits) < f.Length:
		return false, append(out, suggest(finding(f, batch.Error, CodeIDLength,
			msg("%sが %d 桁しかありません（%d 桁）。先頭の 0 が落ちたか、数字が欠けています", f.Label, len(id.Digits), f.Length)),
			normalize.PadID(id.Digits, f.Length)))
	case id.Lookalike:
		return false, append(out, suggest(finding(f, batch.Error, CodeLookalike, msg("%sに数字と紛らわしい英字があります: %s", f.Label, lookalikesIn(v))), id.Digits))
	case id.FullWidth || id.Separated:
		return true, append(out, suggest(finding(f, batch.Warning, CodeFullWidth, msg("%sに全角数字・空白・区切り記号があります", f.Label)), id.Digits))
	}
	return true, out
}

// parseDate parses a date through the checker's cache: a batch holds few
// distinct dates (session days, and birth dates repeat), each written on
// many rows.
func (k *Checker) parseDate(v string) jpdate.Parsed {
	if p, ok := k.dates[v]; ok {
		return p
	}
	p := jpdate.Parse(v, jpdate.Reiwa)
	if len(k.dates) < maxDateCache {
		k.dates[v] = p
	}
	return p
}

// maxDateCache bounds the date cache (a few MB at most).
const maxDateCache = 1 << 15

func checkDate(f *form.Field, p jpdate.Parsed, v string, c *cell, out []batch.Finding) (bool, []batch.Finding) {
	c.date, c.era = p.Date, p.Era
	switch p.Problem {
	case jpdate.BadFormat:
		return false, append(out, finding(f, batch.Error, CodeDate, msg("「%s」は日付として読めません（例: 令和7年4月1日、R7.4.1、2025/04/01）", v)))
	case jpdate.BadCalendar:
		return false, append(out, finding(f, batch.Error, CodeDateCalendar, msg("%d年%d月%d日という日はありません", p.Date.Y, p.Date.M, p.Date.D)))
	case jpdate.BadEra:
		fd := finding(f, batch.Error, CodeDateEra, msg("%sの期間外の日付です（%s）", p.Era.Name(), eraSpan(p.Era)))
		if p.Era == jpdate.Heisei && jpdate.Reiwa.Contains(p.Date) {
			fd = suggest(fd, p.Date.Japanese()) // 平成31年5月 is often written for 令和元年5月
			fd.Message += msg("。西暦では %s です", p.Date.Slash())
		}
		return false, append(out, fd)
	}
	if p.Lookalike {
		return false, append(out, suggest(finding(f, batch.Error, CodeLookalike, "日付に数字と紛らわしい英字があります: "+lookalikesIn(v)), p.Date.Japanese()))
	}
	return true, out
}

func eraSpan(e jpdate.Era) string {
	switch e {
	case jpdate.Heisei:
		return "平成は 1989年1月8日〜2019年4月30日"
	case jpdate.Reiwa:
		return "令和は 2019年5月1日から"
	case jpdate.Showa:
		return "昭和は 1926年12月25日〜1989年1月7日"
	}
	return ""
}

func (k *Checker) checkNumber(f *form.Field, v string, c *cell, out []batch.Finding) (bool, []batch.Finding) {
	n := normalize.ReadNumber(v)
	if !n.OK {
		return false, append(out, finding(f, batch.Error, CodeNumber, msg("「%s」は数値として読めません", v)))
	}
	c.num = n.Value
	fixed := normalize.FormatFixed(n.Value, max(f.Decimals, n.Decimals))
	if f.Type == form.TypeInteger {
		fixed = n.Text
	}
	switch {
	case n.Lookalike:
		out = append(out, suggest(finding(f, batch.Error, CodeLookalike, "数字と紛らわしい英字があります: "+lookalikesIn(v)), fixed))
		return false, out
	case n.PointLike:
		out = append(out, suggest(finding(f, batch.Warning, CodeDecimalPoint, "小数点が別の記号（, 。・ など）で読まれています"), fixed))
	case n.FullWidth:
		out = append(out, suggest(finding(f, batch.Warning, CodeFullWidth, "全角の数字・記号が含まれています"), fixed))
	}
	if n.BarePoint {
		out = append(out, finding(f, batch.Warning, CodeDecimalPoint, "小数点の前に数字がありません。数字が欠けていないか確認してください"))
	}
	if f.Type == form.TypeInteger && n.Decimals > 0 {
		return false, append(out, finding(f, batch.Error, CodeInteger, msg("%sは整数で記入する項目です", f.Label)))
	}
	if n.Decimals > f.Decimals {
		out = append(out, finding(f, batch.Warning, CodeDecimals, msg("小数点以下が %d 桁あります（この項目は %d 桁まで）。数字の重複読みがないか確認してください", n.Decimals, f.Decimals)))
	}
	if n.Unit == "g" && f.Unit == "kg" {
		return false, append(out, suggest(finding(f, batch.Error, CodeGrams, "グラムで記入されています（この項目は kg）"), normalize.FormatFixed(n.Value/1000, f.Decimals)))
	}
	if n.Unit != "" && !strings.EqualFold(n.Unit, f.Unit) && !(n.Unit == "h" && f.Unit == "時間") {
		out = append(out, finding(f, batch.Warning, CodeUnit, msg("単位「%s」が書かれています（この項目は %s）", n.Unit, f.Unit)))
	}
	if f.Hard != nil && !f.Hard.Contains(n.Value) {
		fd := finding(f, batch.Error, CodeRangeHard, msg("%s %s%s は取り得る範囲（%s〜%s%s）を外れています。読み誤りの可能性が高い値です",
			f.Label, n.Text, f.Unit, num(f.Hard.Min), num(f.Hard.Max), f.Unit))
		if f.GramsAllowed && n.Value >= 1000 && f.Hard.Contains(n.Value/1000) {
			fd.Code = CodeGrams
			fd.Message = msg("%s %s はグラムで記入されているようです（この項目は kg）", f.Label, n.Text)
			fd = suggest(fd, normalize.FormatFixed(n.Value/1000, f.Decimals))
		} else if f.Growth != "" {
			c.hardIdx = len(out) // crossField suggests a repair once age and sex are known
		} else {
			lo, hi := f.Hard.Min, f.Hard.Max
			if f.Soft != nil {
				lo, hi = f.Soft.Min, f.Soft.Max
			}
			if r := repairs(n.Value, f.Decimals, lo, hi); len(r) > 0 {
				fd = suggest(fd, normalize.FormatFixed(r[0], f.Decimals))
			}
		}
		return false, append(out, fd)
	}
	if f.Soft != nil && !f.Soft.Contains(n.Value) {
		out = append(out, finding(f, batch.Warning, CodeRangeSoft, msg("%s %s%s は通常の範囲（%s〜%s%s）を外れています。用紙と照合してください",
			f.Label, n.Text, f.Unit, num(f.Soft.Min), num(f.Soft.Max), f.Unit)))
	}
	return true, out
}

// num writes a bound without trailing zeros.
func num(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(normalize.FormatFixed(v, 2), "0"), ".")
}

// repairs lists the values an OCR misread of v most plausibly came from: a
// lost or moved decimal point, a doubled digit, one confused digit
// (1↔7, 0↔6, 3↔8, 5↔6, 4↔9). It returns those inside [lo, hi], nearest to the
// middle first.
func repairs(v float64, decimals int, lo, hi float64) []float64 {
	seen := map[float64]bool{}
	var out []float64
	try := func(x float64) {
		x = math.Round(x*math.Pow10(decimals)) / math.Pow10(decimals)
		if x >= lo && x <= hi && !seen[x] && x != v {
			seen[x] = true
			out = append(out, x)
		}
	}
	for _, s := range []float64{10, 100, 1000, 0.1, 0.01} {
		try(v / s)
	}
	text := normalize.FormatFixed(v, decimals)
	digitsOnly := strings.ReplaceAll(text, ".", "")
	reparse := func(d string) {
		// put the point back where the field's decimals say it belongs
		if decimals > 0 && len(d) > decimals {
			d = d[:len(d)-decimals] + "." + d[len(d)-decimals:]
		}
		if n := normalize.ReadNumber(d); n.OK {
			try(n.Value)
		}
	}
	for i := 1; i < len(digitsOnly); i++ {
		if digitsOnly[i] == digitsOnly[i-1] {
			reparse(digitsOnly[:i] + digitsOnly[i+1:])
		}
	}
	swap := map[byte][]byte{'1': {'7'}, '7': {'1'}, '0': {'6'}, '6': {'0', '5'}, '3': {'8'}, '8': {'3'}, '5': {'6'}, '4': {'9'}, '9': {'4'}}
	for i := 0; i < len(digitsOnly); i++ {
		for _, r := range swap[digitsOnly[i]] {
			reparse(digitsOnly[:i] + string(r) + digitsOnly[i+1:])
		}
	}
	mid := (lo + hi) / 2
	sort.Slice(out, func(i, j int) bool { return math.Abs(out[i]-mid) < math.Abs(out[j]-mid) })
	return out
}

func checkCode(f *form.Field, v string, c *cell, out []batch.Finding) (bool, []batch.Finding) {
	folded := form.Fold(v)
	if code, ok := f.Code(folded); ok {
		c.code = code
		return true, out
	}
	if to, ok := f.Confusions[v]; ok {
		return false, append(out, suggest(finding(f, batch.Error, CodeCodeConfusion, msg("「%s」は「%s」の読み誤りと思われます", v, to)), to))
	}
	if to, ok := f.Confusions[folded]; ok {
		return false, append(out, suggest(finding(f, batch.Error, CodeCodeConfusion, msg("「%s」は「%s」の読み誤りと思われます", v, to)), to))
	}
	var b strings.Builder
	for _, r := range folded {
		if d, ok := normalize.DigitFor(r); ok {
			b.WriteByte(d)
		} else {
			b.WriteRune(r)
		}
	}
	if code, ok := f.Code(b.String()); ok && b.String() != folded {
		return false, append(out, suggest(finding(f, batch.Error, CodeLookalike, msg("「%s」は数字と紛らわしい英字です: %s", v, lookalikesIn(v))), code))
	}
	return false, append(out, finding(f, batch.Error, CodeCodeUnknown, msg("「%s」は%sのコード表にありません（%s）", v, f.Label, optionList(f))))
}

func optionList(f *form.Field) string {
	parts := make([]string, len(f.Options))
	for i, o := range f.Options {
		parts[i] = o.Code + " " + o.Label
	}
	return strings.Join(parts, "、")
}

var checkLookalikes = map[string]bool{"◯": true, "〇": true, "O": true, "o": true, "0": true, "✓": true, "✔": true, "レ": true, "v": true, "V": true, "◎": true}

func checkMark(f *form.Field, v string, c *cell, out []batch.Finding) (bool, []batch.Finding) {
	folded := form.Fold(v)
	switch {
	case folded == "○" || folded == "1":
		c.checked = true
		return true, out
	case checkLookalikes[folded]:
		c.checked = true
		return true, append(out, suggest(finding(f, batch.Warning, CodeCheckMark, msg("「%s」は ○ の読み誤りと思われます", v)), "○"))
	case folded == "l" || folded == "I" || folded == "|":
		c.checked = true
		return true, append(out, suggest(finding(f, batch.Warning, CodeCheckMark, msg("「%s」は 1 の読み誤りと思われます", v)), "1"))
	}
	return false, append(out, finding(f, batch.Error, CodeCheckMark, msg("複数選択の欄は ○・1・空欄 のいずれかです（「%s」）", v)))
}

func checkTime(f *form.Field, v string, c *cell, out []batch.Finding) (bool, []batch.Finding) {
	t := normalize.ReadClock(v)
	if !t.OK {
		return false, append(out, finding(f, batch.Error, CodeTime, msg("「%s」は時刻として読めません（例: 21:30）", v)))
	}
	c.num = float64(t.Minutes)
	if t.Lookalike {
		return false, append(out, suggest(finding(f, batch.Error, CodeLookalike, "時刻に紛らわしい文字があります（l→1、. → : など）"), t.Text))
	}
	if t.FullWidth {
		out = append(out, suggest(finding(f, batch.Warning, CodeFullWidth, "全角の数字・記号が含まれています"), t.Text))
	}
	if f.Soft != nil {
		m := float64(t.Minutes)
		if m < 5*60 { // after midnight belongs to the same night
			m += 24 * 60
		}
		if !f.Soft.Contains(m) {
			out = append(out, finding(f, batch.Warning, CodeRangeSoft, msg("%s %s は通常の範囲（%s〜%s）を外れています。用紙と照合してください",
				f.Label, t.Text, clock(f.Soft.Min), clock(f.Soft.Max))))
		}
	}
	return true, out
}

func clock(m float64) string { return msg("%d:%02d", int(m)/60, int(m)%60) }

func checkKana(f *form.Field, v string, out []batch.Finding) []batch.Finding {
	k := normalize.ReadKana(v)
	switch {
	case k.Fixed():
		code, what := CodeKanaSmall, "小さい文字（ッ・ャ など）が使えない位置にあります"
		switch {
		case k.HalfWidth:
			code, what = CodeKanaHalfWidth, "半角カタカナです"
		case k.Hiragana:
			code, what = CodeKanaHiragana, "ひらがなが含まれています"
		case k.Lookalike:
			code, what = CodeKanaLookalike, "カタカナと紛らわしい漢字があります（一→ー、口→ロ、力→カ など）"
		}
		out = append(out, suggest(finding(f, batch.Warning, code, f.Label+"に"+what), k.Suggested))
		if k.Other {
			out = append(out, finding(f, batch.Warning, CodeKanaChars, f.Label+"にカタカナ以外の文字があります"))
		}
	case k.Other:
		out = append(out, finding(f, batch.Warning, CodeKanaChars, f.Label+"にカタカナ以外の文字があります（長音「ー」で始まる語を含む）"))
	}
	return out
}
