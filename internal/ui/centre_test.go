package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
)

// findSelect is the first Select under o.
func findSelect(o fyne.CanvasObject) *widget.Select {
	switch v := o.(type) {
	case *widget.Select:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if s := findSelect(c); s != nil {
				return s
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if s := findSelect(c); s != nil {
				return s
			}
		}
	}
	return nil
}

// TestSubmitUsesCentreCode: the 保健センター chosen in the submit dialog is
// stored by its code, not by its place in the list.
func TestSubmitUsesCentreCode(t *testing.T) {
	ctx := context.Background()
	w, _, _ := authBench(t)
	// codes no longer follow the list order (the forms share the one list)
	slices.Reverse(w.deps.App.Centres())
	cs := w.deps.App.Centres()
	if len(cs) < 3 {
		t.Fatalf("%d centres", len(cs))
	}
	want, _ := strconv.Atoi(cs[0].Code)
	if want == 1 {
		t.Fatal("the reversed list still starts at code 1")
	}
	loginAs(t, w, "boss")
	if err := w.OpenPath(testdata("samples/m18-dental-survey.csv")); err != nil {
		t.Fatal(err)
	}
	s := w.active().session
	for _, p := range s.OpenCells() {
		if err := s.Confirm(ctx, p.Row, p.Field, reasonMatchesPaper); err != nil {
			t.Fatal(err)
		}
	}
	w.active().changed()
	w.submit()
	if w.submitDlg == nil {
		t.Fatal("no submit dialog")
	}
	sel := findSelect(w.win.Canvas().Overlays().Top())
	if sel == nil {
		t.Fatal("no centre select in the submit dialog")
	}
	sel.SetSelectedIndex(0)
	w.submitDlg.Confirm()
	if w.lastBatch == 0 {
		t.Fatalf("submit did not go through: %q", w.message.Text)
	}
	bs, err := w.deps.App.Batches(ctx, w.session)
	if err != nil || len(bs) != 1 {
		t.Fatalf("batches %v %v", bs, err)
	}
	if bs[0].Centre != want {
		t.Errorf("stored centre %d, want code %d (%s)", bs[0].Centre, want, cs[0].Label)
	}
}

// TestCheckPendingSaysWhatToDo: a submit refused for the second-person
// check tells the clerk who must do what (the GUI has no check screen yet).
func TestCheckPendingSaysWhatToDo(t *testing.T) {
	got := submitError(fmt.Errorf("submit: %w", app.ErrCheckPending), 0).Error()
	for _, want := range []string{"ダブルチェック", "別の利用者", "kenshinctl doublecheck"} {
		if !strings.Contains(got, want) {
			t.Errorf("message %q lacks %q", got, want)
		}
	}
}

// TestAskPassword: the server password prompt waits for the dialog; やめる
// is an error, not an empty password.
func TestAskPassword(t *testing.T) {
	w, _ := newTestBench(t, nil)
	for _, tc := range []struct {
		ok   bool
		want string
	}{{true, "秘密のパスワード"}, {false, ""}} {
		done := make(chan error, 1)
		var got string
		go func() {
			var err error
			got, err = w.AskPassword("db.example.lg.jp")
			done <- err
		}()
		var e *widget.Entry
		for i := 0; i < 200 && e == nil; i++ {
			time.Sleep(10 * time.Millisecond)
			fyne.DoAndWait(func() {
				if top := w.win.Canvas().Overlays().Top(); top != nil && strings.Contains(allText(top), "db.example.lg.jp") {
					e, _ = w.win.Canvas().Focused().(*widget.Entry)
				}
			})
		}
		if e == nil {
			t.Fatal("no password dialog with a focused entry")
		}
		fyne.DoAndWait(func() {
			if tc.ok {
				test.Type(e, tc.want)
				w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
			} else {
				w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			}
		})
		err := <-done
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("got %q %v", got, err)
		}
		if !tc.ok && !errors.Is(err, ErrNoPassword) {
			t.Errorf("cancel: %q %v", got, err)
		}
	}
}
