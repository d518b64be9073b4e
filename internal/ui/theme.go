package ui

import (
	"image/color"
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
	// the theme is set up once, in New: the moment Fyne's own strings
	// (Quit, Cancel, Save File …) get their Japanese too
	if err := UseJapanese(); err != nil {
		fyne.LogError("Japanese for Fyne's own strings", err)
	}
	t := &jpTheme{Theme: theme.DefaultTheme()}
	paths := append([]string{os.Getenv("KENSHIN_FONT")}, systemFonts[runtime.GOOS]...)
	for _, p := range paths {
		if p == "" {
			continue
		}
		// #nosec G304 G703 -- a font file the administrator names (KENSHIN_FONT) or a fixed system path, only read
		if b, err := os.ReadFile(p); err == nil && len(b) > 4 && string(b[:4]) != "ttcf" {
			t.font = fyne.NewStaticResource(p, thickenLowLines(b))
			return t
		}
	}
	t.font = fyne.NewStaticResource("BIZUDGothic-Regular.ttf", thickenLowLines(fonts.Regular))
	return t
}

// Color uses the light variant whatever the desktop asks: the screen should
// look like the paper and the printed report.
func (t *jpTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

func (t *jpTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return t.font
}

// Status colours: a pale fill so the text stays readable, and a strong
// colour for the mark drawn beside it (colour is never the only signal).
var (
	colErrorBg   = color.NRGBA{0xFD, 0xDD, 0xDB, 0xFF}
	colErrorFg   = color.NRGBA{0xC6, 0x28, 0x28, 0xFF}
	colWarnBg    = color.NRGBA{0xFF, 0xE8, 0xC2, 0xFF}
	colWarnFg    = color.NRGBA{0xB2, 0x5E, 0x00, 0xFF}
	colLowBg     = color.NRGBA{0xFF, 0xF9, 0xC4, 0xFF}
	colLowFg     = color.NRGBA{0x8D, 0x7A, 0x00, 0xFF}
	colFixedBg   = color.NRGBA{0xDD, 0xF2, 0xDB, 0xFF}
	colFixedFg   = color.NRGBA{0x2E, 0x7D, 0x32, 0xFF}
	colConfirmBg = color.NRGBA{0xEC, 0xEC, 0xEC, 0xFF}
	colConfirmFg = color.NRGBA{0x61, 0x61, 0x61, 0xFF}
	// 参考 (info): a cool, quiet blue-grey, far from the red and yellow of
	// what asks for a look
	colInfoBg = color.NRGBA{0xE8, 0xEE, 0xF6, 0xFF}
	colInfoFg = color.NRGBA{0x45, 0x5A, 0x78, 0xFF}
	// the suspicion grade's dots, drawn in the cell's top right corner
	colGradeFg = color.NRGBA{0x6A, 0x1B, 0x9A, 0xFF}
	colGradeBg = color.NRGBA{0xF3, 0xE5, 0xF5, 0xFF}
	colCursor  = color.NRGBA{0x15, 0x65, 0xC0, 0xFF}
	colRelated = color.NRGBA{0x15, 0x65, 0xC0, 0x80}
)
