package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"kenshin/internal/app"
	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/store"
	"kenshin/internal/submission"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

func commands() []*command {
	return []*command{cmdInit, cmdCheckStore, cmdSubmit, cmdBatches, cmdExport, cmdReport, cmdUser, cmdAudit, cmdStats, cmdPurge, cmdDoubleCheck,
		cmdStore, cmdBackup, cmdRestore, cmdOutbox}
}

type initOpts struct{ store *string }

var cmdInit = &command{
	name: "init", summary: "中央データを新しく作ります（作った場所を表示します）。すでにあるファイルは使いません",
	flags: func(fs *flag.FlagSet) any { return &initOpts{store: storeFlag(fs)} },
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*initOpts)
		if len(pos) > 0 {
			return ExitUsage, usagef("kenshinctl init --store PATH")
		}
		if err := resolveStore(opt.store); err != nil {
			return ExitUsage, err
		}
		st, err := store.Create(ctx, *opt.store)
		if err != nil {
			return ExitUsage, err
		}
		if err := st.Close(); err != nil {
			return ExitUsage, err
		}
		fmt.Fprintf(m.Stdout, "中央データを作りました: %s（操作記録の鍵: %s.auditkey、一緒にバックアップしてください）\n次に kenshinctl user add 名前 --role admin --store %s で管理者を作成してください\n", *opt.store, *opt.store, *opt.store)
		return ExitOK, nil
	},
}

var cmdCheckStore = &command{
	name: "check-store", summary: "中央データの全体検査（integrity_check・件数・操作記録のつながり）。読むだけで、何も書きません",
	flags: func(fs *flag.FlagSet) any { return &initOpts{store: storeFlag(fs)} },
	exec: func(m *Main, ctx context.Context, o any, _ []string) (int, error) {
		a, closeFn, err := m.openAppReadOnly(ctx, *o.(*initOpts).store)
		if errors.Is(err, sqlitedb.ErrDamaged) {
			return ExitFindings, fmt.Errorf("判定: %v", err)
		}
		if err != nil {
			return exitFor(err), err
		}
		defer closeFn()
		c, err := a.CheckStore(ctx)
		if err != nil {
			return exitFor(err), err
		}
		for _, t := range []string{"batches", "records", "trail", "users", "audit"} {
			fmt.Fprintf(m.Stdout, "%s: %d\n", t, c.Counts[t])
		}
		fmt.Fprintf(m.Stdout, "操作記録の控え: %s\n", c.Head)
		switch {
		case len(c.Damage) > 0:
			return ExitFindings, fmt.Errorf("判定: 中央データが壊れています（%s）。使うのをやめ、最後のバックアップから復元してください", c.Damage[0])
		case c.Problem != nil:
			return ExitFindings, fmt.Errorf("判定: 操作記録が改ざんされています。%v", c.Problem)
		}
		fmt.Fprintln(m.Stdout, "判定: 問題はありません")
		return ExitOK, nil
	},
}

type submitOpts struct {
	store, workspace, as, override, replace, form, partner *string
	centre                                                 *int
	skip                                                   *bool
}

var cmdSubmit = &command{
	name: "submit", args: "FILE.csv",
	summary: "確認済みの CSV（端末の作業データにある修正・確認を含む）を中央データに送信します（0: 送信済み / 1: 拒否 / 2: 読めない入力）",
	flags: func(fs *flag.FlagSet) any {
		return &submitOpts{
			store: storeFlag(fs), workspace: workspaceFlag(fs), as: asFlag(fs),
			centre:   fs.Int("centre", 0, "保健センターの番号（既定: ファイルの会場）"),
			override: fs.String("override", "", "エラーが残っていても送信する理由（確認者のみ）"),
			skip:     fs.Bool("skip-conflicts", false, "登録済みの記録と重なる行をスキップする"),
			replace:  fs.String("replace-conflicts", "", "登録済みの記録と重なる行を置き換える理由"),
			form:     fs.String("form", "", "帳票 ID"),
			partner:  fs.String("partner", "", "対になる帳票（受診票とアンケート）の CSV。突き合わせてから送信します"),
		}
	},
	exec: func(m *Main, ctx context.Context, o any, files []string) (int, error) {
		opt := o.(*submitOpts)
		if len(files) != 1 {
			return ExitUsage, usagef("送信する CSV ファイルを 1 つ指定してください")
		}
		if *opt.skip && *opt.replace != "" {
			return ExitUsage, usagef("--skip-conflicts と --replace-conflicts は同時に指定できません")
		}
		a, s, ws, done, code, err := m.workSession(ctx, *opt.workspace, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer done()
		wc := workcopy.Adapter{Store: ws}
		rv, err := a.OpenReview(ctx, s, wc, files[0], *opt.form)
		if err != nil {
			return exitFor(err), err
		}
		if *opt.partner != "" {
			p, err := a.OpenReview(ctx, s, wc, *opt.partner, "")
			if err != nil {
				return exitFor(err), err
			}
			if !app.Pair(rv.Session, p.Session) {
				return ExitUsage, usagef("「%s」は「%s」と対になる帳票ではありません", *opt.partner, files[0])
			}
		}
		if *opt.centre != 0 && submission.CentreName(rv.Batch.Form, *opt.centre) == "" {
			return ExitUsage, usagef("--centre に保健センターの番号を指定してください（%s）", centreList(a))
		}
		sub, err := a.PrepareSubmitOffline(ctx, s, rv.Session, app.SubmitRequest{Centre: *opt.centre, OverrideReason: *opt.override})
		if err != nil {
			return exitFor(err), say(err)
		}
		decisions := map[int]submission.Decision{}
		for _, c := range sub.Conflicts {
			switch {
			case *opt.skip:
				decisions[c.Row] = submission.Decision{Reason: "--skip-conflicts"}
			case *opt.replace != "":
				decisions[c.Row] = submission.Decision{Replace: true, Reason: *opt.replace}
			}
		}
		d, err := a.SubmitOrQueue(ctx, s, sub, decisions, wc, ws)
		if d.Queued {
			fmt.Fprintf(m.Stdout, "%s（%s。端末内の作業データは残しています。kenshinctl outbox send で送ります）\n", app.QueuedMessage, rv.Batch.File)
			return ExitFindings, nil
		}
		res := d.SubmitResult
		if cs, ok := app.IsConflict(err); ok {
			for _, c := range cs {
				fmt.Fprintf(m.Stdout, "  %d 件目 宛名番号 %s 受診日 %s: バッチ %d（%s、%s 送信）に登録済み\n", c.Row, c.Atena, c.ExamDate, c.BatchID, c.File, c.SubmittedAt.Local().Format("2006/01/02 15:04"))
			}
			return ExitFindings, fmt.Errorf("%v。--skip-conflicts か --replace-conflicts 理由 を指定してください", err)
		}
		if err != nil {
			return exitFor(err), say(err)
		}
		if res.ForgetErr != nil {
			fmt.Fprintf(m.Stderr, "注意: 送信は完了しましたが、端末内の作業データを削除できませんでした: %v\n", res.ForgetErr)
		}
		fmt.Fprintf(m.Stdout, "送信しました（バッチ番号 %d: 登録 %d 件、スキップ %d 件、置き換え %d 件）。端末内の作業データを削除しました\n操作記録の控え: %s\n",
			res.BatchID, res.Stored, res.Skipped, res.Replaced, res.Head)
		return ExitOK, nil
	},
}

func centreList(a *app.App) string {
	var out []string
	for _, c := range a.Centres() {
		out = append(out, c.Code+" "+c.Label)
	}
	return strings.Join(out, "・")
}

type batchesOpts struct{ store, as, format *string }

var cmdBatches = &command{
	name: "batches", args: "[imported バッチ番号…]", summary: "送信済みバッチの一覧。imported: 取り込みが確認されたバッチに取込済みの印を付けます（確認者のみ）",
	flags: func(fs *flag.FlagSet) any {
		return &batchesOpts{store: storeFlag(fs), as: asFlag(fs), format: fs.String("format", "text", "text または json")}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*batchesOpts)
		if len(pos) > 0 {
			if pos[0] != "imported" {
				return ExitUsage, usagef("batches %s は不明です（imported）", pos[0])
			}
			return markImported(m, ctx, *opt.store, *opt.as, pos[1:])
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		list, err := a.Batches(ctx, s)
		if err != nil {
			return exitFor(err), err
		}
		if *opt.format == "json" {
			if list == nil {
				list = []submission.Info{}
			}
			enc := json.NewEncoder(m.Stdout)
			enc.SetIndent("", "  ")
			return ExitOK, enc.Encode(list)
		}
		tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "番号\t帳票\tファイル\tセンター\t確認者\t送信者\t送信日時\t登録\tスキップ\t置換\t修正\t確認\t上書き理由\t出力\t取込")
		for _, b := range list {
			exported := "未"
			if b.ExportedAt != "" {
				exported = "済（" + b.ExportedBy + "）"
			}
			imported := "未"
			switch {
			case b.PurgedAt != "":
				imported = "済・削除済み"
			case b.ImportedAt != "":
				imported = "済（" + b.ImportedBy + "）"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", b.ID, b.Form, b.File, b.Centre, b.Reviewer, b.Submitter,
				b.SubmittedAt.Local().Format("2006/01/02 15:04"), b.Stored, b.Skipped, b.Replaced, b.Corrected, b.Confirmed, b.OverrideReason, exported, imported)
		}
		return ExitOK, tw.Flush()
	},
}

type exportOpts struct {
	store, as, form, from, to, enc, out *string
	centre                              *int
	batch                               *int64
}

var cmdExport = &command{
	name: "export", summary: "健康管理システムの取り込み用 CSV を書き出します（確認者のみ）",
	flags: func(fs *flag.FlagSet) any {
		return &exportOpts{store: storeFlag(fs), as: asFlag(fs), form: fs.String("form", "", "帳票 ID（--batch のときは省略できます）"),
			from: fs.String("from", "", "受診日の開始（例 2025-04-01、R7.4.1）"), to: fs.String("to", "", "受診日の終了（その日を含む）"),
			centre: fs.Int("centre", 0, "保健センターの番号（既定: すべて）"), batch: fs.Int64("batch", 0, "バッチ番号"),
			enc: fs.String("encoding", "cp932", "cp932 または utf8"), out: fs.String("out", "", "出力する CSV のパス")}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*exportOpts)
		if len(pos) > 0 {
			return ExitUsage, usagef("export の引数を確認してください: %v", pos)
		}
		// with --batch the batch knows its form: --form may be left out
		if *opt.form != "" && m.Forms.Form(*opt.form) == nil || *opt.form == "" && *opt.batch == 0 {
			return ExitUsage, usagef("--form に帳票 ID を指定してください（%v。--batch を指定すればそのバッチの帳票になります）", m.Forms.IDs())
		}
		if *opt.out == "" {
			return ExitUsage, usagef("--out に出力する CSV のパスを指定してください")
		}
		flt := submission.Filter{Centre: *opt.centre, BatchID: *opt.batch}
		var err error
		if flt.From, flt.To, err = app.DateRange(*opt.from, *opt.to); err != nil {
			return ExitUsage, usagef("%v", err)
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		formID, err := exportForm(ctx, a, s, *opt.form, *opt.batch)
		if err != nil {
			return exitFor(err), err
		}
		res, err := a.ExportImportFile(ctx, s, formID, flt, *opt.enc, *opt.out)
		if err != nil {
			return exitFor(err), err
		}
		fmt.Fprintf(m.Stdout, "%s: %s %d 件（バッチ %d 個）を書き出しました\n操作記録の控え: %s\n", *opt.out, formID, res.Records, len(res.Batches), res.Head)
		return ExitOK, nil
	},
}

// exportForm is the form of an export: the one given, or batch's own (a
// batch holds one form). A --form that contradicts the batch is refused.
func exportForm(ctx context.Context, a *app.App, s *app.Session, form string, batch int64) (string, error) {
	if batch == 0 {
		return form, nil
	}
	list, err := a.Batches(ctx, s)
	if err != nil {
		return "", err
	}
	for _, b := range list {
		if b.ID != batch {
			continue
		}
		if form != "" && form != b.Form {
			return "", usagef("バッチ %d は帳票 %s です（--form %s と違います）", batch, b.Form, form)
		}
		return b.Form, nil
	}
	return "", usagef("バッチ %d はありません（kenshinctl batches で一覧できます）", batch)
}

type reportOpts struct {
	store, as, out, workspace *string
	batch                     *int64
	password                  *bool
}

var cmdReport = &command{
	name: "report", args: "[FILE.csv]",
	summary: "修正レポート（Excel）を書き出します: CSV（作業中の修正を含む）か、--batch の送信済みバッチから",
	flags: func(fs *flag.FlagSet) any {
		return &reportOpts{store: storeFlag(fs), as: asFlag(fs), out: fs.String("out", "", "出力する .xlsx のパス"),
			workspace: workspaceFlag(fs), batch: fs.Int64("batch", 0, "送信済みバッチの番号"),
			password: fs.Bool("password", false, "標準入力の次の行をパスワードにしてファイルを暗号化する")}
	},
	exec: func(m *Main, ctx context.Context, o any, files []string) (int, error) {
		opt := o.(*reportOpts)
		if *opt.out == "" {
			return ExitUsage, usagef("--out に出力する .xlsx のパスを指定してください")
		}
		if (*opt.batch != 0) == (len(files) == 1) || len(files) > 1 {
			return ExitUsage, usagef("CSV ファイル 1 つ、または --batch 番号 を指定してください")
		}
		var ws *workspace.Store
		if len(files) == 1 { // checked before the login writes anything
			var err error
			if ws, err = workspace.Open(ctx, *opt.workspace, m.Now); err != nil {
				return ExitUsage, err
			}
			// closed after the session's exit shipment (deferred later):
			// opening the file below spools its entry here
			defer func() { _ = ws.Close() }() // changes are committed as they are made
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		pw := ""
		if *opt.password {
			if pw, err = m.readLine("ファイルのパスワード"); err != nil {
				return ExitUsage, err
			}
			if len(pw) < 8 {
				return ExitUsage, usagef("パスワードは 8 文字以上にしてください")
			}
		}
		src := app.ReportSource{BatchID: *opt.batch}
		if len(files) == 1 {
			rv, err := a.OpenReview(ctx, s, workcopy.Adapter{Store: ws}, files[0], "")
			if err != nil {
				return exitFor(err), err
			}
			src.Review = rv.Session
		}
		res, err := a.Report(ctx, s, src, *opt.out, pw)
		if err != nil {
			return exitFor(err), err
		}
		fmt.Fprintf(m.Stdout, "%s: 修正レポートを書き出しました（%d 行、修正履歴 %d セル）\n操作記録の控え: %s\n", *opt.out, res.Rows, res.Trail, res.Head)
		return ExitOK, nil
	},
}

type userOpts struct{ store, as, role *string }

var cmdUser = &command{
	name: "user", args: "add|passwd|disable|list [名前]",
	summary: "利用者の管理。最初の利用者（管理者）だけは --as なしで作成します（標準入力: --as のパスワード、新しいパスワード）",
	flags: func(fs *flag.FlagSet) any {
		return &userOpts{store: storeFlag(fs), as: asFlag(fs), role: fs.String("role", "", "clerk・supervisor・admin（カンマで複数）")}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*userOpts)
		if len(pos) == 0 {
			return ExitUsage, usagef("user add|passwd|disable|list を指定してください")
		}
		sub, rest := pos[0], pos[1:]
		a, closeFn, err := m.openApp(ctx, *opt.store)
		if err != nil {
			return exitFor(err), err
		}
		defer closeFn()
		one := func(usage string) (string, error) {
			if len(rest) != 1 {
				return "", usagef("%s", usage)
			}
			return rest[0], nil
		}
		switch sub {
		case "add":
			name, err := one("kenshinctl user add 名前 --role clerk|supervisor|admin")
			if err != nil || *opt.role == "" {
				return ExitUsage, usagef("kenshinctl user add 名前 --role clerk|supervisor|admin")
			}
			roles, err := auth.ParseRoles(*opt.role)
			if err != nil {
				return ExitUsage, err
			}
			first, err := a.NeedsSetup(ctx)
			if err != nil {
				return exitFor(err), err
			}
			if first {
				if len(roles) != 1 || roles[0] != auth.Admin {
					return ExitFindings, fmt.Errorf("最初の利用者は管理者（--role admin）にしてください")
				}
				pw, err := m.readLine("新しい利用者のパスワード")
				if err != nil {
					return ExitUsage, err
				}
				if err := a.Setup(ctx, terminal(), name, pw); err != nil {
					return ExitFindings, err
				}
			} else {
				s, err := m.login(ctx, a, *opt.as)
				if err != nil {
					return exitFor(err), err
				}
				pw, err := m.readLine("新しい利用者のパスワード")
				if err != nil {
					return ExitUsage, err
				}
				if err := a.AddUser(ctx, s, name, roles, pw); err != nil {
					return ExitFindings, err
				}
			}
			fmt.Fprintf(m.Stdout, "利用者「%s」（%s）を追加しました\n", name, *opt.role)
		case "passwd", "disable":
			name, err := one("kenshinctl user " + sub + " 名前 --as 利用者")
			if err != nil {
				return ExitUsage, err
			}
			s, err := m.login(ctx, a, *opt.as)
			if err != nil {
				return exitFor(err), err
			}
			if sub == "disable" {
				if err := a.DisableUser(ctx, s, name); err != nil {
					return exitFor(err), err
				}
				fmt.Fprintf(m.Stdout, "「%s」を無効にしました\n", name)
				break
			}
			pw, err := m.readLine("新しいパスワード")
			if err != nil {
				return ExitUsage, err
			}
			if err := a.SetPassword(ctx, s, name, pw); err != nil {
				return exitFor(err), err
			}
			fmt.Fprintf(m.Stdout, "「%s」のパスワードを変更しました\n", name)
		case "list":
			s, err := m.login(ctx, a, *opt.as)
			if err != nil {
				return exitFor(err), err
			}
			users, err := a.Users(ctx, s)
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
			return ExitOK, tw.Flush()
		default:
			return ExitUsage, usagef("user %s は不明です（add・passwd・disable・list）", sub)
		}
		return ExitOK, nil
	},
}

type auditOpts struct{ store, as, user, kind, from, to, format, out, expect *string }

var cmdAudit = &command{
	name: "audit", args: "verify|list|report",
	summary: "操作記録の改ざん検査（控え 件数:ハッシュ を表示）と一覧（管理者のみ）、report: 期間の分析レポート（Excel。管理者・確認者）",
	flags: func(fs *flag.FlagSet) any {
		return &auditOpts{store: storeFlag(fs), as: asFlag(fs), user: fs.String("user", "", "利用者で絞り込む"),
			kind: fs.String("event", "", "種類で絞り込む（login, cell_changed, batch_submitted …）"),
			from: fs.String("from", "", "開始日"), to: fs.String("to", "", "終了日（その日を含む）"),
			format: fs.String("format", "text", "text・csv・xlsx"), out: fs.String("out", "", "csv・xlsx の出力先"),
			expect: fs.String("expect", "", "以前に控えた 件数:ハッシュ。その記録が今も残っているか確かめる")}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*auditOpts)
		if len(pos) != 1 {
			return ExitUsage, usagef("audit verify|list を指定してください")
		}
		var expect *audit.Head
		if *opt.expect != "" {
			h, err := audit.ParseHead(*opt.expect)
			if err != nil {
				return ExitUsage, usagef("--expect: %v", err)
			}
			expect = &h
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		switch pos[0] {
		case "verify":
			v, err := a.AuditVerify(ctx, s, expect)
			if err != nil {
				return exitFor(err), err
			}
			switch {
			case len(v.Damage) > 0:
				return ExitFindings, fmt.Errorf("中央データが壊れています（%s）。最後のバックアップから復元してください", v.Damage[0])
			case v.Problem != nil:
				return ExitFindings, fmt.Errorf("操作記録が改ざんされています。%v（控え: %s）", v.Problem, v.Head)
			case v.Expect != nil:
				return ExitFindings, fmt.Errorf("操作記録が以前の控えと合いません。%v", v.Expect)
			}
			fmt.Fprintf(m.Stdout, "操作記録 %d 件: 改ざんはありません\n操作記録の控え: %s\n", v.Count, v.Head)
		case "list":
			f := audit.Filter{User: *opt.user, Kind: *opt.kind}
			if f.From, f.To, err = app.TimeRange(*opt.from, *opt.to, m.Now().Location()); err != nil {
				return ExitUsage, usagef("%v", err)
			}
			events, head, err := a.AuditList(ctx, s, f)
			if err != nil {
				return exitFor(err), err
			}
			if err := writeAudit(m, events, *opt.format, *opt.out); err != nil {
				return ExitUsage, err
			}
			fmt.Fprintf(m.Stderr, "操作記録の控え: %s\n", head)
		case "report":
			return auditReport(m, ctx, a, s, *opt.from, *opt.to, *opt.out)
		default:
			return ExitUsage, usagef("audit %s は不明です（verify・list・report）", pos[0])
		}
		return ExitOK, nil
	},
}
