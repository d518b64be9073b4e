package toolsui

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/ocrstats"
)

// submitEdited submits clerk1's review with a few cells corrected.
func submitEdited(t *testing.T, b *bench, seed uint64, edits map[int]string) {
	t.Helper()
	s := reviewed(t, 12, seed)
	w := s.Batch.Form.Field("weight").Index
	for row, v := range edits {
		if err := s.Edit(ctx, row, w, v, ""); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := b.a.PrepareSubmit(ctx, b.u.Clerk, s, app.SubmitRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.a.Submit(ctx, b.u.Clerk, sub, nil, nil); err != nil {
		t.Fatal(err)
	}
}

// direct computes the statistics of every stored batch with ocrstats.
func direct(t *testing.T, b *bench) *ocrstats.Stats {
	t.Helper()
	var entries []ocrstats.Entry
	if err := b.st.View(ctx, func(tx app.Tx) error {
		list, err := tx.Batches(ctx)
		if err != nil {
			return err
		}
		for _, info := range list {
			bt, err := tx.LoadBatch(ctx, info.ID)
			if err != nil {
				return err
			}
			bt.Keys = nil
			for _, f := range b.a.Forms.Form(bt.Form).Fields {
				bt.Keys = append(bt.Keys, f.Key)
			}
			entries = append(entries, ocrstats.FromBatch(bt, time.Local)...)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ocrstats.Compute(entries, ocrstats.Options{})
}

func TestStatsScreen(t *testing.T) {
	b := newBench(t)
	b.a.DoubleCheckOff = true
	submitEdited(t, b, 81, map[int]string{1: "7.25", 4: "6.01"})
	submitEdited(t, b, 82, map[int]string{2: "8.88"})
	if _, err := NewStats(b.env(b.u.Clerk)); !errors.Is(err, ErrRefused) || !slices.Contains(b.gated, auth.OCRStats) {
		t.Fatalf("a clerk's statistics: %v, gate %v", err, b.gated)
	}
	var saved string
	env := b.env(b.u.Boss)
	out := filepath.Join(t.TempDir(), "stats.xlsx")
	env.SavePath = func(title, name, ext string, then func(string)) {
		saved = name
		then(out)
	}
	st, err := NewStats(env)
	if err != nil {
		t.Fatal(err)
	}
	st.Show()
	want := direct(t, b)
	if want.Errors < 3 {
		t.Fatalf("direct statistics: %d errors; want the 3 corrections at least", want.Errors)
	}
	check := func(label string) {
		t.Helper()
		got := st.Result()
		if got.Batches != 2 || !reflect.DeepEqual(got.Stats, want) {
			t.Fatalf("%s: %d batches, stats %+v; want %+v", label, got.Batches, got.Stats, want)
		}
		rows := st.Table(0)
		if len(rows) != len(want.ByField)+1 {
			t.Fatalf("%s: field table of %d rows; want %d", label, len(rows), len(want.ByField)+1)
		}
		for i, r := range want.ByField {
			row := rows[i+1]
			if row[0] != st.label(r.Name) || row[1] != strconv.Itoa(r.Cells) || row[2] != strconv.Itoa(r.Errors) || row[3] != percent(r) {
				t.Errorf("%s: table row %v; want %+v", label, row, r)
			}
		}
		if conf := st.Table(1); len(conf) != len(want.Confusions)+1 {
			t.Errorf("%s: %d misread rows; want %d", label, len(conf)-1, len(want.Confusions))
		}
		if !strings.Contains(st.summary.Text, "2 バッチ") || !strings.Contains(st.summary.Text, strconv.Itoa(want.Cells)+" セル") {
			t.Errorf("%s: summary %q", label, st.summary.Text)
		}
		chart := texts(st.charts)
		if !strings.Contains(chart, "体重") || !strings.Contains(chart, percent(want.ByField[0])) {
			t.Errorf("%s: chart does not draw 体重 at %s:\n%s", label, percent(want.ByField[0]), chart)
		}
	}
	if !strings.Contains(st.Period().Label, "今年度") {
		t.Errorf("opened on %q; want the fiscal year", st.Period().Label)
	}
	check("今年度")
	b.typeText(t, "2") // 先月: before the batches
	if st.Result().Batches != 0 || st.Result().Stats.Cells != 0 || !strings.Contains(st.Period().Label, "先月") {
		t.Errorf("先月: %d batches, %d cells", st.Result().Batches, st.Result().Stats.Cells)
	}
	if !strings.Contains(texts(st.charts), "ありません") {
		t.Error("an empty period draws bars")
	}
	b.typeText(t, "1") // 今月
	check("今月")
	b.press(t, fyne.KeyRight)
	if st.tabs.SelectedIndex() != 1 {
		t.Errorf("→ selects table %d", st.tabs.SelectedIndex())
	}
	b.typeText(t, "e")
	if _, err := os.Stat(out); err != nil || !strings.HasSuffix(saved, ".xlsx") {
		t.Fatalf("Excel export: %v (name %q)", err, saved)
	}
	if ev := b.events(t, app.KindStatsExported); len(ev) == 0 || !strings.Contains(ev[len(ev)-1].Object, "stats.xlsx") || ev[len(ev)-1].User != "boss" {
		t.Errorf("export entries %+v", ev)
	}
	if !strings.Contains(st.msg.Text, "出力しました") {
		t.Errorf("message %q", st.msg.Text)
	}
	b.press(t, fyne.KeyEscape)
	if st.pop != nil {
		t.Error("Esc does not close")
	}
}

func TestPeriods(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.Local) }
	ps := Periods(time.Date(2026, 2, 10, 15, 0, 0, 0, time.Local))
	want := []app.Period{
		{From: d(2026, 2, 1), To: d(2026, 3, 1)},
		{From: d(2026, 1, 1), To: d(2026, 2, 1)},
		{From: d(2025, 12, 1), To: d(2026, 3, 1)},
		{From: d(2025, 4, 1), To: d(2026, 4, 1)}, // February is in fiscal 2025
		{From: d(2024, 4, 1), To: d(2025, 4, 1)},
		{},
	}
	for i, w := range want {
		if ps[i].Period != w {
			t.Errorf("%s: %v; want %v", ps[i].Label, ps[i].Period, w)
		}
	}
	if !strings.Contains(ps[3].Label, "2025 年度") {
		t.Errorf("fiscal year label %q", ps[3].Label)
	}
}
