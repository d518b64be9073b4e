package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/xuri/excelize/v2"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/jpdate"
	"kenshin/internal/store"
)

// stdin reads lines (passwords) from standard input, one per call.
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

// actor authenticates --as against the store (password: the first line of
// standard input) and checks the action. With no users yet, only the
// first-run setup is possible.
func (m *Main) actor(ctx context.Context, st *store.Store, as string, action auth.Action) (store.Actor, error) {
	n, err := st.UserCount(ctx)
	if err != nil {
		return store.Actor{}, err
	}
	if n == 0 {
		return store.Actor{}, fmt.Errorf("利用者がまだいません。先に kenshinctl user add 名前 --role admin で管理者を作成してください")
	}
	if as == "" {
		return store.Actor{}, usagef("--as に利用者名を指定し、パスワードを標準入力から渡してください")
	}
	pw, err := m.readLine("パスワード")
	if err != nil {
		return store.Actor{}, err
	}
	u, err := st.Login(ctx, as, pw, terminal(), auth.DefaultPolicy)
	if err != nil {
		return store.Actor{}, err
	}
	a := store.Actor{User: u, Terminal: terminal()}
	if action != "" {
		if err := auth.Check(u, action); err != nil {
			st.Record(ctx, a, audit.Denied, string(action), "")
			return a, err
		}
	}
	return a, nil
}

// storeAs opens the store and logs in --as for an action: the preamble of
// every command that touches the store. On failure it returns the exit code.
func (m *Main) storeAs(ctx context.Context, path, as string, action auth.Action) (*store.Store, store.Actor, int, error) {
	st, err := m.openStore(ctx, path, false)
	if err != nil {
		return nil, store.Actor{}, ExitUsage, err
	}
	by, err := m.actor(ctx, st, as, action)
	if err != nil {
		st.Close()
		return nil, by, exitForAuth(err), err
	}
	return st, by, ExitOK, nil
}

func exitForAuth(err error) int {
	if errors.Is(err, auth.ErrDenied) || errors.Is(err, auth.ErrBadLogin) || errors.Is(err, auth.ErrDisabled) {
		return ExitFindings
	}
	var le *auth.LockedError
	if errors.As(err, &le) {
		return ExitFindings
	}
	return exitFor(err)
}

func (m *Main) user(ctx context.Context, args []string) (int, error) {
	if len(args) == 0 {
		return ExitUsage, usagef("user add|passwd|disable|list を指定してください")
	}
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	storePath := storeFlag(fs)
	as := fs.String("as", "", "操作する管理者（パスワードは標準入力の 1 行目）")
	role := fs.String("role", "", "clerk・supervisor・admin（カンマで複数）")
	rest, err := parse(fs, args[1:])
	if err != nil {
		return ExitUsage, err
	}
	st, err := m.openStore(ctx, *storePath, false)
	if err != nil {
		return ExitUsage, err
	}
	defer st.Close()
	n, err := st.UserCount(ctx)
	if err != nil {
		return exitFor(err), err
	}
	switch args[0] {
	case "add":
		if len(rest) != 1 || *role == "" {
			return ExitUsage, usagef("kenshinctl user add 名前 --role clerk|supervisor|admin（パスワードは標準入力）")
		}
		roles, err := auth.ParseRoles(*role)
		if err != nil {
			return ExitUsage, err
		}
		by := store.Actor{Terminal: terminal()}
		if n > 0 {
			if by, err = m.actor(ctx, st, *as, auth.ManageUsers); err != nil {
				return exitForAuth(err), err
			}
		}
		pw, err := m.readLine("新しい利用者のパスワード")
		if err != nil {
			return ExitUsage, err
		}
		if err := st.AddUser(ctx, by, rest[0], roles, pw, auth.DefaultPolicy); err != nil {
			return ExitFindings, err
		}
		fmt.Fprintf(m.Stdout, "利用者「%s」（%s）を追加しました\n", rest[0], *role)
	case "passwd":
		if len(rest) != 1 {
			return ExitUsage, usagef("kenshinctl user passwd 名前 --as 利用者（標準入力: 自分のパスワード、新しいパスワード）")
		}
		by, err := m.actor(ctx, st, *as, "")
		if err != nil {
			return exitForAuth(err), err
		}
		pw, err := m.readLine("新しいパスワード")
		if err != nil {
			return ExitUsage, err
		}
		if err := st.SetPassword(ctx, by, rest[0], pw, auth.DefaultPolicy); err != nil {
			return exitForAuth(err), err
		}
		fmt.Fprintf(m.Stdout, "「%s」のパスワードを変更しました\n", rest[0])
	case "disable":
		if len(rest) != 1 {
			return ExitUsage, usagef("kenshinctl user disable 名前 --as 管理者")
		}
		by, err := m.actor(ctx, st, *as, auth.ManageUsers)
		if err != nil {
			return exitForAuth(err), err
		}
		if err := st.Disable(ctx, by, rest[0]); err != nil {
			return exitForAuth(err), err
		}
		fmt.Fprintf(m.Stdout, "「%s」を無効にしました\n", rest[0])
	case "list":
		if _, err := m.actor(ctx, st, *as, auth.ManageUsers); err != nil {
			return exitForAuth(err), err
		}
		users, err := st.Users(ctx)
		if err != nil {
			return exitFor(err), err
		}
		tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "利用者\t役割\t状態\t作成日")
		for _, u := range users {
			state := "有効"
			switch {
			case u.Disabled:
				state = "無効"
			case m.Now().Before(u.LockedUntil):
				state = "ロック中（" + u.LockedUntil.Local().Format("15:04") + " まで）"
			}
			var labels []string
			for _, r := range u.Roles {
				labels = append(labels, auth.RoleLabel(r))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, strings.Join(labels, "・"), state, u.CreatedAt.Local().Format("2006/01/02"))
		}
		tw.Flush()
	default:
		return ExitUsage, usagef("user %s は不明です（add・passwd・disable・list）", args[0])
	}
	return ExitOK, nil
}

func (m *Main) audit(ctx context.Context, args []string) (int, error) {
	if len(args) == 0 {
		return ExitUsage, usagef("audit verify|list を指定してください")
	}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	storePath := storeFlag(fs)
	as := fs.String("as", "", "管理者（パスワードは標準入力）")
	userF := fs.String("user", "", "利用者で絞り込む")
	kind := fs.String("event", "", "種類で絞り込む（login, cell_changed, batch_submitted …）")
	from := fs.String("from", "", "開始日")
	to := fs.String("to", "", "終了日（その日を含む）")
	format := fs.String("format", "text", "text・csv・xlsx")
	out := fs.String("out", "", "csv・xlsx の出力先")
	if _, err := parse(fs, args[1:]); err != nil {
		return ExitUsage, err
	}
	st, by, code, err := m.storeAs(ctx, *storePath, *as, auth.ReadAudit)
	if err != nil {
		return code, err
	}
	defer st.Close()
	switch args[0] {
	case "verify":
		n, p, err := st.VerifyAudit(ctx)
		if err != nil {
			return exitFor(err), err
		}
		st.Record(ctx, by, audit.AuditRead, "verify", "")
		if p != nil {
			return ExitFindings, fmt.Errorf("操作記録が改ざんされています。%v", p)
		}
		fmt.Fprintf(m.Stdout, "操作記録 %d 件: 改ざんはありません\n", n)
	case "list":
		f := store.AuditFilter{User: *userF, Kind: *kind}
		for _, d := range []struct {
			in   string
			out  *time.Time
			next bool
		}{{*from, &f.From, false}, {*to, &f.To, true}} {
			if d.in == "" {
				continue
			}
			p := jpdate.Parse(d.in, jpdate.Reiwa)
			if p.Problem != jpdate.OK {
				return ExitUsage, usagef("日付「%s」を読めません", d.in)
			}
			day := p.Date
			if d.next {
				day = day.AddDays(1)
			}
			*d.out = time.Date(day.Y, time.Month(day.M), day.D, 0, 0, 0, 0, time.Local)
		}
		events, err := st.Audit(ctx, f)
		if err != nil {
			return exitFor(err), err
		}
		st.Record(ctx, by, audit.AuditRead, "list", fmt.Sprintf("user=%s event=%s from=%s to=%s", *userF, *kind, *from, *to))
		if err := writeAudit(m, events, *format, *out); err != nil {
			return ExitUsage, err
		}
	default:
		return ExitUsage, usagef("audit %s は不明です（verify・list）", args[0])
	}
	return ExitOK, nil
}

var auditHeader = []string{"番号", "日時", "利用者", "端末", "操作", "種類", "対象", "内容"}

func auditRow(e audit.Event) []string {
	return []string{fmt.Sprint(e.Seq), e.At.Local().Format("2006/01/02 15:04:05"), e.User, e.Terminal, audit.Label(e.Kind), e.Kind, e.Object, e.Detail}
}

func writeAudit(m *Main, events []audit.Event, format, out string) error {
	switch format {
	case "text":
		tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(auditHeader, "\t"))
		for _, e := range events {
			fmt.Fprintln(tw, strings.Join(auditRow(e), "\t"))
		}
		return tw.Flush()
	case "csv":
		if out == "" {
			return usagef("--out を指定してください")
		}
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		f.Write([]byte{0xEF, 0xBB, 0xBF}) // Excel opens UTF-8 CSV correctly with a BOM
		w := csv.NewWriter(f)
		w.UseCRLF = true
		w.Write(auditHeader)
		for _, e := range events {
			w.Write(auditRow(e))
		}
		w.Flush()
		return w.Error()
	case "xlsx":
		if out == "" {
			return usagef("--out を指定してください")
		}
		x := excelize.NewFile()
		defer x.Close()
		sh := "操作記録"
		x.SetSheetName("Sheet1", sh)
		sw, err := x.NewStreamWriter(sh)
		if err != nil {
			return err
		}
		row := func(vals []string) []any {
			out := make([]any, len(vals))
			for i, v := range vals {
				out[i] = v
			}
			return out
		}
		sw.SetRow("A1", row(auditHeader))
		for i, e := range events {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			r := row(auditRow(e))
			r[1] = e.At.Local()
			sw.SetRow(cell, r)
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return x.SaveAs(out)
	}
	return usagef("--format は text・csv・xlsx です")
}
