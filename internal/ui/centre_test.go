package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
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
	fixture.Clean(t, s)
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
// check tells the clerk who must do what, and where (ツール → ダブルチェック).
func TestCheckPendingSaysWhatToDo(t *testing.T) {
	got := submitError(fmt.Errorf("submit: %w", app.ErrCheckPending), 0).Error()
	for _, want := range []string{"ダブルチェック", "別の利用者", "ツール → ダブルチェック"} {
		if !strings.Contains(got, want) {
			t.Errorf("message %q lacks %q", got, want)
		}
	}
}

// TestAskPassword: the server password prompt gives the typed password;
// やめる is no answer, not an empty password.
func TestAskPassword(t *testing.T) {
	w, _ := newTestBench(t, nil)
	for _, tc := range []struct {
		ok   bool
		want string
	}{{true, "秘密のパスワード"}, {false, ""}} {
		var got string
		answered, gotOK := false, false
		w.askPassword("db.example.lg.jp", func(pw string, ok bool) { got, gotOK, answered = pw, ok, true })
		top := w.win.Canvas().Overlays().Top()
		if top == nil || !strings.Contains(allText(top), "db.example.lg.jp") {
			t.Fatal("no password dialog naming the server")
		}
		e, _ := w.win.Canvas().Focused().(*widget.Entry)
		if e == nil || !e.Password {
			t.Fatal("the password entry does not have the focus")
		}
		if tc.ok {
			test.Type(e, tc.want)
			w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
		} else {
			w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		}
		if !answered || gotOK != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("answered %v ok %v %q, want ok %v %q", answered, gotOK, got, tc.ok, tc.want)
		}
	}
}

// Walkthrough 17: the submit dialog says, before 送信する, whether the
// second-person check and the audit sample are done.
func TestSubmitDialogSaysWhatIsDone(t *testing.T) {
	w, _, _ := authBench(t)
	w.deps.App.DoubleCheckOff = false
	loginAs(t, w, "clerk1")
	if err := w.OpenPath(testdata("samples/m18-dental-survey.csv")); err != nil {
		t.Fatal(err)
	}
	fixture.Clean(t, w.active().session)
	w.active().changed()
	w.submit()
	if w.submitDlg == nil {
		t.Fatal("no submit dialog")
	}
	all := allText(w.win.Canvas().Overlays().Top())
	for _, want := range []string{"ダブルチェック: まだです", "抜き取り検査: していません"} {
		if !strings.Contains(all, want) {
			t.Errorf("the submit dialog lacks %q:\n%s", want, all)
		}
	}
}
