package cli

import (
	"context"
	"flag"
	"fmt"

	"kenshin/internal/app"
	"kenshin/internal/workcopy"
	"kenshin/internal/workspace"
)

type outboxOpts struct{ store, workspace, as *string }

// cmdOutbox lists the batches waiting in this terminal's outbox, or sends
// them (`outbox send`).
var cmdOutbox = &command{
	name: "outbox", args: "[send]",
	summary: "サーバーにつながらなかったため送信を待っているバッチの一覧。outbox send で送ります（同じバッチが二重に登録されることはありません）",
	flags: func(fs *flag.FlagSet) any {
		return &outboxOpts{store: storeFlag(fs), workspace: workspaceFlag(fs), as: asFlag(fs)}
	},
	exec: func(m *Main, ctx context.Context, o any, pos []string) (int, error) {
		opt := o.(*outboxOpts)
		send := len(pos) == 1 && pos[0] == "send"
		if len(pos) > 1 || len(pos) == 1 && !send {
			return ExitUsage, usagef("kenshinctl outbox [send] --as 利用者")
		}
		ws, err := workspace.Open(ctx, *opt.workspace, m.Now)
		if err != nil {
			return ExitUsage, err
		}
		defer func() { _ = ws.Close() }() // changes are committed as they are made
		if !send {
			// listing needs no server and no login: it shows file names and counts only
			list, err := app.Outbox(ctx, ws)
			if err != nil {
				return ExitUsage, err
			}
			for _, w := range list {
				note := ""
				if w.Note != "" {
					note = "  ※ " + w.Note
				}
				fmt.Fprintf(m.Stdout, "%s  %s  %s  %d 件%s\n", w.Queued.Local().Format("2006/01/02 15:04"), w.Form, w.File, w.Rows, note)
			}
			fmt.Fprintf(m.Stdout, "送信待ち: %d 件\n", len(list))
			return ExitOK, nil
		}
		a, s, closeFn, code, err := m.session(ctx, *opt.store, *opt.as)
		if err != nil {
			return code, err
		}
		defer closeFn()
		rep, err := a.SendOutbox(ctx, s, ws, workcopy.Adapter{Store: ws})
		for _, r := range rep.Delivered {
			fmt.Fprintf(m.Stdout, "送信しました（バッチ番号 %d: 登録 %d 件）\n", r.BatchID, r.Stored)
		}
		if len(rep.Already) > 0 {
			fmt.Fprintf(m.Stdout, "すでに届いていたバッチ: %d 件（二重には登録していません）\n", len(rep.Already))
		}
		for k, e := range rep.Failed {
			fmt.Fprintf(m.Stderr, "送れないバッチ %s: %v\n", k, e)
		}
		if err != nil {
			return exitFor(err), fmt.Errorf("送信待ち %d 件: %w", rep.Waiting, err)
		}
		fmt.Fprintf(m.Stdout, "送信待ち: %d 件\n", rep.Waiting)
		if rep.Waiting > 0 {
			return ExitFindings, nil
		}
		return ExitOK, nil
	},
}
