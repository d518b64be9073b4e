package synth

import (
	"math/rand/v2"
	"strings"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// Error kinds written to the truth file. They follow the OCR failures listed
// in domain.md §3.
const (
	KindDigit      = "digit"      // 1↔7, 0↔6, 3↔8, 5↔6, 4↔9
	KindDecimal    = "decimal"    // lost or moved decimal point
	KindGrams      = "grams"      // weight written in grams
	KindDrop       = "drop"       // a digit dropped
	KindDouble     = "double"     // a digit doubled
	KindLookalike  = "lookalike"  // a letter for a digit (O, l, S, B, Z)
	KindFullWidth  = "fullwidth"  // full-width digits
	KindBlank      = "blank"      // the value lost
	KindUnreadable = "unreadable" // ● written by the engine
	KindSwap       = "swap"       // a neighbouring box read as marked
	KindKana       = "kana"       // small/large, dakuten, ー/一, シ/ツ, ソ/ン
	KindHalfWidth  = "halfwidth"  // half-width katakana
	KindEra        = "era"        // 令和 read as 平成
	KindZeros      = "zeros"      // leading zeros of an ID lost
	KindText       = "text"       // a kanji read as a similar one
)

var confusion = map[byte][]byte{'1': {'7'}, '7': {'1'}, '0': {'6'}, '6': {'0', '5'}, '3': {'8'}, '8': {'3'}, '5': {'6'}, '4': {'9'}, '9': {'4'}}
var letterFor = map[byte]string{'0': "O", '1': "l", '5': "S", '8': "B", '2': "Z", '6': "b"}

type kindWeight struct {
	kind string
	w    int
}

func kindsFor(fd *form.Field) []kindWeight {
	switch fd.Type {
	case form.TypeInteger, form.TypeDecimal:
		k := []kindWeight{{KindDigit, 30}, {KindDrop, 10}, {KindDouble, 10}, {KindLookalike, 8}, {KindFullWidth, 6}, {KindBlank, 8}, {KindUnreadable, 6}}
		if fd.Decimals > 0 {
			k = append(k, kindWeight{KindDecimal, 14})
		}
		if fd.GramsAllowed {
			k = append(k, kindWeight{KindGrams, 5})
		}
		return k
	case form.TypeID:
		return []kindWeight{{KindDigit, 35}, {KindDrop, 12}, {KindDouble, 10}, {KindLookalike, 12}, {KindFullWidth, 6}, {KindZeros, 8}, {KindBlank, 5}, {KindUnreadable, 5}}
	case form.TypeDate:
		return []kindWeight{{KindDigit, 45}, {KindDrop, 10}, {KindDouble, 5}, {KindLookalike, 10}, {KindEra, 5}, {KindBlank, 8}, {KindUnreadable, 8}, {KindFullWidth, 4}}
	case form.TypeCode:
		return []kindWeight{{KindDigit, 25}, {KindSwap, 35}, {KindLookalike, 12}, {KindBlank, 12}, {KindUnreadable, 8}, {KindDouble, 8}}
	case form.TypeCheck:
		return []kindWeight{{KindSwap, 60}, {KindLookalike, 15}, {KindUnreadable, 15}}
	case form.TypeKana:
		return []kindWeight{{KindKana, 70}, {KindHalfWidth, 10}, {KindUnreadable, 10}, {KindBlank, 10}}
	case form.TypeTime:
		return []kindWeight{{KindDigit, 40}, {KindLookalike, 20}, {KindDrop, 10}, {KindUnreadable, 10}, {KindBlank, 10}, {KindFullWidth, 10}}
	}
	return []kindWeight{{KindUnreadable, 40}, {KindText, 60}}
}

// inject turns a clean value into an OCR misreading. It tries kinds in a
// random weighted order and reports false when none applies to this value.
func inject(r *rand.Rand, fd *form.Field, clean, mark, mix string) (string, string, bool) {
	ks := kindsFor(fd)
	if mix == MixDigits {
		ks = append([]kindWeight(nil), ks...)
		for i := range ks {
			if ks[i].kind == KindDigit || ks[i].kind == KindDrop {
				ks[i].w *= 3
			}
		}
	}
	for tries := 0; tries < 8; tries++ {
		ws := make([]int, len(ks))
		for i, k := range ks {
			ws[i] = k.w
		}
		kind := ks[weighted(r, ws)].kind
		if ocr, ok := apply(r, fd, kind, clean, mark); ok && ocr != clean {
			return ocr, kind, true
		}
	}
	return "", "", false
}

func apply(r *rand.Rand, fd *form.Field, kind, s, mark string) (string, bool) {
	digits := func(accept func(byte) bool) []int {
		var at []int
		for i := 0; i < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' && accept(s[i]) {
				at = append(at, i)
			}
		}
		return at
	}
	any := func(byte) bool { return true }
	anyOf := func(at []int) (int, bool) {
		if len(at) == 0 {
			return 0, false
		}
		return at[r.IntN(len(at))], true
	}
	switch kind {
	case KindBlank:
		return "", s != ""
	case KindUnreadable:
		return "●", true
	case KindDigit:
		i, ok := anyOf(digits(func(b byte) bool { return confusion[b] != nil }))
		if !ok {
			return "", false
		}
		alts := confusion[s[i]]
		return s[:i] + string(alts[r.IntN(len(alts))]) + s[i+1:], true
	case KindDrop:
		i, ok := anyOf(digits(any))
		if !ok || len(s) < 2 {
			return "", false
		}
		return s[:i] + s[i+1:], true
	case KindDouble:
		i, ok := anyOf(digits(any))
		if !ok {
			return "", false
		}
		return s[:i+1] + s[i:], true
	case KindLookalike:
		if fd.Type == form.TypeCheck {
			if s == "" {
				return "", false
			}
			return []string{"〇", "O", "◯"}[r.IntN(3)], true
		}
		i, ok := anyOf(digits(func(b byte) bool { return letterFor[b] != "" }))
		if !ok {
			return "", false
		}
		return s[:i] + letterFor[s[i]] + s[i+1:], true
	case KindFullWidth:
		if s == "" {
			return "", false
		}
		return jpdate.ToFullWidth(s), true
	case KindDecimal:
		p := strings.IndexByte(s, '.')
		if p < 0 {
			return "", false
		}
		without := s[:p] + s[p+1:]
		if r.IntN(2) == 0 || p+2 > len(without) {
			return without, true // 6.54 → 654
		}
		return without[:p+1] + "." + without[p+1:], true // 6.54 → 65.4
	case KindGrams:
		if s == "" {
			return "", false
		}
		return strings.TrimLeft(strings.ReplaceAll(s, ".", "")+strings.Repeat("0", 3-fd.Decimals), "0"), true
	case KindZeros:
		t := strings.TrimLeft(s, "0")
		return t, t != s && t != ""
	case KindSwap:
		if fd.Type == form.TypeCheck {
			if s == "" {
				return mark, true
			}
			return "", true
		}
		if s == "" || len(fd.Options) < 2 {
			return "", false
		}
		// a neighbouring box: the option next to the marked one
		for i, o := range fd.Options {
			if o.Code == s {
				j := i + 1
				if j == len(fd.Options) || (i > 0 && r.IntN(2) == 0) {
					j = i - 1
				}
				return fd.Options[j].Code, true
			}
		}
		return "", false
	case KindEra:
		for _, p := range [][2]string{{"令和", "平成"}, {"R", "H"}} {
			if strings.HasPrefix(s, p[0]) {
				return p[1] + s[len(p[0]):], true
			}
		}
		return "", false
	case KindKana:
		return kanaError(r, s)
	case KindHalfWidth:
		if s == "" {
			return "", false
		}
		return toHalfWidthKana(s), true
	case KindText:
		for _, p := range [][2]string{{"郎", "朗"}, {"子", "于"}, {"田", "由"}, {"大", "太"}, {"健", "建"}, {"美", "実"}, {"恵", "惠"}, {"観", "歓"}, {"紹", "招"}} {
			if strings.Contains(s, p[0]) {
				return strings.Replace(s, p[0], p[1], 1), true
			}
		}
		return "", false
	}
	return "", false
}

var kanaSwaps = [][2]string{
	{"ッ", "ツ"}, {"ツ", "ッ"}, {"ャ", "ヤ"}, {"ュ", "ユ"}, {"ョ", "ヨ"}, {"ヤ", "ャ"}, {"ユ", "ュ"}, {"ヨ", "ョ"},
	{"ガ", "カ"}, {"ギ", "キ"}, {"グ", "ク"}, {"ゴ", "コ"}, {"ジ", "シ"}, {"ダ", "タ"}, {"ド", "ト"}, {"バ", "ハ"}, {"ブ", "フ"},
	{"ー", "一"}, {"シ", "ツ"}, {"ツ", "シ"}, {"ソ", "ン"}, {"ン", "ソ"}, {"ロ", "口"}, {"カ", "力"}, {"タ", "夕"}, {"エ", "工"},
}

func kanaError(r *rand.Rand, s string) (string, bool) {
	var fits [][2]string
	for _, p := range kanaSwaps {
		if strings.Contains(s, p[0]) {
			fits = append(fits, p)
		}
	}
	if len(fits) == 0 {
		return "", false
	}
	p := fits[r.IntN(len(fits))]
	return strings.Replace(s, p[0], p[1], 1), true
}

var halfKana = map[rune]string{
	'ア': "ｱ", 'イ': "ｲ", 'ウ': "ｳ", 'エ': "ｴ", 'オ': "ｵ", 'カ': "ｶ", 'キ': "ｷ", 'ク': "ｸ", 'ケ': "ｹ", 'コ': "ｺ",
	'サ': "ｻ", 'シ': "ｼ", 'ス': "ｽ", 'セ': "ｾ", 'ソ': "ｿ", 'タ': "ﾀ", 'チ': "ﾁ", 'ツ': "ﾂ", 'テ': "ﾃ", 'ト': "ﾄ",
	'ナ': "ﾅ", 'ニ': "ﾆ", 'ヌ': "ﾇ", 'ネ': "ﾈ", 'ノ': "ﾉ", 'ハ': "ﾊ", 'ヒ': "ﾋ", 'フ': "ﾌ", 'ヘ': "ﾍ", 'ホ': "ﾎ",
	'マ': "ﾏ", 'ミ': "ﾐ", 'ム': "ﾑ", 'メ': "ﾒ", 'モ': "ﾓ", 'ヤ': "ﾔ", 'ユ': "ﾕ", 'ヨ': "ﾖ", 'ラ': "ﾗ", 'リ': "ﾘ",
	'ル': "ﾙ", 'レ': "ﾚ", 'ロ': "ﾛ", 'ワ': "ﾜ", 'ン': "ﾝ", 'ー': "ｰ", 'ッ': "ｯ", 'ャ': "ｬ", 'ュ': "ｭ", 'ョ': "ｮ",
	'ガ': "ｶﾞ", 'ギ': "ｷﾞ", 'グ': "ｸﾞ", 'ゲ': "ｹﾞ", 'ゴ': "ｺﾞ", 'ザ': "ｻﾞ", 'ジ': "ｼﾞ", 'ズ': "ｽﾞ", 'ゼ': "ｾﾞ", 'ゾ': "ｿﾞ",
	'ダ': "ﾀﾞ", 'ヂ': "ﾁﾞ", 'ヅ': "ﾂﾞ", 'デ': "ﾃﾞ", 'ド': "ﾄﾞ", 'バ': "ﾊﾞ", 'ビ': "ﾋﾞ", 'ブ': "ﾌﾞ", 'ベ': "ﾍﾞ", 'ボ': "ﾎﾞ",
	'パ': "ﾊﾟ", 'ピ': "ﾋﾟ", 'プ': "ﾌﾟ", 'ペ': "ﾍﾟ", 'ポ': "ﾎﾟ", ' ': " ",
}

func toHalfWidthKana(s string) string {
	var b strings.Builder
	for _, r := range s {
		if h, ok := halfKana[r]; ok {
			b.WriteString(h)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
