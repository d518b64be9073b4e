package ui

import (
	"errors"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/auth"
)

// jaFyne is Japanese for every key of Fyne v2.7.1's own strings
// (lang/translations/base.en.json: 41 keys). Fyne ships no Japanese.
const jaFyne = `{
  "Advanced": "詳細",
  "Cancel": "キャンセル",
  "Confirm": "確認",
  "Copy": "コピー",
  "Create Folder": "フォルダーを作成",
  "Cut": "切り取り",
  "Enter filename": "ファイル名を入力",
  "Error": "エラー",
  "Favourites": "お気に入り",
  "File": "ファイル",
  "Folder": "フォルダー",
  "New Folder": "新しいフォルダー",
  "No": "いいえ",
  "OK": "OK",
  "Open": "開く",
  "Paste": "貼り付け",
  "Quit": "終了",
  "Redo": "やり直し",
  "Save": "保存",
  "Select all": "すべて選択",
  "Show Hidden Files": "隠しファイルを表示",
  "Undo": "元に戻す",
  "Yes": "はい",
  "file.name": {"other": "名前"},
  "file.parent": {"other": "上のフォルダー"},
  "friday": "金曜日",
  "friday.short": "金",
  "monday": "月曜日",
  "monday.short": "月",
  "saturday": "土曜日",
  "saturday.short": "土",
  "sunday": "日曜日",
  "sunday.short": "日",
  "thursday": "木曜日",
  "thursday.short": "木",
  "tuesday": "火曜日",
  "tuesday.short": "火",
  "wednesday": "水曜日",
  "wednesday.short": "水"
}`

// fyneLocales are the languages Fyne v2.7.1 ships (lang/translations).
// Fyne picks the OS locale's closest match among them, so the Japanese text
// is registered under each: the clerk sees Japanese under any OS locale
// (an English Windows, LANG=C under Xvfb, CI).
var fyneLocales = []fyne.Locale{"ja", "en", "cs", "de", "el", "es", "fr", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans"}

// UseJapanese registers Japanese for Fyne's own dialog and menu strings
// (Quit, Save File, Cancel, Error …). New calls it; calling it again is
// harmless.
func UseJapanese() error {
	quietCLocale()
	var errs []error
	for _, l := range fyneLocales {
		errs = append(errs, lang.AddTranslationsForLocale([]byte(jaFyne), l))
	}
	return errors.Join(errs...)
}

// quietCLocale: under LANG=C.UTF-8 (Xvfb, CI, a bare Linux desktop) Fyne
// reads the language "C", cannot parse it and logs an error for every
// translation it registers. LANGUAGE, which only chooses the language of
// messages (not the character set the input method uses), then says
// Japanese; a real locale or an own LANGUAGE is left alone.
// QuietLocale is quietCLocale for main, before the Fyne app is made (it
// reads the language when it starts).
func QuietLocale() { quietCLocale() }

func quietCLocale() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(env); v != "" {
			if v == "C" || v == "POSIX" || !strings.HasPrefix(v, "C.") {
				return // "C" alone already means no language; others parse
			}
			_ = os.Setenv("LANGUAGE", "ja") // in-process only; failure leaves the log lines, nothing else
			return
		}
	}
}

// jaPlaces are the names of the file dialog's places. Fyne v2.7.1 writes
// them in English without going through lang (dialog/file.go: "Home",
// "App Files", the folder names of getFavoritesOrder; file_unix.go:
// "Computer"), so translations cannot reach them: japanesePlaces renames
// them in the list itself.
var jaPlaces = map[string]string{
	"Home":      "ホーム",
	"Computer":  "コンピューター",
	"App Files": "アプリのファイル",
	"Desktop":   "デスクトップ",
	"Documents": "ドキュメント",
	"Downloads": "ダウンロード",
	"Music":     "ミュージック",
	"Pictures":  "ピクチャ",
	"Videos":    "ビデオ",
	"Movies":    "ムービー",
}

// japanesePlaces finds the places list of the file dialog on top of win
// (call it right after Show) and makes it show Japanese names: the list
// sets each label from Fyne's English name whenever it redraws, so the
// label is renamed after Fyne's own update, every time.
func japanesePlaces(win fyne.Window) {
	top := win.Canvas().Overlays().Top()
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.PopUp:
			return walk(v.Content)
		case *fyne.Container:
			for _, c := range v.Objects {
				if walk(c) {
					return true
				}
			}
		case *container.Split:
			return walk(v.Leading) || walk(v.Trailing)
		case *container.Scroll:
			return walk(v.Content)
		case *widget.List:
			if v.UpdateItem == nil {
				return false
			}
			update := v.UpdateItem
			v.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
				update(id, item)
				renamePlace(item)
			}
			v.Refresh()
			return true
		}
		return false
	}
	if top != nil {
		walk(top)
	}
}

// renamePlace turns the English place name on a list row into Japanese.
func renamePlace(o fyne.CanvasObject) {
	switch v := o.(type) {
	case *widget.Label:
		if ja, ok := jaPlaces[v.Text]; ok {
			v.SetText(ja)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			renamePlace(c)
		}
	}
}

// selectPlaceHolder replaces widget.Select's English "(Select one)".
const selectPlaceHolder = "（選んでください）"

// errorPrefixes turn the domain's English error prefixes into Japanese.
// Errors are wrapped as "pkg: what: detail"; the clerk sees Japanese.
var errorPrefixes = []struct{ en, ja string }{
	{auth.ErrDenied.Error() + ": ", ""}, // the rest already says who lacks which right, in Japanese
	{auth.ErrDenied.Error(), "この操作の権限がありません"},
	{"auth: ", "ログイン: "},
	{"review: nothing to do", "対象がありません"},
	{"store: ", "保存先: "},
	{"workspace: ", "作業データ: "},
	{"report: ", "レポート: "},
	{"submission: ", "送信: "},
	{"permission denied", "アクセスが拒否されました"},
	{"no such file or directory", "ファイルまたはフォルダーがありません"},
	{"context deadline exceeded", "時間切れ"},
	{"database is locked", "データベースが使用中です"},
}

// ErrorText is the Japanese text of err for a dialog or the status line:
// known English prefixes and system messages are translated; Japanese
// parts pass through. The lead wires it into showError.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for _, p := range errorPrefixes {
		s = strings.ReplaceAll(s, p.en, p.ja)
	}
	return s
}
