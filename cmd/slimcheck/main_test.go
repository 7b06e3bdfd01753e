package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points the user cache directory (where recommend keeps measured
// base image sizes) at a fresh temporary directory, so tests neither read
// figures an earlier run left nor write into the developer's cache.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "slimcheck-cmd-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating a test cache directory:", err)
		os.Exit(2)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
