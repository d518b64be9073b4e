package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"fyne.io/fyne/v2/lang"

	"kenshin/internal/auth"
)

// TestJapaneseCoversEveryFyneKey: every key of Fyne's own base.en.json has
// a Japanese text, and Fyne shows it whatever the OS locale (run under
// LANG=C and LANG=ja_JP.UTF-8).
func TestJapaneseCoversEveryFyneKey(t *testing.T) {
	var ja map[string]any
	if err := json.Unmarshal([]byte(jaFyne), &ja); err != nil {
		t.Fatal(err)
	}
	if en := fyneEnglishKeys(t); en != nil {
		for k := range en {
			if _, ok := ja[k]; !ok {
				t.Errorf("no Japanese for Fyne key %q", k)
			}
		}
		if len(ja) != len(en) {
			t.Errorf("%d Japanese keys, Fyne has %d", len(ja), len(en))
		}
	}
	// 39 top-level keys; 41 messages with the two plural ones counted as in the brief
	if len(ja) != 39 {
		t.Errorf("%d Japanese keys, want 39", len(ja))
	}
	if err := UseJapanese(); err != nil {
		t.Fatal(err)
	}
	for en, want := range map[string]string{"Quit": "終了", "Cancel": "キャンセル", "Save": "保存", "Open": "開く", "Error": "エラー", "Yes": "はい"} {
		if got := lang.L(en); got != want {
			t.Errorf("lang.L(%q) = %q, want %q (LANG=%q)", en, got, want, os.Getenv("LANG"))
		}
	}
	if got := lang.X("file.name", "Name"); got != "名前" {
		t.Errorf("file.name = %q", got)
	}
}

// fyneEnglishKeys reads Fyne's own key list from the module cache, when
// it is there.
func fyneEnglishKeys(t *testing.T) map[string]any {
	gomod := os.Getenv("GOMODCACHE")
	if gomod == "" {
		home, _ := os.UserHomeDir()
		gomod = filepath.Join(home, "go", "pkg", "mod")
	}
	b, err := os.ReadFile(filepath.Join(gomod, "fyne.io", "fyne", "v2@v2.7.1", "lang", "translations", "base.en.json"))
	if err != nil {
		t.Logf("Fyne's base.en.json not found: %v", err)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestErrorTextIsJapanese(t *testing.T) {
	denied := auth.Check(nil, auth.ExportReport)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{denied, "権限がありません"},
		{fmt.Errorf("store: %w", os.ErrPermission), "保存先: "},
		{auth.ErrDenied, "この操作の権限がありません"},
	} {
		got := ErrorText(tc.err)
		if !regexp.MustCompile(regexp.QuoteMeta(tc.want)).MatchString(got) {
			t.Errorf("ErrorText(%v) = %q, want it to contain %q", tc.err, got, tc.want)
		}
		if regexp.MustCompile(`auth: |not allowed`).MatchString(got) {
			t.Errorf("English left in %q", got)
		}
	}
}

// New registers the Japanese: the workbench's own window shows 終了, not Quit.
func TestNewShowsFyneStringsInJapanese(t *testing.T) {
	newTestBench(t, nil)
	if got := lang.L("Quit"); got != "終了" {
		t.Errorf("Quit shows as %q after New", got)
	}
}

func TestKeyHelp(t *testing.T) {
	for _, k := range []string{"F7", "F9", "F4", "F6", "Shift+F6"} {
		if !regexp.MustCompile(regexp.QuoteMeta(k)).MatchString(keyHelp) || !regexp.MustCompile(regexp.QuoteMeta(k)).MatchString(keyHelpFull) {
			t.Errorf("key help lacks %s", k)
		}
	}
}

// quietCLocale says Japanese through LANGUAGE only where Fyne would read
// the unparsable language "C" (LANG=C.UTF-8), and leaves real settings.
func TestQuietCLocale(t *testing.T) {
	for _, tc := range []struct {
		lcAll, lang, language, want string
	}{
		{"", "C.UTF-8", "", "ja"},
		{"C.utf8", "ja_JP.UTF-8", "", "ja"},
		{"", "ja_JP.UTF-8", "", ""},
		{"", "C", "", ""},
		{"", "C.UTF-8", "en", "en"},
		{"", "", "", ""},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		t.Setenv("LANGUAGE", tc.language)
		quietCLocale()
		if got := os.Getenv("LANGUAGE"); got != tc.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE %q, want %q", tc.lcAll, tc.lang, tc.language, got, tc.want)
		}
	}
}
