// Package evaluate measures detection quality on a file whose errors are
// known: recall over the injected errors that left a trace, the false-alarm
// rate over clean cells, and the share of errors no check could catch.
package evaluate

import (
	"encoding/json"
	"fmt"
	"sort"

	"kenshin/internal/batch"
)

// Truth is one known error. Detectable is optional: files from elsewhere may
// not say, and then every error counts as one a reviewer should catch.
type Truth struct {
	Row        int    `json:"row"`
	Column     string `json:"column"`
	True       string `json:"true"`
	OCR        string `json:"ocr"`
	Kind       string `json:"kind"`
	Detectable *bool  `json:"detectable,omitempty"`
}

// ParseTruth reads a truth JSON array.
func ParseTruth(b []byte) ([]Truth, error) {
	var t []Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("正解ファイルを JSON として読めません: %w", err)
	}
	return t, nil
}

// Counts is recall bookkeeping for one group of errors.
type Counts struct {
	Injected     int `json:"injected"`
	Detectable   int `json:"detectable"`
	Caught       int `json:"caught"`        // detectable and flagged
	SilentCaught int `json:"silent_caught"` // not detectable by the oracle, flagged anyway
	InfoOnly     int `json:"info_only"`     // detectable, marked only at the info level (参考)
}

// Recall is caught / detectable.
func (c Counts) Recall() float64 { return ratio(c.Caught, c.Detectable) }

// SilentShare is the share of injected errors that left no trace by the
// oracle's reading of the domain (undetectable).
func (c Counts) SilentShare() float64 { return ratio(c.Injected-c.Detectable, c.Injected) }

// Result is the evaluation of one file.
type Result struct {
	File        string             `json:"file"`
	Form        string             `json:"form"`
	Rows        int                `json:"rows"`
	Counts                         // all kinds together
	ByKind      map[string]*Counts `json:"by_kind"`
	CleanCells  int                `json:"clean_cells"`
	FalseAlarms int                `json:"false_alarms"`
	FalseByCode map[string]int     `json:"false_by_code"`
	InfoClean   int                `json:"info_clean"`       // clean cells marked only at the info level
	Missed      []Truth            `json:"missed,omitempty"` // detectable errors not flagged
}

// FalseAlarmRate is flagged clean cells / clean cells.
func (r *Result) FalseAlarmRate() float64 { return ratio(r.FalseAlarms, r.CleanCells) }

// InfoRate is clean cells marked only at the info level / clean cells.
func (r *Result) InfoRate() float64 { return ratio(r.InfoClean, r.CleanCells) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

type cellKey struct{ row, field int }

// Evaluate compares findings with the truth. A cell counts as flagged when an
// error or warning on its row has it as subject: the cell the clerk is asked
// about. Info findings (参考) ask nothing and are counted apart. Cells a
// cross-field finding merely mentions (Related) do not count, either way.
func Evaluate(b *batch.Batch, findings []batch.Finding, truth []Truth) (*Result, error) {
	res := &Result{File: b.File, Form: b.Form.ID, Rows: len(b.Rows), ByKind: map[string]*Counts{}, FalseByCode: map[string]int{}}
	byHeader := map[string]int{}
	for f, col := range b.Columns.Value {
		if col >= 0 {
			byHeader[b.Header[col]] = f
		}
	}
	flagged := map[cellKey][]string{}
	info := map[cellKey]bool{}
	for _, fd := range findings {
		if fd.Row <= 0 || fd.Field < 0 {
			continue
		}
		k := cellKey{fd.Row, fd.Field}
		if fd.Severity.Asks() {
			flagged[k] = append(flagged[k], fd.Code)
		} else {
			info[k] = true
		}
	}
	injected := map[cellKey]bool{}
	for _, t := range truth {
		f, ok := byHeader[t.Column]
		if !ok || t.Row < 1 || t.Row > len(b.Rows) {
			return nil, fmt.Errorf("正解の %d 行目「%s」がファイルにありません", t.Row, t.Column)
		}
		k := cellKey{t.Row, f}
		injected[k] = true
		kc := res.ByKind[t.Kind]
		if kc == nil {
			kc = &Counts{}
			res.ByKind[t.Kind] = kc
		}
		det := t.Detectable == nil || *t.Detectable
		hit := len(flagged[k]) > 0
		for _, c := range []*Counts{&res.Counts, kc} {
			c.Injected++
			if det {
				c.Detectable++
				if hit {
					c.Caught++
				} else if info[k] {
					c.InfoOnly++
				}
			} else if hit {
				c.SilentCaught++
			}
		}
		if det && !hit {
			res.Missed = append(res.Missed, t)
		}
	}
	for row := 1; row <= len(b.Rows); row++ {
		for f, col := range b.Columns.Value {
			k := cellKey{row, f}
			if col < 0 || injected[k] {
				continue
			}
			res.CleanCells++
			if codes := flagged[k]; len(codes) > 0 {
				res.FalseAlarms++
				res.FalseByCode[codes[0]]++
			} else if info[k] {
				res.InfoClean++
			}
		}
	}
	return res, nil
}

// Kinds lists the error kinds of a result, sorted.
func (r *Result) Kinds() []string {
	ks := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
