package ui

import (
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"kenshin/assets/fonts"
)

// jpTheme is the default theme with a Japanese font for every text style.
type jpTheme struct {
	fyne.Theme
	font fyne.Resource
}

// systemFonts are single-file Japanese fonts the app prefers when installed
// (a .ttc collection cannot be loaded, which rules out Windows' own fonts).
var systemFonts = map[string][]string{
	"linux": {
		"/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf",
		"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
		"/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
	},
	"windows": {
		`C:\Windows\Fonts\BIZUDGothic-Regular.ttf`,
	},
}

// newTheme picks the font: KENSHIN_FONT, then a system font, then the
// bundled BIZ UDGothic.
func newTheme() fyne.Theme {
	t := &jpTheme{Theme: theme.DefaultTheme()}
	paths := append([]string{os.Getenv("KENSHIN_FONT")}, systemFonts[runtime.GOOS]...)
	for _, p := range paths {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil && len(b) > 4 && string(b[:4]) != "ttcf" {
			t.font = fyne.NewStaticResource(p, b)
			return t
		}
	}
	t.font = fyne.NewStaticResource("BIZUDGothic-Regular.ttf", fonts.Regular)
	return t
}

func (t *jpTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return t.font
}
