package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// imeGuard: an Enter that arrives this soon after text an input method
// committed is taken as the key that committed the conversion, not as
// "commit the cell". Committed text is told from typing by its shape: it
// arrives as a burst (runes under imeBurst apart) or is not ASCII (kana,
// kanji, full-width digits). Plain typing, however fast, is never guarded:
// an Enter after typed 46.8 commits the cell.
const (
	imeGuard = 40 * time.Millisecond
	imeBurst = 3 * time.Millisecond
)

// editor is the one-line entry above the table where a cell is edited:
// Enter commits and moves down, Tab commits and moves right, Esc cancels.
type editor struct {
	widget.Entry
	s        *sheet
	lastRune time.Time
	imeLike  bool // the last text looked committed by an input method
}

func newEditor(s *sheet) *editor {
	e := &editor{s: s}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder("セルを選んで Enter / F2 で編集")
	e.OnChanged = func(string) {
		if !s.loading {
			s.editTyped = true // typing, Backspace, paste, cut: the clerk's own change
		}
	}
	return e
}

// AcceptsTab lets Tab commit the cell instead of moving focus.
func (e *editor) AcceptsTab() bool { return true }

// FocusGained starts editing when the clerk clicks into the entry (or
// focus lands there after a dialog): the bar then holds the cell's current
// value, never a stale or blank text.
func (e *editor) FocusGained() {
	e.Entry.FocusGained()
	if !e.s.editing {
		e.s.startEditing()
	}
}

// TypedRune notes when and what text arrived, for the IME guard.
func (e *editor) TypedRune(r rune) {
	e.s.wb.touch()
	e.noteRune(r)
	e.Entry.TypedRune(r)
}

// noteRune records a rune for the IME guard.
func (e *editor) noteRune(r rune) {
	now := e.s.wb.now()
	e.imeLike = r > 0x7e || now.Sub(e.lastRune) < imeBurst
	e.lastRune = now
}

// TypedKey commits or cancels; everything else edits the text.
func (e *editor) TypedKey(k *fyne.KeyEvent) {
	e.s.wb.touch()
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if e.imeLike && e.s.wb.now().Sub(e.lastRune) < imeGuard {
			e.imeLike = false // the next Enter commits the cell
			e.s.say("日本語入力を確定しました。もう一度 Enter を押すとセルを確定します")
			return
		}
		e.s.commitEdit(1, 0)
	case fyne.KeyTab:
		e.s.commitEdit(0, 1)
	case fyne.KeyEscape:
		e.s.cancelEdit()
	default:
		e.Entry.TypedKey(k)
	}
}
