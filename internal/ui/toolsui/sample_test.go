package toolsui

import (
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/fixture"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/sampling"
	"kenshin/internal/submission"
)

// TestSampleMarksAndAttaches: clerk1 marks every sampled cell from the
// keyboard (one wrong, one mark changed with Backspace); the estimate on
// screen is sampling's; the submit flow attaches it and the store keeps it.
func TestSampleMarksAndAttaches(t *testing.T) {
	b := newBench(t)
	b.a.DoubleCheckOff = true
	s := reviewed(t, 30, 61)
	sv, err := NewSample(b.env(b.u.Clerk), s)
	if err != nil {
		t.Fatal(err)
	}
	sv.Show()
	sm := sv.Drawn()
	n := len(sm.Cells)
	if want := sampling.Size(len(sampling.Unflagged(s))); n != want || n < sampling.MinCells {
		t.Fatalf("%d cells; want %d", n, want)
	}
	if !strings.Contains(sv.progress.Text, "1 / "+strconv.Itoa(n)) {
		t.Errorf("progress %q", sv.progress.Text)
	}
	c := sm.Cells[0]
	f := s.Batch.Form.Field(c.Key)
	if got := texts(sv.content); !strings.Contains(got, "「"+f.Label+"」") || !strings.Contains(got, quote(s.Value(c.Row-1, f.Index))) {
		t.Errorf("the first cell (%d %s) is not shown with its value:\n%s", c.Row, c.Key, got)
	}
	if _, err := AttachSample(b.a, b.u.Clerk, s, &app.Submission{Batch: &submission.Batch{}}); err != nil {
		t.Fatal(err)
	}
	if FinishedSample(s) != nil {
		t.Error("an unmarked sample counts as finished")
	}
	b.typeText(t, "1")
	b.typeText(t, "2") // cell 1 wrong…
	b.press(t, fyne.KeyBackspace)
	if sv.cur != 1 {
		t.Fatalf("Backspace went to %d; want 1", sv.cur)
	}
	b.typeText(t, "1") // …no: right after all
	b.press(t, fyne.KeyReturn)
	b.typeText(t, "2") // cell 3 wrong
	for sv.cur < n {
		b.press(t, fyne.KeyReturn)
	}
	if !sm.Complete() {
		t.Fatal("not every cell marked")
	}
	for i, m := range sm.Marks {
		if want := sampling.Right; (i == 3) != (m == sampling.Wrong) || m == sampling.Unmarked {
			t.Errorf("cell %d marked %d (want wrong only at 3, else %d)", i, m, want)
		}
	}
	est, err := sm.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sampling.Compute(1, n, sm.Population)
	if est != want {
		t.Errorf("estimate %+v; want %+v", est, want)
	}
	got := texts(sv.content)
	if !strings.Contains(got, est.String()) || !strings.Contains(got, "Clopper–Pearson") || !strings.Contains(got, "95 % 上限") {
		t.Errorf("the result does not show the estimate %q:\n%s", est.String(), got)
	}
	b.press(t, fyne.KeyEscape)
	// reopened: the same sample, not a new draw
	again, err := NewSample(b.env(b.u.Clerk), s)
	if err != nil || again.Drawn() != sm || !again.finished() {
		t.Fatalf("reopened: %v, same %v, finished %v", err, again.Drawn() == sm, again.finished())
	}
	if ev := b.events(t, app.KindSampleDrawn); len(ev) != 1 {
		t.Errorf("%d draws logged; want 1", len(ev))
	}

	sub, err := b.a.PrepareSubmit(ctx, b.u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := AttachSample(b.a, b.u.Clerk, s, sub); !ok || err != nil {
		t.Fatalf("attach: %v, %v", ok, err)
	}
	res, err := b.a.Submit(ctx, b.u.Clerk, sub, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored := loadBatch(t, b, res.BatchID).Sample
	if stored == nil || stored.N != n || stored.Errors != 1 || stored.Summary != est.String() || stored.Seed != sm.Seed ||
		len(stored.Wrong) != 1 || stored.Wrong[0] != (submission.SampleCell{Row: sm.Cells[3].Row, Key: sm.Cells[3].Key}) {
		t.Errorf("stored sample %+v", stored)
	}
}

// TestSampleShowsCrop: with a CSV that names crops, the sampled cell is
// shown with its image, found beside the CSV.
func TestSampleShowsCrop(t *testing.T) {
	b := newBench(t)
	path := filepath.Join("..", "..", "..", "testdata", "samples", "m4-exam-images.csv")
	bt, err := ocrcsv.ReadFile(path, fixture.Forms(t), ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := review.Open(bt, review.Options{User: "clerk1", Growth: fixture.Forms(t).Growth, Now: fixture.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := NewSample(b.env(b.u.Clerk), s)
	if err != nil {
		t.Fatal(err)
	}
	sv.Show()
	shown := 0
	for i, c := range sv.Drawn().Cells {
		sv.goTo(i)
		rel := s.Batch.Image(c.Row-1, s.Batch.Form.Field(c.Key).Index)
		img := findImage(sv.body)
		switch {
		case rel == "" && img != nil:
			t.Errorf("cell %d has no crop, yet an image is shown", i)
		case rel != "" && (img == nil || img.File != filepath.Join(filepath.Dir(path), rel)):
			t.Errorf("cell %d: crop %q not shown (%v)", i, rel, img)
		case rel != "":
			shown++
		}
	}
	if shown == 0 {
		t.Fatal("no sampled cell had a crop: the test checked nothing")
	}
}

func findImage(o fyne.CanvasObject) *canvas.Image {
	switch v := o.(type) {
	case *canvas.Image:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if img := findImage(c); img != nil {
				return img
			}
		}
	}
	return nil
}

// TestSampleRefusedKeptForgotten: the gate refuses a user without the
// edit right; the sample of a file outlives its review (the tab closed
// for a user switch) until ForgetSample.
func TestSampleRefusedKeptForgotten(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 30, 62)
	if _, err := NewSample(b.env(b.u.Admin), s); !errors.Is(err, ErrRefused) || !slices.Contains(b.gated, auth.EditCell) {
		t.Errorf("admin1: %v, gate %v", err, b.gated)
	}
	sv, err := NewSample(b.env(b.u.Clerk), s)
	if err != nil {
		t.Fatal(err)
	}
	reopened := reviewed(t, 30, 62) // the same file opened again
	again, err := NewSample(b.env(b.u.Clerk), reopened)
	if err != nil || again.Drawn() != sv.Drawn() {
		t.Fatalf("reopened file: %v, same sample %v", err, again.Drawn() == sv.Drawn())
	}
	ForgetSample(reopened)
	if sampleOf(s) != nil {
		t.Error("ForgetSample kept the sample")
	}
	other := reviewed(t, 30, 63)
	if fresh, err := NewSample(b.env(b.u.Clerk), other); err != nil || fresh.Drawn() == sv.Drawn() {
		t.Errorf("another file: %v, shares the sample", err)
	}
	if ev := b.events(t, app.KindSampleDrawn); len(ev) != 2 {
		t.Errorf("%d draws logged; want 2 (two files)", len(ev))
	}
}

// TestSampleStatus: the submit dialog's line says whether a sample was
// done, and a sample marked only in part refuses the submit (walkthrough
// 1: a partial sample was dropped without a word).
func TestSampleStatus(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 30, 62)
	line, err := SampleStatus(b.a, b.u.Clerk, s)
	if err != nil || !strings.Contains(line, "していません") {
		t.Fatalf("none drawn: %q %v", line, err)
	}
	sv, err := NewSample(b.env(b.u.Clerk), s)
	if err != nil {
		t.Fatal(err)
	}
	sv.Show()
	sm := sv.Drawn()
	b.typeText(t, "1")
	b.typeText(t, "2")
	line, err = SampleStatus(b.a, b.u.Clerk, s)
	if !errors.Is(err, ErrSampleUnfinished) || !strings.Contains(line, "途中（2 / "+strconv.Itoa(len(sm.Cells))+" セル）") {
		t.Fatalf("partly marked: %q %v", line, err)
	}
	for sv.cur < len(sm.Cells) {
		b.press(t, fyne.KeyReturn)
	}
	line, err = SampleStatus(b.a, b.u.Clerk, s)
	if err != nil || !strings.Contains(line, "済み") || !strings.Contains(line, "誤り 1") {
		t.Fatalf("finished: %q %v", line, err)
	}
}

// Walkthrough 10: Enter on the result leads to the first cell marked wrong,
// so the clerk corrects it against the paper.
func TestSampleResultLeadsToTheWrongCell(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 30, 63)
	env := b.env(b.u.Clerk)
	var went []string
	env.GoTo = func(row int, key string) { went = append(went, strconv.Itoa(row)+" "+key) }
	sv, err := NewSample(env, s)
	if err != nil {
		t.Fatal(err)
	}
	sv.Show()
	sm := sv.Drawn()
	b.typeText(t, "1")
	b.typeText(t, "2") // cell 1 wrong
	for sv.cur < len(sm.Cells) {
		b.press(t, fyne.KeyReturn)
	}
	if got := texts(sv.content); !strings.Contains(got, "誤りのセルへ移動") {
		t.Errorf("the result does not offer the way to the wrong cell:\n%s", got)
	}
	b.press(t, fyne.KeyReturn)
	want := strconv.Itoa(sm.Cells[1].Row) + " " + sm.Cells[1].Key
	if len(went) != 1 || went[0] != want {
		t.Fatalf("went to %v, want %s", went, want)
	}
}
