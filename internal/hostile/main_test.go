package hostile

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// slimcheckBin is the slimcheck binary built once for the suite. The CLI's
// run() lives in package main and cannot be imported, so the suite drives
// the built binary instead: that is the real program, signal handling and
// exit codes included, and its peak RSS can be read from the process.
var slimcheckBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "slimcheck-hostile-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating the binary directory:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	slimcheckBin = filepath.Join(dir, "slimcheck")
	// go test puts GOROOT/bin first on PATH, so this is the toolchain running the tests.
	cmd := exec.Command("go", "build", "-o", slimcheckBin, "github.com/slimcheck/slimcheck/cmd/slimcheck")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building slimcheck:", err)
		return 2
	}
	return m.Run()
}
