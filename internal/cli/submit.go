package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"text/tabwriter"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/jpdate"
	"kenshin/internal/ocrcsv"
	"kenshin/internal/review"
	"kenshin/internal/sqlitedb"
	"kenshin/internal/store"
	"kenshin/internal/submission"
	"kenshin/internal/workspace"
)

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

func storeFlag(fs *flag.FlagSet) *string {
	def, _ := store.DefaultPath()
	return fs.String("store", def, "中央データ（SQLite）のパス")
}

// openStore maps store problems to exit 2 (unusable) with the Japanese message.
func (m *Main) openStore(ctx context.Context, path string, readOnly bool) (*store.Store, error) {
	if path == "" {
		return nil, usagef("--store に中央データのパスを指定してください")
	}
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("中央データ「%s」がありません", path)
		}
	}
	return store.Open(ctx, path, store.Options{Now: m.Now, ReadOnly: readOnly})
}

func (m *Main) submit(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	storePath := storeFlag(fs)
	wsDefault, _ := workspace.DefaultPath()
	wsPath := fs.String("workspace", wsDefault, "端末の作業データのパス")
	centre := fs.Int("centre", 0, "保健センター 1〜4（既定: ファイルの会場）")
	as := fs.String("as", "", "送信する利用者（パスワードは標準入力）")
	override := fs.String("override", "", "エラーが残っていても送信する理由（確認者のみ）")
	skip := fs.Bool("skip-conflicts", false, "登録済みの記録と重なる行をスキップする")
	replace := fs.String("replace-conflicts", "", "登録済みの記録と重なる行を置き換える（理由）")
	formID := fs.String("form", "", "帳票 ID")
	files, err := parse(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(files) != 1 {
		return ExitUsage, usagef("送信する CSV ファイルを 1 つ指定してください")
	}
	if *skip && *replace != "" {
		return ExitUsage, usagef("--skip-conflicts と --replace-conflicts は同時に指定できません")
	}
	action := auth.Submit
	if *override != "" {
		action = auth.Override
	}
	st, by, code, err := m.storeAs(ctx, *storePath, *as, action)
	if err != nil {
		return code, err
	}
	defer st.Close()
	userName := &by.User.Name
	role := submission.RoleClerk
	if by.User.Can(auth.Override) {
		role = submission.RoleSupervisor
	}
	s, ws, err := m.openReview(ctx, files[0], *formID, *wsPath, *userName)
	if err != nil {
		return ExitUsage, err
	}
	defer ws.Close()
	b := s.Batch
	if *centre == 0 {
		*centre = submission.MajorityVenue(s)
	}
	if *centre < 1 || *centre > 4 {
		return ExitUsage, usagef("--centre に保健センター（1 牛込・2 四谷・3 東新宿・4 落合）を指定してください")
	}
	opt := submission.Options{Centre: *centre, Submitter: *userName, Role: role, Now: m.Now()}
	if *override != "" {
		opt.Override = &submission.Override{User: *userName, Role: role, Reason: *override}
	}
	bt, err := submission.Build(s, opt)
	switch {
	case errors.Is(err, submission.ErrErrorsRemain):
		return ExitFindings, fmt.Errorf("エラーが %d 件残っているため送信しません。修正するか確認済みにしてください（確認者は --override 理由 で送信できます）", s.Stats().Errors)
	case errors.Is(err, submission.ErrNotAllowed):
		return ExitFindings, fmt.Errorf("エラーが残ったままの送信は、確認者（supervisor）が理由を付けた場合だけできます")
	case err != nil:
		return ExitUsage, err
	}
	conflicts, err := st.Conflicts(ctx, bt)
	if err != nil {
		return exitFor(err), err
	}
	decisions := map[int]submission.Decision{}
	for _, c := range conflicts {
		switch {
		case *skip:
			decisions[c.Row] = submission.Decision{Reason: "--skip-conflicts"}
		case *replace != "":
			decisions[c.Row] = submission.Decision{Replace: true, Reason: *replace}
		}
	}
	res, err := st.Submit(ctx, bt, decisions)
	var ue *store.UnresolvedError
	switch {
	case errors.As(err, &ue):
		for _, c := range ue.Conflicts {
			fmt.Fprintf(m.Stdout, "  %d 件目 宛名番号 %s 受診日 %s: バッチ %d（%s、%s 送信）に登録済み\n", c.Row, c.Atena, c.ExamDate, c.BatchID, c.File, c.SubmittedAt.Local().Format("2006/01/02 15:04"))
		}
		return ExitFindings, fmt.Errorf("%v。--skip-conflicts か --replace-conflicts 理由 を指定してください", ue)
	case errors.Is(err, submission.ErrDuplicate):
		return ExitFindings, fmt.Errorf("このバッチは同じ内容ですでに送信されています（%v）。二重に登録はしません", err)
	case err != nil:
		return exitFor(err), err
	}
	st.Record(ctx, by, audit.Submitted, fmt.Sprintf("batch %d file %s", res.BatchID, b.Hash[:12]),
		fmt.Sprintf("form=%s rows=%d stored=%d skipped=%d replaced=%d override=%q", b.Form.ID, len(b.Rows), res.Stored, res.Skipped, res.Replaced, *override))
	if err := ws.Forget(ctx, b.Hash); err != nil {
		fmt.Fprintf(m.Stderr, "注意: 送信は完了しましたが、端末内の作業データを削除できませんでした: %v\n", err)
	}
	fmt.Fprintf(m.Stdout, "送信しました（バッチ番号 %d: 登録 %d 件、スキップ %d 件、置き換え %d 件）。端末内の作業データを削除しました\n", res.BatchID, res.Stored, res.Skipped, res.Replaced)
	return ExitOK, nil
}

// openReview reads a CSV and opens its review with the changes saved for it
// in the terminal's workspace (none: the file as read). The caller closes
// the workspace.
func (m *Main) openReview(ctx context.Context, path, formID, wsPath, user string) (*review.Session, *workspace.Store, error) {
	b, err := ocrcsv.ReadFile(path, m.Forms, ocrcsv.Options{FormID: formID})
	if err != nil {
		return nil, nil, err
	}
	ws, err := workspace.Open(ctx, wsPath, m.Now)
	if err != nil {
		return nil, nil, err
	}
	_, saved, err := ws.Resume(ctx, workspace.File{Hash: b.Hash, Path: path, Form: b.Form.ID, Rows: len(b.Rows)}, user)
	if err == nil {
		var s *review.Session
		if s, err = review.Open(b, review.Options{User: reviewer(saved, user), Growth: m.Forms.Growth, Now: m.Now}, saved); err == nil {
			return s, ws, nil
		}
	}
	ws.Close()
	return nil, nil, err
}

// reviewer is whoever made the saved changes (the last one), or the submitter.
func reviewer(saved []review.Change, fallback string) string {
	if n := len(saved); n > 0 {
		return saved[n-1].User
	}
	return fallback
}

// exitFor: a busy store is a refusal to retry (1); anything else unusable (2).
func exitFor(err error) int {
	var se *sqlitedb.Error
	if errors.As(err, &se) && se.Retryable() {
		return ExitFindings
	}
	return ExitUsage
}

func (m *Main) batches(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("batches", flag.ContinueOnError)
	storePath := storeFlag(fs)
	format := fs.String("format", "text", "text または json")
	as := fs.String("as", "", "利用者（パスワードは標準入力）")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage, err
	}
	if _, err := os.Stat(*storePath); err != nil {
		return ExitUsage, fmt.Errorf("中央データ「%s」がありません", *storePath)
	}
	st, _, code, err := m.storeAs(ctx, *storePath, *as, "")
	if err != nil {
		return code, err
	}
	defer st.Close()
	list, err := st.Batches(ctx)
	if err != nil {
		return exitFor(err), err
	}
	if *format == "json" {
		if list == nil {
			list = []store.BatchInfo{}
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return ExitOK, enc.Encode(list)
	}
	tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "番号\t帳票\tファイル\tセンター\t確認者\t送信者\t送信日時\t登録\tスキップ\t置換\t修正\t確認\t上書き理由\t出力")
	for _, b := range list {
		exported := "未"
		if b.ExportedAt != "" {
			exported = "済（" + b.ExportedBy + "）"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", b.ID, b.Form, b.File, b.Centre, b.Reviewer, b.Submitter,
			b.SubmittedAt.Local().Format("2006/01/02 15:04"), b.Stored, b.Skipped, b.Replaced, b.Corrected, b.Confirmed, b.OverrideReason, exported)
	}
	return ExitOK, tw.Flush()
}

func (m *Main) export(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	storePath := storeFlag(fs)
	formID := fs.String("form", "", "帳票 ID")
	from := fs.String("from", "", "受診日の開始（例 2025-04-01、R7.4.1）")
	to := fs.String("to", "", "受診日の終了")
	centre := fs.Int("centre", 0, "保健センター 1〜4")
	batchID := fs.Int64("batch", 0, "バッチ番号")
	enc := fs.String("encoding", "cp932", "cp932 または utf8")
	out := fs.String("out", "", "出力する CSV のパス")
	as := fs.String("as", "", "出力する利用者（パスワードは標準入力）")
	if rest, err := parse(fs, args); err != nil || len(rest) > 0 {
		return ExitUsage, usagef("export の引数を確認してください")
	}
	f := m.Forms.Form(*formID)
	if f == nil {
		return ExitUsage, usagef("--form に帳票 ID を指定してください（%v）", m.Forms.IDs())
	}
	if *out == "" {
		return ExitUsage, usagef("--out に出力する CSV のパスを指定してください")
	}
	if *enc != "cp932" && *enc != "utf8" {
		return ExitUsage, usagef("--encoding は cp932 か utf8 です")
	}
	flt := store.Filter{Centre: *centre, BatchID: *batchID}
	for _, d := range []struct {
		in  string
		out *string
	}{{*from, &flt.From}, {*to, &flt.To}} {
		if d.in == "" {
			continue
		}
		p := jpdate.Parse(d.in, jpdate.Reiwa)
		if p.Problem != jpdate.OK {
			return ExitUsage, usagef("日付「%s」を読めません", d.in)
		}
		*d.out = p.Date.String()
	}
	st, by, code, err := m.storeAs(ctx, *storePath, *as, auth.ExportImport)
	if err != nil {
		return code, err
	}
	defer st.Close()
	data, res, err := st.Export(ctx, f, flt, *enc)
	var ue *store.UnencodableError
	switch {
	case errors.As(err, &ue):
		return ExitFindings, err
	case err != nil:
		return exitFor(err), err
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return ExitUsage, err
	}
	st.Record(ctx, by, audit.ImportWritten, f.ID+" "+filepath.Base(*out), fmt.Sprintf("records=%d filter=%s", res.Records, flt))
	if err := st.MarkExported(ctx, f, filepath.Base(*out), by.User.Name, flt, res); err != nil {
		return exitFor(err), fmt.Errorf("ファイルは書き出しましたが、出力の記録に失敗しました: %w", err)
	}
	fmt.Fprintf(m.Stdout, "%s: %s %d 件（バッチ %d 個）を書き出しました\n", *out, f.ID, res.Records, len(res.Batches))
	return ExitOK, nil
}
