package normalize

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Kana is what ReadKana found in a katakana name.
type Kana struct {
	Suggested string // the name with every fix below applied
	HalfWidth bool   // half-width katakana (ｻﾄｳ)
	Hiragana  bool   // hiragana where katakana belongs
	Lookalike bool   // a kanji that looks like katakana (一 for ー, 口 for ロ, 力 for カ …)
	Small     bool   // a small kana where Japanese cannot have one (ッ at a word's end, ャ after ア段 …)
	Other     bool   // letters, digits or kanji that no fix explains
}

// Fixed reports whether the suggestion differs from the input for a reason we know.
func (k Kana) Fixed() bool { return k.HalfWidth || k.Hiragana || k.Lookalike || k.Small }

var kanjiLookalike = map[rune]rune{
	'一': 'ー', '口': 'ロ', '二': 'ニ', '力': 'カ', '夕': 'タ', '工': 'エ', '卜': 'ト',
	'八': 'ハ', '才': 'オ', '匕': 'ヒ', '干': 'チ', '三': 'ミ', 'へ': 'ヘ', 'べ': 'ベ', 'ぺ': 'ペ',
}

var smallToLarge = map[rune]rune{
	'ァ': 'ア', 'ィ': 'イ', 'ゥ': 'ウ', 'ェ': 'エ', 'ォ': 'オ', 'ッ': 'ツ',
	'ャ': 'ヤ', 'ュ': 'ユ', 'ョ': 'ヨ', 'ヮ': 'ワ', 'ヵ': 'カ', 'ヶ': 'ケ',
}

// yoonBase holds the kana a small ャュョ may follow (キャ, シュ, チョ, テュ …).
const yoonBase = "キギシジチヂニヒビピミリテデフヴ"

func isKatakana(r rune) bool { return r >= 'ァ' && r <= 'ヺ' || r == 'ー' }
func isSep(r rune) bool      { return r == ' ' || r == '\u3000' || r == '・' }

// ReadKana checks a name that should be written in full-width katakana.
func ReadKana(s string) Kana {
	var k Kana
	s = Trim(s)
	for _, r := range s {
		if r >= 0xFF61 && r <= 0xFF9F {
			k.HalfWidth = true
			break
		}
	}
	if k.HalfWidth {
		s = Trim(norm.NFKC.String(s)) // composes ｶﾞ into ガ; may expose spaces
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r >= 'ぁ' && r <= 'ゖ':
			rs[i] = r + 0x60
			k.Hiragana = true
		case kanjiLookalike[r] != 0 && (r != '一' || (i > 0 && isKatakana(rs[i-1]))):
			rs[i] = kanjiLookalike[r]
			k.Lookalike = true
		}
	}
	for i, r := range rs {
		large, small := smallToLarge[r]
		if !small {
			continue
		}
		start := i == 0 || isSep(rs[i-1])
		end := i == len(rs)-1 || isSep(rs[i+1])
		bad := start
		switch r {
		case 'ッ':
			bad = bad || end
		case 'ャ', 'ュ', 'ョ':
			bad = bad || !strings.ContainsRune(yoonBase, rs[i-1])
		}
		if bad {
			rs[i] = large
			k.Small = true
		}
	}
	for i, r := range rs {
		if r == 'ー' && (i == 0 || isSep(rs[i-1])) {
			k.Other = true // a word cannot start with a long vowel mark
		}
		if !isKatakana(r) && !isSep(r) {
			k.Other = true
		}
	}
	k.Suggested = string(rs)
	return k
}
