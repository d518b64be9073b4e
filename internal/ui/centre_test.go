package ui

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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
