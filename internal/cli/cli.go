// Package cli is kenshinctl, the headless tool: generate dummy data, check
// OCR CSV files, evaluate detection, and the store commands (init, submit,
// export, report, users, audit), which only translate flags into calls of
// internal/app and its results into Japanese. It is pure Go (no cgo).
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"kenshin/internal/form"
	"kenshin/internal/jpdate"
)

// Exit codes.
const (
	ExitOK       = 0 // done, no errors left
	ExitFindings = 1 // done, errors remain (or the action was refused)
	ExitUsage    = 2 // unusable input or arguments
)

// Main runs kenshinctl with injected streams and clock.
type Main struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Now            func() time.Time
	Forms          *form.Set // nil: the embedded definitions
	// DoubleCheckOff lifts the second-person check before submit (the
	// deployment setting app.App.DoubleCheckOff; tests of other commands).
	DoubleCheckOff bool

	in *bufio.Reader // standard input, read line by line (passwords)
}

// usageError is a bad command line; its text goes to stderr with exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// staticUsage lists the commands whose flags are parsed in their own files
// (check, eval); the store commands' lines are generated from their flag
// definitions (help.go), so the help cannot name a flag that does not exist.
const staticUsage = `  kenshinctl check [--form ID] [--format text|json] [--encoding utf8|cp932] FILE.csv...
      OCR の CSV を検査し、疑わしいセルを一覧します（終了コード 0: エラーなし / 1: エラーあり / 2: 読めない入力）
  kenshinctl gen --form ID --rows N --seed S --error-rate P [--encoding cp932|utf8] [--bom] [--no-confidence] [--fraction] [--images] --out FILE.csv
      ダミー（架空）データの CSV と、注入した誤りの一覧 FILE.truth.json を作ります
  kenshinctl eval [--format text|json] FILE.csv FILE.truth.json [FILE2.csv FILE2.truth.json ...]
      注入した誤りの検出率と、正しいセルへの誤警告率を帳票別・誤りの種類別に報告します
  kenshinctl forms
      帳票定義の一覧
`

// Run executes one command and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Now == nil {
		m.Now = time.Now
	}
	if m.Forms == nil {
		set, err := form.Default()
		if err != nil {
			fmt.Fprintln(m.Stderr, "帳票定義を読み込めません:", err)
			return ExitUsage
		}
		m.Forms = set
	}
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage())
		return ExitUsage
	}
	var code int
	var err error
	if c := findCommand(args[0]); c != nil {
		if wantsHelp(args[1:]) { // never opens a store
			fmt.Fprint(m.Stdout, c.help())
			return ExitOK
		}
		code, err = c.run(m, ctx, args[1:])
	} else {
		switch args[0] {
		case "check":
			code, err = m.check(ctx, args[1:])
		case "eval":
			code, err = m.eval(ctx, args[1:])
		case "gen":
			code, err = m.gen(ctx, args[1:])
		case "forms":
			code, err = m.forms()
		case "help", "-h", "--help":
			fmt.Fprint(m.Stdout, usage())
			return ExitOK
		default:
			err = usagef("不明なコマンド「%s」です", args[0])
		}
	}
	if err != nil {
		fmt.Fprintln(m.Stderr, "エラー:", err)
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprint(m.Stderr, "\n"+usage())
		}
		if code == 0 {
			code = ExitUsage
		}
	}
	return code
}

func (m *Main) today() jpdate.Date { return jpdate.Of(m.Now()) }

// parse parses flags that may stand before or after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (m *Main) forms() (int, error) {
	for _, f := range m.Forms.Forms {
		fmt.Fprintf(m.Stdout, "%-18s %s（%d 項目, 対象 %d〜%d か月未満）\n", f.ID, f.Title, len(f.Fields), f.AgeMonths[0], f.AgeMonths[1])
	}
	return ExitOK, nil
}

func trimCSV(path string) string { return strings.TrimSuffix(strings.TrimSuffix(path, ".csv"), ".CSV") }
