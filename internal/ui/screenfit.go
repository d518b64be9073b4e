package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// firstSize is the window's size when the screen has room for it.
var firstSize = fyne.NewSize(1400, 860)

// Room the window leaves on the screen: the title bar and a taskbar
// (Windows' is 40–48 px) below, a little at the sides.
const (
	screenMarginW = 16
	screenMarginH = 80
)

// fitSize is want, shrunk to fit a screen of the given size (zero: the
// screen is unknown, want as it is).
func fitSize(want, screen fyne.Size) fyne.Size {
	if screen.Width <= 0 || screen.Height <= 0 {
		return want
	}
	return fyne.NewSize(min(want.Width, screen.Width-screenMarginW), min(want.Height, screen.Height-screenMarginH))
}

// fitToScreen resizes the window to fit the primary screen (a 1400×860
// window on a 1280×800 screen hid the status bar and the detail pane's
// buttons). It needs GLFW running: New calls it once the app has started,
// on the main thread; under the test driver there is no screen to ask.
func (w *Workbench) fitToScreen() {
	nw, ok := w.win.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(any) {
		m := glfw.GetPrimaryMonitor()
		if m == nil {
			return
		}
		mode := m.GetVideoMode()
		if mode == nil {
			return
		}
		scale := w.win.Canvas().Scale()
		if scale <= 0 {
			scale = 1
		}
		screen := fyne.NewSize(float32(mode.Width)/scale, float32(mode.Height)/scale)
		if size := fitSize(firstSize, screen); size != firstSize {
			w.win.Resize(size)
		}
	})
}
