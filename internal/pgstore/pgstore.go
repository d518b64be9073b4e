// Package pgstore is the central store on a PostgreSQL server, for several
// health centres submitting to one place. It implements app.Store exactly
// as the SQLite store does (internal/storetest runs the same contract
// against both): one transaction per submit with its audit entry, refusal
// of a resubmitted batch, conflicts on 宛名番号 + form + 受診日, the
// correction trail, users and lockout, and the keyed audit chain.
//
// It speaks pgx natively (pgxpool), not through database/sql: COPY in both
// directions (submits of 25,000 records, backups), the binary protocol for
// exports, and pgconn's SQLSTATE codes for retrying serialization failures.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"kenshin/internal/app"
)

// Store is an open connection pool to a migrated central store.
type Store struct {
	pool *pgxpool.Pool
	loc  string
	opt  Options
}

var _ app.Store = (*Store)(nil)

// Options tune Open.
type Options struct {
	// Retries is how many times Update runs again after a serialization
	// failure or a deadlock (0: DefaultRetries; -1: never).
	Retries int
	// MaxConns of the pool (0: pgxpool's default).
	MaxConns int32
}

// DefaultRetries bounds the automatic retries of one Update.
const DefaultRetries = 5

// writeLock is the advisory lock every Update takes first. Every write
// appends to the one audit chain (read the last entry, seal, insert), so
// writes are serialised anyway; taking one lock up front makes that explicit
// and deadlock-free, the way SQLite's BEGIN IMMEDIATE does.
const writeLock int64 = 0x4b656e7368696e // "Kenshin"

// Error is a store failure with a Japanese message naming the server.
type Error struct {
	Where string // the store's Location
	Msg   string
	Err   error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("中央データ（%s）: %s", e.Where, e.Msg)
	}
	return fmt.Sprintf("中央データ（%s）: %s（%v）", e.Where, e.Msg, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrBusy is returned (wrapped) when an Update kept failing on
// serialization failures or deadlocks after its retries.
var ErrBusy = errors.New("pgstore: busy")

// Open connects with cfg (see internal/storeaddr for the TLS and password
// policy that builds it) and checks that the schema is the one this program
// knows. It never migrates: the owner role does (Migrate, Setup).
func Open(ctx context.Context, cfg *pgxpool.Config, opt Options) (*Store, error) {
	cfg = cfg.Copy()
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["lock_timeout"]; !ok {
		// a writer stuck behind another for a minute is an outage, not a wait
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = "60s"
	}
	s := &Store{loc: Location(cfg.ConnConfig), opt: opt}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, s.wrap("接続の設定が正しくありません", err)
	}
	s.pool = pool
	if err := s.checkVersion(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// OpenDSN is Open with a connection string, without the address policy
// (tests and tools that built the DSN themselves).
func OpenDSN(ctx context.Context, dsn string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, &Error{Where: "PostgreSQL", Msg: "接続先の書き方が正しくありません", Err: redact(err)}
	}
	return Open(ctx, cfg, opt)
}

// Location is the server address without the password.
func Location(c *pgx.ConnConfig) string {
	u := url.URL{Scheme: "postgres", Host: c.Host, Path: "/" + c.Database}
	if c.Port != 0 && (len(c.Host) == 0 || c.Host[0] != '/') {
		u.Host = c.Host + ":" + strconv.Itoa(int(c.Port))
	}
	if c.User != "" {
		u.User = url.User(c.User)
	}
	return u.String()
}

// redact drops a parse error's text, which may quote the password.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("invalid connection string")
	}
	return err
}

func (s *Store) wrap(msg string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if Unreachable(err) {
		// whatever was being done, the one thing to say is that the server is not there
		msg = "サーバーに接続できません。ネットワークとサーバーが動いているかを確認してください"
	}
	return &Error{Where: s.loc, Msg: msg, Err: err}
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Location names the store in messages.
func (s *Store) Location() string { return s.loc }

// Pool is the connection pool, for tests and benchmarks of this backend.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Unreachable reports whether err means the server could not be reached
// (down, network, timeout) rather than refused the work: the caller may
// keep the batch and send it later, with the same idempotency key.
func Unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return false
	case errors.As(err, &pe):
		// the server answered; only "shutting down / not accepting yet" count
		return pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || strings.HasPrefix(pe.Code, "08")
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.SafeToRetry(err):
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// retryable: the server undid the whole transaction and running it again
// may succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01" // serialization_failure, deadlock_detected
	}
	return false
}

// Update runs fn in one transaction holding the store's write lock. After
// a serialization failure or a deadlock the whole transaction was undone by
// the server, so fn runs again (bounded, with jittered backoff): fn must
// only act through tx and set its results, which is what every use case
// does. When the retries are used up the error says so in Japanese.
func (s *Store) Update(ctx context.Context, fn func(app.Tx) error) error {
	retries := s.opt.Retries
	if retries == 0 {
		retries = DefaultRetries
	}
	if retries < 0 {
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		err := s.update(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
		if attempt >= retries {
			return &Error{Where: s.loc, Msg: "他の端末の処理と重なり、何度か試しても確定できませんでした（何も登録していません）。少し待ってからもう一度行ってください",
				Err: fmt.Errorf("%w: %w", ErrBusy, err)}
		}
		// 10ms, 20ms, 40ms … with jitter, so retrying writers spread out
		d := time.Duration(10<<attempt)*time.Millisecond + time.Duration(rand.Int64N(int64(10*time.Millisecond))) // #nosec G404 -- jitter, not a secret
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
}

func (s *Store) update(ctx context.Context, fn func(app.Tx) error) error {
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return s.wrap("書き込みを始められません（サーバーに接続できるか確認してください）", err)
	}
	defer func() { _ = ptx.Rollback(ctx) }() // no-op after Commit
	// Read committed after the lock: every statement of fn sees all writes
	// committed before this transaction got the lock. The same round trip
	// tells a read-only server (a standby, or read-only on purpose).
	var ro string
	if err := ptx.QueryRow(ctx, `SELECT current_setting('transaction_read_only'), pg_advisory_xact_lock($1)::text`, writeLock).Scan(&ro, new(string)); err != nil {
		return s.wrap("書き込みの順番を待てませんでした", err)
	}
	if ro == "on" {
		return &Error{Where: s.loc, Msg: "サーバーが読み取り専用になっているため、書き込めません（何も登録していません）。サーバー管理者に確認してください", Err: app.ErrReadOnly}
	}
	if err := fn(&tx{tx: ptx, s: s}); err != nil {
		return err
	}
	if err := ptx.Commit(ctx); err != nil {
		return s.wrap("確定できません（何も登録していません）", err)
	}
	return nil
}

// View runs fn in a read-only repeatable-read transaction: one snapshot.
func (s *Store) View(ctx context.Context, fn func(app.Tx) error) error {
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return s.wrap("読み取りを始められません（サーバーに接続できるか確認してください）", err)
	}
	defer func() { _ = ptx.Rollback(ctx) }() // read-only: nothing to lose
	return fn(&tx{tx: ptx, s: s})
}

// Tables are the store's tables in dependency order (a table after every
// table it references): backups copy them in this order.
var Tables = []string{"batches", "records", "trail", "decisions", "exports", "users", "audit", "pending_checks", "audit_key"}

// Counts is the number of rows of each table (audit_key excluded, as in
// the SQLite store, where the key is a file).
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range Tables[:len(Tables)-1] {
		var n int64
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{t}.Sanitize()).Scan(&n); err != nil {
			return nil, s.wrap("件数を数えられません", err)
		}
		out[t] = n
	}
	return out, nil
}

// AuditKey reads the chain key from its table.
func (s *Store) AuditKey(ctx context.Context) ([]byte, error) {
	var k []byte
	err := s.pool.QueryRow(ctx, `SELECT key FROM audit_key WHERE id = 1`).Scan(&k)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &Error{Where: s.loc, Msg: "操作記録の鍵がありません。管理者がセットアップ（pgstore.Setup）を行ってください"}
	}
	if err != nil {
		return nil, s.wrap("操作記録の鍵を読めません（この利用者に読む権限があるか確認してください）", err)
	}
	return k, nil
}

// Check verifies what a server store can get wrong underneath the
// application: the schema version, the audit log's append-only triggers,
// the chain key, and (full) that every batch's counts match its rows.
func (s *Store) Check(ctx context.Context, full bool) ([]string, error) {
	var out []string
	if err := s.pool.Ping(ctx); err != nil {
		return nil, s.wrap("サーバーに接続できません", err)
	}
	if err := s.checkVersion(ctx); err != nil {
		out = append(out, err.Error())
	}
	var trig int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit'::regclass
		AND tgname IN ('audit_no_change', 'audit_no_truncate') AND tgenabled <> 'D'`).Scan(&trig); err != nil {
		return nil, s.wrap("操作記録の保護を確認できません", err)
	}
	if trig != 2 {
		out = append(out, "操作記録の書き換え防止（トリガー）が外されています。管理者に確認してください")
	}
	if _, err := s.AuditKey(ctx); err != nil {
		out = append(out, err.Error())
	}
	if full {
		rows, err := s.pool.Query(ctx, `SELECT b.id, b.stored, (SELECT count(*) FROM records r WHERE r.batch_id = b.id)
			FROM batches b ORDER BY b.id`)
		if err != nil {
			return nil, s.wrap("バッチを確認できません", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, stored, n int64
			if err := rows.Scan(&id, &stored, &n); err != nil {
				return nil, s.wrap("バッチを確認できません", err)
			}
			if stored != n {
				out = append(out, fmt.Sprintf("バッチ %d: 登録件数 %d に対して記録が %d 件あります", id, stored, n))
			}
		}
		if err := rows.Err(); err != nil {
			return nil, s.wrap("バッチを確認できません", err)
		}
	}
	return out, nil
}
