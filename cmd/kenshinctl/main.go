// Command kenshinctl is the headless tool: check OCR CSV files, generate
// dummy data and evaluate detection.
package main

import (
	"context"
	"os"
	"os/signal"

	"kenshin/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m := &cli.Main{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
