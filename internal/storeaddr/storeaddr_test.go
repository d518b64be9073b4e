package storeaddr

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestKindOf(t *testing.T) {
	for addr, want := range map[string]Kind{
		"/home/hoken/central.db":                     SQLite,
		`C:\Users\hoken\AppData\central.db`:          SQLite,
		"central.db":                                 SQLite,
		"postgres://app@db.example.lg.jp/kenshin":    Postgres,
		"PostgreSQL://app@db.example.lg.jp/kenshin":  Postgres,
		" postgresql://app@127.0.0.1:5432/kenshin ":  Postgres,
		"postgres.db":                                SQLite,
		"//server/share/postgres://not-a-url/x.db":   SQLite,
		"file:postgres://app@db.example.lg.jp/kensh": SQLite,
	} {
		if got := KindOf(addr); got != want {
			t.Errorf("KindOf(%q) = %v; want %v", addr, got, want)
		}
	}
}

func writeFile(t *testing.T, name, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPolicy: what is refused before any connection, and what is allowed.
func TestPolicy(t *testing.T) {
	t.Setenv(EnvPassword, "")
	t.Setenv("PGPASSWORD", "")
	ca := writeFile(t, "ca.pem", "not parsed here", 0o644)
	_, caPEM := newCA(t, "Kenshin テスト CA")
	goodCA := writeFile(t, "good-ca.pem", string(caPEM), 0o644)
	for _, c := range []struct {
		name string
		s    Settings
		err  error // nil: allowed
	}{
		{"remote plain", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=disable"}, ErrInsecure},
		{"remote plain even when local plain is allowed", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=disable", AllowPlainLocal: true}, ErrInsecure},
		{"remote no sslmode", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin"}, ErrInsecure},
		{"remote prefer (may fall back to plain)", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=prefer"}, ErrInsecure},
		{"remote require (no certificate check)", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=require", CAFile: goodCA}, ErrInsecure},
		{"remote verify-ca (no host check)", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=verify-ca", CAFile: goodCA}, ErrInsecure},
		{"remote verify-full without CA file", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=verify-full"}, ErrInsecure},
		{"remote verify-full with system roots", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=verify-full&sslrootcert=system"}, ErrInsecure},
		{"remote verify-full, CA file missing", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin", CAFile: filepath.Join(t.TempDir(), "none.pem")}, ErrInsecure},
		{"remote with CA file", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin", CAFile: goodCA}, nil},
		{"remote verify-full with CA in the address", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin?sslmode=verify-full&sslrootcert=" + goodCA}, nil},
		{"one remote fallback host in plain", Settings{Addr: "postgres://app@localhost,db.example.lg.jp/kenshin?sslmode=disable", AllowPlainLocal: true}, ErrInsecure},
		{"127.0.0.2 is not localhost", Settings{Addr: "postgres://app@127.0.0.2/kenshin?sslmode=disable", AllowPlainLocal: true}, ErrInsecure},
		{"localhost plain, not allowed", Settings{Addr: "postgres://app@localhost/kenshin?sslmode=disable"}, ErrInsecure},
		{"localhost, nothing said", Settings{Addr: "postgres://app@127.0.0.1:5433/kenshin"}, ErrInsecure},
		{"localhost prefer", Settings{Addr: "postgres://app@localhost/kenshin?sslmode=prefer", AllowPlainLocal: true}, ErrInsecure},
		{"localhost plain, allowed", Settings{Addr: "postgres://app@localhost/kenshin?sslmode=disable", AllowPlainLocal: true}, nil},
		{"127.0.0.1 allowed, no sslmode", Settings{Addr: "postgres://app@127.0.0.1:5433/kenshin", AllowPlainLocal: true}, nil},
		{"[::1] allowed", Settings{Addr: "postgres://app@[::1]:5433/kenshin", AllowPlainLocal: true}, nil},
		{"unix socket", Settings{Addr: "postgres://app@/kenshin?host=/var/run/postgresql"}, nil},
		{"password in the address", Settings{Addr: "postgres://app:secret@db.example.lg.jp/kenshin", CAFile: goodCA}, ErrPassword},
		{"password parameter", Settings{Addr: "postgres://app@localhost/kenshin?password=secret", AllowPlainLocal: true}, ErrPassword},
		{"no host", Settings{Addr: "postgres:///kenshin"}, ErrInsecure},
		{"unparsable CA is pgx's error", Settings{Addr: "postgres://app@db.example.lg.jp/kenshin", CAFile: ca}, errAny},
	} {
		cfg, err := c.s.PostgresConfig()
		switch {
		case c.err == nil && err != nil:
			t.Errorf("%s: %v; want allowed", c.name, err)
		case c.err == errAny && err == nil, c.err != nil && c.err != errAny && !errors.Is(err, c.err):
			t.Errorf("%s: %v; want %v", c.name, err, c.err)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("%s: the message shows the password: %v", c.name, err)
		case c.err == nil && cfg == nil:
			t.Errorf("%s: no config", c.name)
		}
	}
}

var errAny = errors.New("any error")

// TestPlainRefusedBeforeConnecting: a listener on a non-localhost address
// sees no connection when plain text is asked for.
func TestPlainRefusedBeforeConnecting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skip("no 127.0.0.2 on this machine:", err)
	}
	defer func() { _ = ln.Close() }()
	got := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			got <- struct{}{}
			_ = c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := Open(ctx, Settings{Addr: "postgres://app@" + ln.Addr().String() + "/kenshin?sslmode=disable", AllowPlainLocal: true})
	if err == nil {
		_ = st.Close()
	}
	if !errors.Is(err, ErrInsecure) {
		t.Fatalf("Open = %v; want ErrInsecure", err)
	}
	select {
	case <-got:
		t.Error("a connection was made before the refusal")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestPassword(t *testing.T) {
	t.Setenv("PGPASSWORD", "")
	base := Settings{Addr: "postgres://app@localhost/kenshin", AllowPlainLocal: true}
	t.Run("environment", func(t *testing.T) {
		t.Setenv(EnvPassword, "env-pass")
		cfg, err := base.PostgresConfig()
		if err != nil || cfg.ConnConfig.Password != "env-pass" {
			t.Errorf("%v, %q", err, cfg.ConnConfig.Password)
		}
	})
	t.Setenv(EnvPassword, "")
	t.Run("owner-only file", func(t *testing.T) {
		s := base
		s.PasswordFile = writeFile(t, "pw", "file-pass\n", 0o600)
		cfg, err := s.PostgresConfig()
		if err != nil || cfg.ConnConfig.Password != "file-pass" {
			t.Errorf("%v, %q", err, cfg.ConnConfig.Password)
		}
	})
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		t.Run("refused "+mode.String(), func(t *testing.T) {
			s := base
			s.PasswordFile = writeFile(t, "pw", "file-pass\n", mode)
			if _, err := s.PostgresConfig(); !errors.Is(err, ErrPassword) || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("%v; want a refusal asking for chmod 600", err)
			}
		})
	}
	t.Run("typed", func(t *testing.T) {
		s := base
		var asked string
		s.Prompt = func(loc string) (string, error) { asked = loc; return "typed-pass", nil }
		cfg, err := s.PostgresConfig()
		if err != nil || cfg.ConnConfig.Password != "typed-pass" || asked != "postgres://app@localhost:5432/kenshin" {
			t.Errorf("%v, %q, asked for %q", err, cfg.ConnConfig.Password, asked)
		}
	})
}

// FuzzPostgresConfig: whatever the address, an accepted configuration
// never lets pgx talk plain text or unverified TLS to a non-local host,
// and no message repeats a password.
func FuzzPostgresConfig(f *testing.F) {
	for _, a := range []string{
		"postgres://app@db.example.lg.jp/kenshin?sslmode=disable",
		"postgres://app@localhost,db.example.lg.jp:5433/kenshin?sslmode=prefer",
		"postgresql://app@[::1]:5432/kenshin?host=/tmp&sslmode=disable",
		"postgres://app:pw@h/db?target_session_attrs=any&sslmode=verify-ca",
		"postgres:///kenshin?host=db.example.lg.jp",
	} {
		f.Add(a, true)
	}
	f.Fuzz(func(t *testing.T, addr string, plain bool) {
		t.Setenv(EnvPassword, "")
		t.Setenv("PGPASSWORD", "")
		cfg, err := Settings{Addr: addr, AllowPlainLocal: plain}.PostgresConfig()
		if err != nil {
			if strings.Contains(addr, ":fuzzsecret@") && strings.Contains(err.Error(), "fuzzsecret") {
				t.Fatalf("message shows the password: %v", err)
			}
			return
		}
		cc := cfg.ConnConfig
		check := func(host string, secure bool) {
			if !secure && !strings.HasPrefix(host, "/") && !(plain && isLocal(host)) {
				t.Fatalf("%q: plain or unverified connection to %q accepted", addr, host)
			}
		}
		check(cc.Host, cc.TLSConfig != nil && !cc.TLSConfig.InsecureSkipVerify)
		for _, fb := range cc.Fallbacks {
			check(fb.Host, fb.TLSConfig != nil && !fb.TLSConfig.InsecureSkipVerify)
		}
	})
}

// TestConnectTimeout: a connection attempt is bounded unless the address
// says otherwise (a dead server must not hold an action for minutes).
func TestConnectTimeout(t *testing.T) {
	t.Setenv(EnvPassword, "")
	t.Setenv("PGPASSWORD", "")
	for _, c := range []struct {
		addr string
		want time.Duration
	}{
		{"postgres://app@localhost/kenshin?sslmode=disable", DefaultConnectTimeout},
		{"postgres://app@localhost/kenshin?sslmode=disable&connect_timeout=3", 3 * time.Second},
	} {
		cfg, err := Settings{Addr: c.addr, AllowPlainLocal: true}.PostgresConfig()
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.ConnConfig.ConnectTimeout; got != c.want {
			t.Errorf("%s: connect timeout %v, want %v", c.addr, got, c.want)
		}
	}
}
