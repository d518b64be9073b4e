package cli

import (
	"context"
	"flag"
	"fmt"

	"kenshin/internal/safefile"
	"kenshin/internal/synth"
)

func (m *Main) gen(_ context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	formID := fs.String("form", "", "帳票 ID")
	rows := fs.Int("rows", 100, "行数")
	seed := fs.Uint64("seed", 1, "乱数の種（同じ種なら同じバイト列）")
	rate := fs.Float64("error-rate", 0.03, "誤りを入れるセルの割合 (0〜1)")
	enc := fs.String("encoding", "utf8", "utf8 または cp932")
	bom := fs.Bool("bom", false, "UTF-8 に BOM を付ける")
	noConf := fs.Bool("no-confidence", false, "確信度の列を出さない")
	fraction := fs.Bool("fraction", false, "確信度を 0〜1 で出す")
	images := fs.Bool("images", false, "画像パスの列を出す")
	mix := fs.String("mix", "", "誤りの配合: 既定 または digits（数字の取り違え・脱落が 3 倍）")
	out := fs.String("out", "", "出力する CSV のパス")
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(rest) > 0 {
		return ExitUsage, usagef("余分な引数があります: %v", rest)
	}
	f := m.Forms.Form(*formID)
	if f == nil {
		return ExitUsage, usagef("--form に帳票 ID を指定してください（%v）", m.Forms.IDs())
	}
	if *out == "" {
		return ExitUsage, usagef("--out に出力する CSV のパスを指定してください")
	}
	if *enc != "utf8" && *enc != "cp932" {
		return ExitUsage, usagef("--encoding は utf8 か cp932 です")
	}
	if *rate < 0 || *rate > 1 || *rows < 0 {
		return ExitUsage, usagef("--rows は 0 以上、--error-rate は 0〜1 です")
	}
	data, truth, err := synth.Generate(synth.Options{
		Form: f, Growth: m.Forms.Growth, Rows: *rows, Seed: *seed, ErrorRate: *rate,
		Encoding: *enc, BOM: *bom, Confidence: !*noConf, Fraction: *fraction, Images: *images, Mix: *mix,
	})
	if err != nil {
		return ExitUsage, err
	}
	tj, err := synth.MarshalTruth(truth)
	if err != nil {
		return ExitUsage, err
	}
	truthPath := trimCSV(*out) + ".truth.json"
	if err := writeFileAtomic(*out, data); err != nil {
		return ExitUsage, err
	}
	if err := writeFileAtomic(truthPath, tj); err != nil {
		return ExitUsage, err
	}
	fmt.Fprintf(m.Stderr, "%s: %s %d 行、誤り %d 件（正解: %s）\n", *out, f.ID, *rows, len(truth), truthPath)
	return ExitOK, nil
}

// writeFileAtomic writes through a temporary file and a rename, so a crash
// never leaves half a file under the real name.
func writeFileAtomic(path string, data []byte) error {
	if err := safefile.WriteFile(path, data); err != nil {
		return err
	}
	return nil
}
