package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// env is the process environment a command runs in, injected so tests can
// run the whole CLI in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *env {
	return &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
}

// isTTY reports whether w is an interactive terminal.
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// color decides once whether output to w may use colour: only on a
// terminal, never with NO_COLOR set or --no-color.
func (e *env) color(w io.Writer, noColor bool) bool {
	return !noColor && e.getenv("NO_COLOR") == "" && isTTY(w)
}

// width returns the terminal width of w, or 100.
func width(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 0 {
			return c
		}
	}
	return 100
}
