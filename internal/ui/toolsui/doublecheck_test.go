package toolsui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/doublecheck"
	"kenshin/internal/fixture"
	"kenshin/internal/form"
	"kenshin/internal/review"
)

// reviewed is clerk1's clean review of a small synthetic file.
func reviewed(t *testing.T, rows int, seed uint64) *review.Session {
	t.Helper()
	s := fixture.Session(t, fixture.File{Form: "m4-exam", Rows: rows, Seed: seed, ErrorRate: 0.05})
	fixture.Clean(t, s)
	return s
}

// trueValue is the reviewer's value of a checked field, as the paper has it.
func trueValue(dc *DoubleCheck, it doublecheck.Item) string {
	return dc.sub.Batch.Records[it.Row-1].Values[it.Key]
}

// TestDoubleCheckBlind: clerk2 re-keys every field without seeing the
// first values, mistypes one; boss decides it with F3; clerk1 submits and
// the store holds who checked what.
func TestDoubleCheckBlind(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 3, 54)
	dc, err := NewDoubleCheck(b.env(b.c2), s)
	if err != nil {
		t.Fatal(err)
	}
	dc.Show()
	if dc.stage != stageStart || dc.mode != doublecheck.Blind {
		t.Fatalf("opened at stage %d mode %d; want the start in blind mode", dc.stage, dc.mode)
	}
	b.typeText(t, "2")
	b.press(t, fyne.KeyReturn)
	if dc.stage != stageCheck || dc.view == nil || dc.view.Total != 3*4 {
		t.Fatalf("after Enter: stage %d view %+v; want 12 fields to check", dc.stage, dc.view)
	}
	if b.win.Canvas().Focused() != dc.typed {
		t.Fatalf("focus on %T; want the re-key field", b.win.Canvas().Focused())
	}
	// the first field is row 1's 宛名番号: neither it nor any first value shows
	first := dc.view.Items[0]
	if first.Key != form.KeyAtena {
		t.Fatalf("first field %s; want 宛名番号", first.Key)
	}
	atena := trueValue(dc, first)
	if atena == "" {
		t.Fatal("row 1 has no 宛名番号 to hide: pick another seed")
	}
	if got := texts(dc.content); strings.Contains(got, atena) {
		t.Errorf("blind mode shows the 宛名番号 %s before it is re-keyed:\n%s", atena, got)
	}
	wrongAt := 5
	for i := range dc.view.Items {
		if dc.cur != i {
			t.Fatalf("on field %d; want %d", dc.cur, i)
		}
		it := dc.view.Items[i]
		if it.First != "" {
			t.Fatalf("field %d shows its first value %q before the re-key", i, it.First)
		}
		if v := trueValue(dc, it); v != "" && it.Key != form.KeyAtena && strings.Contains(texts(dc.content), "「"+v+"」") {
			t.Errorf("field %d: the first value %q is on screen", i, v)
		}
		typed := trueValue(dc, it)
		if i == wrongAt {
			typed = "99"
		}
		b.typeText(t, typed)
		b.press(t, fyne.KeyReturn)
		if typed == "" { // a blank on the paper: Enter twice
			if dc.cur != i {
				t.Fatalf("one Enter on an empty field recorded it")
			}
			b.press(t, fyne.KeyReturn)
		}
	}
	if dc.stage != stageDone || dc.view.Open != 1 || dc.view.Settled != 11 {
		t.Fatalf("after the last field: stage %d, %d settled, %d open", dc.stage, dc.view.Settled, dc.view.Open)
	}
	if !strings.Contains(dc.progress.Text, "11 / 12") || !strings.Contains(dc.progress.Text, "不一致 1") {
		t.Errorf("progress %q", dc.progress.Text)
	}
	// clerk2 may not decide: the gate refuses F3
	b.press(t, fyne.KeyF3)
	if dc.stage != stageDone || !slices.Contains(b.gated, auth.DecideMismatch) {
		t.Errorf("a clerk's F3: stage %d, refused %v", dc.stage, b.gated)
	}
	// the store has the check as typed
	sub, err := b.a.CheckTarget(ctx, b.u.Clerk, s)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := b.a.DoubleCheckState(ctx, b.u.Boss, sub)
	if err != nil || ds == nil {
		t.Fatalf("stored check %v, %v", ds, err)
	}
	items := ds.Items()
	if ds.Checker != "clerk2" || ds.Mode != doublecheck.Blind || items[wrongAt].State != doublecheck.Mismatch || items[wrongAt].Rekeyed != "99" || items[0].State != doublecheck.Matched {
		t.Fatalf("stored: checker %s mode %d items[0] %+v items[%d] %+v", ds.Checker, ds.Mode, items[0], wrongAt, items[wrongAt])
	}
	if _, err := b.a.Submit(ctx, b.u.Clerk, sub, nil, nil); !errors.Is(err, app.ErrCheckPending) {
		t.Fatalf("submit with a mismatch open: %v", err)
	}

	// boss opens the screen, F3, takes the re-keyed value with a reason
	boss, err := NewDoubleCheck(b.env(b.u.Boss), s)
	if err != nil {
		t.Fatal(err)
	}
	boss.Show()
	if boss.other != "clerk2" {
		t.Errorf("boss sees the check as %q's", boss.other)
	}
	if !strings.Contains(boss.progress.Text, "11 / 12") || !strings.Contains(boss.progress.Text, "不一致 1") {
		t.Errorf("boss's progress %q; want clerk2's 11 / 12 with 1 mismatch", boss.progress.Text)
	}
	b.press(t, fyne.KeyF3)
	if boss.stage != stageDecide || len(boss.mism) != 1 {
		t.Fatalf("F3: stage %d, %d mismatches", boss.stage, len(boss.mism))
	}
	if got := texts(boss.content); !strings.Contains(got, "「99」") {
		t.Errorf("the mismatch list does not show the re-keyed value:\n%s", got)
	}
	b.typeText(t, "2")
	if b.win.Canvas().Focused() != boss.reason || boss.value.Text != "99" {
		t.Fatalf("after 2: focus %T, value %q", b.win.Canvas().Focused(), boss.value.Text)
	}
	b.press(t, fyne.KeyReturn) // no reason yet
	if !strings.Contains(boss.msg.Text, "理由") {
		t.Errorf("a decision without a reason: %q", boss.msg.Text)
	}
	b.typeText(t, "用紙を確認した")
	b.press(t, fyne.KeyReturn)
	if len(boss.mism) != 0 || !strings.Contains(boss.msg.Text, "すべて判断しました") {
		t.Fatalf("after the decision: %d left, %q", len(boss.mism), boss.msg.Text)
	}
	if !strings.HasPrefix(boss.progress.Text, "12 / 12") {
		t.Errorf("progress after the decision %q", boss.progress.Text)
	}
	if ds, _ = b.a.DoubleCheckState(ctx, b.u.Boss, sub); !ds.Complete() {
		t.Fatal("the check is not complete after the decision")
	}
	res, err := b.a.Submit(ctx, b.u.Clerk, sub, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored := loadBatch(t, b, res.BatchID)
	dcs := stored.DoubleCheck
	if dcs == nil || dcs.Checker != "clerk2" || dcs.Mode != "blind" || len(dcs.Items) != 12 ||
		dcs.Items[wrongAt].State != "decided" || dcs.Items[wrongAt].DecidedBy != "boss" || dcs.Items[wrongAt].Reason != "用紙を確認した" {
		t.Errorf("stored check %+v", dcs)
	}
	it := items[wrongAt]
	if got := stored.Records[it.Row-1].Values[it.Key]; got != "99" {
		t.Errorf("decided value not submitted: %q", got)
	}
	if n := len(b.events(t, app.KindCheckField)); n != 12 {
		t.Errorf("%d field entries in the audit log; want 12", n)
	}
}

// TestDoubleCheckConfirmSkip: confirm mode shows the value; ↓ skips a
// field, the summary sends Enter back to it, and the check completes.
func TestDoubleCheckConfirmSkip(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 2, 52)
	dc, err := NewDoubleCheck(b.env(b.u.Boss), s)
	if err != nil {
		t.Fatal(err)
	}
	dc.Show()
	b.typeText(t, "1")
	b.press(t, fyne.KeyReturn)
	if dc.stage != stageCheck || dc.mode != doublecheck.Confirm || b.win.Canvas().Focused() != dc {
		t.Fatalf("stage %d mode %d focus %T", dc.stage, dc.mode, b.win.Canvas().Focused())
	}
	it := dc.view.Items[0]
	if v := trueValue(dc, it); !strings.Contains(texts(dc.content), "「"+v+"」") {
		t.Errorf("confirm mode does not show the value %q", v)
	}
	b.press(t, fyne.KeyDown) // skip the first
	n := dc.view.Total
	for range n - 1 {
		b.press(t, fyne.KeyReturn)
	}
	if dc.stage != stageDone || dc.view.Complete || dc.view.Settled != n-1 {
		t.Fatalf("stage %d, %d / %d settled", dc.stage, dc.view.Settled, n)
	}
	if !strings.Contains(texts(dc.content), "確認していない項目が 1 ") {
		t.Errorf("summary does not name the skipped field:\n%s", texts(dc.content))
	}
	b.press(t, fyne.KeyReturn) // back to the skipped field
	if dc.stage != stageCheck || dc.cur != 0 {
		t.Fatalf("Enter on the summary: stage %d field %d", dc.stage, dc.cur)
	}
	b.press(t, fyne.KeyReturn)
	if !dc.view.Complete || dc.stage != stageDone {
		t.Fatalf("not complete: %+v", dc.view)
	}
	b.press(t, fyne.KeyReturn) // closes
	if dc.pop != nil {
		t.Error("Enter on a complete check does not close the screen")
	}
	b.a.DoubleCheckOff = false
	sub, err := b.a.PrepareSubmit(ctx, b.u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.a.Submit(ctx, b.u.Clerk, sub, nil, nil); err != nil {
		t.Fatalf("submit after the check: %v", err)
	}
}

// TestDoubleCheckRefusals: the reviewer herself and a user without the
// role are refused, in Japanese.
func TestDoubleCheckRefusals(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 2, 53)
	// clerk1 corrected a cell: she reviewed it
	if err := s.Edit(ctx, 1, s.Batch.Form.Field("weight").Index, "7.25", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDoubleCheck(b.env(b.u.Admin), s); !errors.Is(err, ErrRefused) || !slices.Contains(b.gated, auth.DoubleCheck) {
		t.Errorf("admin1 (no role): %v, gate %v; want refused at the gate", err, b.gated)
	}
	dc, err := NewDoubleCheck(b.env(b.u.Clerk), s)
	if err != nil {
		t.Fatal(err)
	}
	dc.Show()
	b.press(t, fyne.KeyReturn)
	if dc.stage != stageStart || dc.view != nil {
		t.Fatalf("the reviewer started a check: stage %d", dc.stage)
	}
	if !strings.Contains(dc.msg.Text, "修正・確認をした人以外が行ってください") || strings.Contains(dc.msg.Text, "not allowed") {
		t.Errorf("refusal %q; want Japanese only", dc.msg.Text)
	}
	b.press(t, fyne.KeyEscape)
	if dc.pop != nil {
		t.Error("Esc at the start does not close")
	}
}

func TestErrorText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ダブルチェックは確認した人（a）以外が行ってください: auth: not allowed", "ダブルチェックは確認した人（a）以外が行ってください"},
		{"auth: not allowed: 「x」（事務）には「誤読統計」の権限がありません", "「x」（事務）には「誤読統計」の権限がありません"},
		{"database is locked", "database is locked"},
		{"統計ファイル /a/b.xlsx を書けません（記録していません）: open /a/b.xlsx: permission denied", "統計ファイル /a/b.xlsx を書けません（記録していません）"},
	} {
		if got := ErrorText(errors.New(c.in)); got != c.want {
			t.Errorf("ErrorText(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// Walkthrough 13: a supervisor who did the check and decides its mismatch
// with F3 sees the header move on (it kept 「不一致 1（判断待ち）」).
func TestCheckerDecidingSeesProgress(t *testing.T) {
	b := newBench(t)
	s := reviewed(t, 3, 54)
	dc, err := NewDoubleCheck(b.env(b.u.Boss), s)
	if err != nil {
		t.Fatal(err)
	}
	dc.Show()
	b.typeText(t, "2")
	b.press(t, fyne.KeyReturn)
	for i := range dc.view.Items {
		typed := trueValue(dc, dc.view.Items[i])
		if i == 5 {
			typed = "99"
		}
		b.typeText(t, typed)
		b.press(t, fyne.KeyReturn)
		if typed == "" {
			b.press(t, fyne.KeyReturn)
		}
	}
	if !strings.Contains(dc.progress.Text, "判断待ち") {
		t.Fatalf("fixture: no mismatch open: %q", dc.progress.Text)
	}
	b.press(t, fyne.KeyF3)
	b.typeText(t, "2")
	b.typeText(t, "用紙を確認した")
	b.press(t, fyne.KeyReturn)
	if len(dc.mism) != 0 {
		t.Fatalf("%d mismatches left", len(dc.mism))
	}
	if strings.Contains(dc.progress.Text, "判断待ち") || !strings.Contains(dc.progress.Text, "12 / 12") {
		t.Errorf("after the decision the header says %q", dc.progress.Text)
	}
}
