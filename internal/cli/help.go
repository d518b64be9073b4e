package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
)

// command is one kenshinctl command whose flags are declared once, in
// flags: the same declaration parses the command line and writes the help.
type command struct {
	name    string
	args    string // positional arguments, for the help
	summary string
	flags   func(fs *flag.FlagSet) any // declares the flags, returns their values
	exec    func(m *Main, ctx context.Context, opts any, pos []string) (int, error)
}

func (c *command) flagSet() (*flag.FlagSet, any) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	return fs, c.flags(fs)
}

func (c *command) run(m *Main, ctx context.Context, args []string) (int, error) {
	fs, opts := c.flagSet()
	pos, err := parse(fs, args)
	if err != nil {
		return ExitUsage, err
	}
	return c.exec(m, ctx, opts, pos)
}

// help is the command's usage, generated from its flag definitions.
func (c *command) help() string {
	fs, _ := c.flagSet()
	var b strings.Builder
	fmt.Fprintf(&b, "  kenshinctl %s", c.name)
	var lines []string
	fs.VisitAll(func(f *flag.Flag) {
		arg := " " + flagArg(f)
		if isBool(f) {
			arg = ""
		}
		fmt.Fprintf(&b, " [--%s%s]", f.Name, arg)
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = "（既定: " + f.DefValue + "）"
		}
		lines = append(lines, fmt.Sprintf("        --%s%s\t%s%s", f.Name, arg, f.Usage, def))
	})
	if c.args != "" {
		b.WriteString(" " + c.args)
	}
	fmt.Fprintf(&b, "\n      %s\n%s\n", c.summary, strings.Join(lines, "\n"))
	return b.String()
}

func isBool(f *flag.Flag) bool {
	bf, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && bf.IsBoolFlag()
}

// argNames name a flag's value in the help.
var argNames = map[string]string{
	"store": "ADDR", "owner-dsn": "postgres://…", "app-role": "ロール", "workspace": "PATH", "as": "利用者", "out": "FILE", "form": "ID", "from": "日付", "to": "日付",
	"centre": "番号", "batch": "番号", "format": "形式", "encoding": "cp932|utf8", "role": "clerk|supervisor|admin",
	"override": "理由", "replace-conflicts": "理由", "partner": "FILE.csv", "event": "種類", "user": "利用者", "expect": "件数:ハッシュ",
}

func flagArg(f *flag.Flag) string {
	if n, ok := argNames[f.Name]; ok {
		return n
	}
	return "VALUE"
}

func wantsHelp(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "--help" || a == "-help" }) || len(args) > 0 && args[0] == "help"
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func usage() string {
	var b strings.Builder
	b.WriteString("kenshinctl — 乳幼児健診 OCR 結果の確認ツール\n\n使い方:\n")
	b.WriteString(staticUsage)
	for _, c := range commands() {
		b.WriteString(c.help())
	}
	b.WriteString(`  中央データを使うコマンドは、--as 利用者 を指定してパスワードを標準入力の 1 行目から渡します。
  中央データは kenshinctl init --store PATH でだけ作られます。ほかのコマンドは、ない・空・別の形式・壊れたファイルを使いません。
`)
	return b.String()
}
