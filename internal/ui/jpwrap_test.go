package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// measure counts a full-width character 2, ASCII 1.
func units(s string) float32 { return float32(textUnits(s)) }

func TestWrapJP(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		width float32
		check func(t *testing.T, lines []string)
	}{
		{"no break at a space inside Japanese", "体重が 860kg は範囲外です", 14, func(t *testing.T, lines []string) {
			for _, l := range lines {
				if l == "は範囲外です" || strings.HasPrefix(l, "は") {
					t.Errorf("broke at the space before は: %q", lines)
				}
			}
			for _, l := range lines {
				if strings.Contains(l, "860") && !strings.Contains(l, "860kg") {
					t.Errorf("860kg split: %q", lines)
				}
			}
		}},
		{"no line starts with 、 or 。", "用紙を見て入力するか、用紙でも読めない場合は確認済みにしてください。", 10, func(t *testing.T, lines []string) {
			for _, l := range lines {
				if strings.HasPrefix(l, "、") || strings.HasPrefix(l, "。") {
					t.Errorf("line starts with punctuation: %q", lines)
				}
			}
		}},
		{"a katakana word stays whole", "成長曲線の3パーセンタイルを下回っています", 16, func(t *testing.T, lines []string) {
			found := false
			for _, l := range lines {
				found = found || strings.Contains(l, "パーセンタイル")
			}
			if !found {
				t.Errorf("パーセンタイル split: %q", lines)
			}
		}},
		{"every line fits", "OCR が読み取れなかった欄です（●）。用紙を見て入力するか、用紙でも読めない場合は確認済みにしてください", 20, func(t *testing.T, lines []string) {
			for _, l := range lines {
				if units(l) > 20 {
					t.Errorf("line %q is %v wide", l, units(l))
				}
			}
		}},
		{"nothing lost", "a_b_c.csv を開けません: 3 行目 12 列目", 12, func(t *testing.T, lines []string) {
			if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll("a_b_c.csv を開けません: 3 行目 12 列目", " ", "") {
				t.Errorf("text changed: %q", lines)
			}
		}},
		{"ASCII words break at spaces", "open the file now please", 10, func(t *testing.T, lines []string) {
			for _, l := range lines {
				if strings.HasPrefix(l, "e ") || strings.HasSuffix(l, " t") {
					t.Errorf("ASCII word split: %q", lines)
				}
			}
		}},
		{"a word longer than a line is split", strings.Repeat("8", 30), 10, func(t *testing.T, lines []string) {
			if len(lines) != 3 || utf8.RuneCountInString(lines[0]) != 10 {
				t.Errorf("%q", lines)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, wrapJP(tc.text, tc.width, units))
		})
	}
}

func FuzzWrapJP(f *testing.F) {
	f.Add("体重が 860kg は範囲外です。パーセンタイル、", 12)
	f.Add("（空欄）「a」", 3)
	f.Fuzz(func(t *testing.T, s string, w int) {
		if !utf8.ValidString(s) || w < 2 || w > 200 || strings.ContainsRune(s, '\r') {
			return
		}
		lines := wrapJP(s, float32(w), units)
		got := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\t' || r == '\v' || r == '\f' || r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000 {
				return -1
			}
			return r
		}, strings.Join(lines, ""))
		want := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\t' || r == '\v' || r == '\f' || r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000 {
				return -1
			}
			return r
		}, s)
		if got != want {
			t.Fatalf("text lost: %q → %q", s, lines)
		}
	})
}
