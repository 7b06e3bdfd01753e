package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	if err := Write(p, []byte("one"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o644, false); !errors.Is(err, os.ErrExist) {
		t.Errorf("second write without overwrite: %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("refused write changed the file: %q", b)
	}
	if err := Write(p, []byte("three"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "three" {
		t.Errorf("overwrite: %q", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	// A symlink at the path is never followed or replaced.
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("x"), 0o644, true); err == nil {
		t.Error("writing through a symlink succeeded")
	}
	if err := Write(link, []byte("x"), 0o644, false); err == nil {
		t.Error("writing over a symlink without overwrite succeeded")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("symlink target changed: %q", b)
	}
	// A directory is refused; a missing parent fails; no temp file is left.
	if err := Write(dir, []byte("x"), 0o644, true); err == nil {
		t.Error("writing over a directory succeeded")
	}
	if err := Write(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644, false); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "report.json" && e.Name() != "elsewhere" && e.Name() != "link.json" {
			t.Errorf("unexpected file left behind: %s", e.Name())
		}
	}
}

// TestWriteFuncFailureLeavesNothing checks that contents streamed by a
// writer that fails part way leave neither the file nor a temporary one,
// and that an old file stays as it was.
func TestWriteFuncFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	fail := func(w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("x"), 200<<10)); err != nil {
			return err
		}
		return errors.New("renderer broke")
	}
	path := filepath.Join(dir, "report.json")
	if err := WriteFunc(path, 0o644, false, fail); err == nil || !strings.Contains(err.Error(), "renderer broke") {
		t.Fatalf("WriteFunc = %v, want the writer's error", err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFunc(path, 0o644, true, fail); err == nil {
		t.Fatal("WriteFunc over an old file succeeded with a failing writer")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("old file now holds %d bytes", len(b))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want the old file alone", len(ents))
	}
	if err := WriteFunc(path, 0o600, true, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file holds %q, want new", b)
	}
}
