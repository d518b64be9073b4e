package normalize

import "testing"

func TestReadNumber(t *testing.T) {
	tests := []struct {
		name, in, text string
		ok             bool
		decimals       int
		unit           string
		full, look, pt bool
	}{
		{"plain", "6.54", "6.54", true, 2, "", false, false, false},
		{"integer", "62", "62", true, 0, "", false, false, false},
		{"full width", "６．５４", "6.54", true, 2, "", true, false, false},
		{"comma point", "6,54", "6.54", true, 2, "", false, false, true},
		{"kuten point", "6。54", "6.54", true, 2, "", false, false, true},
		{"letter O", "6.5O", "6.50", true, 2, "", false, true, false},
		{"letter l", "l2", "12", true, 0, "", false, true, false},
		{"S for 5", "S8.2", "58.2", true, 1, "", false, true, false},
		{"unit kg", "6.54kg", "6.54", true, 2, "kg", false, false, false},
		{"grams", "6540g", "6540", true, 0, "g", false, false, false},
		{"minus sign", "−5.2", "-5.2", true, 1, "", false, false, false},
		{"triangle minus", "▲3.0", "-3.0", true, 1, "", false, false, false},
		{"long vowel minus", "ー3.0", "-3.0", true, 1, "", false, true, false},
		{"leading point", ".5", "0.5", true, 1, "", false, false, false}, // BarePoint, checked below
		{"trailing point", "62.", "62", true, 0, "", false, false, false},
		{"two points", "6.5.4", "", false, 0, "", false, false, false},
		{"text", "不明", "", false, 0, "", false, false, false},
		{"blank", " ", "", false, 0, "", false, false, false},
		{"unit only", "kg", "", false, 0, "", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadNumber(tt.in)
			if got.OK != tt.ok || got.Text != tt.text {
				t.Fatalf("ReadNumber(%q) = %+v, want ok=%v text=%q", tt.in, got, tt.ok, tt.text)
			}
			if !tt.ok {
				return
			}
			if got.Decimals != tt.decimals || got.Unit != tt.unit || got.FullWidth != tt.full || got.Lookalike != tt.look || got.PointLike != tt.pt {
				t.Errorf("ReadNumber(%q) = %+v", tt.in, got)
			}
		})
	}
}

func TestReadID(t *testing.T) {
	tests := []struct {
		in, digits           string
		full, look, sep, oth bool
	}{
		{"000123456789012", "000123456789012", false, false, false, false},
		{"０００１２３", "000123", true, false, false, false},
		{"0001234S6789O12", "000123456789012", false, true, false, false},
		{"0001-2345", "00012345", false, false, true, false},
		{"12ア4", "124", false, false, false, true},
	}
	for _, tt := range tests {
		got := ReadID(tt.in)
		if got.Digits != tt.digits || got.FullWidth != tt.full || got.Lookalike != tt.look || got.Separated != tt.sep || got.Other != tt.oth {
			t.Errorf("ReadID(%q) = %+v", tt.in, got)
		}
	}
	if got := PadID("123", 6); got != "000123" {
		t.Errorf("PadID = %q", got)
	}
}

func TestReadClock(t *testing.T) {
	tests := []struct {
		in   string
		text string
		ok   bool
		look bool
	}{
		{"21:30", "21:30", true, false},
		{"9:05", "09:05", true, false},
		{"２１：００", "21:00", true, false},
		{"21時30分", "21:30", true, false},
		{"21時", "21:00", true, false},
		{"2130", "21:30", true, false},
		{"21.30", "21:30", true, true},
		{"2l:00", "21:00", true, true},
		{"25:00", "", false, false},
		{"21:75", "", false, false},
		{"夜", "", false, false},
	}
	for _, tt := range tests {
		got := ReadClock(tt.in)
		if got.OK != tt.ok || got.Text != tt.text || (tt.ok && got.Lookalike != tt.look) {
			t.Errorf("ReadClock(%q) = %+v", tt.in, got)
		}
	}
}

func TestReadKana(t *testing.T) {
	tests := []struct {
		name, in, want string
		fixed, other   bool
	}{
		{"clean", "サトウ ハルト", "サトウ ハルト", false, false},
		{"yoon", "キョウコ", "キョウコ", false, false},
		{"sokuon inside", "ハットリ", "ハットリ", false, false},
		{"half width", "ｻﾄｳ ﾊﾙﾄ", "サトウ ハルト", true, false},
		{"half width dakuten", "ｶﾞｸ", "ガク", true, false},
		{"hiragana", "さとう", "サトウ", true, false},
		{"kanji one for long vowel", "ユ一ト", "ユート", true, false},
		{"kanji ro", "ヒ口シ", "ヒロシ", true, false},
		{"small tsu at end", "マツモトッ", "マツモトツ", true, false},
		{"small tsu at start", "ッバサ", "ツバサ", true, false},
		{"small ya after a-row", "サャカ", "サヤカ", true, false},
		{"latin", "SATO", "SATO", false, true},
		{"long mark at start", "ータ", "ータ", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadKana(tt.in)
			if got.Suggested != tt.want || got.Fixed() != tt.fixed || got.Other != tt.other {
				t.Errorf("ReadKana(%q) = %+v, want %q fixed=%v other=%v", tt.in, got, tt.want, tt.fixed, tt.other)
			}
		})
	}
}

func FuzzReadNumber(f *testing.F) {
	for _, s := range []string{"6.54", "６．５４", "6,54", "l2", "6540g", "−5.2", "", "●"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := ReadNumber(s)
		if !n.OK {
			return
		}
		// The text we would suggest reads back as itself with nothing to fix.
		again := ReadNumber(n.Text)
		if !again.OK || again.Text != n.Text || again.Fixed() || again.Value != n.Value {
			t.Fatalf("ReadNumber(%q).Text = %q reads back as %+v", s, n.Text, again)
		}
	})
}

func FuzzReadKana(f *testing.F) {
	for _, s := range []string{"サトウ ハルト", "ｻﾄｳ", "さとう", "ユ一ト", "ッバサ", "サャカ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := ReadKana(s).Suggested
		twice := ReadKana(once)
		if twice.Suggested != once {
			t.Fatalf("normalising twice changed %q: %q → %q", s, once, twice.Suggested)
		}
	})
}

func FuzzReadClock(f *testing.F) {
	for _, s := range []string{"21:30", "21時", "2130", "2l:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ReadClock(s)
		if c.OK {
			again := ReadClock(c.Text)
			if !again.OK || again.Minutes != c.Minutes || again.Lookalike || again.FullWidth {
				t.Fatalf("ReadClock(%q).Text = %q reads back as %+v", s, c.Text, again)
			}
		}
	})
}

func TestReadNumberBarePoint(t *testing.T) {
	if !ReadNumber(".5").BarePoint || ReadNumber("0.5").BarePoint {
		t.Fatal("a point with no digit before it must be reported, and only then")
	}
}
