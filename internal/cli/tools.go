package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kenshin/internal/app"
	"kenshin/internal/doublecheck"
	"kenshin/internal/workcopy"
)

// readPassword reads a file password from the next line of standard input
// when asked to.
func (m *Main) filePassword(ask bool) (string, error) {
	if !ask {
		return "", nil
	}
	pw, err := m.readLine("ファイルのパスワード")
	if err != nil {
		return "", err
	}
	if len(pw) < 8 {
		return "", usagef("パスワードは 8 文字以上にしてください")
	}
	return pw, nil
}

func (m *Main) period(from, to string) (app.Period, error) {
	f, t, err := app.TimeRange(from, to, m.Now().Location())
	if err != nil {
		return app.Period{}, usagef("%v", err)
	}
	return app.Period{From: f, To: t}, nil
}

type statsOpts struct {
	store, as, out, from, to *string
	password                 *bool
}

var cmdStats = &command{
	name: "stats", summary: "中央データの修正履歴から OCR の読み取り誤りの統計（項目・帳票・センター・月別、多い読み違い）を Excel に書き出します（確認者のみ。氏名・宛名番号は含みません）",
	flags: func(fs *flag.FlagSet) any {
		return &statsOpts{store: storeFlag(fs), as: asFlag(fs), out: fs.String("out", "", "出力する .xlsx のパス"),
			from: fs.String("from", "", "送信日の開始"), to: fs.String("to", "", "送信日の終了（その日を含む）"),
			password: fs.Bool("password", false, "標準入力の次の行をパスワードにしてファイルを暗号化する")}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*statsOpts)
		if len(pos) > 0 || *opt.out == "" {
			return ExitUsage, usagef("kenshinctl stats --out FILE.xlsx [--from 日付] [--to 日付]")
		}
		p, err := m.period(*opt.from, *opt.to)
		if err != nil {
			return ExitUsage, err
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		pw, err := m.filePassword(*opt.password)
		if err != nil {
			return ExitUsage, err
		}
		res, err := a.OCRStats(ctx, s, p, *opt.out, pw)
		if err != nil {
			return exitFor(err), err
		}
		fmt.Fprintf(m.Stdout, "%s: バッチ %d 個、%d セル中 修正 %d セル（%.2f %%）の統計を書き出しました\n操作記録の控え: %s\n",
			*opt.out, res.Batches, res.Stats.Cells, res.Stats.Errors, percent(res.Stats.Errors, res.Stats.Cells), res.Head)
		return ExitOK, nil
	},
}

func percent(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(k) / float64(n)
}

type purgeOpts struct {
	store, as, before, out *string
	password               *bool
}

var cmdPurge = &command{
	name: "purge", summary: "取り込み用ファイルを出力し取込済みの印を付けたバッチの記録と修正履歴を削除し、削除記録（Excel）を書き出します（確認者のみ。操作記録は残ります）",
	flags: func(fs *flag.FlagSet) any {
		return &purgeOpts{store: storeFlag(fs), as: asFlag(fs),
			before:   fs.String("exported-before", "", "この日より前に出力し取込済みにしたバッチを削除する"),
			out:      fs.String("out", "", "削除記録の .xlsx のパス"),
			password: fs.Bool("password-stdin", false, "標準入力の次の行をパスワードにして削除記録を暗号化する")}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*purgeOpts)
		if len(pos) > 0 || *opt.before == "" || *opt.out == "" {
			return ExitUsage, usagef("kenshinctl purge --exported-before 日付 --out 削除記録.xlsx")
		}
		d, err := app.ParseDay(*opt.before)
		if err != nil {
			return ExitUsage, usagef("--exported-before: %v", err)
		}
		before := time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, m.Now().Location())
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		pw, err := m.filePassword(*opt.password)
		if err != nil {
			return ExitUsage, err
		}
		res, err := a.Purge(ctx, s, app.PurgeRequest{ExportedBefore: before, Out: *opt.out, Password: pw})
		if errors.Is(err, app.ErrNothingToPurge) {
			fmt.Fprintln(m.Stdout, err)
			return ExitOK, nil
		}
		if err != nil {
			return exitFor(err), err
		}
		recs, cells := res.Record.Totals()
		for _, b := range res.Record.Batches {
			fmt.Fprintf(m.Stdout, "  バッチ %d（%s %s）: 記録 %d 件、修正履歴 %d セル、ハッシュ %s\n", b.ID, b.Form, b.File, b.Records, b.Cells, b.Hash)
		}
		if len(res.Kept) > 0 {
			fmt.Fprintf(m.Stdout, "  残したバッチ %v: まだ削除できない別のバッチが記録を参照しています\n", res.Kept)
		}
		fmt.Fprintf(m.Stdout, "記録 %d 件・修正履歴 %d セルを削除しました。削除記録: %s\n操作記録の控え: %s\n", recs, cells, *opt.out, res.Head)
		return ExitOK, nil
	},
}

// markImported is `kenshinctl batches imported ID…`.
func markImported(m *Main, ctx context.Context, store, as string, args []string) (int, error) {
	if len(args) == 0 {
		return ExitUsage, usagef("kenshinctl batches imported バッチ番号…")
	}
	var ids []int64
	for _, x := range args {
		id, err := strconv.ParseInt(x, 10, 64)
		if err != nil || id <= 0 {
			return ExitUsage, usagef("バッチ番号「%s」を読めません", x)
		}
		ids = append(ids, id)
	}
	a, s, closeFn, code, err := m.session(ctx, store, as)
	if err != nil {
		return code, err
	}
	defer closeFn()
	h, err := a.MarkImported(ctx, s, ids)
	if err != nil {
		if errors.Is(err, app.ErrNotFound) {
			return ExitUsage, err
		}
		return exitFor(err), err
	}
	fmt.Fprintf(m.Stdout, "バッチ %v に取込済みの印を付けました\n操作記録の控え: %s\n", ids, h)
	return ExitOK, nil
}

// auditReport is `kenshinctl audit report`.
func auditReport(m *Main, ctx context.Context, a *app.App, s *app.Session, from, to, out string) (int, error) {
	if from == "" || to == "" || out == "" {
		return ExitUsage, usagef("kenshinctl audit report --from 日付 --to 日付 --out FILE.xlsx")
	}
	p, err := m.period(from, to)
	if err != nil {
		return ExitUsage, err
	}
	res, err := a.AuditReport(ctx, s, p, out, "")
	if err != nil {
		return exitFor(err), err
	}
	r := res.Report
	fmt.Fprintf(m.Stdout, "%s: 操作 %d 件、ログイン失敗 %d 人、時間外 %d 件、出力 %d 件、権限のない操作 %d 件、利用者の変更 %d 件\n%s\n操作記録の控え: %s\n",
		out, r.Events, len(r.Failures), len(r.OffHours), len(r.Exports), len(r.Denied), len(r.UserChanges), r.Chain.Text(), res.Head)
	if r.Chain.Problem != nil {
		return ExitFindings, fmt.Errorf("操作記録が改ざんされています。%v", r.Chain.Problem)
	}
	return ExitOK, nil
}

type doubleCheckOpts struct {
	store, workspace, as, form, decide, reason *string
	blind, list                                *bool
}

var cmdDoubleCheck = &command{
	name: "doublecheck", args: "FILE.csv",
	summary: "送信前のダブルチェック（確認した人以外）。標準入力: 1 行目にパスワード、続いて項目ごとに 1 行（確認: y で一致、--blind: 用紙の値）。途中でやめても続きから再開できます（0: 完了 / 1: 未了・不一致あり）",
	flags: func(fs *flag.FlagSet) any {
		return &doubleCheckOpts{store: storeFlag(fs), workspace: workspaceFlag(fs), as: asFlag(fs), form: fs.String("form", "", "帳票 ID"),
			blind:  fs.Bool("blind", false, "値を見ずに用紙から入力する（見て確認する代わりに）"),
			list:   fs.Bool("mismatches", false, "不一致の項目を両方の値とともに一覧する（確認者のみ）"),
			decide: fs.String("decide", "", "不一致を決める: 行:項目キー=送信する値（確認者のみ、--reason と一緒に）"),
			reason: fs.String("reason", "", "--decide の理由")}
	},
	exec: func(m *Main, ctx context.Context, o any, files []string) (int, error) {
		opt := o.(*doubleCheckOpts)
		if len(files) != 1 {
			return ExitUsage, usagef("ダブルチェックする CSV ファイルを 1 つ指定してください")
		}
		a, s, ws, done, code, err := m.workSession(ctx, *opt.workspace, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer done()
		rv, err := a.OpenReview(ctx, s, workcopy.Adapter{Store: ws}, files[0], *opt.form)
		if err != nil {
			return exitFor(err), err
		}
		sub, err := a.CheckTarget(ctx, s, rv.Session)
		if err != nil {
			return exitFor(err), err
		}
		if *opt.list || *opt.decide != "" {
			return decideMismatches(m, ctx, a, s, sub, *opt.decide, *opt.reason)
		}
		mode := doublecheck.Confirm
		if *opt.blind {
			mode = doublecheck.Blind
		}
		v, err := a.StartDoubleCheck(ctx, s, sub, mode)
		if err != nil {
			return exitFor(err), err
		}
		labels := a.Labels()
		for _, it := range v.Items {
			if it.State != doublecheck.Pending {
				continue
			}
			where := fmt.Sprintf("%d 行目（宛名番号 %s）%s", it.Row, it.Atena, labels[it.Key])
			if mode == doublecheck.Blind {
				fmt.Fprintf(m.Stdout, "%s: ", where)
				typed, err := m.readLine("用紙の値")
				if err != nil {
					break // the rest waits for another run
				}
				match, nv, err := a.RekeyField(ctx, s, sub, it.Row, it.Key, typed)
				if err != nil {
					return exitFor(err), err
				}
				v = nv
				if !match {
					fmt.Fprintln(m.Stdout, "→ 不一致（確認者の判断待ち）")
				}
				continue
			}
			fmt.Fprintf(m.Stdout, "%s: %s  用紙と一致しますか [y/N] ", where, it.First)
			ans, err := m.readLine("答え")
			if err != nil {
				break
			}
			if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" && a != "はい" {
				fmt.Fprintln(m.Stdout, "→ 未確認のまま（用紙と違うときは入力担当が修正してから、改めてダブルチェックしてください）")
				continue
			}
			if v, err = a.ConfirmField(ctx, s, sub, it.Row, it.Key); err != nil {
				return exitFor(err), err
			}
		}
		fmt.Fprintf(m.Stdout, "ダブルチェック: %d / %d 項目済み、不一致 %d 項目\n", v.Settled, v.Total, v.Open)
		if !v.Complete {
			return ExitFindings, fmt.Errorf("ダブルチェックは終わっていません（続きは同じコマンドで、不一致は確認者が画面で判断します）")
		}
		fmt.Fprintln(m.Stdout, "ダブルチェックが終わりました。送信できます")
		return ExitOK, nil
	},
}

// decideMismatches lists the open mismatches of a check, or settles one
// (a supervisor's, having looked at the paper).
func decideMismatches(m *Main, ctx context.Context, a *app.App, s *app.Session, sub *app.Submission, decide, reason string) (int, error) {
	if decide != "" {
		where, value, ok := strings.Cut(decide, "=")
		rs, key, ok2 := strings.Cut(where, ":")
		row, err := strconv.Atoi(rs)
		if !ok || !ok2 || err != nil || strings.TrimSpace(reason) == "" {
			return ExitUsage, usagef("--decide 行:項目キー=値 --reason 理由 の形で指定してください")
		}
		v, err := a.DecideMismatch(ctx, s, sub, row, key, value, reason)
		if err != nil {
			return exitFor(err), err
		}
		fmt.Fprintf(m.Stdout, "%d 行目 %s を「%s」に決めました。ダブルチェック: %d / %d 項目済み、不一致 %d 項目\n", row, key, value, v.Settled, v.Total, v.Open)
		return ExitOK, nil
	}
	list, err := a.Mismatches(ctx, s, sub)
	if err != nil {
		return exitFor(err), err
	}
	for _, it := range list {
		fmt.Fprintf(m.Stdout, "%d:%s\t宛名番号 %s\t確認: %s\tダブルチェック: %s（%s）\n", it.Row, it.Key, it.Atena, it.First, it.Rekeyed, it.CheckedBy)
	}
	fmt.Fprintf(m.Stdout, "不一致 %d 項目\n", len(list))
	return ExitOK, nil
}
