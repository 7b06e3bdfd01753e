package rpm

import (
	"context"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
)

// realHeaders are two small package headers copied from the sle15-bci NDB fixture (see testdata/README.md).
func realHeaders(f *testing.F) [][]byte {
	var out [][]byte
	for _, name := range []string{"testdata/system-user-root.hdr", "testdata/libbz2-1.hdr"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// checkPackage asserts what every decoded package must satisfy.
func checkPackage(t *testing.T, p Package) {
	t.Helper()
	if p.Name == "" || p.Size < 0 {
		t.Fatalf("bad package %q size %d", p.Name, p.Size)
	}
	for _, f := range p.Files {
		if !strings.HasPrefix(f.Path, "/") || path.Clean(f.Path) != f.Path {
			t.Fatalf("%s: path %q is not absolute and clean", p.Name, f.Path)
		}
	}
}

func FuzzRpmHeader(f *testing.F) {
	for _, h := range realHeaders(f) {
		f.Add(h)
	}
	f.Add(samplePackage("a"))
	f.Add(buildHeader(tStr(tagName, "n"), tStrs(tagOldFileNames, "/a", "b/../c")))
	f.Fuzz(func(t *testing.T, blob []byte) {
		p, err := ParseHeader(blob)
		if err != nil {
			return
		}
		checkPackage(t, p)
	})
}

// FuzzRpmDB feeds whole databases to Parse. The seeds are small valid databases of each format built around
// real headers, so mutations reach the page, slot and b-tree walkers, plus cut-off prefixes of the real
// fixtures in testdata/fuzz/FuzzRpmDB. Everything stays in memory, so an execution costs microseconds.
func FuzzRpmDB(f *testing.F) {
	hs := realHeaders(f)
	f.Add(buildNDB(hs...))
	f.Add(buildBDB(512, false, false, hs...))
	f.Add(buildBDB(512, true, false, hs[0]))
	f.Add(buildBDB(8192, false, true, hs[0]))
	f.Add(buildSQLite(512, hs[0]))
	f.Add(buildSQLite(4096, samplePackage("a"), samplePackage("b")))
	f.Fuzz(func(t *testing.T, db []byte) {
		pkgs, err := Parse(context.Background(), db)
		if err == nil && len(db) == 0 {
			t.Fatal("empty input parsed without error")
		}
		for _, p := range pkgs {
			checkPackage(t, p)
		}
		again, err2 := Parse(context.Background(), db)
		if !reflect.DeepEqual(pkgs, again) || (err == nil) != (err2 == nil) {
			t.Fatal("Parse is not deterministic")
		}
	})
}
