package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Japanese line breaking (kinsoku shori), small and predictable: Fyne's
// word wrap breaks only at spaces, so it splits 「860kg は」 at the space and
// a katakana word anywhere, and lets 「、」 start a line.

// noStart may not begin a line; noEnd may not end one.
const (
	noStart = "、。，．,.)）」』】〕］]｝}〉》・：:；;！!？?ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜～…‥%％"
	noEnd   = "(（「『【〔［[｛{〈《"
)

func isKatakana(r rune) bool {
	return (r >= 'ァ' && r <= 'ヺ') || r == 'ー' || (r >= 'ｦ' && r <= 'ﾟ')
}

func isWordRune(r rune) bool { // a run that stays together: latin letters, digits, ASCII marks
	return r < 0x80 && r != ' ' && r != '\n'
}

// wrapUnits cuts text into pieces that are never split across lines.
// A space piece marks a break opportunity; glued spaces are in a piece.
func wrapUnits(text string) []string {
	rs := []rune(text)
	var units []string
	glue := false // the last piece ended in a space beside Japanese: no break after it
	for i := 0; i < len(rs); {
		j := i + 1
		switch r := rs[i]; {
		case r == ' ':
			prevWord := i > 0 && isWordRune(rs[i-1])
			nextWord := i+1 < len(rs) && isWordRune(rs[i+1])
			if !(prevWord && nextWord) && len(units) > 0 {
				// a space beside Japanese is no place to break: glue it on
				units[len(units)-1] += " "
				glue = true
				i = j
				continue
			}
			units = append(units, " ")
			i = j
			continue
		case isWordRune(r):
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		case isKatakana(r):
			for j < len(rs) && isKatakana(rs[j]) {
				j++
			}
		}
		u := string(rs[i:j])
		switch {
		case glue:
			units[len(units)-1] += u
		case len(units) > 0 && strings.ContainsRune(noStart, rs[i]) && units[len(units)-1] != " ":
			units[len(units)-1] += u
		case len(units) > 0 && endsWithNoEnd(units[len(units)-1]):
			units[len(units)-1] += u
		default:
			units = append(units, u)
		}
		glue = false
		i = j
	}
	return units
}

func endsWithNoEnd(s string) bool {
	rs := []rune(s)
	return len(rs) > 0 && strings.ContainsRune(noEnd, rs[len(rs)-1])
}

// wrapJP breaks text into lines no wider than width as measured; explicit
// newlines are kept. A piece wider than a line is split by character,
// still keeping 「、」「。」 off the start of a line.
func wrapJP(text string, width float32, measure func(string) float32) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapPara(para, width, measure)...)
	}
	return out
}

func wrapPara(text string, width float32, measure func(string) float32) []string {
	var lines []string
	line := ""
	flush := func() {
		lines = append(lines, strings.TrimRightFunc(line, unicode.IsSpace))
		line = ""
	}
	for _, u := range wrapUnits(text) {
		if u == " " {
			if line != "" {
				line += " "
			}
			continue
		}
		if measure(line+u) <= width || line == "" && measure(u) <= width {
			line += u
			continue
		}
		if line != "" && measure(u) <= width {
			flush()
			line = u
			continue
		}
		// too long for any line: split by character
		for _, r := range u {
			s := string(r)
			if line != "" && measure(line+s) > width && !strings.ContainsRune(noStart, r) {
				flush()
			}
			line += s
		}
	}
	if line != "" || len(lines) == 0 {
		flush()
	}
	return lines
}

// jpText is a wrapping label that breaks lines the Japanese way. Its
// minimum width is small, so it never pushes the detail pane wider.
type jpText struct {
	widget.BaseWidget
	Text  string
	Bold  bool
	label *widget.Label
	width float32
	lines int
	// relayout is called when the line count changed on a resize, so the
	// pane around gives the new height
	relayout func()
}

func newJPText(text string) *jpText {
	t := &jpText{Text: text, label: widget.NewLabel(text), lines: 1}
	t.ExtendBaseWidget(t)
	return t
}

// wrapText is a jpText already broken for width (the width its dialog or
// box will give it), so whatever is sized before the first layout is tall
// enough. It is the label for every text that wraps: Fyne's word wrap
// breaks Japanese anywhere.
func wrapText(text string, width float32) *jpText {
	t := newJPText(text)
	t.rewrap(width)
	return t
}

// SetText changes the text and breaks it again; when the line count
// changes, relayout lets the box around give the new height.
func (t *jpText) SetText(text string) {
	t.Text = text
	if t.width > 0 && t.rewrap(t.width) && t.relayout != nil {
		t.relayout()
	}
	t.Refresh()
}

func (t *jpText) CreateRenderer() fyne.WidgetRenderer {
	t.label.TextStyle.Bold = t.Bold
	return &jpTextRenderer{t: t}
}

// rewrap lays the text out for width; it reports whether the number of
// lines changed (the height the parent must give).
func (t *jpText) rewrap(width float32) bool {
	t.width = width
	pad := theme.InnerPadding()
	style := fyne.TextStyle{Bold: t.Bold}
	size := theme.TextSize()
	lines := wrapJP(t.Text, max(width-2*pad, 20), func(s string) float32 { return fyne.MeasureText(s, size, style).Width })
	text := strings.Join(lines, "\n")
	if text != t.label.Text {
		t.label.SetText(text)
	}
	changed := len(lines) != t.lines
	t.lines = len(lines)
	return changed
}

type jpTextRenderer struct{ t *jpText }

func (r *jpTextRenderer) Layout(s fyne.Size) {
	if r.t.rewrap(s.Width) && r.t.relayout != nil {
		defer r.t.relayout() // the height follows the new line count
	}
	r.t.label.Resize(s)
	r.t.label.Move(fyne.NewPos(0, 0))
}

func (r *jpTextRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	lineH := fyne.MeasureText("あ", theme.TextSize(), fyne.TextStyle{Bold: r.t.Bold}).Height
	lines := max(r.t.lines, 1)
	return fyne.NewSize(60, float32(lines)*(lineH+theme.LineSpacing())-theme.LineSpacing()+2*pad)
}

func (r *jpTextRenderer) Refresh() {
	r.t.label.TextStyle.Bold = r.t.Bold
	if r.t.width > 0 {
		r.t.rewrap(r.t.width)
	}
	r.t.label.Refresh()
}

func (r *jpTextRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.label} }
func (r *jpTextRenderer) Destroy()                     {}
