package store

import (
	"path/filepath"
	"testing"
)

// TestDefaultPath: on Windows the store lives under %LocalAppData% (not the
// roaming profile); KENSHIN_STORE wins everywhere.
func TestDefaultPath(t *testing.T) {
	roaming := func() (string, error) { return `C:\Users\u\AppData\Roaming`, nil }
	local := func() (string, error) { return `C:\Users\u\AppData\Local`, nil }
	for _, tt := range []struct {
		goos, env, want string
	}{
		{"windows", "", filepath.Join(`C:\Users\u\AppData\Local`, "KenshinReview", "central.db")},
		{"linux", "", filepath.Join(`C:\Users\u\AppData\Roaming`, "KenshinReview", "central.db")},
		{"windows", "postgres://a@b/c", "postgres://a@b/c"},
	} {
		got, err := defaultPath(tt.goos, func(k string) string {
			if k == "KENSHIN_STORE" {
				return tt.env
			}
			return ""
		}, roaming, local)
		if err != nil || got != tt.want {
			t.Errorf("%s %q: %q, %v; want %q", tt.goos, tt.env, got, err, tt.want)
		}
	}
}
