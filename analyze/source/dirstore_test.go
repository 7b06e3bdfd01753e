package source

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDirStore: an OCI layout directory hands out regular files only,
// reached without symbolic links, and refuses oversized reads before
// reading.
func TestDirStore(t *testing.T) {
	dir := t.TempDir()
	elsewhere := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.json", "{}")
	write("blobs/sha256/ok", "hello")
	write("blobs/sha256/big", "")
	os.Truncate(filepath.Join(dir, "blobs/sha256/big"), 1<<40) // sparse: costs no disk
	os.WriteFile(filepath.Join(elsewhere, "secret"), []byte("secret"), 0o644)
	os.Symlink(filepath.Join(elsewhere, "secret"), filepath.Join(dir, "blobs/sha256/link"))
	os.Symlink("/dev/zero", filepath.Join(dir, "blobs/sha256/zero"))
	syscall.Mkfifo(filepath.Join(dir, "blobs/sha256/fifo"), 0o644)
	os.Mkdir(filepath.Join(dir, "blobs/sha256/dir"), 0o755)
	os.Symlink(filepath.Join(dir, "blobs"), filepath.Join(dir, "alias"))

	s := dirStore{dir: dir}
	tests := []struct {
		name string
		want string // "" for success, else a substring of the error
	}{
		{"blobs/sha256/ok", ""},
		{"./blobs/../blobs/sha256/ok", ""},
		{"../" + filepath.Base(elsewhere) + "/secret", "finding"}, // .. cannot leave the layout
		{"blobs/sha256/big", "limit"},
		{"blobs/sha256/link", "symbolic link"},
		{"blobs/sha256/zero", "symbolic link"},
		{"blobs/sha256/fifo", "not a regular file"},
		{"blobs/sha256/dir", "not a regular file"},
		{"alias/sha256/ok", "symbolic link"},
		{"blobs/sha256/ok/x", "not a directory"},
		{"blobs/sha256/missing", "finding"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, "/", "_"), func(t *testing.T) {
			b, err := s.readAll(tt.name, 1<<20)
			if tt.want == "" {
				if err != nil || string(b) != "hello" || !s.has(tt.name) {
					t.Fatalf("readAll = %q, %v", b, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("readAll(%q) = %q, %v; want an error saying %q", tt.name, b, err, tt.want)
			}
			if s.has(tt.name) && tt.want != "limit" {
				t.Errorf("has(%q) is true", tt.name)
			}
			if tt.want != "finding" && !errors.Is(err, ErrNotImage) {
				t.Errorf("error %v is not ErrNotImage", err)
			}
		})
	}
	// open streams a large file without reading it into memory.
	rc, size, err := s.open("blobs/sha256/big")
	if err != nil || size != 1<<40 {
		t.Fatalf("open = %d, %v", size, err)
	}
	n, _ := io.CopyN(io.Discard, rc, 1<<20)
	rc.Close()
	if n != 1<<20 {
		t.Errorf("read %d bytes of the sparse file", n)
	}
}
