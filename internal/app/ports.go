package app

import (
	"context"
	"errors"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/review"
	"kenshin/internal/submission"
)

// This file is the contract between the application layer and a central
// store backend. The SQLite file store (internal/store) implements it; a
// PostgreSQL server store implements the same interfaces, and both run the
// same contract tests. A backend does persistence only: it never checks a
// permission and never decides what goes into the audit log — the use cases
// in this package do both, inside one Update call.

// Store is a central store backend.
type Store interface {
	// Update runs fn in one write transaction: everything fn does through
	// tx commits together, or nothing does (fn's error or a failed commit).
	// Concurrent Update calls are serialised for the rows they touch, so a
	// read-modify-write inside fn (login failure count, the audit chain's
	// last entry) cannot interleave with another one. A damaged or
	// read-only store returns ErrReadOnly without calling fn.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction (one consistent snapshot).
	View(ctx context.Context, fn func(tx Tx) error) error
	// Check verifies the storage itself before the first write of a session
	// (SQLite: PRAGMA quick_check; full: integrity_check). A nil error and
	// an empty list mean healthy; problems are listed in Japanese.
	Check(ctx context.Context, full bool) ([]string, error)
	// Counts returns the number of rows per table, for the administrator's
	// store check.
	Counts(ctx context.Context) (map[string]int64, error)
	// AuditKey is the HMAC key of the audit chain. It is kept apart from
	// the log (SQLite: a 0600 key file beside the store, created with it;
	// PostgreSQL: a table the application role can read but the log's
	// readers cannot), so whoever can rewrite the log cannot re-seal it.
	AuditKey(ctx context.Context) ([]byte, error)
	// Location names the store in messages (a path or a server address,
	// never a password).
	Location() string
	Close() error
}

// Tx is what a use case may do inside one transaction. Methods return
// ErrNotFound (wrapped) for a missing user or batch.
type Tx interface {
	// Users.
	UserCount(ctx context.Context) (int, error)
	User(ctx context.Context, name string) (*auth.User, error)
	Users(ctx context.Context) ([]*auth.User, error)
	// InsertUser returns ErrExists (wrapped) for a taken name.
	InsertUser(ctx context.Context, u *auth.User, at time.Time) error
	// UpdateUser saves roles, hash, disabled, failures and lock of u.
	UpdateUser(ctx context.Context, u *auth.User, at time.Time) error

	// Batches.
	// Conflicts lists the records of b the store already holds (same
	// form, 宛名番号 and 受診日, not superseded).
	Conflicts(ctx context.Context, b *submission.Batch) ([]submission.Conflict, error)
	// InsertBatch stores b: every record, the trail and the decisions. It
	// returns submission.ErrDuplicate for a batch key stored before and a
	// *submission.UnresolvedError when a conflict has no usable decision.
	InsertBatch(ctx context.Context, b *submission.Batch, decisions map[int]submission.Decision) (submission.Result, error)
	Batches(ctx context.Context) ([]submission.Info, error)
	LoadBatch(ctx context.Context, id int64) (*submission.Batch, error)
	// ExportRecords calls fn for each current record of a form matching
	// flt, ordered by 受診日, 宛名番号, id. values is valid during the call.
	ExportRecords(ctx context.Context, form string, flt submission.Filter, fn func(r submission.Stored) error) error
	// MarkExported records an import file written from these batches.
	MarkExported(ctx context.Context, e submission.Export) error

	// Review tools (issue 13).
	// MarkImported sets the 取込済み mark of batch id (ErrNotFound: none).
	MarkImported(ctx context.Context, id int64, m submission.Imported) error
	// PurgeBatches deletes the records, trail and decisions of the batches
	// ids and marks their batch rows purged (the rows stay, the audit log is
	// untouched). A batch whose records a batch outside ids still refers to
	// (a replacement or a conflict decision) is kept whole and listed in
	// kept; deleted has the counts of every other batch.
	PurgeBatches(ctx context.Context, ids []int64, at time.Time, by string) (deleted map[int64]submission.PurgeCount, kept []int64, err error)
	// PendingCheck is the saved state of a second-person check of the
	// batch with this key (opaque to the store); nil when there is none.
	PendingCheck(ctx context.Context, batchKey string) ([]byte, error)
	SavePendingCheck(ctx context.Context, batchKey string, data []byte, at time.Time) error
	DeletePendingCheck(ctx context.Context, batchKey string) error

	// Audit log (append-only).
	// LastAudit is the newest entry, nil for an empty log.
	LastAudit(ctx context.Context) (*audit.Event, error)
	// AppendAudit stores an entry sealed by the caller.
	AppendAudit(ctx context.Context, e audit.Event) error
	// Audit lists entries in stored order, filtered.
	Audit(ctx context.Context, f audit.Filter) ([]audit.Event, error)
	// AuditSpooled tells which of these spool ids the log holds already
	// (a unique column: an id is taken once only).
	AuditSpooled(ctx context.Context, ids []string) (map[string]bool, error)
}

// Backend errors a store returns (wrapped) so the use cases can branch.
var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: already exists")
	// ErrReadOnly: the store was opened read-only (damaged, or on purpose);
	// nothing may be written.
	ErrReadOnly = errors.New("store: read-only")
)

// File is a CSV as the working copy knows it: its hash, where it was
// opened, and where the clerk left off.
type File struct {
	Hash     string
	Path     string
	Form     string
	Rows     int
	CurRow   int
	CurField int
}

// Workspace is the terminal's working copy of open reviews, as the use
// cases need it (internal/workcopy adapts internal/workspace to it, so this
// package does not link the SQLite driver).
type Workspace interface {
	Resume(ctx context.Context, f File, user string) (File, []review.Change, error)
	// AppendAudited saves changes to the file hash and their audit entries
	// in one transaction: both or neither.
	AppendAudited(ctx context.Context, hash string, cs []review.Change, es []Spooled) error
	SaveCursor(ctx context.Context, hash string, row, field int) error
	// Forget deletes the working copy of a file; the audit spool stays
	// until it is shipped.
	Forget(ctx context.Context, hash string) error
	Spool
}
