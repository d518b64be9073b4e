package ui

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/jackc/pgx/v5/pgconn"

	"kenshin/internal/settings"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/storeaddr"
)

// serverSettings is 「設定 → サーバーの設定」: where the central store is
// (a file path or postgres://), the CA file and the password file, a test
// of the connection, and saving to the user's settings file. It is reached
// from the menu and from the login screen, so a wrong address can be fixed
// before anyone logs in. What the environment or the machine-wide settings
// file (IT's) sets is shown read-only, with where it comes from: at a
// logged-out terminal nobody may point it at another server.
type serverSettings struct {
	w       *Workbench
	addr    *widget.Entry
	ca      *widget.Entry
	pwFile  *widget.Entry
	pw      *widget.Entry // typed only to test the connection; never saved
	pwNote  *jpText       // the password file's owner-only check
	result  *jpText       // what 「接続を試す」 found
	notes   *jpText       // environment overrides, where it is saved
	machine settings.Store
	dlg     *keyDialog
	testBtn *widget.Button
	// testTimeout bounds 「接続を試す」
	testTimeout time.Duration
}

// envOverrides are the variables that set the store, by field.
var envOverrides = []struct{ field, env string }{
	{"addr", storeaddr.EnvStore},
	{"ca", storeaddr.EnvCA},
	{"pwFile", storeaddr.EnvPasswordFile},
}

// showServerSettings opens the screen. It is not data, so it needs no
// login; while the window is locked it is refused like everything else.
func (w *Workbench) showServerSettings() {
	if w.locked {
		w.gateMsg.SetText("画面がロックされています。パスワードを入力してロックを解除してください。")
		return
	}
	w.touch()
	ss := &serverSettings{w: w, testTimeout: 15 * time.Second}
	machine, user, err := settings.LoadParts()
	if err != nil {
		w.showError("設定ファイルを読めません", err)
		machine, user = &settings.File{}, &settings.File{}
	}
	ss.machine = machine.Store()
	eff := ss.machine // what IT set stands (settings.Load); the user fills the rest
	if eff.Path == "" {
		eff.Path = user.StorePath
	}
	if eff.CAFile == "" {
		eff.CAFile = user.CAFile
	}
	if eff.PasswordFile == "" {
		eff.PasswordFile = user.PasswordFile
	}
	ss.addr, ss.ca, ss.pwFile = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	ss.addr.SetPlaceHolder("例: postgres://kenshin_app@db.example.lg.jp/kenshin または D:\\kenshin\\central.db")
	ss.addr.SetText(eff.Path)
	ss.ca.SetText(eff.CAFile)
	ss.pwFile.SetText(eff.PasswordFile)
	ss.pw = widget.NewPasswordEntry()
	ss.pw.SetPlaceHolder("接続を試すときだけ使い、保存しません")
	ss.pwNote = wrapText("", 560)
	ss.result = wrapText("", 560)
	ss.pwFile.OnChanged = func(string) { ss.checkPasswordFile() }

	var notes []string
	for _, o := range envOverrides {
		v := os.Getenv(o.env)
		if v == "" {
			continue
		}
		e := map[string]*widget.Entry{"addr": ss.addr, "ca": ss.ca, "pwFile": ss.pwFile}[o.field]
		e.SetText(v)
		e.Disable()
		notes = append(notes, fmt.Sprintf("「%s」は環境変数 %s で指定されているため、ここでは変えられません（環境変数が優先されます）。", fieldLabel(o.field), o.env))
	}
	for _, m := range []struct {
		field, val string
	}{{"addr", ss.machine.Path}, {"ca", ss.machine.CAFile}, {"pwFile", ss.machine.PasswordFile}} {
		e := map[string]*widget.Entry{"addr": ss.addr, "ca": ss.ca, "pwFile": ss.pwFile}[m.field]
		if m.val == "" || e.Disabled() {
			continue
		}
		e.Disable()
		notes = append(notes, fmt.Sprintf("「%s」は端末共通の設定（%s）で決められているため、ここでは変えられません。変えるときは情報システムの担当者に依頼してください。", fieldLabel(m.field), filepath.FromSlash(machine.Path)))
	}
	if os.Getenv(storeaddr.EnvPassword) != "" || os.Getenv("PGPASSWORD") != "" {
		notes = append(notes, "パスワードは環境変数（KENSHIN_STORE_PASSWORD または PGPASSWORD）から使われます。")
	}
	if os.Getenv(storeaddr.EnvPlain) == "local" {
		notes = append(notes, "環境変数 KENSHIN_STORE_PLAINTEXT=local により、このコンピューター上のサーバーには暗号化なしで接続できます。")
	}
	if p := settings.UserPath(); p != "" {
		notes = append(notes, "保存先: "+filepath.FromSlash(p)+"（この利用者の設定。端末共通の設定が決めていない項目だけに使われます）")
	} else {
		notes = append(notes, "設定ファイルが環境変数 KENSHIN_SETTINGS で指定されているため、この画面からは保存できません。")
	}
	notes = append(notes, "接続先を変えたときは、アプリを起動し直すと新しい接続先が使われます（ログインし直すだけでは変わりません）。")
	ss.notes = wrapText(strings.Join(notes, "\n"), 560)
	ss.checkPasswordFile()

	pickCA := widget.NewButton("選ぶ…", func() { ss.pick(ss.ca) })
	pickPW := widget.NewButton("選ぶ…", func() { ss.pick(ss.pwFile) })
	if ss.ca.Disabled() {
		pickCA.Disable()
	}
	if ss.pwFile.Disabled() {
		pickPW.Disable()
	}
	test := widget.NewButton("接続を試す", ss.test)
	ss.testBtn = test
	form := widget.NewForm(
		widget.NewFormItem("接続先", ss.addr),
		widget.NewFormItem("CA ファイル", container.NewBorder(nil, nil, nil, pickCA, ss.ca)),
		widget.NewFormItem("パスワードファイル", container.NewBorder(nil, nil, nil, pickPW, ss.pwFile)),
		widget.NewFormItem("", ss.pwNote),
		widget.NewFormItem("パスワード", ss.pw),
	)
	content := container.NewVBox(form, container.NewHBox(test), ss.result, widget.NewSeparator(), ss.notes)
	for _, t := range []*jpText{ss.pwNote, ss.result, ss.notes} {
		t.relayout = content.Refresh
	}
	save := "保存する"
	if settings.UserPath() == "" {
		save = "" // nowhere to save: only 閉じる
	}
	// nothing focused at first: Esc closes at once (a focused entry keeps
	// Esc to itself); Tab or a click goes into the fields
	ss.dlg = showKeyDialog(w.win, "サーバーの設定", save, "閉じる", container.NewVScroll(content), nil, func(ok bool) {
		if ok {
			ss.save()
		}
	})
	ss.dlg.d.Resize(fyne.NewSize(760, 600))
	w.serverDlg = ss
}

func fieldLabel(field string) string {
	return map[string]string{"addr": "接続先", "ca": "CA ファイル", "pwFile": "パスワードファイル"}[field] // #nosec G101 -- field labels, no credential
}

// store is what the screen says now.
func (ss *serverSettings) store() settings.Store {
	return settings.Store{Path: strings.TrimSpace(ss.addr.Text), CAFile: strings.TrimSpace(ss.ca.Text), PasswordFile: strings.TrimSpace(ss.pwFile.Text)}
}

// pick fills e from the file dialog.
func (ss *serverSettings) pick(e *widget.Entry) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close() // only its name is used
		e.SetText(filepath.FromSlash(r.URI().Path()))
	}, ss.w.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
	japanesePlaces(ss.w.win)
}

// checkPasswordFile shows whether the password file can be used: it must
// exist and be readable by its owner only (as the connection will demand).
func (ss *serverSettings) checkPasswordFile() {
	ss.pwNote.SetText(passwordFileNote(strings.TrimSpace(ss.pwFile.Text)))
}

func passwordFileNote(p string) string {
	if p == "" {
		return "パスワードファイルなし: 接続のときにパスワードを入力します"
	}
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "パスワードファイル「" + p + "」がありません"
	case err != nil:
		return "パスワードファイルを確かめられません: " + ErrorText(err)
	case !fi.Mode().IsRegular():
		return "「" + p + "」はファイルではありません"
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0:
		return fmt.Sprintf("パスワードファイルがほかの利用者にも読める設定です（%04o）。chmod 600 にしてください（このままでは接続しません）", fi.Mode().Perm())
	}
	return "パスワードファイルは持ち主だけが読める設定です"
}

// save writes the values that differ from the machine-wide settings (the
// same values are left to IT's file, so a later change there still
// counts) to the user's settings file.
func (ss *serverSettings) save() {
	s := ss.store()
	if ss.addr.Disabled() {
		s.Path = ""
	}
	if ss.ca.Disabled() {
		s.CAFile = ""
	}
	if ss.pwFile.Disabled() {
		s.PasswordFile = ""
	}
	if s.Path == ss.machine.Path {
		s.Path = ""
	}
	if s.CAFile == ss.machine.CAFile {
		s.CAFile = ""
	}
	if s.PasswordFile == ss.machine.PasswordFile {
		s.PasswordFile = ""
	}
	p, err := settings.SaveUser(s)
	if err != nil {
		ss.w.showError("サーバーの設定を保存できませんでした", err)
		return
	}
	msg := "サーバーの設定を保存しました（" + filepath.FromSlash(p) + "）。新しい接続先は、アプリを起動し直すと使われます。"
	ss.w.setMessage(msg)
	ss.w.gateMsg.SetText(msg)
	ss.w.showInfo("サーバーの設定", msg)
}

// test tries the connection the screen describes and reports, in Japanese,
// how far it got: the address and TLS policy, reaching the server, the
// certificate, the login. The password is never shown.
// It runs off the UI goroutine: a server that does not answer must not
// freeze the window for the test's timeout.
func (ss *serverSettings) test() {
	s := ss.store()
	typed := ss.pw.Text
	timeout := ss.testTimeout
	ss.result.SetText("接続を試しています…")
	ss.testBtn.Disable()
	ss.w.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		msg := redactPassword(tryStore(ctx, s, typed), typed)
		return func() {
			ss.result.SetText(msg)
			ss.testBtn.Enable()
		}
	})
}

// tryStore opens the store s names and closes it again; the report says
// what worked or where it stopped.
func tryStore(ctx context.Context, s settings.Store, typed string) string {
	if err := settings.CheckStore(s); err != nil {
		return "接続先: " + err.Error()
	}
	if s.Path == "" {
		return "接続先を入力してください"
	}
	// ReadOnly: a test opens an SQLite store without migrating or writing
	set := storeaddr.Settings{Addr: s.Path, CAFile: s.CAFile, PasswordFile: s.PasswordFile, AllowPlainLocal: os.Getenv(storeaddr.EnvPlain) == "local", ReadOnly: true}
	if v := os.Getenv(storeaddr.EnvCA); v != "" {
		set.CAFile = v
	}
	if v := os.Getenv(storeaddr.EnvPasswordFile); v != "" {
		set.PasswordFile = v
	}
	set.Prompt = func(string) (string, error) {
		if typed == "" {
			return "", errNoTypedPassword
		}
		return typed, nil
	}
	if storeaddr.KindOf(s.Path) == storeaddr.SQLite {
		st, err := storeaddr.Open(ctx, set)
		if err != nil {
			if errors.Is(err, sqlitedb.ErrMissing) {
				return "接続先: 中央データのファイル「" + s.Path + "」がありません"
			}
			return "接続先: 中央データのファイルを開けません: " + ErrorText(err)
		}
		_ = st.Close() // opened to test only
		return "接続できました: 中央データのファイル（SQLite）を開けました。このコンピューターだけで使う形です"
	}
	cfg, err := set.PostgresConfig()
	switch {
	case errors.Is(err, errNoTypedPassword):
		return "パスワード: パスワードファイルも環境変数もありません。「パスワード」欄に入力すると接続を試せます"
	case errors.Is(err, storeaddr.ErrInsecure):
		return "暗号化（TLS）: この設定では接続しません。" + ErrorText(err)
	case errors.Is(err, storeaddr.ErrPassword):
		return "パスワード: " + ErrorText(err)
	case err != nil:
		return "接続先: " + ErrorText(err)
	}
	cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	tlsOn := cfg.ConnConfig.TLSConfig != nil
	conn, err := pgconn.ConnectConfig(ctx, &cfg.ConnConfig.Config)
	if err != nil {
		return connectFailure(err)
	}
	_ = conn.Close(ctx) // opened to test only
	how := "暗号化なし（このコンピューター上のサーバー）"
	if tlsOn {
		how = "暗号化あり（TLS、サーバー証明書とサーバー名を確認済み）"
	}
	return "接続できました: サーバーに届き、" + how + "、ログインもできました"
}

var errNoTypedPassword = errors.New("no password to test with")

// connectFailure says which step of a server connection failed.
func connectFailure(err error) string {
	var pg *pgconn.PgError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.As(err, &pg) && (pg.Code == "28P01" || pg.Code == "28000"):
		return "認証: サーバーには届きましたが、ログインできません（利用者名かパスワードが違うか、この端末からの接続が許可されていません）"
	case errors.As(err, &pg) && pg.Code == "3D000":
		return "接続先: サーバーには届きましたが、そのデータベースがありません"
	case errors.As(err, &host): // before verify, which wraps every verification error
		return "暗号化（TLS）: サーバー証明書の名前が接続先と合いません（接続先のサーバー名を確認してください）"
	case errors.As(err, &invalid):
		return "暗号化（TLS）: サーバー証明書が使えません（期限切れなど）"
	case errors.As(err, &unknown), errors.As(err, &verify):
		return "暗号化（TLS）: サーバー証明書を確かめられません（CA ファイルが違う可能性があります）"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "到達: サーバーから応答がありません（時間切れ。接続先・ポート・ネットワークを確認してください）"
	case errors.As(err, &netErr):
		return "到達: サーバーに届きません（接続先・ポート・ネットワーク・ファイアウォールを確認してください）"
	case strings.Contains(err.Error(), "server refused TLS") || strings.Contains(err.Error(), "tls:"):
		return "暗号化（TLS）: 暗号化接続ができません（サーバーが TLS を受け付けていない可能性があります）"
	}
	return "接続できません: " + ErrorText(err)
}

// redactPassword keeps a typed password out of any message.
func redactPassword(msg, pw string) string {
	if pw == "" {
		return msg
	}
	return strings.ReplaceAll(msg, pw, "＊＊＊")
}
