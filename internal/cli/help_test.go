package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every flag the help names is accepted by its command (issue 16: the help
// listed --user and --role for submit, which did not exist).
func TestHelpNamesOnlyRealFlags(t *testing.T) {
	flagRE := regexp.MustCompile(`--([a-z][a-z-]*)`)
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			names := flagRE.FindAllStringSubmatch(c.help(), -1)
			if len(names) == 0 {
				t.Fatal("no flags in the help")
			}
			for _, n := range names {
				fs, _ := c.flagSet()
				f := fs.Lookup(n[1])
				if f == nil {
					t.Fatalf("help names --%s, which %s does not define", n[1], c.name)
				}
				args := []string{"--" + n[1]}
				if !isBool(f) {
					args = append(args, f.DefValue+"1")
				}
				if _, err := parse(fs, args); err != nil && !strings.Contains(err.Error(), "invalid value") {
					t.Fatalf("--%s: %v", n[1], err)
				}
			}
		})
	}
	h := findCommand("submit").help()
	if strings.Contains(h, "--user") || strings.Contains(h, "--role") || !strings.Contains(h, "--as") {
		t.Fatalf("submit help:\n%s", h)
	}
}

// -h and help print and open nothing: no store is created anywhere.
func TestHelpOpensNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "cfg", "central.db")
	t.Setenv("KENSHIN_STORE", missing)
	for _, args := range [][]string{{"help"}, {"-h"}, {"audit", "-h"}, {"submit", "--help"}, {"user", "help"}, {"batches", "-h"}, {"init", "-h"}} {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Now: fixedNow}
		if code := m.Run(context.Background(), args); code != ExitOK || !strings.Contains(out.String(), "kenshinctl") {
			t.Errorf("%v: exit %d, %q %q", args, code, out.String(), errb.String())
		}
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Fatalf("help created %s", filepath.Dir(missing))
	}
}

// Every help text ends with a newline (the shell prompt must not follow
// the last line).
func TestHelpEndsWithNewline(t *testing.T) {
	cases := [][]string{{"help"}, {"-h"}, {"--help"}, {}}
	for _, c := range commands() {
		cases = append(cases, []string{c.name, "-h"})
	}
	for _, args := range cases {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Now: fixedNow}
		m.Run(context.Background(), args)
		text := out.String() + errb.String()
		if !strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\n\n\n") {
			t.Errorf("%v: help ends %q", args, text[max(0, len(text)-40):])
		}
	}
}
