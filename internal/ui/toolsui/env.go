// Package toolsui holds the review tools' screens of the workbench: the
// second-person check (ダブルチェック), the audit sample (抜き取り検査) and
// the OCR error statistics (誤読統計). Each is a keyboard-first modal view
// over the workbench window, driving the use cases of internal/app. It does
// not import internal/ui (ui imports it): what it needs of the workbench
// comes in an Env the caller fills.
package toolsui

import (
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/form"
	"kenshin/internal/review"
)

// Env is what a screen needs of the workbench.
type Env struct {
	App     *app.App
	Session *app.Session // the user logged in now
	Window  fyne.Window
	// Allow is the workbench's one gate (lock, login, role); false: refused,
	// and the gate has told the clerk why. Every action calls it first.
	Allow func(auth.Action) bool
	// Say puts a line in the status bar.
	Say func(string)
	// SavePath asks where to write a file (title, proposed name, extension
	// with its dot) and calls then with the chosen path.
	SavePath func(title, name, ext string, then func(path string))
	// ShowError shows a failure in a dialog; nil: a plain Fyne dialog.
	ShowError func(what string, err error)
	// ErrorText makes an error readable in Japanese; nil: ErrorText.
	ErrorText func(error) string
	// Touch notes activity for the idle lock; nil: nothing.
	Touch func()
	// Done runs when a screen closes (give the keyboard back); nil: nothing.
	Done func()
	// GoTo puts the table's cursor on the cell of CSV data row row (1-based)
	// and field key, after Done; nil: the screen cannot lead there.
	GoTo func(row int, key string)
	// Now is the clock (the statistics' periods); nil: time.Now.
	Now func() time.Time
}

// ErrRefused is returned by a constructor when Env.Allow refused: the gate
// has already said why, so the caller shows nothing more.
var ErrRefused = errors.New("toolsui: refused by the gate")

func (e Env) allow(a auth.Action) bool {
	if e.Allow == nil {
		return true
	}
	return e.Allow(a)
}

func (e Env) say(s string) {
	if e.Say != nil {
		e.Say(s)
	}
}

func (e Env) touch() {
	if e.Touch != nil {
		e.Touch()
	}
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e Env) text(err error) string {
	if e.ErrorText != nil {
		return e.ErrorText(err)
	}
	return ErrorText(err)
}

func (e Env) showError(what string, err error) {
	if errors.Is(err, ErrRefused) {
		return
	}
	if e.ShowError != nil {
		e.ShowError(what, err)
		return
	}
	if e.Window != nil {
		dialog.ShowError(errors.New(what+"。\n"+e.text(err)), e.Window)
	}
}

// ErrorText keeps the Japanese parts of an error: the app's messages are
// Japanese with English causes wrapped after ": " (「…: auth: not
// allowed」); the clerk reads the Japanese only. An error with no Japanese
// part is returned whole.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	var keep []string
	for part := range strings.SplitSeq(s, ": ") {
		if hasWide(part) {
			keep = append(keep, part)
		}
	}
	if len(keep) == 0 {
		return s
	}
	return strings.Join(keep, "：")
}

func hasWide(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && r > 0x2000 {
			return true
		}
	}
	return false
}

// Bar colours of the charts (the workbench's cursor blue and warning amber).
var (
	colBar  = color.NRGBA{0x15, 0x65, 0xC0, 0xCC}
	colBar2 = color.NRGBA{0xB2, 0x5E, 0x00, 0xCC}
)

// frame is a screen shown as a modal pop-up over the window: a title and
// a progress line on top, a body that scrolls, a message line below.
type frame struct {
	env Env
	pop *widget.PopUp

	title, progress, msg *widget.Label
	body                 *fyne.Container
	content              fyne.CanvasObject
}

// page builds the frame's scaffold.
func (fr *frame) page() {
	fr.title = bold("")
	fr.progress = widget.NewLabel("")
	fr.msg = widget.NewLabel("")
	fr.msg.Wrapping = fyne.TextWrapWord
	fr.body = container.NewVBox()
	fr.content = container.NewBorder(container.NewVBox(fr.title, fr.progress, widget.NewSeparator()), fr.msg, nil, nil, container.NewVScroll(fr.body))
}

// open builds a screen and shows it, or says why it cannot (what:
// 「…を開けません」) and returns nil.
func open[S interface{ Show() }](env Env, what string, build func() (S, error)) S {
	sc, err := build()
	if err != nil {
		env.showError(what, err)
		var none S
		return none
	}
	sc.Show()
	return sc
}

// show opens content over the window at 90 % of its size and focuses f.
func (fr *frame) show(content fyne.CanvasObject, f fyne.Focusable) {
	c := fr.env.Window.Canvas()
	fr.pop = widget.NewModalPopUp(content, c)
	size := c.Size()
	fr.pop.Resize(fyne.NewSize(max(size.Width*0.9, 640), max(size.Height*0.9, 440)))
	fr.pop.Show()
	fr.focus(f)
}

// focus gives f the keyboard once the screen is shown.
func (fr *frame) focus(f fyne.Focusable) {
	if fr.pop != nil && f != nil {
		fr.env.Window.Canvas().Focus(f)
	}
}

// close hides the pop-up and gives the keyboard back.
func (fr *frame) close() {
	if fr.pop == nil {
		return
	}
	if c := fr.env.Window.Canvas(); c != nil {
		c.Unfocus() // an entry inside would keep its cursor blinking
	}
	fr.pop.Hide()
	fr.pop = nil
	if fr.env.Done != nil {
		fr.env.Done()
	}
}

// keyEntry is a one-line field whose screen keys (Enter, Esc, moves) go
// to its screen: a Fyne entry keeps them to itself.
type keyEntry struct {
	widget.Entry
	keys map[fyne.KeyName]func()
}

func newKeyEntry(placeholder string) *keyEntry {
	e := &keyEntry{keys: map[fyne.KeyName]func(){}}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(placeholder)
	return e
}

// on binds f to the keys.
func (e *keyEntry) on(f func(), keys ...fyne.KeyName) {
	for _, k := range keys {
		e.keys[k] = f
	}
}

// TypedKey runs a bound key, else edits.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if f := e.keys[k.Name]; f != nil {
		f()
		return
	}
	e.Entry.TypedKey(k)
}

// cropView is a field's crop from the OCR service (rel: as the CSV names
// it, relative to the CSV's folder dir), large enough to read.
func cropView(dir, rel string) fyne.CanvasObject {
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, rel)
	}
	if _, err := os.Stat(p); err != nil {
		return widget.NewLabel("画像が見つかりません: " + rel)
	}
	img := canvas.NewImageFromFile(p)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(560, 140)) // the crop is 4:1
	return container.NewVBox(bold("用紙の画像"), img)
}

// where tells the clerk which paper form a 1-based row is: its number,
// its CSV line and, unless withheld, its 宛名番号 and 氏名カナ.
func where(rv *review.Session, row int, atena, kana bool) string {
	if row < 1 || row > rv.Len() {
		return fmt.Sprintf("%d 件目", row)
	}
	out := fmt.Sprintf("%d 件目（CSV %d 行目）", row, rv.Line(row-1))
	f := rv.Batch.Form
	if fd := f.Field(form.KeyAtena); atena && fd != nil {
		if v := rv.Value(row-1, fd.Index); v != "" {
			out += "　宛名番号 " + v
		}
	}
	if fd := f.Field(form.KeyKana); kana && fd != nil {
		out += "　" + rv.Value(row-1, fd.Index)
	}
	return out
}

// helpLine is the keys of a screen, at the bottom.
func helpLine(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func bold(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	return l
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func quote(s string) string {
	if s == "" {
		return "（空欄）"
	}
	return "「" + s + "」"
}

// KeyHelp is the keys of the tools' screens, for the workbench's
// 「ヘルプ → キー操作」.
const KeyHelp = `ツール → ダブルチェック: 1 見て確認／2 見ずに再入力　Enter 始める・確認（入力）して次へ　↑↓ 前後の項目　F3 不一致の判断（確認者）　Esc 戻る
ツール → 抜き取り検査: 1・Enter 正しい　2 誤り　Backspace 前のセル（付け直し）　↑↓ 移動　Esc 閉じる
ツール → 誤読統計: 1〜6 期間　←→ 表の切り替え　E（Ctrl+E）Excel に出力　F5 再集計　Esc 閉じる`
