package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/report"
	"kenshin/internal/store"
	"kenshin/internal/submission"
	"kenshin/internal/workspace"
)

func (m *Main) report(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "", "出力する .xlsx のパス")
	storePath := storeFlag(fs)
	as := fs.String("as", "", "出力する利用者（パスワードは標準入力の 1 行目）")
	batchID := fs.Int64("batch", 0, "送信済みバッチの番号")
	password := fs.Bool("password", false, "パスワードを標準入力から読み、ファイルを暗号化する")
	wsDefault, _ := workspace.DefaultPath()
	wsPath := fs.String("workspace", wsDefault, "端末の作業データのパス")
	files, err := parse(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if *out == "" {
		return ExitUsage, usagef("--out に出力する .xlsx のパスを指定してください")
	}
	st, by, code, err := m.storeAs(ctx, *storePath, *as, auth.ExportReport)
	if err != nil {
		return code, err
	}
	defer st.Close()
	pw := ""
	if *password {
		if pw, err = m.readLine("ファイルのパスワード"); err != nil {
			return ExitUsage, err
		}
		if len(pw) < 8 {
			return ExitUsage, usagef("パスワードは 8 文字以上にしてください")
		}
	}
	var b *submission.Batch
	switch {
	case *batchID != 0:
		if len(files) > 0 {
			return ExitUsage, usagef("送信済みバッチは --batch で指定し、CSV は指定しません")
		}
		b, err = st.LoadBatch(ctx, *batchID)
		if errors.Is(err, store.ErrNoBatch) {
			return ExitUsage, fmt.Errorf("バッチ %d は中央データにありません", *batchID)
		} else if err != nil {
			return exitFor(err), err
		}
	case len(files) == 1:
		s, ws, err := m.openReview(ctx, files[0], "", *wsPath, by.User.Name)
		if err != nil {
			return ExitUsage, err
		}
		defer ws.Close()
		b = submission.Describe(s, submission.MajorityVenue(s), m.Now())
	default:
		return ExitUsage, usagef("CSV ファイル 1 つ、または --store と --batch を指定してください")
	}
	f := m.Forms.Form(b.Form)
	if f == nil {
		return ExitUsage, fmt.Errorf("帳票「%s」の定義がありません", b.Form)
	}
	if err := report.Write(*out, b, f, report.Options{Password: pw, Now: m.Now()}); err != nil {
		return ExitUsage, err
	}
	st.Record(ctx, by, audit.ReportWritten, fmt.Sprintf("batch %d file %s", b.ID, b.FileHash[:min(12, len(b.FileHash))]), fmt.Sprintf("password=%v", pw != ""))
	fmt.Fprintf(m.Stdout, "%s: 修正レポートを書き出しました（%d 行、修正履歴 %d セル）\n", *out, len(b.Records), len(b.Trail))
	return ExitOK, nil
}
