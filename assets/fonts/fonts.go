// Package fonts embeds BIZ UDGothic Regular (SIL OFL 1.1, see OFL.txt), a
// Japanese font designed for public-sector readability. The app prefers a
// system font and falls back to this one, so Japanese always renders — also
// on Windows, whose Japanese fonts are collections (.ttc) Fyne cannot load.
package fonts

import _ "embed"

// Regular is the TTF file.
//
//go:embed BIZUDGothic-Regular.ttf
var Regular []byte
