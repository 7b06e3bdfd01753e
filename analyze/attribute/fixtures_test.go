package attribute

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slimcheck/slimcheck/analyze/pkgdb"
	"github.com/slimcheck/slimcheck/internal/imagetest"
	"github.com/slimcheck/slimcheck/report"
)

// fixtureDir is the shared real-world fixture directory, relative to this
// package (repo/analyze/attribute → shared/ beside the repo).
const fixtureDir = "../../../shared/fixtures"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("reading fixture %s: %v", name, err)
	}
	return b
}

// readTar returns the regular files of a tar as absolute path → contents.
func readTar(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out["/"+strings.TrimPrefix(h.Name, "./")] = data
	}
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// splitSizes spreads total bytes over paths (sorted) deterministically:
// each gets total/n, the first total%n one byte more.
func splitSizes(total int64, paths []string) map[string]int64 {
	out := map[string]int64{}
	if len(paths) == 0 {
		return out
	}
	ps := append([]string(nil), paths...)
	sort.Strings(ps)
	n := int64(len(ps))
	for i, p := range ps {
		out[p] = total / n
		if int64(i) < total%n {
			out[p]++
		}
	}
	return out
}

// layout is a generated filesystem for a package database: each file with
// its size and the package that owns it (the first listing it, in database
// order, as attribution does).
type layout struct {
	dirs  []string
	files map[string]int64
	owner map[string]string
	bytes map[string]int64 // package → expected bytes
}

// layoutPackages lays out every listed path of pkgs: paths that are a
// parent of another listed path or of one of extra (the database files)
// are directories, the rest are files that share their package's installed
// size. (dpkg lists do not say which paths are directories, so a listed
// empty directory becomes a small file.)
func layoutPackages(pkgs []pkgdb.Package, extra ...string) layout {
	l := layout{files: map[string]int64{}, owner: map[string]string{}, bytes: map[string]int64{}}
	isDir := map[string]bool{}
	mark := func(f string) {
		for d := filepath.Dir(f); d != "/" && !isDir[d]; d = filepath.Dir(d) {
			isDir[d] = true
		}
	}
	for _, p := range pkgs {
		for _, f := range p.Files {
			mark(f)
		}
	}
	for _, f := range extra {
		mark(f)
	}
	for d := range isDir {
		l.dirs = append(l.dirs, d)
	}
	sort.Strings(l.dirs)
	for _, p := range pkgs {
		var files []string
		for _, f := range p.Files {
			if !isDir[f] {
				files = append(files, f)
			}
		}
		for f, size := range splitSizes(p.InstalledSize, files) {
			if _, taken := l.owner[f]; taken {
				continue
			}
			l.owner[f], l.files[f] = p.Name, size
			l.bytes[p.Name] += size
		}
	}
	return l
}

// entries renders the files of the layout whose owner passes keep, plus
// the directories they need.
func (l layout) entries(keep func(pkg string) bool) []imagetest.Entry {
	var out []imagetest.Entry
	need := map[string]bool{}
	var files []string
	for f := range l.files {
		if keep(l.owner[f]) {
			files = append(files, f)
			for d := filepath.Dir(f); d != "/"; d = filepath.Dir(d) {
				need[d] = true
			}
		}
	}
	sort.Strings(files)
	for _, d := range l.dirs {
		if need[d] {
			out = append(out, imagetest.Dir(d))
		}
	}
	for _, f := range files {
		out = append(out, imagetest.File(f, l.files[f]))
	}
	return out
}

// dpkgStanzas splits a status file into stanzas keyed by package name.
func dpkgStanzas(status string) (names []string, stanza map[string]string) {
	stanza = map[string]string{}
	for _, s := range strings.Split(status, "\n\n") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		for _, line := range strings.Split(s, "\n") {
			if name, ok := strings.CutPrefix(line, "Package: "); ok {
				names = append(names, name)
				stanza[name] = s + "\n\n"
				break
			}
		}
	}
	return names, stanza
}

func parseDB(t testing.TB, files map[string][]byte) pkgdb.Database {
	t.Helper()
	dbs, probs := pkgdb.Parse(context.Background(), files)
	if len(dbs) != 1 {
		t.Fatalf("%d databases, problems %v", len(dbs), probs)
	}
	return dbs[0]
}

func categoryBytesOfPackages(res *Result, names ...string) (map[string]report.Category, int64) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	cats := map[string]report.Category{}
	var total int64
	for _, p := range res.Packages {
		if want[p.Name] {
			cats[p.Name] = p.Category
			total += p.Bytes
		}
	}
	return cats, total
}
