package toolsui

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/ocrstats"
)

// chartBars is how many bars a chart draws (the table lists every row).
const chartBars = 12

// PeriodChoice is one entry of the period chooser.
type PeriodChoice struct {
	Label  string
	Period app.Period
}

// Periods are the chooser's entries at now, in local time: 今月, 先月,
// 直近 3 か月, 今年度 (April to March), 前年度 and 全期間. Ends are
// exclusive, as app.Period reads them.
func Periods(now time.Time) []PeriodChoice {
	now = now.Local()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local)
	fy := now.Year()
	if now.Month() < time.April {
		fy--
	}
	fyStart := time.Date(fy, time.April, 1, 0, 0, 0, 0, time.Local)
	return []PeriodChoice{
		{"今月", app.Period{From: month, To: month.AddDate(0, 1, 0)}},
		{"先月", app.Period{From: month.AddDate(0, -1, 0), To: month}},
		{"直近 3 か月", app.Period{From: month.AddDate(0, -2, 0), To: month.AddDate(0, 1, 0)}},
		{fmt.Sprintf("今年度（%d 年度）", fy), app.Period{From: fyStart, To: fyStart.AddDate(1, 0, 0)}},
		{fmt.Sprintf("前年度（%d 年度）", fy-1), app.Period{From: fyStart.AddDate(-1, 0, 0), To: fyStart}},
		{"全期間", app.Period{}},
	}
}

// Stats is 誤読統計: the OCR error statistics of the batches submitted in
// a period, from the store's correction trail (a supervisor's; identifiers
// only, no names): bar charts of the error rate by field and of the most
// frequent misreads, tables by field, misread, form, centre and month, and
// 「Excel に出力」.
//
// Keys: 1–6 choose the period, ←→ the table, E (Ctrl+E) Excel, F5
// recompute, Esc close.
type Stats struct {
	widget.BaseWidget
	frame
	periods []PeriodChoice
	sel     int
	res     *app.StatsResult
	labels  map[string]string

	summary *widget.Label
	choice  *widget.Select
	charts  *fyne.Container
	tabs    *container.AppTabs
}

// OpenStats opens 誤読統計, or says why it cannot.
func OpenStats(env Env) *Stats {
	return open(env, "誤読統計を表示できません", func() (*Stats, error) { return NewStats(env) })
}

// NewStats builds the screen on the fiscal year so far, the period a
// review with the OCR vendor usually covers.
func NewStats(env Env) (*Stats, error) {
	if !env.allow(auth.OCRStats) {
		return nil, ErrRefused
	}
	st := &Stats{frame: frame{env: env}, periods: Periods(env.now()), sel: 3, labels: env.App.Labels()}
	st.ExtendBaseWidget(st)
	var names []string
	for i, p := range st.periods {
		names = append(names, fmt.Sprintf("%d %s", i+1, p.Label))
	}
	st.title = bold("OCR 誤読統計（読み取り誤りの集計・識別子のみ）")
	st.summary = widget.NewLabel("")
	st.summary.Wrapping = fyne.TextWrapWord
	st.msg = widget.NewLabel("")
	st.msg.Wrapping = fyne.TextWrapWord
	st.choice = widget.NewSelect(names, func(string) {
		if i := st.choice.SelectedIndex(); i >= 0 && i != st.sel {
			st.choosePeriod(i)
		}
		st.focus(st)
	})
	st.choice.SetSelectedIndex(st.sel)
	export := widget.NewButton("Excel に出力（E）", st.export)
	top := container.NewVBox(st.title,
		container.NewHBox(widget.NewLabel("期間"), container.NewGridWrap(fyne.NewSize(280, st.choice.MinSize().Height), st.choice), export),
		st.summary, widget.NewSeparator())
	st.charts = container.NewVBox()
	st.tabs = container.NewAppTabs()
	help := helpLine("1〜6 期間　←→ 表の切り替え　E（Ctrl+E）Excel に出力　F5 再集計　Esc 閉じる")
	split := container.NewHSplit(container.NewVScroll(st.charts), st.tabs)
	split.Offset = 0.5
	st.content = container.NewBorder(top, container.NewVBox(st.msg, help), nil, nil, split)
	if err := st.compute(); err != nil {
		return nil, err
	}
	return st, nil
}

// Show opens the screen over the window.
func (st *Stats) Show() { st.show(st, st) }

// Content is the screen, for embedding.
func (st *Stats) Content() fyne.CanvasObject { return st }

// Result is the statistics on screen.
func (st *Stats) Result() *app.StatsResult { return st.res }

// Period is the period on screen.
func (st *Stats) Period() PeriodChoice { return st.periods[st.sel] }

// CreateRenderer is part of fyne.Widget.
func (st *Stats) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(st.content)
}

// FocusGained is part of fyne.Focusable.
func (st *Stats) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (st *Stats) FocusLost() {}

// TypedRune takes the period numbers and E.
func (st *Stats) TypedRune(r rune) {
	st.env.touch()
	switch {
	case r >= '1' && r <= '9':
		if i := int(r - '1'); i < len(st.periods) {
			st.choosePeriod(i)
		}
	case r == 'e' || r == 'E':
		st.export()
	}
}

// TypedKey switches tables, recomputes, closes.
func (st *Stats) TypedKey(e *fyne.KeyEvent) {
	st.env.touch()
	n := len(st.tabs.Items)
	switch e.Name {
	case fyne.KeyLeft:
		st.tabs.SelectIndex((st.tabs.SelectedIndex() + n - 1) % n)
	case fyne.KeyRight:
		st.tabs.SelectIndex((st.tabs.SelectedIndex() + 1) % n)
	case fyne.KeyF5:
		st.recompute()
	case fyne.KeyEscape:
		st.close()
	}
}

// TypedShortcut takes Ctrl+E.
func (st *Stats) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.KeyName == fyne.KeyE {
		st.export()
	}
}

func (st *Stats) choosePeriod(i int) {
	st.sel = i
	if st.choice.SelectedIndex() != i {
		st.choice.SetSelectedIndex(i) // calls back; sel is already i
	}
	st.recompute()
}

func (st *Stats) recompute() {
	if err := st.compute(); err != nil {
		st.msg.SetText("集計できません: " + st.env.text(err))
		st.env.say(st.msg.Text)
		return
	}
	st.msg.SetText("")
}

// compute reads the statistics of the chosen period through the gate and
// redraws charts and tables.
func (st *Stats) compute() error {
	if !st.env.allow(auth.OCRStats) {
		return ErrRefused
	}
	p := st.periods[st.sel]
	res, err := st.env.App.OCRStats(context.Background(), st.env.Session, p.Period, "", "")
	if err != nil {
		return err
	}
	st.res = res
	s := res.Stats
	text := fmt.Sprintf("%s %s　送信済み %d バッチ・%d セル、OCR の誤り（職員が修正したセル）%d（%s）",
		p.Label, periodText(p.Period), res.Batches, s.Cells, s.Errors, percent(ocrstats.Rate{Cells: s.Cells, Errors: s.Errors}))
	if s.Cells > 0 {
		text += fmt.Sprintf("　うち空欄の読み落とし %d・文字単位で比べられない書き直し %d", s.Blanks, s.Rewrites)
	}
	st.summary.SetText(text)
	st.drawCharts()
	st.fillTables()
	return nil
}

func periodText(p app.Period) string {
	if p.From.IsZero() && p.To.IsZero() {
		return ""
	}
	return "（" + p.String() + "）"
}

// export writes the workbook of the period on screen (with its audit
// entry) where the supervisor says.
func (st *Stats) export() {
	if !st.env.allow(auth.OCRStats) {
		return
	}
	if st.env.SavePath == nil {
		st.msg.SetText("保存先を選べません")
		return
	}
	p := st.periods[st.sel]
	name := "誤読統計_" + st.env.now().Local().Format("20060102") + ".xlsx"
	st.env.SavePath("誤読統計の Excel 出力", name, ".xlsx", func(path string) {
		defer st.focus(st)
		if !st.env.allow(auth.OCRStats) {
			return
		}
		res, err := st.env.App.OCRStats(context.Background(), st.env.Session, p.Period, path, "")
		if err != nil {
			st.msg.SetText("Excel に出力できません: " + st.env.text(err))
			st.env.showError("誤読統計を出力できませんでした", err)
			return
		}
		st.res = res
		msg := fmt.Sprintf("誤読統計（%s）を %s に出力しました（%d バッチ・%d セル）", p.Label, path, res.Batches, res.Stats.Cells)
		st.msg.SetText(msg)
		st.env.say(msg)
	})
}

func (st *Stats) label(key string) string {
	if l, ok := st.labels[key]; ok {
		return l
	}
	return key
}

func percent(r ocrstats.Rate) string {
	return strconv.FormatFloat(r.Percent(), 'f', 2, 64) + " %"
}

// misread says one confusion: 「1→7」, a missed or an invented character.
func misread(c ocrstats.Confusion) string {
	switch {
	case c.From == "":
		return "「" + c.To + "」の読み落とし"
	case c.To == "":
		return "余分な「" + c.From + "」"
	}
	return "「" + c.From + "」→「" + c.To + "」"
}

// drawCharts draws the error rate by field and the most frequent misreads.
func (st *Stats) drawCharts() {
	s := st.res.Stats
	var byField []bar
	for _, r := range s.ByField {
		if r.Errors == 0 {
			continue // a chart of zeros says nothing; the table lists them
		}
		byField = append(byField, bar{label: st.label(r.Name), value: r.Percent(), text: fmt.Sprintf("%s（%d / %d）", percent(r), r.Errors, r.Cells)})
	}
	var conf []bar
	for _, c := range s.Confusions {
		conf = append(conf, bar{label: st.label(c.Key) + " " + misread(c), value: float64(c.Count), text: fmt.Sprintf("%d 回", c.Count)})
	}
	st.charts.Objects = []fyne.CanvasObject{
		barChart("項目別の誤り率（誤りの多い順）", byField, colBar),
		barChart("多い読み違い", conf, colBar2),
	}
	st.charts.Refresh()
}

// fillTables lists every figure, a table a breakdown.
func (st *Stats) fillTables() {
	s := st.res.Stats
	rates := func(head string, rs []ocrstats.Rate, name func(string) string) [][]string {
		rows := [][]string{{head, "セル数", "誤り", "誤り率"}}
		for _, r := range rs {
			rows = append(rows, []string{name(r.Name), strconv.Itoa(r.Cells), strconv.Itoa(r.Errors), percent(r)})
		}
		return rows
	}
	same := func(s string) string { return s }
	conf := [][]string{{"項目", "読み違い", "回数"}}
	for _, c := range s.Confusions {
		conf = append(conf, []string{st.label(c.Key), misread(c), strconv.Itoa(c.Count)})
	}
	sel := st.tabs.SelectedIndex()
	st.tabs.Items = []*container.TabItem{
		container.NewTabItem("項目別", newTable(rates("項目", s.ByField, st.label))),
		container.NewTabItem("読み違い", newTable(conf)),
		container.NewTabItem("様式別", newTable(rates("様式", s.ByForm, same))),
		container.NewTabItem("センター別", newTable(rates("センター", s.ByCentre, same))),
		container.NewTabItem("月別", newTable(rates("月", s.ByMonth, same))),
	}
	st.tabs.Refresh()
	st.tabs.SelectIndex(max(sel, 0))
}

// Table is the rows of the table tab i as shown (header first), for tests.
func (st *Stats) Table(i int) [][]string {
	return st.tabs.Items[i].Content.(*table).rows
}

// table is a read-only grid of text, the first row a header.
type table struct {
	widget.Table
	rows [][]string
}

func newTable(rows [][]string) *table {
	t := &table{rows: rows}
	t.Length = func() (int, int) {
		if len(rows) == 0 {
			return 0, 0
		}
		return len(rows), len(rows[0])
	}
	t.CreateCell = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Text = rows[id.Row][id.Col]
		l.TextStyle.Bold = id.Row == 0
		l.Alignment = fyne.TextAlignLeading
		if id.Col > 0 && id.Row > 0 && rows[0][id.Col] != "読み違い" {
			l.Alignment = fyne.TextAlignTrailing
		}
		l.Refresh()
	}
	t.ExtendBaseWidget(t)
	t.StickyRowCount = 1
	t.SetColumnWidth(0, 200)
	for c := 1; c < 4; c++ {
		t.SetColumnWidth(c, 110)
	}
	return t
}

// --- the bar chart, drawn with canvas ---

type bar struct {
	label string
	value float64
	text  string
}

// barChart draws up to chartBars horizontal bars, the longest the largest.
func barChart(title string, bars []bar, fill color.Color) fyne.CanvasObject {
	objs := []fyne.CanvasObject{bold(title)}
	if len(bars) == 0 {
		return container.NewVBox(bold(title), widget.NewLabel("（この期間にはありません）"))
	}
	top := 0.0
	for _, b := range bars[:min(len(bars), chartBars)] {
		top = max(top, b.value)
	}
	for _, b := range bars[:min(len(bars), chartBars)] {
		frac := float32(0)
		if top > 0 {
			frac = float32(b.value / top)
		}
		fg := theme.Color(theme.ColorNameForeground)
		label := canvas.NewText(b.label, fg)
		rect := canvas.NewRectangle(fill)
		value := canvas.NewText(b.text, fg)
		objs = append(objs, container.New(&barLayout{frac: frac}, label, rect, value))
	}
	if n := len(bars) - chartBars; n > 0 {
		objs = append(objs, widget.NewLabel(fmt.Sprintf("ほか %d（表を見てください）", n)))
	}
	return container.NewVBox(objs...)
}

// barLayout puts a label, a bar of frac of the room left and its value in
// one line.
type barLayout struct{ frac float32 }

const (
	barLabelWidth = 190
	barTextWidth  = 150
	barHeight     = 22
)

func (l *barLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	label, rect, value := objs[0], objs[1], objs[2]
	h := label.MinSize().Height
	pad := theme.InnerPadding() // in line with the chart's title
	label.Move(fyne.NewPos(pad, (s.Height-h)/2))
	label.Resize(fyne.NewSize(barLabelWidth-pad-8, h))
	room := max(s.Width-barLabelWidth-barTextWidth, 20)
	w := max(room*l.frac, 2)
	rect.Move(fyne.NewPos(barLabelWidth, 3))
	rect.Resize(fyne.NewSize(w, s.Height-6))
	value.Move(fyne.NewPos(barLabelWidth+w+6, (s.Height-value.MinSize().Height)/2))
	value.Resize(value.MinSize())
}

func (l *barLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(barLabelWidth+barTextWidth+60, barHeight)
}
