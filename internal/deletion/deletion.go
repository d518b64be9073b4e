// Package deletion owns the record of a data deletion: which batches went,
// how many rows, a SHA-256 over a canonical encoding of the deleted rows,
// when, by whom and at which audit chain head, and its Excel form.
package deletion

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"kenshin/internal/audit"
)

// Why a deletion happened.
const (
	ReasonPurge       = "purge"        // stored records whose import was confirmed
	ReasonWorkingCopy = "working_copy" // a terminal's working copy after submit
)

// Batch is what was deleted of one batch.
type Batch struct {
	ID          int64  // store batch number; 0 for a working copy
	Key         string // the batch key, or the working copy's file hash
	File        string // file name only
	Form        string
	Centre      int
	SubmittedAt time.Time
	ImportedAt  time.Time // 取込済み mark; zero for a working copy
	Records     int       // rows deleted
	Cells       int       // trail cells deleted
	Hash        string    // Hash of the deleted rows (canonical encoding)
}

// Record is one deletion: everything deleted in one run.
type Record struct {
	Reason    string // ReasonPurge or ReasonWorkingCopy
	Criterion string // Japanese, e.g. "2026-03-31 より前に出力し取込済みのもの"
	At        time.Time
	By        string
	Terminal  string
	ChainHead string // audit chain head after the deletion was logged, "N:HASH"
	Batches   []Batch
}

// ChainHead formats the head of an audit chain as "N:HASH".
func ChainHead(last audit.Event) string { return fmt.Sprintf("%d:%s", last.Seq, last.Hash) }

var headRE = regexp.MustCompile(`^[1-9][0-9]*:[0-9a-f]{64}$`)

// Totals sums the rows and trail cells deleted.
func (r *Record) Totals() (records, cells int) {
	for _, b := range r.Batches {
		records += b.Records
		cells += b.Cells
	}
	return records, cells
}

// Validate checks that the record says what it must before it is written.
func (r *Record) Validate() error {
	switch {
	case r.Reason != ReasonPurge && r.Reason != ReasonWorkingCopy:
		return fmt.Errorf("deletion: unknown reason %q", r.Reason)
	case r.By == "":
		return errors.New("deletion: who deleted is missing")
	case r.At.IsZero():
		return errors.New("deletion: the time of deletion is missing")
	case !headRE.MatchString(r.ChainHead):
		return fmt.Errorf("deletion: audit chain head %q is not N:HASH", r.ChainHead)
	}
	for i, b := range r.Batches {
		if len(b.Hash) != 64 {
			return fmt.Errorf("deletion: batch %d (%s) has no row hash", i+1, b.Key)
		}
	}
	return nil
}

// Label is the Japanese name of a reason.
func Label(reason string) string {
	switch reason {
	case ReasonPurge:
		return "保存期間を過ぎた送信済みデータの削除"
	case ReasonWorkingCopy:
		return "送信後の端末作業データの削除"
	}
	return reason
}
