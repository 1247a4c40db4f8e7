// Command mallihaku crawls, indexes and serves search over Finnish social and health practice
// models. Run `mallihaku demo` for a first look; `mallihaku help` lists the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "mallihaku: %s\n", terminalText(err.Error()))
		os.Exit(exitCode(err))
	}
}
