package storeaddr

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, name string) (ca, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return ca{c, key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// serverCert is a certificate for "localhost" only: connecting by
// 127.0.0.1 is a wrong host name for it.
func (c ca) serverCert(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// tlsCluster starts a throwaway cluster with ssl=on (.ci/pg) and returns
// its port and the CA file that signed its certificate.
func tlsCluster(t *testing.T) (port int, caFile string) {
	if os.Getenv("KENSHIN_TEST_PG") == "" {
		t.Skip("KENSHIN_TEST_PG is not set: run `make test-pg`")
	}
	script, _ := filepath.Abs("../../.ci/pg")
	authority, caPEM := newCA(t, "Kenshin テスト CA")
	certPEM, keyPEM := authority.serverCert(t)
	dir, err := os.MkdirTemp("", "kenshin-ssl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	// the server runs as an unprivileged user when the test is root: it
	// must reach the folder and own its key (PostgreSQL refuses others')
	if err := os.Chmod(dir, 0o755); err != nil { // #nosec G302 -- a throwaway test folder the server user must enter
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"server.crt": certPEM, "server.key": keyPEM, "ca.pem": caPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		for _, f := range []string{"server.crt", "server.key"} {
			if err := os.Chown(filepath.Join(dir, f), uid, -1); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command(script, "start") // #nosec G204 -- the repository's own script
	cmd.Env = append(os.Environ(), "PG_SSL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf(".ci/pg start: %v\n%s", err, out)
	}
	var pgdir string
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "export KENSHIN_TEST_PGDIR="); ok {
			pgdir = strings.Trim(v, "'")
		}
		if v, ok := strings.CutPrefix(line, "export KENSHIN_TEST_PG="); ok {
			_, rest, _ := strings.Cut(strings.Trim(v, "'"), "127.0.0.1:")
			port, _ = strconv.Atoi(strings.SplitN(rest, "/", 2)[0])
		}
	}
	t.Cleanup(func() { _ = exec.Command(script, "stop", pgdir).Run() }) // #nosec G204 -- the repository's own script
	if port == 0 {
		t.Fatalf("no port in .ci/pg output:\n%s", out)
	}
	return port, filepath.Join(dir, "ca.pem")
}

func connect(t *testing.T, s Settings) (usedTLS bool, err error) {
	t.Helper()
	cfg, err := s.PostgresConfig()
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return false, err
	}
	defer func() { _ = conn.Close(ctx) }()
	err = conn.QueryRow(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&usedTLS)
	return usedTLS, err
}

// TestTLS: verify-full with the CA file connects, encrypted; a wrong CA
// and a host name the certificate does not name fail; no CA file is
// refused by the policy before connecting.
func TestTLS(t *testing.T) {
	t.Setenv(EnvPassword, "")
	port, caFile := tlsCluster(t)
	_, otherPEM := newCA(t, "別の CA")
	otherCA := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(otherCA, otherPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := func(host string) string {
		return "postgres://postgres@" + net.JoinHostPort(host, strconv.Itoa(port)) + "/postgres"
	}
	tls, err := connect(t, Settings{Addr: addr("localhost"), CAFile: caFile})
	if err != nil || !tls {
		t.Errorf("verify-full with the CA file: tls %v, %v; want an encrypted connection", tls, err)
	}
	if _, err := connect(t, Settings{Addr: addr("localhost"), CAFile: otherCA}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("with another CA: %v; want a certificate error", err)
	}
	if _, err := connect(t, Settings{Addr: addr("127.0.0.1"), CAFile: caFile}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("with a host name the certificate does not name: %v; want a certificate error", err)
	}
	if _, err := connect(t, Settings{Addr: addr("localhost") + "?sslmode=verify-full"}); err == nil {
		t.Error("verify-full without a CA file connected")
	}
	// the same server in plain text, explicitly allowed for localhost: it works, unencrypted
	tls, err = connect(t, Settings{Addr: addr("127.0.0.1") + "?sslmode=disable", AllowPlainLocal: true})
	if err != nil || tls {
		t.Errorf("plain text to localhost when allowed: tls %v, %v", tls, err)
	}
}
