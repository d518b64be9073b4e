//go:build smoke

package ui

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/safefile"
)

// The smoke build (-tags smoke, .ci/smoke only) writes what is on screen to
// $KENSHIN_SMOKE_DUMP twice a second, so the script can check what a
// screenshot cannot be asked: the header drawn above the cursor cell, the
// cell's value, the lock. It walks the widgets' renderers, which only
// Fyne's test package exposes; that package must not be linked into the
// product (its init installs a test app), hence the build tag.
func init() { startSmokeDump = smokeDump }

func smokeDump(w *Workbench) {
	path := os.Getenv("KENSHIN_SMOKE_DUMP")
	if path == "" {
		return
	}
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			fyne.Do(func() {
				_ = safefile.WriteFile(path, []byte(w.smokeState())) // best effort: the script waits for the next one
			})
		}
	}()
}

func (w *Workbench) smokeState() string {
	s := fmt.Sprintf("locked=%v\nloggedin=%v\noverlays=%d\ntitle=%s\n", w.locked, w.user != nil, len(w.win.Canvas().Overlays().List()), w.win.Title())
	sh := w.active()
	if sh == nil || w.locked {
		return s
	}
	row, field, ok := sh.pos()
	if !ok {
		return s
	}
	label := sh.fields()[field].Label
	var gridAt, cellAt fyne.Position
	var headers []struct {
		at   fyne.Position
		text string
	}
	smokeWalk(w.win.Canvas().Content(), fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		switch v := o.(type) {
		case *grid:
			if v == sh.grid {
				gridAt = at
			}
		case *cellView:
			if v.outline.StrokeColor == colCursor && v.outline.StrokeWidth == 2 {
				cellAt = at
			}
		case *widget.Label:
			if v.TextStyle.Bold {
				headers = append(headers, struct {
					at   fyne.Position
					text string
				}{at, v.Text})
			}
		}
	})
	above := ""
	for _, h := range headers {
		if h.at.Y >= gridAt.Y && h.at.Y < gridAt.Y+sh.grid.headH && h.at.X > cellAt.X-2 && h.at.X < cellAt.X+2 {
			above = h.text
		}
	}
	return s + fmt.Sprintf("row=%d\ncolumn=%s\nheader=%s\nvalue=%s\ncellx=%.0f\n", row+1, label, above, sh.session.Value(row, field), cellAt.X)
}

func smokeWalk(o fyne.CanvasObject, at fyne.Position, fn func(fyne.CanvasObject, fyne.Position)) {
	if o == nil || !o.Visible() {
		return
	}
	at = at.Add(o.Position())
	fn(o, at)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			smokeWalk(c, at, fn)
		}
	case fyne.Widget:
		if r := test.WidgetRenderer(v); r != nil {
			for _, c := range r.Objects() {
				smokeWalk(c, at, fn)
			}
		}
	}
}
