package ui

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/jackc/pgx/v5/pgconn"

	"kenshin/internal/settings"
	"kenshin/internal/store"
	"kenshin/internal/storeaddr"
)

const serverSettingsItem = "設定 > サーバーの設定…"

// settingsEnv isolates the settings files and the store variables.
func settingsEnv(t *testing.T, machine string) (userPath string) {
	t.Helper()
	dir := t.TempDir()
	mp := filepath.Join(dir, "machine.ini")
	if err := os.WriteFile(mp, []byte(machine), 0o600); err != nil {
		t.Fatal(err)
	}
	userPath = filepath.Join(dir, "user", settings.FileName)
	t.Setenv(settings.EnvPath, mp)
	t.Setenv(settings.EnvUserPath, userPath)
	for _, v := range []string{storeaddr.EnvStore, storeaddr.EnvCA, storeaddr.EnvPasswordFile, storeaddr.EnvPassword, storeaddr.EnvPlain, "PGPASSWORD"} {
		t.Setenv(v, "")
	}
	return userPath
}

// Q: サーバーの設定 is reachable from the login screen (before anyone has
// logged in) and from the menu; it shows the machine-wide values read-only
// (IT's server cannot be replaced at the terminal), saves what IT left open
// to the user's file, and says a restart is needed.
func TestServerSettingsFromLoginAndSave(t *testing.T) {
	userPath := settingsEnv(t, "[store]\npath = postgres://kenshin_app@db.example.lg.jp/kenshin\nca = /etc/kenshin-review/ca.pem\n")
	w, _, _ := authBench(t)
	if err := w.deps.App.Setup(context.Background(), "T", "admin1", "admin-pass-123"); err != nil {
		t.Fatal(err)
	}
	w.showLogin(func() {})
	var btn *widget.Button
	walk(w.win.Content(), fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		if b, ok := o.(*widget.Button); ok && b.Text == "サーバーの設定…" {
			btn = b
		}
	})
	if btn == nil {
		t.Fatal("no サーバーの設定 on the login screen")
	}
	btn.OnTapped()
	ss := w.serverDlg
	if ss == nil || w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the login screen's button showed nothing")
	}
	if ss.addr.Text != "postgres://kenshin_app@db.example.lg.jp/kenshin" || ss.ca.Text != "/etc/kenshin-review/ca.pem" {
		t.Fatalf("shows %q %q, want the machine-wide values", ss.addr.Text, ss.ca.Text)
	}
	if !ss.addr.Disabled() || !ss.ca.Disabled() || ss.pwFile.Disabled() {
		t.Fatalf("IT's address and CA must be read-only, the password file IT left open editable: %v %v %v", ss.addr.Disabled(), ss.ca.Disabled(), ss.pwFile.Disabled())
	}
	if all := allText(w.win.Canvas().Overlays().Top()); !strings.Contains(all, "端末共通の設定") {
		t.Errorf("the screen does not say why the address is fixed: %s", all)
	}
	pwFile := filepath.Join(t.TempDir(), "pw.txt")
	ss.pwFile.SetText(pwFile)
	ss.pw.SetText("typed-secret")
	ss.dlg.Confirm() // 保存する
	data, err := os.ReadFile(userPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "password_file = "+pwFile) || strings.Contains(text, "path =") || strings.Contains(text, "ca =") || strings.Contains(text, "typed-secret") {
		t.Errorf("user's file:\n%s", text)
	}
	if !strings.Contains(w.gateMsg.Text, "起動し直す") {
		t.Errorf("the login screen does not say a restart is needed: %q", w.gateMsg.Text)
	}
	f, err := settings.Load()
	if err != nil || f.StorePath != "postgres://kenshin_app@db.example.lg.jp/kenshin" || f.CAFile != "/etc/kenshin-review/ca.pem" || f.PasswordFile != pwFile {
		t.Errorf("Load after saving: %+v %v", f, err)
	}
	// the menu has it too; while locked it is refused
	if menuItems(w)[serverSettingsItem] == nil {
		t.Fatal("no 設定 > サーバーの設定… in the menu")
	}
}

// What the environment sets is shown read-only, with the variable; the
// environment's password is never shown.
func TestServerSettingsEnvironmentIsReadOnly(t *testing.T) {
	settingsEnv(t, "")
	t.Setenv(storeaddr.EnvStore, "postgres://kenshin_app@env.example.lg.jp/kenshin")
	t.Setenv(storeaddr.EnvPassword, "env-secret-pw")
	w, _ := newTestBench(t, nil)
	w.showServerSettings()
	ss := w.serverDlg
	if !ss.addr.Disabled() || ss.addr.Text != "postgres://kenshin_app@env.example.lg.jp/kenshin" || ss.ca.Disabled() {
		t.Fatalf("address %q disabled %v; CA disabled %v", ss.addr.Text, ss.addr.Disabled(), ss.ca.Disabled())
	}
	all := allText(w.win.Canvas().Overlays().Top())
	if !strings.Contains(all, "KENSHIN_STORE で指定") || !strings.Contains(all, "KENSHIN_STORE_PASSWORD") || strings.Contains(all, "env-secret-pw") {
		t.Errorf("screen: %s", all)
	}
}

// 「接続を試す」 reports in Japanese how far it got, never the password.
func TestServerSettingsConnectionTest(t *testing.T) {
	settingsEnv(t, "")
	dir := t.TempDir()
	central := filepath.Join(dir, "central.db")
	st, err := store.Create(context.Background(), central)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	openPW := filepath.Join(dir, "pw-open.txt")
	if err := os.WriteFile(openPW, []byte("file-secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		s     settings.Store
		typed string
		want  string
	}{
		{"sqlite store", settings.Store{Path: central}, "", "接続できました"},
		{"sqlite missing", settings.Store{Path: filepath.Join(dir, "none.db")}, "", "ありません"},
		{"remote without CA", settings.Store{Path: "postgres://kenshin_app@db.example.lg.jp/kenshin"}, "pw", "暗号化（TLS）"},
		{"local without TLS", settings.Store{Path: "postgres://kenshin_app@localhost/kenshin"}, "pw", "暗号化（TLS）"},
		{"password in the address", settings.Store{Path: "postgres://kenshin_app:typed-pw@db.example.lg.jp/kenshin"}, "", "パスワード"},
		{"CA file missing", settings.Store{Path: "postgres://kenshin_app@db.example.lg.jp/kenshin", CAFile: filepath.Join(dir, "none.pem")}, "pw", "CA ファイル"},
		{"empty", settings.Store{}, "", "接続先を入力"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := redactPassword(tryStore(context.Background(), tc.s, tc.typed), tc.typed)
			if !strings.Contains(got, tc.want) || strings.Contains(got, "typed-pw") || strings.Contains(got, "file-secret") {
				t.Errorf("report %q, want %q in it (and no password)", got, tc.want)
			}
		})
	}
	if runtime.GOOS != "windows" {
		s := settings.Store{Path: "postgres://kenshin_app@db.example.lg.jp/kenshin", CAFile: throwawayCA(t, dir), PasswordFile: openPW}
		if got := tryStore(context.Background(), s, ""); !strings.Contains(got, "パスワード") || strings.Contains(got, "file-secret") {
			t.Errorf("group-readable password file: %q", got)
		}
		if note := passwordFileNote(openPW); !strings.Contains(note, "chmod 600") {
			t.Errorf("password file note %q", note)
		}
	}
}

// throwawayCA writes a self-signed CA certificate made for the test.
func throwawayCA(t *testing.T, dir string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "テスト CA"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The failures of a server connection are told apart: login, TLS,
// reaching the server.
func TestConnectFailureKinds(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&pgconn.PgError{Code: "28P01", Message: "password authentication failed"}, "認証"},
		{x509.UnknownAuthorityError{}, "暗号化（TLS）"},
		{x509.HostnameError{Host: "db"}, "名前が接続先と合いません"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "到達"},
		{context.DeadlineExceeded, "時間切れ"},
	} {
		if got := connectFailure(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%T: %q, want %q", tc.err, got, tc.want)
		}
	}
}

// The start-up failure (the central store cannot be opened) offers
// サーバーの設定, where a wrong address is fixed.
func TestFatalOffersServerSettings(t *testing.T) {
	settingsEnv(t, "")
	w, _ := newTestBench(t, nil)
	w.Fatal("起動できません", "中央データ（利用者と操作記録）を開けないため起動できません。", func() {})
	var btn *widget.Button
	walk(w.win.Canvas().Overlays().Top(), fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		if b, ok := o.(*widget.Button); ok && b.Text == "サーバーの設定…" {
			btn = b
		}
	})
	if btn == nil {
		t.Fatal("the start-up failure offers no サーバーの設定")
	}
	btn.OnTapped()
	if w.serverDlg == nil {
		t.Fatal("サーバーの設定 did not open")
	}
}

// Walkthrough 18: Esc closes the server settings at once (nothing inside
// holds the keyboard when it opens).
func TestServerSettingsEscCloses(t *testing.T) {
	settingsEnv(t, "")
	w, _ := newTestBench(t, nil)
	w.showServerSettings()
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	if f := w.win.Canvas().Focused(); f != nil {
		t.Fatalf("%T holds the keyboard", f)
	}
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.win.Canvas().Overlays().Top() != nil {
		t.Error("Esc did not close the server settings")
	}
}
