package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"kenshin/internal/app"
	"kenshin/internal/auth"
	"kenshin/internal/report"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/store"
	"kenshin/internal/storeaddr"
	"kenshin/internal/submission"
	"kenshin/internal/workbooks"
	"kenshin/internal/workspace"
)

// readLine reads one line (a password) from standard input.
func (m *Main) readLine(what string) (string, error) {
	if m.Stdin == nil {
		return "", usagef("%sを標準入力から読めません", what)
	}
	if m.in == nil {
		m.in = bufio.NewReader(m.Stdin)
	}
	line, err := m.in.ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("標準入力に%sがありません", what)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func terminal() string {
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "unknown"
}

// storeFlag is the store's address; "" leaves the choice to
// storeaddr.Configured (KENSHIN_STORE, the settings file, the default path).
func storeFlag(fs *flag.FlagSet) *string {
	return fs.String("store", "", "中央データのアドレス（SQLite のファイルのパスか postgres://…。既定: KENSHIN_STORE、設定ファイル、利用者のフォルダーの central.db）")
}

func workspaceFlag(fs *flag.FlagSet) *string {
	def, _ := workspace.DefaultPath()
	return fs.String("workspace", def, "端末の作業データのパス")
}

func asFlag(fs *flag.FlagSet) *string {
	return fs.String("as", "", "操作する利用者（パスワードは標準入力の 1 行目）")
}

// openApp opens an existing store (never creating one) and the application
// layer over it.
func (m *Main) openApp(ctx context.Context, path string) (*app.App, func(), error) {
	st, _, err := storeaddr.OpenConfigured(ctx, path, nil)
	if err != nil {
		return nil, nil, err
	}
	a := app.New(st, m.Forms)
	a.Now = m.Now
	a.Reports = report.ForApp
	a.Workbooks = workbooks.ForApp()
	a.DoubleCheckOff = m.DoubleCheckOff
	return a, func() {
		// The audit entries a command spooled (opening a file) are sent
		// before it ends, within app.ShipWait; what cannot be sent now
		// waits in the working copy for the next run, and the clerk is
		// told. Hence a command opens its working copy before the session,
		// so that the working copy is closed after this.
		a.Close()
		sctx, cancel := context.WithTimeout(ctx, app.ShipWait)
		defer cancel()
		if _, err := a.ShipAudit(sctx); err != nil {
			fmt.Fprintln(m.Stderr, "警告: 操作記録を中央データに送れませんでした。端末の作業データに残し、次に実行したときに送ります:", err)
		}
		_ = st.Close()
	}, nil // read back by the next open
}

// openAppReadOnly is openApp for commands that promise to write nothing
// (check-store): a store file is opened read-only, so it is neither
// migrated nor touched; the PostgreSQL store never migrates on open, and
// CheckStore only reads.
func (m *Main) openAppReadOnly(ctx context.Context, path string) (*app.App, func(), error) {
	s, err := storeaddr.Configured(path)
	if err != nil {
		return nil, nil, err
	}
	if storeaddr.KindOf(s.Addr) != storeaddr.SQLite {
		return m.openApp(ctx, path)
	}
	st, err := store.Open(ctx, s.Addr, store.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	a := app.New(st, m.Forms)
	a.Now = m.Now
	return a, func() { _ = st.Close() }, nil // read-only: nothing to lose
}

// login authenticates --as with the first line of standard input.
func (m *Main) login(ctx context.Context, a *app.App, as string) (*app.Session, error) {
	if as == "" {
		if first, err := a.NeedsSetup(ctx); err == nil && first {
			return nil, app.ErrNoUsers
		}
		return nil, usagef("--as に利用者名を指定し、パスワードを標準入力から渡してください")
	}
	pw, err := m.readLine("パスワード")
	if err != nil {
		return nil, err
	}
	return a.Login(ctx, terminal(), as, pw)
}

// session is the preamble of every command that acts as a user: open the
// store, log in. close must be called when err is nil.
func (m *Main) session(ctx context.Context, path, as string) (*app.App, *app.Session, func(), int, error) {
	a, closeFn, err := m.openApp(ctx, path)
	if err != nil {
		return nil, nil, nil, exitFor(err), err
	}
	s, err := m.login(ctx, a, as)
	if err != nil {
		closeFn()
		return nil, nil, nil, exitFor(err), err
	}
	return a, s, closeFn, ExitOK, nil
}

// workSession is session for a command that reviews a file: the working
// copy is opened (and checked) first, before the login writes anything, so
// a damaged one stops the command with the store untouched; done closes
// the session, whose exit shipment sends what the command spooled in the
// working copy, and then the working copy. done must be called when err is
// nil.
func (m *Main) workSession(ctx context.Context, wsPath, path, as string) (*app.App, *app.Session, *workspace.Store, func(), int, error) {
	ws, err := workspace.Open(ctx, wsPath, m.Now)
	if err != nil {
		return nil, nil, nil, nil, ExitUsage, err
	}
	a, s, closeFn, code, err := m.session(ctx, path, as)
	if err != nil {
		_ = ws.Close() // nothing was written to it yet
		return nil, nil, nil, nil, code, err
	}
	return a, s, ws, func() {
		closeFn()
		_ = ws.Close() // changes are committed as they are made
	}, ExitOK, nil
}

// exitFor maps an error to the exit code: refusals and retryable problems
// are 1 (the input was fine, the action did not happen); unusable input or
// an unusable store is 2.
func exitFor(err error) int {
	var se *sqlitedb.Error
	var le *auth.LockedError
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, auth.ErrDenied), errors.Is(err, auth.ErrBadLogin), errors.Is(err, auth.ErrDisabled), errors.As(err, &le),
		errors.Is(err, app.ErrNoUsers), errors.Is(err, submission.ErrErrorsRemain), errors.Is(err, submission.ErrNotAllowed),
		errors.Is(err, submission.ErrDuplicate), errors.Is(err, submission.ErrUnresolved), errors.Is(err, app.ErrCheckPending):
		return ExitFindings
	case errors.As(err, &se) && se.Retryable(), app.IsUnreachable(err):
		return ExitFindings
	}
	if _, ok := app.IsUnencodable(err); ok {
		return ExitFindings
	}
	return ExitUsage
}

// say translates use-case errors that need more than their own text.
func say(err error) error {
	switch {
	case errors.Is(err, submission.ErrErrorsRemain):
		return fmt.Errorf("エラーが残っているため送信しません。修正するか、理由を付けて確認してください（確認者は --override 理由 で送信できます）")
	case errors.Is(err, submission.ErrNotAllowed):
		return fmt.Errorf("エラーが残ったままの送信は、確認者（supervisor）が理由を付けた場合だけできます")
	case errors.Is(err, app.ErrCheckPending):
		return fmt.Errorf("%v（kenshinctl doublecheck ファイル --as 別の利用者 [--blind]、不一致は確認者が --decide で決めます）", err)
	case errors.Is(err, submission.ErrDuplicate):
		return fmt.Errorf("このバッチは同じ内容ですでに送信されています（%v）。二重に登録はしません", err)
	}
	return err
}
