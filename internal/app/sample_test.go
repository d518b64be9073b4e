package app_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/sampling"
	"kenshin/internal/submission"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// restartable is a terminal that can be shut down and started again: a
// fresh App over the central store and the working copy at the same path.
type restartable struct {
	t    *testing.T
	base *app.App
	st   app.Store
	path string
	a    *app.App
	ws   *workspace.Store
}

func (r *restartable) start() workcopy.Adapter {
	r.t.Helper()
	ws, err := workspace.Open(ctx, r.path, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.ws = ws
	r.a = over(r.base, r.st)
	app.ManualShipping(r.a)
	return workcopy.Adapter{Store: ws}
}

func (r *restartable) stop() {
	r.t.Helper()
	r.a.Close()
	if err := r.ws.Close(); err != nil {
		r.t.Fatal(err)
	}
}

func newRestartable(t *testing.T) (*restartable, fixture.Users) {
	a, st := newApp(t)
	u := fixture.SetUp(t, a)
	r := &restartable{t: t, base: a, st: st, path: filepath.Join(t.TempDir(), "ws", "work.db")}
	t.Cleanup(func() {
		if r.ws != nil {
			_ = r.ws.Close()
		}
	})
	return r, u
}

// TestSampleSurvivesRestart: draw, mark 5, quit the App and the working
// copy, start again: the same sample comes back with the 5 marks, and
// opening the screen again does not draw a second one.
func TestSampleSurvivesRestart(t *testing.T) {
	r, u := newRestartable(t)
	csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 30, Seed: 61})
	rv, err := r.firstOpen(csv, u)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := r.a.DrawSample(ctx, u.Clerk, rv.Session)
	if err != nil {
		t.Fatal(err)
	}
	if len(sm.Cells) < sampling.MinCells {
		t.Fatalf("%d cells drawn", len(sm.Cells))
	}
	for i := range 5 {
		who := u.Clerk // three by the clerk, two by the supervisor
		if i >= 3 {
			who = u.Boss
		}
		if err := r.a.MarkSample(ctx, who, rv.Session, sm, i, i == 2); err != nil {
			t.Fatal(err)
		}
	}
	by := make([]string, len(sm.Cells))
	copy(by, []string{"clerk1", "clerk1", "clerk1", "boss", "boss"})
	want := &sampling.Sample{Seed: sm.Seed, Population: sm.Population, Cells: sm.Cells, Marks: sm.Marks, By: by}
	r.stop()

	wc := r.start()
	rv2, err := r.a.OpenReview(ctx, u.Clerk, wc, csv, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.a.KeptSample(ctx, u.Clerk, rv2.Session)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after restart\n got %+v\nwant %+v", got, want)
	}
	if marked, wrong := got.Counts(); marked != 5 || wrong != 1 {
		t.Errorf("marked %d wrong %d, want 5 and 1", marked, wrong)
	}
	again, err := r.a.DrawSample(ctx, u.Clerk, rv2.Session)
	if err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("DrawSample after restart drew anew: %+v %v", again, err)
	}
	spooled, err := r.ws.UnsentAudit(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	drawn := 0
	for _, e := range spooled {
		if e.Kind == app.KindSampleDrawn {
			drawn++
		}
	}
	if drawn != 1 {
		t.Errorf("%d draws spooled, want 1", drawn)
	}
	// the batch names who marked, not who submits
	for i := 5; i < len(got.Cells); i++ {
		if err := r.a.MarkSample(ctx, u.Clerk, rv2.Session, got, i, false); err != nil {
			t.Fatal(err)
		}
	}
	sub := &app.Submission{Batch: &submission.Batch{}}
	if _, err := r.a.AttachSample(u.Boss, sub, got); err != nil {
		t.Fatal(err)
	}
	if sub.Batch.Sample.By != "clerk1、boss" {
		t.Errorf("the sample is recorded as done by %q, want clerk1、boss", sub.Batch.Sample.By)
	}
	r.stop()
}

func (r *restartable) firstOpen(csv string, u fixture.Users) (*app.Review, error) {
	wc := r.start()
	return r.a.OpenReview(ctx, u.Clerk, wc, csv, "")
}

// TestSampledCellEditedAfterDraw: a sampled cell corrected before it was
// marked leaves the sample (and stays out after a restart); one corrected
// after it was marked keeps its mark, which can no longer be changed.
func TestSampledCellEditedAfterDraw(t *testing.T) {
	tests := []struct {
		name        string
		markFirst   bool
		wantDropped int
		remark      error // marking the edited cell the other way
	}{
		{"edited before marking: dropped", false, 1, nil},
		{"edited after marking: kept", true, 0, app.ErrSampleCellEdited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, u := newRestartable(t)
			csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 30, Seed: 61})
			rv, err := r.firstOpen(csv, u)
			if err != nil {
				t.Fatal(err)
			}
			sm, err := r.a.DrawSample(ctx, u.Clerk, rv.Session)
			if err != nil {
				t.Fatal(err)
			}
			n := len(sm.Cells)
			const at = 3
			c := sm.Cells[at]
			if tt.markFirst {
				if err := r.a.MarkSample(ctx, u.Clerk, rv.Session, sm, at, true); err != nil {
					t.Fatal(err)
				}
			}
			f := rv.Batch.Form.Field(c.Key)
			if err := rv.Edit(ctx, c.Row-1, f.Index, rv.Value(c.Row-1, f.Index)+"9", ""); err != nil {
				t.Fatal(err)
			}
			dropped, err := r.a.ReconcileSample(ctx, u.Clerk, rv.Session, sm)
			if err != nil {
				t.Fatal(err)
			}
			if len(dropped) != tt.wantDropped || len(sm.Cells) != n-tt.wantDropped || len(sm.Marks) != len(sm.Cells) {
				t.Fatalf("dropped %v, %d cells left of %d", dropped, len(sm.Cells), n)
			}
			if tt.wantDropped > 0 {
				if dropped[0] != c || app.DroppedNote(dropped, len(sm.Cells)) == "" {
					t.Errorf("dropped %v, want %v", dropped, c)
				}
				if err := r.a.MarkSample(ctx, u.Clerk, rv.Session, sm, at, false); err != nil { // now the next cell
					t.Fatal(err)
				}
			} else if err := r.a.MarkSample(ctx, u.Clerk, rv.Session, sm, at, false); !errors.Is(err, tt.remark) {
				t.Errorf("re-marking the edited cell: %v, want %v", err, tt.remark)
			}
			want := &sampling.Sample{Seed: sm.Seed, Population: sm.Population, Cells: sm.Cells, Marks: sm.Marks, By: sm.By}
			r.stop()

			wc := r.start()
			rv2, err := r.a.OpenReview(ctx, u.Clerk, wc, csv, "")
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.a.KeptSample(ctx, u.Clerk, rv2.Session)
			if err != nil {
				t.Fatal(err)
			}
			if again, err := r.a.ReconcileSample(ctx, u.Clerk, rv2.Session, got); err != nil || len(again) != 0 {
				t.Errorf("reconciled again after restart: %v %v", again, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after restart\n got %+v\nwant %+v", got, want)
			}
			r.stop()
		})
	}
}
