package submission

import (
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"
)

// UnresolvedError lists the conflicts that had no usable decision (none, or
// a replacement without a reason). It belongs to the submission rules, so
// every store backend returns it and every caller branches on it the same way.
type UnresolvedError struct{ Conflicts []Conflict }

func (e *UnresolvedError) Error() string {
	return fmt.Sprintf("登録済みの記録と重なる行が %d 件あります（スキップするか、理由を付けて置き換えてください）", len(e.Conflicts))
}

func (e *UnresolvedError) Unwrap() error { return ErrUnresolved }

// Unresolved is the *UnresolvedError for the conflicts decisions do not
// settle (no decision, or a replacement without a reason); nil when every
// conflict is settled. Both stores check it inside the submit transaction.
func Unresolved(conflicts []Conflict, decisions map[int]Decision) error {
	var open []Conflict
	for _, c := range conflicts {
		d, ok := decisions[c.Row]
		if !ok || (d.Replace && strings.TrimSpace(d.Reason) == "") {
			open = append(open, c)
		}
	}
	if len(open) > 0 {
		return &UnresolvedError{Conflicts: open}
	}
	return nil
}

// Info describes a stored batch.
type Info struct {
	ID             int64     `json:"id"`
	FileHash       string    `json:"file_hash"` // SHA-256 of the CSV's bytes: the file it came from, whatever its name now
	Form           string    `json:"form"`
	File           string    `json:"file"`
	Centre         int       `json:"centre"`
	Reviewer       string    `json:"reviewer"`
	Submitter      string    `json:"submitter"`
	SubmittedAt    time.Time `json:"submitted_at"`
	Rows           int       `json:"rows"`
	Stored         int       `json:"stored"`
	Skipped        int       `json:"skipped"`
	Replaced       int       `json:"replaced"`
	Errors         int       `json:"errors"`
	Corrected      int       `json:"corrected"`
	Confirmed      int       `json:"confirmed"`
	OverrideUser   string    `json:"override_user,omitempty"`
	OverrideReason string    `json:"override_reason,omitempty"`
	ExportedAt     string    `json:"exported_at,omitempty"`
	ExportedBy     string    `json:"exported_by,omitempty"`
	ImportedAt     string    `json:"imported_at,omitempty"`
	ImportedBy     string    `json:"imported_by,omitempty"`
	PurgedAt       string    `json:"purged_at,omitempty"`
}

// Filter selects the stored records of an import file.
type Filter struct {
	From, To string // ISO dates, inclusive; "" for open
	Centre   int    // 0 for all
	BatchID  int64  // 0 for all
}

func (f Filter) String() string {
	b, _ := json.Marshal(f)
	return string(b)
}

// Stored is one current record as an export reads it.
type Stored struct {
	BatchID int64
	Atena   string
	// Values yields field key → final value; valid only during the call
	// that received it (a backend may decode it lazily from its row).
	Values iter.Seq2[string, string]
}

// Export is the record of one import file written.
type Export struct {
	Form    string
	File    string // base name only
	At      time.Time
	By      string
	Filter  Filter
	Records int
	Batches []int64
}
