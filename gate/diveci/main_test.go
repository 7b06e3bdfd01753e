package diveci

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// diveBin is dive v0.13.1's CLI, built once by TestMain.
var diveBin string

// TestMain builds dive v0.13.1's own binary from the module cache (it is a
// tool of this module: go.mod pins it), so that the oracle is dive's CLI
// itself: its flag defaults, viper config loading and CI rules.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "diveci-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	diveBin = filepath.Join(dir, "dive")
	build := exec.Command("go", "build", "-o", diveBin, "github.com/wagoodman/dive")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building dive v0.13.1: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
