package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "sub")
	files := []File{{Name: "Dockerfile", Data: []byte("FROM x\n")}, {Name: "chained-build.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755}}
	got, err := Write(dir, files, false)
	if err != nil || len(got) != 2 {
		t.Fatalf("Write = %v, %v", got, err)
	}
	fi, err := os.Stat(filepath.Join(dir, "chained-build.sh"))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("script mode = %v, %v", fi.Mode(), err)
	}
	// A second write without overwrite fails and changes nothing.
	files[0].Data = []byte("FROM y\n")
	if _, err := Write(dir, files, false); !errors.Is(err, os.ErrExist) {
		t.Fatalf("second write: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); string(b) != "FROM x\n" {
		t.Errorf("the refused write changed the file: %q", b)
	}
	if _, err := Write(dir, files, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); string(b) != "FROM y\n" {
		t.Errorf("the forced write left %q", b)
	}
}

func TestWriteRefuses(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(base, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(real, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		dir, name, want string
		force           bool
	}{
		{filepath.Join(base, "link"), "x", "symbolic link", false},
		{filepath.Join(base, "link", "deeper"), "x", "symbolic link", false},
		{base + "/real/../real", "x", "..", false},
		{real, "Dockerfile", "symbolic link", true},
		{real, "../escape", "plain file name", false},
		{real, "/abs", "plain file name", false},
		{real, "..", "plain file name", false},
		{filepath.Join(base, "file", "sub"), "x", "not a directory", false},
		{"", "x", "empty", false},
	} {
		_, err := Write(tt.dir, []File{{Name: tt.name, Data: []byte("x")}}, tt.force)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Write(%s, %s) = %v, want %q", tt.dir, tt.name, err, tt.want)
		}
	}
	if b, _ := os.ReadFile("/etc/passwd"); len(b) == 0 {
		t.Skip("no /etc/passwd to compare")
	}
	entries, _ := os.ReadDir(real)
	if len(entries) != 1 {
		t.Errorf("refused writes left files: %v", entries)
	}
}
