// Package storeaddr chooses the central store backend by its address — a
// file path is the SQLite store, postgres://… or postgresql://… is the
// PostgreSQL server — and applies the connection policy of the
// municipality's checklists before anything touches the network:
//
//   - TLS with sslmode=verify-full and a CA file for every host but
//     localhost and a Unix socket; plain text only to localhost, and only
//     when explicitly allowed (KENSHIN_STORE_PLAINTEXT=local);
//   - the password never in the address (the app writes addresses to its
//     settings), but from KENSHIN_STORE_PASSWORD / PGPASSWORD, a password
//     file only its owner can read, or typed at login.
package storeaddr

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"kenshin/internal/app"
	"kenshin/internal/pgstore"
	"kenshin/internal/store"
)

// Kind is a backend.
type Kind int

// The backends.
const (
	SQLite Kind = iota + 1
	Postgres
)

// KindOf tells the backend of an address.
func KindOf(addr string) Kind {
	l := strings.ToLower(strings.TrimSpace(addr))
	if strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Settings say where the store is and how to reach it.
type Settings struct {
	Addr            string // a file path or a postgres:// URL
	CAFile          string // PEM file of the CA that signed the server's certificate
	AllowPlainLocal bool   // plain text to localhost (a test server on this machine)
	PasswordFile    string // a file holding the password, readable by its owner only
	// Prompt asks for the password (typed at login); nil: not asked.
	Prompt func(location string) (string, error)
	// Options for the PostgreSQL store.
	Postgres pgstore.Options
	// ReadOnly opens a SQLite store without migrating or writing anything
	// (a connection test must not alter an older store file).
	ReadOnly bool
}

// Environment variables FromEnv reads.
const (
	EnvStore        = "KENSHIN_STORE"
	EnvCA           = "KENSHIN_STORE_CA"
	EnvPlain        = "KENSHIN_STORE_PLAINTEXT" // "local"
	EnvPassword     = "KENSHIN_STORE_PASSWORD"
	EnvPasswordFile = "KENSHIN_STORE_PASSWORD_FILE"
)

// FromEnv is the settings the environment gives; Addr falls back to the
// SQLite store's default path.
func FromEnv() (Settings, error) {
	s := Settings{
		Addr: os.Getenv(EnvStore), CAFile: os.Getenv(EnvCA), PasswordFile: os.Getenv(EnvPasswordFile),
		AllowPlainLocal: os.Getenv(EnvPlain) == "local",
	}
	if s.Addr == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return s, err
		}
		s.Addr = p
	}
	return s, nil
}

// ErrInsecure is a connection the policy refuses; nothing was sent.
var ErrInsecure = errors.New("storeaddr: insecure connection refused")

// ErrPassword is a password source the policy refuses.
var ErrPassword = errors.New("storeaddr: password source refused")

// Error is a refused or unusable address, in Japanese.
type Error struct {
	Addr string // without the password
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("中央データの接続先「%s」: %s", e.Addr, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Open opens the store the settings name (an existing one: SQLite stores
// are created with store.Create, server stores with pgstore.Setup).
func Open(ctx context.Context, s Settings) (app.Store, error) {
	if KindOf(s.Addr) == SQLite {
		return store.Open(ctx, s.Addr, store.Options{ReadOnly: s.ReadOnly})
	}
	cfg, err := s.PostgresConfig()
	if err != nil {
		return nil, err
	}
	return pgstore.Open(ctx, cfg, s.Postgres)
}

// DefaultConnectTimeout bounds a connection attempt to the server.
const DefaultConnectTimeout = 10 * time.Second

// isLocal: the loopback names, and a socket directory.
func isLocal(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1", "[::1]":
		return true
	}
	return strings.HasPrefix(host, "/")
}

// PostgresConfig checks the address against the policy and returns the
// pool configuration, without connecting.
func (s Settings) PostgresConfig() (*pgxpool.Config, error) {
	u, err := url.Parse(strings.TrimSpace(s.Addr))
	if err != nil {
		return nil, &Error{Addr: "postgres://…", Msg: "アドレスの書き方が正しくありません"}
	}
	shown := *u
	shown.User = nil
	if u.User != nil {
		shown.User = url.User(u.User.Username())
	}
	shown.RawQuery = ""
	fail := func(sentinel error, msg string) error { return &Error{Addr: shown.String(), Msg: msg, Err: sentinel} }
	q := u.Query()
	if _, has := u.User.Password(); has || q.Has("password") {
		return nil, fail(ErrPassword, "アドレスにパスワードを書かないでください（設定ファイルに平文で残ります）。環境変数 KENSHIN_STORE_PASSWORD、本人だけが読めるパスワードファイル、またはログイン時の入力で渡してください")
	}
	hosts := []string{}
	for _, h := range strings.Split(u.Host, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, hostOnly(h))
		}
	}
	if h := q.Get("host"); h != "" {
		hosts = append(hosts, strings.Split(h, ",")...)
	}
	if len(hosts) == 0 {
		return nil, fail(ErrInsecure, "サーバー名がありません（例: postgres://kenshin_app@db.example.lg.jp/kenshin）")
	}
	allLocal, allSocket := true, true
	for _, h := range hosts {
		allLocal = allLocal && isLocal(h)
		allSocket = allSocket && strings.HasPrefix(h, "/")
	}
	if s.CAFile != "" && !q.Has("sslrootcert") {
		q.Set("sslrootcert", s.CAFile)
	}
	mode := q.Get("sslmode")
	if mode == "" {
		switch {
		case q.Get("sslrootcert") != "":
			mode = "verify-full"
		case allSocket || (allLocal && s.AllowPlainLocal):
			mode = "disable"
		}
	}
	switch {
	case allSocket:
		// a Unix socket never leaves this machine; PostgreSQL does not use TLS on it
	case mode == "verify-full":
		ca := q.Get("sslrootcert")
		if ca == "" || ca == "system" {
			return nil, fail(ErrInsecure, "サーバーの証明書を確かめる CA ファイルを設定してください（KENSHIN_STORE_CA または sslrootcert）")
		}
		if _, err := os.Stat(ca); err != nil {
			return nil, fail(ErrInsecure, fmt.Sprintf("CA ファイル「%s」を読めません", ca))
		}
	case mode == "disable" && allLocal && s.AllowPlainLocal:
		// explicitly allowed: a server on this machine
	case mode == "disable" && allLocal:
		return nil, fail(ErrInsecure, "暗号化しない接続は、このコンピューター上のサーバーに限り、明示的に許可したとき（KENSHIN_STORE_PLAINTEXT=local）だけ使えます")
	case allLocal && mode == "":
		return nil, fail(ErrInsecure, "暗号化の設定がありません。CA ファイル（KENSHIN_STORE_CA）を設定するか、このコンピューター上のサーバーなら KENSHIN_STORE_PLAINTEXT=local で平文を許可してください")
	default:
		return nil, fail(ErrInsecure, "ほかのコンピューターのサーバーには、証明書とサーバー名を確かめる暗号化接続（sslmode=verify-full と CA ファイル）でしか接続しません")
	}
	q.Set("sslmode", mode)
	if allSocket {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, fail(nil, "アドレスを読めません（"+strings.ReplaceAll(err.Error(), s.Addr, shown.String())+"）")
	}
	// The parsed configuration decides what pgx will do: every host it may
	// try (the fallbacks too) must be TLS with verification, or local and
	// allowed in plain text.
	cc := cfg.ConnConfig
	type try struct {
		host   string
		secure bool
	}
	tries := []try{{cc.Host, cc.TLSConfig != nil && !cc.TLSConfig.InsecureSkipVerify && cc.TLSConfig.RootCAs != nil}}
	for _, f := range cc.Fallbacks {
		tries = append(tries, try{f.Host, f.TLSConfig != nil && !f.TLSConfig.InsecureSkipVerify && f.TLSConfig.RootCAs != nil})
	}
	for _, t := range tries {
		if !t.secure && !(strings.HasPrefix(t.host, "/") || isLocal(t.host) && s.AllowPlainLocal) {
			return nil, fail(ErrInsecure, fmt.Sprintf("「%s」への接続が暗号化・証明書確認なしになる設定です", t.host))
		}
	}
	if cc.ConnectTimeout == 0 {
		// a server that does not answer must not hold a clerk's action (or
		// the shipper) for the operating system's TCP timeout of minutes;
		// connect_timeout in the address overrides it
		cc.ConnectTimeout = DefaultConnectTimeout
	}
	pw, err := s.password(pgstore.Location(cc))
	if err != nil {
		return nil, err
	}
	if pw != "" {
		cc.Password = pw
	}
	return cfg, nil
}

func hostOnly(hp string) string {
	if strings.HasPrefix(hp, "[") {
		if i := strings.Index(hp, "]"); i > 0 {
			return hp[:i+1]
		}
	}
	if i := strings.LastIndex(hp, ":"); i >= 0 {
		return hp[:i]
	}
	return hp
}

// password is, in order: KENSHIN_STORE_PASSWORD, PGPASSWORD (pgx reads it
// itself, so it is left alone), the password file, the prompt.
func (s Settings) password(loc string) (string, error) {
	if p := os.Getenv(EnvPassword); p != "" {
		return p, nil
	}
	if os.Getenv("PGPASSWORD") != "" {
		return "", nil
	}
	if s.PasswordFile != "" {
		return readPasswordFile(s.PasswordFile)
	}
	if s.Prompt != nil {
		return s.Prompt(loc)
	}
	return "", nil
}

// readPasswordFile refuses a file that others may read: like ssh and
// libpq's .pgpass, a password kept in a file is the owner's alone.
func readPasswordFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", &Error{Addr: path, Msg: "パスワードファイルを読めません", Err: err}
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return "", &Error{Addr: path, Msg: fmt.Sprintf("パスワードファイルがほかの利用者にも読める設定です（%04o）。chmod 600 にしてください", fi.Mode().Perm()), Err: ErrPassword}
	}
	b, err := os.ReadFile(path) // #nosec G304 -- the file the administrator configured, checked above
	if err != nil {
		return "", &Error{Addr: path, Msg: "パスワードファイルを読めません", Err: err}
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if pw == "" {
		return "", &Error{Addr: path, Msg: "パスワードファイルが空です", Err: ErrPassword}
	}
	return pw, nil
}
