package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"path/filepath"

	"golang.org/x/text/encoding/japanese"

	"kenshin/internal/cropimg"
	"kenshin/internal/form"
	"kenshin/internal/ocrcsv"
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
	images := fs.Bool("images", false, "画像の列を出し、手書き風の PNG（欄ごとの切り出しと帳票全体）を CSV と同じフォルダの images/ に書く")
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
	if *images {
		if data, err = writeImages(*out, data, f, truth, *enc, *seed); err != nil {
			return ExitUsage, err
		}
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return ExitUsage, err
	}
	if err := writeFileAtomic(truthPath, tj); err != nil {
		return ExitUsage, err
	}
	fmt.Fprintf(m.Stderr, "%s: %s %d 行、誤り %d 件（正解: %s）\n", *out, f.ID, *rows, len(truth), truthPath)
	return ExitOK, nil
}

// writeImages renders what the paper holds for each generated row: a crop
// per <列>_画像 cell (the true value where the OCR misread, as on paper)
// and the whole sheet, whose path goes into a 帳票画像 column added to the
// CSV. Image paths are relative to the CSV's folder, as an OCR service
// writes them.
func writeImages(csvPath string, data []byte, f *form.Form, truth []synth.Truth, enc string, seed uint64) ([]byte, error) {
	text := data
	if enc == "cp932" {
		var err error
		if text, err = japanese.ShiftJIS.NewDecoder().Bytes(data); err != nil {
			return nil, err
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(text, []byte{0xEF, 0xBB, 0xBF}))).ReadAll()
	if err != nil {
		return nil, err
	}
	onPaper := map[string]string{}
	for _, t := range truth {
		onPaper[fmt.Sprint(t.Row, "\x00", t.Column)] = t.True
	}
	head := recs[0]
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	dir := filepath.Dir(csvPath)
	var buf bytes.Buffer
	ocrcsv.AppendRecord(&buf, append(head, "帳票画像"))
	for r := 1; r < len(recs); r++ {
		rec := recs[r]
		labels := make([]string, 0, len(f.Fields))
		values := make([]string, 0, len(f.Fields))
		for fi, fd := range f.Fields {
			v := rec[col[fd.Header]]
			if tv, ok := onPaper[fmt.Sprint(r, "\x00", fd.Header)]; ok {
				v = tv
			}
			labels, values = append(labels, fd.Label), append(values, v)
			rel := rec[col[fd.Header+form.SuffixImage]]
			// #nosec G115 -- seeds only vary the handwriting
			if err := cropimg.WriteCrop(filepath.Join(dir, filepath.FromSlash(rel)), v, int64(seed)*1_000_003+int64(r*1000+fi)); err != nil {
				return nil, err
			}
		}
		sheet := fmt.Sprintf("images/%05d_sheet.png", r)
		// #nosec G115 -- seeds only vary the handwriting
		if err := cropimg.WriteSheet(filepath.Join(dir, filepath.FromSlash(sheet)), f.Title, labels, values, int64(seed)*1_000_003+int64(r)); err != nil {
			return nil, err
		}
		ocrcsv.AppendRecord(&buf, append(rec, sheet))
	}
	out := buf.Bytes()
	if enc == "cp932" {
		return japanese.ShiftJIS.NewEncoder().Bytes(out)
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		out = append([]byte{0xEF, 0xBB, 0xBF}, out...)
	}
	return out, nil
}

// writeFileAtomic writes through a temporary file and a rename, so a crash
// never leaves half a file under the real name.
func writeFileAtomic(path string, data []byte) error {
	if err := safefile.WriteFile(path, data); err != nil {
		return err
	}
	return nil
}
