// Package check finds OCR-suspect cells: format faults, impossible and
// implausible values, cross-field contradictions and duplicates, each as a
// finding with a stable code, a Japanese message and, where one can be
// derived, a suggested value. It never changes a value.
package check

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// Source is the data a checker reads: the OCR values, or the values as a
// clerk has corrected them.
type Source interface {
	Len() int
	Line(i int) int
	Value(i, field int) string
	Confidence(i, field int) (float64, bool)
	Problem(i int) *batch.RowProblem
}

// Checker checks rows of one form. It is safe for use by one goroutine.
type Checker struct {
	form   *form.Form
	growth *form.Growth
	today  jpdate.Date

	// keys of the fields the built-in date checks use, as indices
	birth, exam, sex, atena int
	cells                   []cell // scratch: the parsed values of the current row

	// growth of the current row, per field: z-score (NaN without one), band
	// middle and SD, the mean z of the child's other measures and their count
	z, mid, sd, zexp []float64
	zpeers           []int
	ageOK            bool      // birth and exam dates give an age in the window
	ruleLR           []float64 // per field: evidence of the form's rules that agree

	// batch priors (learnPriors): the usual answer of a code field with a
	// strong prior and its likelihood ratio; that of a session day
	mode    []string
	hasMode []bool

	dates     map[string]jpdate.Parsed // parse cache, per checker (not shared between goroutines)
	modeLR    []float64
	sessionLR float64
	// the batch's usual spelling of 受診日, if one has a strong majority
	examStyle    jpdate.Style
	hasExamStyle bool

	// Checkups run on session days. sessions counts the 受診日 of the batch;
	// clustered says most sheets fall on a day shared by several others.
	sessions  map[jpdate.Date]int
	sessionAt int // sheets that make a 受診日 a session day in this batch
	clustered bool

	// the batch's answer shares and stray-mark rate per exclusive option,
	// by the key of its field (learnExclusive)
	excl map[string]*exclusivePrior

	// age band and sex of the row being checked, for the rules
	ageFrom, ageTo int
	rowSex         string
}

// New returns a checker for a form. today is injected so tests are
// deterministic: a 受診日 after it is in the future.
func New(f *form.Form, g *form.Growth, today jpdate.Date) *Checker {
	n := len(f.Fields)
	c := &Checker{form: f, growth: g, today: today, cells: make([]cell, n),
		z: make([]float64, n), mid: make([]float64, n), sd: make([]float64, n), zexp: make([]float64, n), zpeers: make([]int, n), ruleLR: make([]float64, n),
		dates: make(map[string]jpdate.Parsed)}
	c.birth = f.Field(form.KeyBirth).Index
	c.exam = f.Field(form.KeyExamDate).Index
	c.atena = f.Field(form.KeyAtena).Index
	c.sex = -1
	if s := f.Field(form.KeySex); s != nil {
		c.sex = s.Index
	}
	return c
}

// Form returns the form the checker checks.
func (c *Checker) Form() *form.Form { return c.form }

// cell is what the checker made of one cell of the current row.
type cell struct {
	raw     string
	conf    float64 // OCR confidence in percent, -1 when the CSV gave none
	blank   bool
	usable  bool // read without an error finding: cross-field checks may use it
	num     float64
	code    string
	date    jpdate.Date
	era     jpdate.Era
	checked bool
	hardIdx int // index in the row's findings of a range.hard still lacking a suggestion, or -1
}

// Row checks row i of src and appends its findings to out.
func (c *Checker) Row(src Source, i int, out []batch.Finding) []batch.Finding {
	rowNo, line := i+1, src.Line(i)
	start := len(out)
	if p := src.Problem(i); p != nil {
		out = append(out, rowProblem(p, rowNo, line, len(c.form.Fields)))
	}
	for f, fd := range c.form.Fields {
		conf, hasConf := src.Confidence(i, f)
		out = c.checkCell(fd, src.Value(i, f), conf, hasConf, &c.cells[f], out)
		if !hasConf {
			c.cells[f].conf = -1
		} else {
			c.cells[f].conf = conf
		}
	}
	for f := range c.ruleLR {
		c.ruleLR[f] = 1
	}
	out = c.crossField(out)
	c.weigh(out[start:])
	for k := start; k < len(out); k++ {
		out[k].Row, out[k].Line = rowNo, line
	}
	return out
}

// parallelMin is the number of rows from which All splits the rows over the
// available cores: rows are checked independently once the batch's priors
// are learnt.
const parallelMin = 4096

// All checks every row of src, then the batch-level rules. src must allow
// concurrent reads; findings come in row order whatever the split.
func (c *Checker) All(src Source) []batch.Finding {
	c.LearnSessions(src)
	n := src.Len()
	workers := min(runtime.GOMAXPROCS(0), max(1, n/parallelMin))
	if workers <= 1 {
		out := make([]batch.Finding, 0, n/4)
		for i := 0; i < n; i++ {
			out = c.Row(src, i, out)
		}
		return c.duplicates(src, out)
	}
	parts := make([][]batch.Finding, workers)
	var dups []batch.Finding
	// every clone is made before any goroutine starts: c is one of them
	ks := []*Checker{c}
	for range workers {
		ks = append(ks, c.clone())
	}
	var wg sync.WaitGroup
	wg.Go(func() { dups = ks[workers].duplicates(src, nil) })
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		k := ks[w]
		wg.Go(func() {
			out := make([]batch.Finding, 0, (hi-lo)/4)
			for i := lo; i < hi; i++ {
				out = k.Row(src, i, out)
			}
			parts[w] = out
		})
	}
	wg.Wait()
	total := len(dups)
	for _, p := range parts {
		total += len(p)
	}
	out := make([]batch.Finding, 0, total)
	for _, p := range parts {
		out = append(out, p...)
	}
	return append(out, dups...)
}

// clone returns a checker sharing the form, growth and the learnt batch
// priors (read-only from here on) with its own row scratch.
func (c *Checker) clone() *Checker {
	k := *c
	n := len(c.form.Fields)
	k.cells = make([]cell, n)
	k.z, k.mid, k.sd, k.zexp = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	k.zpeers, k.ruleLR = make([]int, n), make([]float64, n)
	k.dates = make(map[string]jpdate.Parsed, len(c.dates))
	for v, p := range c.dates { // a copy: the workers fill their own
		k.dates[v] = p
	}
	return &k
}

func rowProblem(p *batch.RowProblem, rowNo, line, _ int) batch.Finding {
	f := batch.Finding{Row: rowNo, Line: line, Field: -1, Severity: batch.Error, Code: p.Code}
	switch p.Code {
	case "row.field_count":
		f.Message = msg("列数が見出しと合いません（見出しは %d 列）。%d 列目付近で区切りのずれや欠落がないか確認してください", p.Want, p.Column)
	default:
		f.Message = msg("%d 列目の引用符（\"）が正しく閉じていません。この行は区切り直して読み込みました", p.Column)
		if p.Raw != "" {
			f.Message += "。元の行: " + truncate(p.Raw, 80)
		}
	}
	return f
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Checker for a batch that also satisfies Source.
type batchSource struct{ *batch.Batch }

func (b batchSource) Len() int                            { return len(b.Rows) }
func (b batchSource) Line(i int) int                      { return b.Rows[i].Line }
func (b batchSource) Problem(i int) *batch.RowProblem     { return b.Rows[i].Problem }
func (b batchSource) Value(i, f int) string               { return b.Batch.Value(i, f) }
func (b batchSource) Confidence(i, f int) (float64, bool) { return b.Batch.Confidence(i, f) }

// OCR returns the batch's values as read, as a Source.
func OCR(b *batch.Batch) Source { return batchSource{b} }

// Batch checks a batch as read and returns its file notes and findings.
func Batch(b *batch.Batch, g *form.Growth, today jpdate.Date) []batch.Finding {
	out := append([]batch.Finding(nil), b.Notes...)
	return append(out, New(b.Form, g, today).All(OCR(b))...)
}

func hasBadChar(s string) bool { return strings.ContainsRune(s, '\uFFFD') }

// Sort orders findings by row (file-level first), then field, for stable output.
func Sort(fs []batch.Finding) { sortFindings(fs) }

func sortFindings(fs []batch.Finding) {
	slices.SortStableFunc(fs, func(a, b batch.Finding) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Field - b.Field
	})
}

// LearnSessions counts the 受診日 of the batch, so that a date conflict can be
// pinned on the 生年月日 when the 受診日 is a session day shared by others,
// and learns the batch's priors that weigh low-confidence cells.
func (c *Checker) LearnSessions(src Source) {
	c.sessions = make(map[jpdate.Date]int)
	parsed := 0
	for i := 0; i < src.Len(); i++ {
		if p := c.parseDate(src.Value(i, c.exam)); p.Problem == jpdate.OK {
			c.sessions[p.Date]++
			parsed++
		}
	}
	// The same misread of a busy session day (令和7年 read as 令和1年) can
	// recur on a few sheets of a big batch: a session day must also hold a
	// fair share of the sheets a session day holds on average.
	days, onDays := 0, 0
	for _, n := range c.sessions {
		if n >= sessionMin {
			days++
			onDays += n
		}
	}
	c.sessionAt = sessionMin
	if days > 0 {
		c.sessionAt = max(sessionMin, (onDays/days+sessionShare-1)/sessionShare)
	}
	onSession := 0
	for _, n := range c.sessions {
		if n >= c.sessionAt {
			onSession += n
		}
	}
	c.clustered = parsed >= 10 && onSession*2 >= parsed
	c.learnPriors(src)
}

// isSession reports whether d is a session day of the batch.
func (c *Checker) isSession(d jpdate.Date) bool { return c.sessions[d] >= c.sessionAt }

// sessionMin is how many sheets make a 受診日 a session day at least;
// sessionShare: a session day holds at least 1/sessionShare of the sheets
// of an average one.
const (
	sessionMin   = 3
	sessionShare = 4
)

// confidenceMargin is how much less sure OCR must have been of another
// cell before that cell, not the domain's likeliest suspect, is blamed.
const confidenceMargin = 10

// pick chooses the subject of a cross-field finding. prior is the cell the
// domain makes the likeliest misread; a cell OCR was clearly less sure of
// overrides it. The others become related fields.
func (c *Checker) pick(prior int, others ...int) (int, []int) {
	def := prior
	subject := prior
	for _, o := range others {
		co, cs := c.cells[o].conf, c.cells[subject].conf
		if co >= 0 && cs >= 0 && co+confidenceMargin <= cs {
			subject = o
		}
	}
	related := make([]int, 0, len(others))
	for _, o := range append([]int{def}, others...) {
		if o != subject {
			related = append(related, o)
		}
	}
	return subject, related
}

// dateSubject decides which of 生年月日 and 受診日 a date conflict is pinned on.
func (c *Checker) dateSubject() (int, []int) {
	switch {
	case c.isSession(c.cells[c.exam].date):
		return c.birth, []int{c.exam} // the exam day is shared: the birth date is the odd one
	case c.clustered:
		return c.exam, []int{c.birth} // the batch runs on session days, and this is not one
	}
	return c.pick(c.exam, c.birth)
}

// zscore places a body measurement in its growth band for the row's age and
// sex (0 = middle, ±1.88 = p3/p97); ok is false without a band.
func (c *Checker) zscore(field int, from, to int, sex string) (float64, bool) {
	f := c.form.Fields[field]
	cl := c.cells[field]
	if f.Growth == "" || !cl.usable || cl.blank {
		return 0, false
	}
	lo, hi, ok := c.growth.Band(f.Growth, sex, from, to)
	if !ok {
		return 0, false
	}
	return (cl.num - (lo+hi)/2) / ((hi - lo) / (2 * c.growth.Rules.BandZ)), true
}
