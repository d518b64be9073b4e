package review

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
)

type memJournal struct {
	got  []Change
	fail error
}

func (j *memJournal) Append(_ context.Context, cs ...Change) error {
	if j.fail != nil {
		return j.fail
	}
	j.got = append(j.got, cs...)
	return nil
}

var ctx = context.Background()

const csvText = "宛名番号,氏名カナ,生年月日,性別,受診日,会場,身長,身長_確信度,体重,頭囲,胸囲,栄養法,首のすわり,追視,股関節開排制限,斜頸,心雑音,皮膚,臍ヘルニア,その他,判定\n" +
	"000000000000001,サトウ ハルト,R7.6.10,1,R7.10.1,1,62.5,95,660,41.0,40.8,1,1,1,1,1,1,1,1,1,1\n" + // 体重 660: lost point
	"000000000000002,スズキ ユイ,R7.6.12,2,R7.10.1,1,61.0,40,6.20,40.0,39.8,1,1,1,1,1,2,1,1,1,1\n" + // 身長 low confidence; 心雑音 with 異常なし
	"000000000000003,タナカ ソウタ,R7.6.20,1,R7.10.1,2,63.0,99,6.90,41.5,41.0,2,1,1,1,1,1,1,1,1,1\n"

func open(t *testing.T, j Journal, saved []Change) *Session {
	t.Helper()
	set, err := form.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ocrcsv.Read("t.csv", []byte(csvText), set, ocrcsv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC)
	s, err := Open(b, Options{User: "tester", Journal: j, Growth: set.Growth, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}, saved)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func field(s *Session, key string) int { return s.Batch.Form.Field(key).Index }

func codes(fs []batch.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return strings.Join(out, ",")
}

func TestEditRechecksAndUndo(t *testing.T) {
	j := &memJournal{}
	s := open(t, j, nil)
	w := field(s, "weight")
	if got := codes(s.CellFindings(0, w)); got != "range.hard" {
		t.Fatalf("weight findings %q", got)
	}
	if v, ok := s.Suggestion(0, w); !ok || v != "6.60" {
		t.Fatalf("suggestion %q %v", v, ok)
	}
	if err := s.AcceptSuggestion(ctx, 0, w); err != nil {
		t.Fatal(err)
	}
	if got := s.Value(0, w); got != "6.60" || s.OCR(0, w) != "660" {
		t.Fatalf("value %q ocr %q: the OCR text must never change", got, s.OCR(0, w))
	}
	if len(s.CellFindings(0, w)) != 0 || s.CellStatus(0, w) != StatusCorrected {
		t.Fatalf("after the fix: %q status %v", codes(s.CellFindings(0, w)), s.CellStatus(0, w))
	}
	// cross-field findings appear and disappear live
	if err := s.Edit(ctx, 0, field(s, "murmur"), "2", ""); err != nil {
		t.Fatal(err)
	}
	if got := codes(s.CellFindings(0, field(s, "murmur"))); got != "rule.judgement" {
		t.Fatalf("murmur=2 with 判定 異常なし: %q", got)
	}
	if _, _, err := s.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if len(s.CellFindings(0, field(s, "murmur"))) != 0 {
		t.Fatal("undo must remove the cross-field finding")
	}
	if _, _, err := s.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Value(0, w) != "660" || codes(s.CellFindings(0, w)) != "range.hard" {
		t.Fatal("second undo must restore the OCR value and its finding")
	}
	if _, _, err := s.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Value(0, w) != "6.60" {
		t.Fatal("redo")
	}
	if !s.CanUndo() || !s.CanRedo() {
		t.Fatal("one step each way should remain")
	}
	if h := s.History(0, w); len(h) != 3 || h[0].Reason != "候補を採用" || h[1].Step != StepUndo || h[2].Step != StepRedo || h[0].User != "tester" {
		t.Fatalf("history %+v", h)
	}
}

func TestConfirmAndGroupedUndo(t *testing.T) {
	s := open(t, &memJournal{}, nil)
	h := field(s, "height")
	if got := codes(s.CellFindings(1, h)); got != "ocr.low_confidence" || s.CellStatus(1, h) != StatusLowConf {
		t.Fatalf("height row 2: %q", got)
	}
	before := s.Stats()
	if err := s.Confirm(ctx, 1, h, "用紙と一致"); err != nil {
		t.Fatal(err)
	}
	if c, ok := s.Confirmed(1, h); !ok || c.User != "tester" || c.Reason != "用紙と一致" || s.CellStatus(1, h) != StatusConfirmed {
		t.Fatalf("confirmation %+v %v", c, ok)
	}
	if after := s.Stats(); after.Warnings != before.Warnings-1 || after.Confirmed != 1 {
		t.Fatalf("stats %+v → %+v", before, after)
	}
	// editing a confirmed cell withdraws the confirmation, and one undo brings both back
	if err := s.Edit(ctx, 1, h, "61.5", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Confirmed(1, h); ok {
		t.Fatal("edit must withdraw the confirmation")
	}
	s.Undo(ctx)
	if _, ok := s.Confirmed(1, h); !ok || s.Value(1, h) != "61.0" {
		t.Fatal("one undo must restore value and confirmation")
	}
	if err := s.Confirm(ctx, 1, h, "用紙と一致"); !errors.Is(err, ErrNothing) {
		t.Fatalf("confirming twice: %v", err)
	}
}

func TestReplayRebuildsState(t *testing.T) {
	j := &memJournal{}
	s := open(t, j, nil)
	w, h := field(s, "weight"), field(s, "height")
	s.AcceptSuggestion(ctx, 0, w)
	s.Confirm(ctx, 1, h, "用紙と一致")
	s.Edit(ctx, 2, field(s, "feeding"), "3", "")
	s.Undo(ctx)
	s.Edit(ctx, 2, field(s, "kana_name"), "タナカ ソウ", "")
	s.Undo(ctx)
	s.Redo(ctx)
	s.Undo(ctx)

	r := open(t, nil, j.got) // a restart: same file, saved changes
	for i := 0; i < 3; i++ {
		for f := range s.Batch.Form.Fields {
			if r.Value(i, f) != s.Value(i, f) || r.CellStatus(i, f) != s.CellStatus(i, f) {
				t.Errorf("cell %d/%d: %q/%v after replay, %q/%v before", i, f, r.Value(i, f), r.CellStatus(i, f), s.Value(i, f), s.CellStatus(i, f))
			}
		}
	}
	if r.Stats() != s.Stats() {
		t.Errorf("stats %+v vs %+v", r.Stats(), s.Stats())
	}
	if r.CanUndo() != s.CanUndo() || r.CanRedo() != s.CanRedo() {
		t.Fatal("undo/redo stacks differ after replay")
	}
	// the replayed session can redo what the first one could
	r.Redo(ctx)
	if r.Value(2, field(s, "kana_name")) != "タナカ ソウ" {
		t.Fatal("redo after replay")
	}
}

func TestJournalFailureChangesNothing(t *testing.T) {
	j := &memJournal{fail: errors.New("disk full")}
	s := open(t, j, nil)
	w := field(s, "weight")
	if err := s.Edit(ctx, 0, w, "6.60", ""); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("want the journal's error, got %v", err)
	}
	if s.Value(0, w) != "660" || s.CanUndo() {
		t.Fatal("a change that was not saved must not be applied")
	}
}

func TestNavigation(t *testing.T) {
	s := open(t, nil, nil)
	open := s.OpenCells()
	if len(open) == 0 {
		t.Fatal("nothing open")
	}
	p, i, n, ok := s.Next(Pos{0, -2}, +1)
	if !ok || p != open[0] || i != 0 || n != len(open) {
		t.Fatalf("first: %v %d/%d", p, i, n)
	}
	last, _, _, _ := s.Next(p, -1) // wraps around
	if last != open[len(open)-1] {
		t.Fatalf("previous of first should wrap to last, got %v", last)
	}
	// resolving every open cell as a clerk would (a suggestion for an error,
	// 用紙と一致 for a warning) leaves nothing
	for _, p := range open {
		if err := s.AcceptSuggestion(ctx, p.Row, p.Field); err == nil {
			continue
		}
		if err := s.Confirm(ctx, p.Row, p.Field, ReasonMatchesPaper); err != nil {
			t.Fatalf("%v: %v", p, err)
		}
	}
	if _, _, _, ok := s.Next(Pos{}, 1); ok || s.Stats().Errors != 0 || s.Stats().RowsDone != 3 {
		t.Fatalf("after resolving all: %+v", s.Stats())
	}
}

// Info findings (参考) are shown on the cell but never open: not in F8, not
// among the open counts, counted apart.
func TestInfoIsNotOpen(t *testing.T) {
	s := open(t, nil, nil)
	f := field(s, "head")
	s.rows[2] = append(s.rows[2], batch.Finding{Row: 3, Field: f, Severity: batch.Info, Code: "ocr.low_confidence", Message: "参考", Score: 0.05})
	s.open, s.stats = nil, nil
	for _, p := range s.OpenCells() {
		if p == (Pos{2, f}) {
			t.Error("an info-only cell is in the F8 path")
		}
	}
	if st := s.CellStatus(2, f); st != StatusInfo {
		t.Errorf("status %v, want StatusInfo", st)
	}
	before := s.Stats()
	if before.Infos != 1 {
		t.Errorf("Infos %d, want 1", before.Infos)
	}
	if s.IsOpen(s.rows[2][len(s.rows[2])-1]) {
		t.Error("an info finding is open")
	}
}
