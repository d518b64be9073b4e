package check

import "testing"

// The message names which character is the letter: O and 0 look the same
// on screen, so the clerk must be told where it is.
func TestLookalikesIn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2O250722", "2 文字目の「O」（英大文字）→ 0"},
		{"R7.6.S", "6 文字目の「S」（英大文字）→ 5"},
		{"l2.5", "1 文字目の「l」（英小文字）→ 1"},
		{"1|.0", "2 文字目の「|」（記号）→ 1"},
		{" ０Ｏ1 ", "2 文字目の「Ｏ」（全角の英字）→ 0"},
		{"B0Z", "1 文字目の「B」（英大文字）→ 8、3 文字目の「Z」（英大文字）→ 2"},
		{"123", "O→0、l→1、S→5、B→8、Z→2 など"},
	} {
		if got := lookalikesIn(tc.in); got != tc.want {
			t.Errorf("lookalikesIn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
