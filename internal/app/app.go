// Package app owns the use cases of Kenshin Review — login, review, submit,
// export, report, user and audit administration — each written once, with
// the acting user's capability checked and its audit entry written in the
// same store transaction as the action. The GUI and kenshinctl call it and
// only translate input and results.
package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auditreport"
	"kenshin/internal/auth"
	"kenshin/internal/deletion"
	"kenshin/internal/form"
	"kenshin/internal/ocrstats"
	"kenshin/internal/submission"
)

// ReportOptions are what a report shows besides the batch.
type ReportOptions struct {
	Password string
	Now      time.Time
	// Head is the audit chain's head including the report's own entry, to
	// be printed in the workbook so a later log can be compared with it.
	Head audit.Head
}

// ReportWriter writes the Excel correction report of b to path
// (internal/report, wrapped by the caller so this package needs no excelize).
type ReportWriter func(path string, b *submission.Batch, f *form.Form, opt ReportOptions) error

// Workbooks write the Excel files of the review tools: OCR statistics,
// the audit-log review and deletion records. The writers live apart
// (internal/workbooks wires them), so this package links no excelize. A
// nil writer refuses its export, and a purge that needs its record.
type Workbooks struct {
	Stats    func(path string, s *ocrstats.Stats, opt ocrstats.WriteOptions) error
	Audit    func(path string, r *auditreport.Report, opt auditreport.WriteOptions) error
	Deletion func(path string, r *deletion.Record, password string) error
}

// ErrNoWorkbook: the program was built without the Excel writer an export
// needs (a wiring mistake, never a clerk's).
var ErrNoWorkbook = errors.New("このプログラムには Excel ファイルを書き出す部品が組み込まれていません（システム担当者に連絡してください）")

func (w Workbooks) stats() func(string, *ocrstats.Stats, ocrstats.WriteOptions) error {
	if w.Stats == nil {
		return func(string, *ocrstats.Stats, ocrstats.WriteOptions) error { return ErrNoWorkbook }
	}
	return w.Stats
}

func (w Workbooks) audit() func(string, *auditreport.Report, auditreport.WriteOptions) error {
	if w.Audit == nil {
		return func(string, *auditreport.Report, auditreport.WriteOptions) error { return ErrNoWorkbook }
	}
	return w.Audit
}

func (w Workbooks) deletion() func(string, *deletion.Record, string) error {
	if w.Deletion == nil {
		return func(string, *deletion.Record, string) error { return ErrNoWorkbook }
	}
	return w.Deletion
}

// App is the application layer over one central store.
type App struct {
	Store     Store
	Forms     *form.Set
	Now       func() time.Time
	Policy    auth.Policy
	Reports   ReportWriter // nil: Report refuses
	Workbooks Workbooks
	// DoubleCheckOff lifts the second-person check before Submit: a
	// deployment setting, so the zero App requires it (tests and fixtures
	// that submit without one set it explicitly).
	DoubleCheckOff bool
	// DeletionRecords is the folder where Submit writes the deletion record
	// of the working copy it deletes; "" writes none.
	DeletionRecords string

	keyMu sync.Mutex
	key   []byte

	shipOnce sync.Once
	ship     *shipper // see ship.go
}

// New is an App with the default policy and clock.
func New(st Store, forms *form.Set) *App {
	return &App{Store: st, Forms: forms, Now: time.Now, Policy: auth.DefaultPolicy}
}

// Session is who acts, from which terminal. A nil User is nobody logged in.
type Session struct {
	User     *auth.User
	Terminal string
	// locked is set by Lock and cleared by Unlock: while it is set, no use
	// case acts for this session, whatever the front end lets through.
	locked atomic.Bool
}

// ErrLocked refuses an action while the session's window is locked.
var ErrLocked = errors.New("画面がロックされています。パスワードを入れてロックを解除してから操作してください")

// Locked reports whether the session is locked.
func (s *Session) Locked() bool { return s != nil && s.locked.Load() }

func (s *Session) name() string {
	if s == nil || s.User == nil {
		return "（未ログイン）"
	}
	return s.User.Name
}

func (s *Session) user() *auth.User {
	if s == nil {
		return nil
	}
	return s.User
}

func (s *Session) terminal() string {
	if s == nil {
		return ""
	}
	return s.Terminal
}

func (a *App) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// chainKey is the audit chain's key, read once it can be read: a failed
// read (a server not yet reachable) is tried again on the next call.
func (a *App) chainKey(ctx context.Context) ([]byte, error) {
	a.keyMu.Lock()
	defer a.keyMu.Unlock()
	if a.key != nil {
		return a.key, nil
	}
	k, err := a.Store.AuditKey(ctx)
	if err != nil {
		return nil, err
	}
	a.key = k
	return k, nil
}

// update is Store.Update with the chain key loaded first: read inside the
// transaction, it would need a second connection while the first holds the
// write lock, and concurrent first writes could starve the pool.
func (a *App) update(ctx context.Context, fn func(tx Tx) error) error {
	if _, err := a.chainKey(ctx); err != nil {
		return err
	}
	return a.Store.Update(ctx, fn)
}

// entry is one audit entry to append; identifiers only (file hash, row,
// field key, 宛名番号, batch number), never a value a clerk typed.
type entry struct {
	user, terminal       string
	kind, object, detail string
}

// appendAudit seals e after the last entry and stores it inside tx: the
// caller's action and its entry commit together or not at all.
func (a *App) appendAudit(ctx context.Context, tx Tx, e entry) (audit.Head, error) {
	key, err := a.chainKey(ctx)
	if err != nil {
		return audit.Head{}, err
	}
	last, err := tx.LastAudit(ctx)
	if err != nil {
		return audit.Head{}, err
	}
	ev := audit.Event{At: a.now(), User: e.user, Terminal: e.terminal, Kind: e.kind, Object: e.object, Detail: e.detail}
	audit.Seal(key, last, &ev)
	if err := tx.AppendAudit(ctx, ev); err != nil {
		return audit.Head{}, fmt.Errorf("操作記録を書けないため、操作は行いませんでした: %w", err)
	}
	return audit.HeadOf(&ev), nil
}

// record appends one entry for s in its own transaction (backup,
// restore: the entry is the whole action, and its head is wanted).
// What waits in the spool is sent first when that can be done at once;
// otherwise the entry lands before it (best effort).
func (a *App) record(ctx context.Context, s *Session, kind, object, detail string) (audit.Head, error) {
	a.shipBefore(ctx) // best effort: see above
	var h audit.Head
	err := a.update(ctx, func(tx Tx) error {
		var err error
		h, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), kind, object, detail})
		return err
	})
	return h, err
}

// note is record for the entries that need no head (lock, logout, a
// refusal), bounded in time: when what waits in the spool cannot be sent
// first at once (a shipment is under way, or the server is down), the
// entry is spooled behind it instead, so the chain keeps the order of the
// actions and nobody waits for a hung server. Only with no working copy to
// spool into is it written centrally, within ShipWait.
func (a *App) note(ctx context.Context, s *Session, kind, object, detail string) error {
	e := entry{s.name(), s.terminal(), kind, object, detail}
	if !a.shipBefore(ctx) {
		if sp := a.firstSpool(); sp != nil {
			es, err := a.spooled(e)
			if err == nil {
				err = sp.SpoolAudit(ctx, es...)
			}
			if err == nil {
				a.kick()
				return nil
			}
			// the working copy refuses it: centrally, out of order, rather than not at all
		}
	}
	wctx, cancel := context.WithTimeout(ctx, a.sh().timing.shipWait)
	defer cancel()
	err := a.update(wctx, func(tx Tx) error {
		_, err := a.appendAudit(wctx, tx, e)
		return err
	})
	return timedOut(err)
}

// allow checks that s may do act. A refusal is itself logged (best effort:
// the refusal stands even when the log cannot be written).
func (a *App) allow(ctx context.Context, s *Session, act auth.Action) error {
	err := a.check(ctx, s, act)
	if err != nil {
		_ = a.note(ctx, s, audit.Denied, string(act), "") // the refusal is returned either way
	}
	return err
}

// check is the one gate of every use case: the session is not locked, its
// user still exists and is not disabled, and the user's current roles (not
// the ones read at login: an administrator may have changed them since)
// allow act.
func (a *App) check(ctx context.Context, s *Session, act auth.Action) error {
	if s.Locked() {
		return ErrLocked
	}
	u := s.user()
	if u == nil {
		return auth.Check(nil, act)
	}
	var fresh *auth.User
	online := true
	if err := a.Store.View(ctx, func(tx Tx) error {
		var err error
		fresh, err = tx.User(ctx, u.Name)
		return err
	}); err != nil {
		a.noteContact(err)
		switch {
		case errors.Is(err, ErrNotFound):
			a.noteUser(u.Name, nil)
			return auth.ErrDisabled
		case IsUnreachable(err):
			// Offline: the user as last read (else the login's) decides
			// what may be prepared here, as for the local actions: a user
			// seen disabled stays refused. Whatever reaches the server
			// later passes this gate again (SendOutbox submits anew).
			online = false
			seen, ok := a.seen(u.Name)
			if fresh = a.offlineUser(u, seen, ok); fresh == nil {
				return auth.ErrDisabled
			}
		default:
			return err
		}
	}
	if online {
		a.noteContact(nil)
		a.noteUser(u.Name, fresh)
	}
	if fresh.Disabled {
		return auth.ErrDisabled
	}
	return auth.Check(fresh, act)
}

// updateAs is update for an action of s that acts on the central store
// first: the gate is checked inside the same transaction (checkIn), so the
// user's current record decides without a read of its own before it. A
// refusal undoes the transaction and is logged, like allow's.
func (a *App) updateAs(ctx context.Context, s *Session, act auth.Action, fn func(tx Tx) error) error {
	var denied error
	err := a.update(ctx, func(tx Tx) error {
		if denied = a.checkIn(ctx, tx, s, act); denied != nil {
			return denied
		}
		return fn(tx)
	})
	if denied != nil {
		_ = a.note(ctx, s, audit.Denied, string(act), "") // the refusal is returned either way
	}
	return err
}

// checkIn is check inside a central transaction: the user is read in tx,
// so a change committed before it takes effect, with no extra round trip.
func (a *App) checkIn(ctx context.Context, tx Tx, s *Session, act auth.Action) error {
	if s.Locked() {
		return ErrLocked
	}
	u := s.user()
	if u == nil {
		return auth.Check(nil, act)
	}
	fresh, err := tx.User(ctx, u.Name)
	switch {
	case errors.Is(err, ErrNotFound):
		a.noteUser(u.Name, nil)
		return auth.ErrDisabled
	case err != nil:
		return err
	}
	a.noteUser(u.Name, fresh)
	if fresh.Disabled {
		return auth.ErrDisabled
	}
	return auth.Check(fresh, act)
}

// Head is the audit chain's current head.
func (a *App) Head(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := a.Store.View(ctx, func(tx Tx) error {
		last, err := tx.LastAudit(ctx)
		h = audit.HeadOf(last)
		return err
	})
	return h, err
}

// ErrSetupDone: the first administrator exists already.
var ErrSetupDone = errors.New("利用者がすでにいます。初期設定はできません")

// ErrNoUsers: nobody can log in before the first-run setup.
var ErrNoUsers = errors.New("利用者がまだいません。先に管理者を作成してください（kenshinctl user add 名前 --role admin、または画面の初期設定）")

// Allow checks a capability for a front end that greys out or refuses a
// command before any input is asked; a refusal is logged.
func (a *App) Allow(ctx context.Context, s *Session, act auth.Action) error {
	return a.allow(ctx, s, act)
}
