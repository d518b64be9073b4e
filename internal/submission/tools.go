package submission

import "time"

// DoubleCheck is who checked which fields of a batch a second time
// (identifiers only: the values are in the records).
type DoubleCheck struct {
	Reviewer string      `json:"reviewer"`
	Checker  string      `json:"checker"`
	Mode     string      `json:"mode"` // "confirm" or "blind"
	Items    []CheckItem `json:"items"`
}

// CheckItem is one checked field of one record.
type CheckItem struct {
	Row       int       `json:"row"`
	Key       string    `json:"key"`
	State     string    `json:"state"` // confirmed, matched, decided
	CheckedBy string    `json:"checked_by,omitempty"`
	CheckedAt time.Time `json:"checked_at,omitzero"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
}

// Sample is the audit sample of unflagged cells marked before submission
// and the residual error estimate drawn from it.
type Sample struct {
	Seed       uint64       `json:"seed"`
	Population int          `json:"population"`
	N          int          `json:"n"`
	Errors     int          `json:"errors"`
	Rate       float64      `json:"rate"`
	Upper      float64      `json:"upper"` // one-sided 95 % upper bound
	By         string       `json:"by"`
	At         time.Time    `json:"at"`
	Wrong      []SampleCell `json:"wrong,omitempty"` // the cells marked wrong
	Summary    string       `json:"summary"`         // the 概要 line, as printed
}

// SampleCell is one sampled cell.
type SampleCell struct {
	Row int    `json:"row"`
	Key string `json:"key"`
}

// Imported is the 取込済み mark a supervisor sets on an exported batch.
type Imported struct {
	At time.Time
	By string
}

// PurgeCount is what the store deleted of one batch.
type PurgeCount struct {
	Records, Cells int
}
