package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/slimcheck/slimcheck/analyze/source"
	"github.com/slimcheck/slimcheck/report"
)

// Exit codes.
const (
	exitOK          = 0   // success, or every CI rule passed
	exitFailed      = 1   // a CI rule failed (or a check found a problem)
	exitError       = 2   // the command could not do its job
	exitInterrupted = 130 // interrupted (Ctrl-C / SIGTERM)
)

// failedError marks an outcome that is a verdict, not a malfunction: the
// command ran and found what it was asked to look for (exit 1).
type failedError struct{ msg string }

func (e *failedError) Error() string { return e.msg }

// run executes the CLI and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	env := newEnv(stdin, stdout, stderr, getenv)
	root := newRootCmd(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var failed *failedError
	switch {
	case errors.As(err, &failed):
		if failed.msg != "" {
			fmt.Fprintln(stderr, report.Printable(failed.msg))
		}
		return exitFailed
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "slimcheck: interrupted")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "slimcheck: %s\n", oneLine(err.Error()))
	if hint := source.Hint(err); hint != "" {
		fmt.Fprintf(stderr, "hint: %s\n", report.Printable(hint))
	}
	return exitError
}

// oneLine keeps an error message on one line, with control characters from
// the image (tar names, labels) escaped so they cannot reach the terminal.
func oneLine(s string) string {
	s = strings.TrimRight(s, "\n")
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
	return report.Printable(s)
}
