// Command kenshinctl is the headless tool: check OCR CSV files, generate
// dummy data and evaluate detection.
package main

import (
	"context"
	"os"
	"os/signal"

	"kenshin/internal/cli"
	"kenshin/internal/settings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m := &cli.Main{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
	// the machine's settings decide the second-person check; a settings
	// file that cannot be read is reported by the command that opens the store
	sf, _ := settings.Load()
	m.DoubleCheckOff = !sf.DoubleCheckRequired()
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
