package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
)

// Local-first audit (issues #10, #11). A change and its audit entry are
// written in one transaction of the terminal's working copy, so review
// never waits for the central store; a shipper sends the spooled entries to
// the central store in the background, in order, and the central store
// takes each spool id once, so a shipment repeated after a crash adds
// nothing. Entries are sealed onto the chain when they arrive (the chain
// order is arrival order) and keep the time of the action as At.

// Spooled is an audit entry waiting in a terminal's working copy:
// identifiers only, as every entry.
type Spooled struct {
	ID       string // unique across terminals (random)
	At       time.Time
	User     string
	Terminal string
	Kind     string
	Object   string
	Detail   string
}

// Spool is where a terminal's audit entries wait for the central store
// (the working copy: internal/workcopy adapts internal/workspace to it).
// A Spool must be comparable (a pointer, or a struct of pointers): the App
// keeps each one it has seen once.
type Spool interface {
	// SpoolAudit saves entries that go with no change, in one transaction.
	SpoolAudit(ctx context.Context, es ...Spooled) error
	// UnsentAudit is up to n waiting entries, oldest first.
	UnsentAudit(ctx context.Context, n int) ([]Spooled, error)
	// AuditSent removes entries the central store has committed.
	AuditSent(ctx context.Context, ids []string) error
	// PendingAudit counts the waiting entries.
	PendingAudit(ctx context.Context) (int, error)
}

// shipChunk bounds the entries of one central transaction.
const shipChunk = 500

// UserMaxAge bounds how old the user record a local action (opening a
// file, editing a cell) is checked against may be while the server is up:
// a user disabled, or whose roles changed, on another terminal is refused
// on this one at most UserMaxAge after the change. The record is refreshed
// in the background by every shipment (each local action causes one) and,
// when it has grown older than this anyway (the clerk was idle), read once
// in line, bounded by gateReadTimeout. While the server is unreachable the
// last record read, or else the login's, stays in force.
const UserMaxAge = 30 * time.Second

// gateReadTimeout bounds the one in-line read of a stale user record: a
// server that does not answer by then counts as unreachable.
const gateReadTimeout = 3 * time.Second

// Shipping backoff while the server is unreachable; a new action wakes the
// backoff, but tries no more often than shipKickGap.
const (
	shipRetryMin = 2 * time.Second
	shipRetryMax = time.Minute
	shipKickGap  = 2 * time.Second
)

// Bounds on waiting for the central store. A server that does not answer
// within them counts as unreachable, so nothing waits on a hung
// connection: a background shipment (shipTimeout), the shipment a central
// entry tries first (shipBeforeWait), and the one a submit needs first
// (ShipWait; also the bound of a command's exit shipment in kenshinctl).
const (
	shipTimeout    = 30 * time.Second
	shipBeforeWait = 3 * time.Second
	ShipWait       = 15 * time.Second
)

// timing is the shipper's waits (tests shorten them per App).
type timing struct {
	retryMin, retryMax, kickGap   time.Duration
	timeout, beforeWait, shipWait time.Duration
}

var defaultTiming = timing{retryMin: shipRetryMin, retryMax: shipRetryMax, kickGap: shipKickGap,
	timeout: shipTimeout, beforeWait: shipBeforeWait, shipWait: ShipWait}

// slowServer is a wait for the central store that ran out of time: it
// counts as an outage (IsUnreachable), so the entries wait in the spool
// and a submit may wait in the outbox.
type slowServer struct{ err error }

func (e slowServer) Error() string {
	return "中央データのサーバーが時間内に応答しません（" + e.err.Error() + "）"
}
func (e slowServer) Unwrap() error     { return e.err }
func (e slowServer) Unreachable() bool { return true }

// timedOut turns a deadline that ran out into slowServer.
func timedOut(err error) error {
	if err != nil && errors.Is(err, context.DeadlineExceeded) && !IsUnreachable(err) {
		return slowServer{err}
	}
	return err
}

// newSpoolID is a fresh random spool id.
func newSpoolID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("操作記録の番号を作れません: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// spooled turns entries into spool entries stamped now.
func (a *App) spooled(es ...entry) ([]Spooled, error) {
	out := make([]Spooled, len(es))
	at := a.now()
	for i, e := range es {
		id, err := newSpoolID()
		if err != nil {
			return nil, err
		}
		out[i] = Spooled{ID: id, At: at, User: e.user, Terminal: e.terminal, Kind: e.kind, Object: e.object, Detail: e.detail}
	}
	return out, nil
}

// seenUser is a user as last read from the central store.
type seenUser struct {
	u    *auth.User // nil: the user is gone
	read time.Time
}

// shipper is the App's background sender of spooled entries. Its goroutine
// starts with the first kick and sleeps on a channel while nothing waits.
type shipper struct {
	mu      sync.Mutex
	spools  []Spool
	files   map[string]Workspace // by file hash: the working copy OpenReview opened it in
	users   map[string]seenUser
	started bool
	closed  bool
	manual  bool // tests: no background goroutine, ShipAudit only
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	down    atomic.Bool   // the last contact found the server unreachable
	busy    chan struct{} // one shipment at a time: a token, so a wait for it can be bounded
	timing  timing
	lastErr atomic.Pointer[error] // the last background shipment's failure other than an outage
	// tried is when checkLocal last read a stale user in line while the
	// server was believed down: at most once per UserMaxAge, so an outage
	// does not slow every keystroke by a timeout
	tried time.Time
}

func (a *App) sh() *shipper {
	a.shipOnce.Do(func() {
		a.ship = &shipper{users: map[string]seenUser{}, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
			busy: make(chan struct{}, 1), timing: defaultTiming}
	})
	return a.ship
}

// openedIn remembers the working copy the file hash was opened in, for the
// use cases that get only the review (the audit sample).
func (a *App) openedIn(hash string, ws Workspace) {
	if ws == nil {
		return
	}
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.files == nil {
		sh.files = map[string]Workspace{}
	}
	sh.files[hash] = ws
}

// workspaceOf is the working copy the file hash was opened in, nil if none.
func (a *App) workspaceOf(hash string) Workspace {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.files[hash]
}

// acquire takes the shipment token, waiting no longer than ctx allows.
func (sh *shipper) acquire(ctx context.Context) error {
	select {
	case sh.busy <- struct{}{}:
		return nil
	default:
	}
	select {
	case sh.busy <- struct{}{}:
		return nil
	case <-ctx.Done():
		return timedOut(fmt.Errorf("操作記録の送信が終わるのを待てません: %w", ctx.Err()))
	}
}

func (sh *shipper) release() { <-sh.busy }

// attach remembers sp so the shipper sends what waits in it.
func (a *App) attach(sp Spool) {
	if sp == nil {
		return
	}
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, x := range sh.spools {
		if x == sp {
			return
		}
	}
	sh.spools = append(sh.spools, sp)
}

// Attach registers the terminal's working copy with the App, so that
// entries left in it by an earlier run are shipped (kicked at once) and
// PendingAudit counts them. OpenReview and Submit attach the working copy
// they are given themselves.
func (a *App) Attach(sp Spool) {
	a.attach(sp)
	a.kick()
}

func (a *App) spoolList() []Spool {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return append([]Spool(nil), sh.spools...)
}

// kick wakes the shipper (starting it the first time); it never blocks.
func (a *App) kick() {
	sh := a.sh()
	sh.mu.Lock()
	if sh.closed || sh.manual {
		sh.mu.Unlock()
		return
	}
	if !sh.started {
		sh.started = true
		go a.shipLoop()
	}
	sh.mu.Unlock()
	select {
	case sh.kick <- struct{}{}:
	default: // a kick is pending already
	}
}

// Close stops the shipper after the shipment in progress, if any. What
// still waits stays in the working copy and is shipped by the next run.
func (a *App) Close() {
	sh := a.sh()
	sh.mu.Lock()
	started := sh.started
	if !sh.closed {
		sh.closed = true
		close(sh.stop)
	}
	sh.mu.Unlock()
	if started {
		<-sh.done
	}
}

func (a *App) shipLoop() {
	sh := a.sh()
	defer close(sh.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-sh.stop
		cancel()
	}()
	for {
		select {
		case <-sh.stop:
			return
		case <-sh.kick:
		}
		tm := sh.timing
		wait := tm.retryMin
		for {
			sctx, scancel := context.WithTimeout(ctx, tm.timeout)
			_, err := a.ShipAudit(sctx)
			scancel()
			tried := time.Now()
			if err == nil || !IsUnreachable(err) || ctx.Err() != nil {
				if ctx.Err() == nil {
					sh.lastErr.Store(&err) // nil: the last one went through
				}
				break
			}
			if n, err := a.PendingAudit(ctx); err == nil && n == 0 {
				break // only a refresh of the users failed: the next action asks again
			}
			// a new action (a kick) tries at once: the server may be back,
			// and the gate's bound counts from the user's last read
			select {
			case <-sh.stop:
				return
			case <-sh.kick:
				// but no more often than kickGap while the clerk types
				if d := tm.kickGap - time.Since(tried); d > 0 {
					select {
					case <-sh.stop:
						return
					case <-time.After(d):
					}
				}
			case <-time.After(wait):
			}
			wait = min(2*wait, tm.retryMax)
		}
	}
}

// ShipError is the last background shipment that failed for another reason
// than an unreachable server (nil: none); the next kick tries again.
func (a *App) ShipError() error {
	if p := a.sh().lastErr.Load(); p != nil {
		return *p
	}
	return nil
}

// PendingAudit counts the audit entries waiting in the working copies the
// App knows to be sent to the central store (for the status bar).
func (a *App) PendingAudit(ctx context.Context) (int, error) {
	n := 0
	for _, sp := range a.spoolList() {
		k, err := sp.PendingAudit(ctx)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// ShipAudit sends every waiting entry of the attached working copies (and
// of also, attached first) to the central store now, in order, one
// transaction per chunk, and returns how many entries the central store
// took. An entry whose spool id the central store holds already (a
// shipment whose local mark was lost) is skipped. The same transactions
// refresh the users the gate keeps.
func (a *App) ShipAudit(ctx context.Context, also ...Spool) (int, error) {
	for _, sp := range also {
		a.attach(sp)
	}
	return a.shipAll(ctx, true)
}

// shipAll is ShipAudit; refresh re-reads the gate's users even when
// nothing was waiting.
func (a *App) shipAll(ctx context.Context, refresh bool) (int, error) {
	sh := a.sh()
	if err := sh.acquire(ctx); err != nil {
		return 0, err
	}
	defer sh.release()
	return a.shipLocked(ctx, refresh)
}

// shipLocked is shipAll with the token held. An answer that does not come
// within ctx counts as an outage.
func (a *App) shipLocked(ctx context.Context, refresh bool) (total int, err error) {
	defer func() { err = timedOut(err) }()
	updated := false
	for _, sp := range a.spoolList() {
		for {
			es, err := sp.UnsentAudit(ctx, shipChunk)
			if err != nil {
				return total, err
			}
			if len(es) == 0 {
				break
			}
			n, err := a.shipChunk(ctx, es)
			a.noteContact(timedOut(err))
			if err != nil {
				return total, err
			}
			updated = true
			total += n
			ids := make([]string, len(es))
			for i, e := range es {
				ids[i] = e.ID
			}
			// After the central commit: a kill before this line leaves the
			// entries here, and the next shipment skips them there.
			if err := sp.AuditSent(ctx, ids); err != nil {
				return total, err
			}
			if len(es) < shipChunk {
				break
			}
		}
	}
	if refresh && !updated && a.usersDue() {
		err := a.Store.View(ctx, func(tx Tx) error { return a.refreshUsers(ctx, tx) })
		a.noteContact(timedOut(err))
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// shipChunk appends es to the chain in one transaction, skipping the spool
// ids the log holds already.
func (a *App) shipChunk(ctx context.Context, es []Spooled) (int, error) {
	n := 0
	err := a.update(ctx, func(tx Tx) error {
		n = 0
		key, err := a.chainKey(ctx)
		if err != nil {
			return err
		}
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.ID
		}
		have, err := tx.AuditSpooled(ctx, ids)
		if err != nil {
			return err
		}
		last, err := tx.LastAudit(ctx)
		if err != nil {
			return err
		}
		arrived := a.now()
		for _, e := range es {
			if have[e.ID] {
				continue
			}
			ev := audit.Event{At: e.At, User: e.User, Terminal: e.Terminal, Kind: e.Kind, Object: e.Object, Detail: e.Detail,
				SpoolID: e.ID, Arrived: arrived}
			audit.Seal(key, last, &ev)
			if err := tx.AppendAudit(ctx, ev); err != nil {
				return fmt.Errorf("操作記録を中央データに送れません: %w", err)
			}
			last = &ev
			have[e.ID] = true // the same id twice in one chunk is one entry
			n++
		}
		return a.refreshUsers(ctx, tx)
	})
	return n, err
}

// noteContact keeps whether the server answered.
func (a *App) noteContact(err error) {
	switch {
	case err == nil:
		a.sh().down.Store(false)
	case IsUnreachable(err):
		a.sh().down.Store(true)
	}
}

// shipFirst sends what waits before a central action whose entry must
// follow the spooled ones in the chain (submit, outbox), waiting at most
// ShipWait (a shipment in progress included): a server that does not
// answer by then counts as unreachable, and that is left to the action
// itself to report.
func (a *App) shipFirst(ctx context.Context, ws Workspace) error {
	if ws != nil {
		a.attach(ws)
	}
	sctx, cancel := context.WithTimeout(ctx, a.sh().timing.shipWait)
	defer cancel()
	if _, err := a.ShipAudit(sctx); err != nil {
		if IsUnreachable(err) {
			return err
		}
		return fmt.Errorf("先に送るべき操作記録を中央データに送れないため、送信しません: %w", err)
	}
	return nil
}

// shipBefore sends what waits before an entry written centrally at once
// (lock, logout, a refusal), so that the chain keeps the order of the
// actions. It never waits for a shipment in progress, and itself waits at
// most shipBeforeWait. It reports whether nothing is left waiting, that is
// whether a central entry written now still comes after every spooled one.
func (a *App) shipBefore(ctx context.Context) bool {
	sh := a.sh()
	select {
	case sh.busy <- struct{}{}:
	default:
		return false // a shipment is under way (perhaps hung): the entry goes behind it
	}
	defer sh.release()
	if sh.down.Load() {
		n, err := a.PendingAudit(ctx)
		return err == nil && n == 0
	}
	sctx, cancel := context.WithTimeout(ctx, sh.timing.beforeWait)
	defer cancel()
	_, err := a.shipLocked(sctx, false)
	return err == nil
}

// firstSpool is a working copy the App knows (nil: none).
func (a *App) firstSpool() Spool {
	if l := a.spoolList(); len(l) > 0 {
		return l[0]
	}
	return nil
}

// ---- the users the gate keeps

func (a *App) usersDue() bool {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, s := range sh.users {
		if a.now().Sub(s.read) > UserMaxAge/2 {
			return true
		}
	}
	return false
}

// refreshUsers re-reads every user the gate keeps, inside tx.
func (a *App) refreshUsers(ctx context.Context, tx Tx) error {
	sh := a.sh()
	sh.mu.Lock()
	names := make([]string, 0, len(sh.users))
	for n := range sh.users {
		names = append(names, n)
	}
	sh.mu.Unlock()
	for _, n := range names {
		u, err := tx.User(ctx, n)
		switch {
		case errors.Is(err, ErrNotFound):
			u = nil
		case err != nil:
			return err
		}
		a.noteUser(n, u)
	}
	return nil
}

// noteUser keeps u (nil: gone) as read now.
func (a *App) noteUser(name string, u *auth.User) {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.users[name] = seenUser{u: u, read: a.now()}
}

// forgetUser drops what the gate keeps of a user changed on this terminal,
// so that the next local action reads it again.
func (a *App) forgetUser(name string) {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if s, ok := sh.users[name]; ok {
		sh.users[name] = seenUser{u: s.u} // read at the zero time: stale
	}
}

func (a *App) seen(name string) (seenUser, bool) {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s, ok := sh.users[name]
	return s, ok
}

// checkLocal is the gate of the local actions (open a file, edit a cell):
// like check, but against the user as last read (see UserMaxAge), so a
// keystroke makes no round trip to the server.
func (a *App) checkLocal(ctx context.Context, s *Session, act auth.Action) error {
	if s.Locked() {
		return ErrLocked
	}
	u := s.user()
	if u == nil {
		return auth.Check(nil, act)
	}
	seen, ok := a.seen(u.Name)
	age := a.now().Sub(seen.read)
	down := a.sh().down.Load()
	var cur *auth.User
	switch {
	case ok && !seen.read.IsZero() && age <= UserMaxAge:
		cur = seen.u
		if age > UserMaxAge/2 || down {
			a.kick() // refreshed in the background before it is stale
		}
	case down && !a.inlineDue():
		cur = a.offlineUser(u, seen, ok)
		a.kick() // the shipper retries, and finds the server back
	default:
		// never read, changed on this terminal, or stale (while the server
		// is believed up, or down since the last try: it may be back, and
		// the bound holds only if it is asked): read it now, bounded
		rctx, cancel := context.WithTimeout(ctx, gateReadTimeout)
		err := a.Store.View(rctx, func(tx Tx) error {
			var err error
			cur, err = tx.User(rctx, u.Name)
			return err
		})
		cancel()
		err = timedOut(err)
		switch {
		case err == nil:
			a.noteContact(nil)
			a.noteUser(u.Name, cur)
		case errors.Is(err, ErrNotFound):
			a.noteUser(u.Name, nil)
			return auth.ErrDisabled
		case IsUnreachable(err):
			a.sh().down.Store(true)
			cur = a.offlineUser(u, seen, ok)
			a.kick()
		default:
			return err
		}
	}
	if cur == nil {
		return auth.ErrDisabled
	}
	if cur.Disabled {
		return auth.ErrDisabled
	}
	return auth.Check(cur, act)
}

// inlineDue reports whether checkLocal may read the user in line while
// the server is believed down: once per UserMaxAge, so an outage costs a
// keystroke at most one bounded wait in that time.
func (a *App) inlineDue() bool {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	now := a.now()
	if !sh.tried.IsZero() && now.Sub(sh.tried) < UserMaxAge && !now.Before(sh.tried) {
		return false
	}
	sh.tried = now
	return true
}

// offlineUser is what the gate goes by while the server is unreachable:
// the last record read, else the login's.
func (a *App) offlineUser(login *auth.User, seen seenUser, ok bool) *auth.User {
	if ok && !seen.read.IsZero() {
		return seen.u
	}
	return login
}

// allowLocal is allow for the local actions: a refusal is spooled in ws
// (nil: written centrally, best effort).
func (a *App) allowLocal(ctx context.Context, s *Session, act auth.Action, ws Workspace) error {
	err := a.checkLocal(ctx, s, act)
	if err == nil {
		return nil
	}
	if ws == nil {
		_ = a.note(ctx, s, audit.Denied, string(act), "") // the refusal is returned either way
		return err
	}
	if es, serr := a.spooled(entry{s.name(), s.terminal(), audit.Denied, string(act), ""}); serr == nil {
		if ws.SpoolAudit(ctx, es...) == nil { // the refusal is returned either way
			a.attach(ws)
			a.kick()
		}
	}
	return err
}

// AllowLocal is Allow for the actions that need no server (opening a file,
// editing a cell): checked against the user as last read (see UserMaxAge),
// so a front end may call it on every key without a round trip. A refusal
// is logged like Allow's (spooled when it cannot go first). Any other
// action is checked by Allow.
func (a *App) AllowLocal(ctx context.Context, s *Session, act auth.Action) error {
	if act != auth.OpenFile && act != auth.EditCell {
		return a.allow(ctx, s, act)
	}
	return a.allowLocal(ctx, s, act, nil)
}
