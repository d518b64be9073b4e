package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// keyDialog is a dialog that answers the keyboard the way every dialog of
// the workbench must: Enter takes the default action, Esc cancels,
// wherever the focus is inside it. Fyne's dialogs answer neither.
type keyDialog struct {
	d       dialog.Dialog
	confirm func()
	win     fyne.Window
	prev    func(*fyne.KeyEvent)
	closed  bool
}

// showKeyDialog shows content with ok/cancel buttons (ok "": one button,
// cancel, that closes it), focuses first (nil: nothing focused, the
// canvas takes the keys) and calls done once.
func showKeyDialog(win fyne.Window, title, ok, cancel string, content fyne.CanvasObject, first fyne.Focusable, done func(ok bool)) *keyDialog {
	k := &keyDialog{win: win}
	finish := func(answer bool) {
		if k.closed {
			return
		}
		k.closed = true
		win.Canvas().SetOnTypedKey(k.prev)
		done(answer)
	}
	if ok == "" {
		d := dialog.NewCustom(title, cancel, content, win)
		d.SetOnClosed(func() { finish(false) })
		k.d, k.confirm = d, d.Hide
	} else {
		d := dialog.NewCustomConfirm(title, ok, cancel, content, finish, win)
		k.d, k.confirm = d, d.Confirm
	}
	// with nothing focused the canvas gets the keys
	k.prev = win.Canvas().OnTypedKey()
	win.Canvas().SetOnTypedKey(k.typedKey)
	k.d.Resize(fyne.NewSize(460, 200))
	k.d.Show()
	if e, ok := first.(*dialogEntry); ok {
		e.owner = k
	}
	submitOnEnter(content, k)
	if first != nil {
		win.Canvas().Focus(first)
	}
	return k
}

// submitOnEnter makes Enter in every one-line text field of content take
// the dialog's default action: a focused field gets the keys, not the
// canvas, so typedKey never sees them (the password and 保存先 fields).
func submitOnEnter(content fyne.CanvasObject, k *keyDialog) {
	switch v := content.(type) {
	case *widget.Entry:
		if !v.MultiLine && v.OnSubmitted == nil {
			v.OnSubmitted = func(string) { k.Confirm() }
		}
	case *widget.Form:
		for _, it := range v.Items {
			submitOnEnter(it.Widget, k)
		}
	case *fyne.Container:
		for _, o := range v.Objects {
			submitOnEnter(o, k)
		}
	case *container.Scroll:
		submitOnEnter(v.Content, k)
	}
}

// Confirm answers the dialog with its default action.
func (k *keyDialog) Confirm() { k.confirm() }

// Hide cancels the dialog.
func (k *keyDialog) Hide() { k.d.Hide() }

func (k *keyDialog) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k.Confirm()
	case fyne.KeyEscape:
		k.Hide()
	default:
		if k.prev != nil {
			k.prev(e)
		}
	}
}

// dialogEntry is a text field with a list of choices that passes Enter and
// Esc on to its dialog. The choices are reached from the keyboard: ↓ / ↑
// step through them, and so does Space while the field holds a choice as
// it is (a reason typed by hand keeps its spaces).
type dialogEntry struct {
	widget.SelectEntry
	owner   *keyDialog
	options []string
}

func newDialogEntry(options []string) *dialogEntry {
	e := &dialogEntry{options: options}
	e.ExtendBaseWidget(e)
	e.SetOptions(options)
	return e
}

// step moves to the next (dir 1) or previous (dir -1) choice, wrapping.
func (e *dialogEntry) step(dir int) {
	if len(e.options) == 0 {
		return
	}
	i := slices.Index(e.options, e.Text)
	switch {
	case i < 0 && dir > 0:
		i = 0
	case i < 0:
		i = len(e.options) - 1
	default:
		i = (i + dir + len(e.options)) % len(e.options)
	}
	e.SetText(e.options[i])
	e.CursorColumn = len([]rune(e.Text))
	e.Refresh()
}

// TypedKey: Enter and Esc answer the dialog; ↓ ↑ choose; other keys edit.
func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		if e.owner != nil {
			e.owner.typedKey(ev)
			return
		}
	case fyne.KeyDown:
		e.step(1)
		return
	case fyne.KeyUp:
		e.step(-1)
		return
	}
	e.SelectEntry.TypedKey(ev)
}

// TypedRune: Space on a choice as offered steps to the next choice.
func (e *dialogEntry) TypedRune(r rune) {
	if r == ' ' && slices.Contains(e.options, e.Text) {
		e.step(1)
		return
	}
	e.SelectEntry.TypedRune(r)
}

// searchEntry is the Ctrl+F field: Enter goes back to the table with the
// rows found, Esc clears the search and goes back.
type searchEntry struct {
	widget.Entry
	s *sheet
}

func newSearchEntry(s *sheet) *searchEntry {
	e := &searchEntry{s: s}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey: Enter and Esc return to the table.
func (e *searchEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		e.s.toTable()
		if len(e.s.visible) == 0 && e.Text != "" {
			// an empty table takes the keys all the same: say how back
			e.s.say("「" + e.Text + "」に当たる行はありません（Esc で検索を解除）")
		}
	case fyne.KeyEscape:
		e.SetText("")
		e.s.toTable()
	default:
		e.Entry.TypedKey(ev)
	}
}

// detailMinWidth is the detail pane's fixed minimum width.
const detailMinWidth = 320

// fixedWidth reports a fixed minimum width whatever its content wants, so
// a split beside it keeps its place when the content changes.
type fixedWidth struct{ width float32 }

func (l *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, min(h, 100))
}

func (l *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// prefAdvance turns off moving on to the next finding after a decision.
const prefAdvance = "advanceAfterDecision"

// advanceAfterDecision: F4, F6, F7 and Enter after a fix move on to the
// next open finding (one key per decision) unless the clerk turned it off.
func (w *Workbench) advanceAfterDecision() bool {
	return w.app.Preferences().BoolWithFallback(prefAdvance, true)
}

// AdvanceMenuItem is the 編集 menu's checked item that turns moving on
// after a decision on and off. The lead adds it to the menu.
func (w *Workbench) AdvanceMenuItem() *fyne.MenuItem {
	it := fyne.NewMenuItem("確定したら次の指摘へ進む", nil)
	it.Checked = w.advanceAfterDecision()
	it.Action = func() {
		on := !w.advanceAfterDecision()
		w.app.Preferences().SetBool(prefAdvance, on)
		it.Checked = on
	}
	return it
}
