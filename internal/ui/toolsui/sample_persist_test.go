package toolsui

import (
	"path/filepath"
	"strings"
	"testing"

	"kenshin/internal/app"
	"kenshin/internal/fixture"
	"kenshin/internal/sampling"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

// TestSampleScreenResumesAfterRestart: the clerk marks 5 cells and quits;
// the next process (fresh App, no cached sample) opens the screen on the
// same 5 marks at the first unmarked cell. A cell corrected in the table
// before it was marked is dropped, and the screen says so.
func TestSampleScreenResumesAfterRestart(t *testing.T) {
	tests := []struct {
		name       string
		editNext   bool // correct the 6th sampled cell (unmarked) before the restart
		editMarked bool // correct the 3rd (marked wrong) before the restart
		wantNote   string
	}{
		{"plain restart", false, false, ""},
		{"a sampled cell corrected before marking", true, false, "1 件を、判定前だったため抜き取りから外しました"},
		{"a cell found wrong, then corrected", false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBench(t)
			path := filepath.Join(t.TempDir(), "ws", "work.db")
			csv := fixture.Write(t, t.TempDir(), fixture.File{Form: "m4-exam", Rows: 30, Seed: 61})
			run := func(a *app.App) (*workspace.Store, *app.Review) {
				ws, err := workspace.Open(ctx, path, nil)
				if err != nil {
					t.Fatal(err)
				}
				rv, err := a.OpenReview(ctx, b.u.Clerk, workcopy.Adapter{Store: ws}, csv, "")
				if err != nil {
					t.Fatal(err)
				}
				return ws, rv
			}
			ws, rv := run(b.a)
			sv, err := NewSample(b.env(b.u.Clerk), rv.Session)
			if err != nil {
				t.Fatal(err)
			}
			sv.Show()
			b.typeText(t, "11211")
			cells := append([]sampling.Cell(nil), sv.Drawn().Cells...)
			for _, k := range []int{5, 2} {
				if k == 5 && !tt.editNext || k == 2 && !tt.editMarked {
					continue
				}
				c := cells[k]
				f := rv.Batch.Form.Field(c.Key)
				if err := rv.Edit(ctx, c.Row-1, f.Index, rv.Value(c.Row-1, f.Index)+"9", ""); err != nil {
					t.Fatal(err)
				}
			}
			b.a.Close()
			if err := ws.Close(); err != nil {
				t.Fatal(err)
			}
			samples.Lock()
			clear(samples.m) // the process ended
			samples.Unlock()

			a2 := app.New(b.st, b.a.Forms)
			a2.Now = b.a.Now
			b.a = a2
			ws, rv = run(a2)
			t.Cleanup(func() { _ = ws.Close() })
			sv, err = NewSample(b.env(b.u.Clerk), rv.Session)
			if err != nil {
				t.Fatal(err)
			}
			sm := sv.Drawn()
			marked, wrong := sm.Counts()
			if marked != 5 || wrong != 1 || sm.Marks[2] != sampling.Wrong || sv.cur != 5 {
				t.Errorf("after restart: marked %d wrong %d marks %v cursor %d", marked, wrong, sm.Marks[:6], sv.cur)
			}
			wantCells := len(cells)
			if tt.editNext {
				wantCells--
			}
			if len(sm.Cells) != wantCells {
				t.Errorf("%d cells after restart, want %d", len(sm.Cells), wantCells)
			}
			if !strings.Contains(sv.msg.Text, tt.wantNote) || (tt.wantNote == "") != (sv.msg.Text == "") {
				t.Errorf("message %q, want %q", sv.msg.Text, tt.wantNote)
			}
			if tt.editMarked { // the mark stays, is shown as given before the correction, and cannot be changed
				sv.Show()
				sv.goTo(2)
				if got := texts(sv.content); !strings.Contains(got, "判定のあとで表で修正されました") {
					t.Errorf("the corrected cell is not marked as such:\n%s", got)
				}
				b.typeText(t, "1")
				if sm.Marks[2] != sampling.Wrong || !strings.Contains(sv.msg.Text, "判定を付けられません") {
					t.Errorf("re-marked the corrected cell: mark %v, message %q", sm.Marks[2], sv.msg.Text)
				}
			}
		})
	}
}
