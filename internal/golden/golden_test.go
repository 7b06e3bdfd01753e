package golden

import (
	"os"
	"testing"
)

// TestUpdateFlagOff guards against committing with -update left on in CI.
func TestUpdateFlagOff(t *testing.T) {
	if Updating() && os.Getenv("CI") != "" {
		t.Fatal("-update must not be used in CI")
	}
}

func TestDiff(t *testing.T) {
	got := diff("a\nb\nc", "a\nB\nc")
	want := "line 2:\n  - b\n  + B\n"
	if got != want {
		t.Fatalf("diff = %q, want %q", got, want)
	}
}
