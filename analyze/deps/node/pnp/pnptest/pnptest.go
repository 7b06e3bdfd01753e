// Package pnptest loads the real Yarn Plug'n'Play installs recorded in
// ../testdata (see its README.md) for tests: the text files Yarn and the
// project wrote, by image path, and the binary files (zips, unplugged
// packages, caches) by path and size, from which tests build images with
// zero-filled contents at the mapped paths.
package pnptest

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/internal/imagetest"
)

// AppDir is where every recorded project lives, in testdata and in images.
const AppDir = "/usr/src/app"

// Variants returns the recorded installs, by testdata directory name.
func Variants() []string {
	return []string{"yarn4-global", "yarn4-local", "yarn4-split", "yarn3-local", "yarn2-local"}
}

// Blob is a file of the install kept by size only.
type Blob struct {
	Path string // absolute image path
	Size int64
}

// Fixture is one recorded install.
type Fixture struct {
	Name  string
	Files map[string][]byte // text files by absolute image path
	Blobs []Blob            // every other file Yarn wrote, sorted by path
}

// dir returns the testdata directory, found from this file's location so
// that any package's tests can load it.
func dir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("locating pnptest's source")
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Load reads the install recorded in testdata/<name>.
func Load(tb testing.TB, name string) Fixture {
	tb.Helper()
	root := filepath.Join(dir(tb), name)
	f := Fixture{Name: name, Files: map[string][]byte{}}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "files.txt" {
			f.Blobs, err = parseList(b)
			return err
		}
		f.Files["/"+filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		tb.Fatalf("loading %s: %v", name, err)
	}
	if len(f.Blobs) == 0 || len(f.Files) == 0 {
		tb.Fatalf("loading %s: %d files, %d blobs", name, len(f.Files), len(f.Blobs))
	}
	return f
}

// parseList reads files.txt: "<size> <path relative to />" per line.
func parseList(b []byte) ([]Blob, error) {
	var out []Blob
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		size, p, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, Blob{Path: "/" + p, Size: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, sc.Err()
}

// Entries returns the install as tar entries: the text files with their
// contents, the blobs zero-filled, with paths relative to the image root.
func (f Fixture) Entries() []imagetest.Entry {
	var out []imagetest.Entry
	paths := make([]string, 0, len(f.Files))
	for p := range f.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		out = append(out, imagetest.Entry{Path: strings.TrimPrefix(p, "/"), Content: f.Files[p]})
	}
	for _, b := range f.Blobs {
		out = append(out, imagetest.File(strings.TrimPrefix(b.Path, "/"), b.Size))
	}
	return out
}

// BlobsUnder returns the blob paths below dir, sorted.
func (f Fixture) BlobsUnder(dir string) []string {
	var out []string
	for _, b := range f.Blobs {
		if strings.HasPrefix(b.Path, strings.TrimSuffix(dir, "/")+"/") {
			out = append(out, b.Path)
		}
	}
	return out
}
